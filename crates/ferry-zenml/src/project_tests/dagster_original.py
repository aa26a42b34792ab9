"""Materialise the original Dagster assets in-process and print their values as
JSON on stdout. test_parity.py runs it with an interpreter that has `dagster`:

    python tests/dagster_original.py CODE_LOCATION ASSET...
"""

import importlib
import json
import sys
from pathlib import Path

import dagster as dg


def load(location: Path) -> list[object]:
    """Import every module of the code location; return the module objects."""
    package = location.is_file() or (location / "__init__.py").is_file()
    root = location.parent if package else location
    files = [location] if location.is_file() else sorted(location.rglob("*.py"))
    sys.path.insert(0, str(root))
    modules = []
    for file in files:
        parts = list(file.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts and all(part.isidentifier() for part in parts):
            modules.append(importlib.import_module(".".join(parts)))
    return modules


def main() -> None:
    """Materialise every asset of the location and print the requested values."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.values import encode

    location, names = Path(sys.argv[1]), sys.argv[2:]
    assets, resources, seen = [], {}, set()
    for module in load(location):
        for value in vars(module).values():
            if isinstance(value, dg.Definitions):
                resources.update(value.resources or {})
            if isinstance(value, dg.AssetsDefinition) and id(value) not in seen:
                seen.add(id(value))
                assets.append(value)
    result = dg.materialize(assets, resources=resources, raise_on_error=False)
    values = {}
    for name in names:
        keys = [key for a in assets for key in a.keys if key.path[-1] == name]
        if len(keys) != 1:
            values[name] = {"error": f"{len(keys)} assets are named {name}"}
            continue
        try:
            values[name] = {"value": encode(result.asset_value(keys[0]))}
        except Exception as error:  # noqa: BLE001
            values[name] = {"error": f"{type(error).__name__}: {error}"}
    json.dump({"success": result.success, "values": values}, sys.stdout)


if __name__ == "__main__":
    main()
