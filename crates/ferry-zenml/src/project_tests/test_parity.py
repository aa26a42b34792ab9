"""Parity tier (Dagster sources): the original assets, materialised in-process by
Dagster on the same inputs, have the values the ZenML run's artifacts hold. Needs
the original code location (`ferry compile --parity-against PATH`, or the
FERRY_PARITY_AGAINST variable) and an interpreter with `dagster` (this one, or
FERRY_PARITY_PYTHON); skips with the reason otherwise."""

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ladder import INVENTORY, PIPELINES, ROOT, pipeline_object
from tests.values import compare, encode

PARITY = INVENTORY.get("parity") or {"against": None, "assets": []}


def location() -> Path:
    """The original code location, or a skip saying how to give it."""
    given = os.environ.get("FERRY_PARITY_AGAINST") or PARITY["against"]
    if not given:
        pytest.skip(
            "no original code location: compile with "
            "`ferry compile --parity-against PATH` or set FERRY_PARITY_AGAINST"
        )
    path = Path(given) if Path(given).is_absolute() else ROOT / given
    if not path.exists():
        pytest.skip(f"the original code location {path} does not exist")
    return path


@functools.cache
def original() -> dict:
    """The original assets' values, materialised by Dagster in a subprocess."""
    python = os.environ.get("FERRY_PARITY_PYTHON") or sys.executable
    probe = subprocess.run(
        [python, "-c", "import dagster"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        pytest.skip(f"`dagster` is not importable by {python}")
    names = sorted({asset["asset"] for asset in PARITY["assets"]})
    script = Path(__file__).resolve().parent / "dagster_original.py"
    done = subprocess.run(
        [python, str(script), str(location()), *names],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout)["values"]


@functools.cache
def migrated(pipeline: str) -> object:
    """The run of one migrated pipeline on the active stack."""
    entry = next(entry for entry in PIPELINES if entry["name"] == pipeline)
    return pipeline_object(entry, enable_cache=False)()


@pytest.mark.parametrize(
    "asset",
    PARITY["assets"],
    ids=[f"{asset['pipeline']}-{asset['asset']}" for asset in PARITY["assets"]],
)
def test_asset_parity(asset: dict) -> None:
    """One asset's value, in Dagster and in ZenML."""
    location()
    expected = original()[asset["asset"]]
    assert "error" not in expected, expected.get("error")
    run = migrated(asset["pipeline"])
    artifact = run.steps[asset["function"]].outputs[asset["output"]][0]
    problems = compare(expected["value"], encode(artifact.load()))
    assert not problems, "\n".join(problems)
