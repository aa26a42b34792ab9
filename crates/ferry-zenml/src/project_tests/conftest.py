"""pytest set-up of the generated tests: ZenML stays offline and quiet, and the
project folder is the source root ZenML resolves step code against."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _name, _value in {
    "ZENML_ANALYTICS_OPT_IN": "false",
    "ZENML_LOGGING_COLORS_DISABLED": "true",
    "ZENML_ENABLE_RICH_TRACEBACK": "false",
    "ZENML_AUTO_OPEN_DASHBOARD": "false",
    "AUTO_OPEN_DASHBOARD": "false",
}.items():
    os.environ.setdefault(_name, _value)
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_configure(config: object) -> None:
    """Resolve step sources against the project folder, wherever pytest runs from."""
    from zenml.utils import source_utils

    source_utils.set_custom_source_root(str(ROOT))
