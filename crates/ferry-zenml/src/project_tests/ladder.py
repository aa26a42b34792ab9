"""What the generated tests share: the inventory ferry wrote (ferry-inventory.json),
the run configuration of each pipeline, and ZenML's compilation of a pipeline
without running any step."""

import contextlib
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
INVENTORY: dict[str, Any] = json.loads(
    (ROOT / "ferry-inventory.json").read_text(encoding="utf-8")
)
if INVENTORY.get("format") != "ferry-inventory/1":
    raise RuntimeError("ferry-inventory.json has a format these tests do not read")
PIPELINES: list[dict[str, Any]] = INVENTORY["pipelines"]


def ids(entries: list[dict[str, Any]]) -> list[str]:
    """Test ids: the pipeline names."""
    return [entry["name"] for entry in entries]


@contextlib.contextmanager
def skip_if_missing() -> Iterator[None]:
    """Skip when a dependency the project declares is not installed."""
    try:
        yield
    except ModuleNotFoundError as error:
        top = (error.name or "").split(".")[0]
        for dependency in INVENTORY["dependencies"]:
            if top in dependency["imports"]:
                pytest.skip(
                    f"dependency `{dependency['distribution']}` is not installed "
                    "(pip install -e '.[test]')"
                )
        raise


def config(entry: dict[str, Any]) -> dict[str, Any]:
    """The pipeline's run configuration (configs/dev.yaml or its own dev config)."""
    text = (ROOT / entry["config"]).read_text(encoding="utf-8")
    return yaml.safe_load(text) or {}


def pipeline_object(entry: dict[str, Any], **options: Any) -> Any:
    """The pipeline object, configured from its dev configuration."""
    module = importlib.import_module(entry["module"])
    pipeline = getattr(module, entry["name"])
    return pipeline.with_options(config_path=str(ROOT / entry["config"]), **options)


def compile_pipeline(entry: dict[str, Any]) -> dict[str, list[str]]:
    """ZenML's own compilation of the pipeline, no step executed: each step
    invocation with the invocations it runs after."""
    from zenml.client import Client
    from zenml.config.compiler import Compiler
    from zenml.config.pipeline_run_configuration import PipelineRunConfiguration

    pipeline = pipeline_object(entry)
    pipeline.prepare()
    snapshot = Compiler().compile(
        pipeline=pipeline,
        stack=Client().active_stack,
        run_configuration=PipelineRunConfiguration(**config(entry)),
    )
    return {
        invocation: sorted(step.spec.upstream_steps)
        for invocation, step in snapshot.step_configurations.items()
    }
