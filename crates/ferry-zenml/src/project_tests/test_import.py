"""Import tier: every module of the project imports, and every pipeline object is
built and prepared by ZenML from its dev configuration without running a step."""

import importlib

import pytest

from tests.ladder import INVENTORY, PIPELINES, ids, pipeline_object, skip_if_missing


@pytest.mark.parametrize("module", INVENTORY["modules"])
def test_module_imports(module: str) -> None:
    """The module imports."""
    with skip_if_missing():
        importlib.import_module(module)


@pytest.mark.parametrize("entry", PIPELINES, ids=ids(PIPELINES))
def test_pipeline_builds(entry: dict) -> None:
    """The pipeline object builds and ZenML prepares it."""
    with skip_if_missing():
        pipeline = pipeline_object(entry)
        pipeline.prepare()
    assert pipeline.name == entry["name"]
    assert pipeline.is_dynamic == entry["dynamic"]
