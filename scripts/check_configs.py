"""Validate generated ZenML run configurations against ZenML's own models.

ZenML silently drops unknown top-level keys and accepts unknown fields in SageMaker
settings, so a typo would pass unnoticed; this check makes it an error.
Usage: python scripts/check_configs.py CONFIG.yaml ...
"""

import sys

import yaml
from zenml.config.pipeline_run_configuration import PipelineRunConfiguration
from zenml.config.step_configurations import StepConfigurationUpdate
from zenml.integrations.aws.flavors.sagemaker_orchestrator_flavor import (
    SagemakerOrchestratorSettings,
)

SETTINGS = {"orchestrator.sagemaker": SagemakerOrchestratorSettings}


def problems_in(path: str) -> list[str]:
    """Every problem of one configuration file."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    found = [
        f"{path}: unknown top-level key {key!r}"
        for key in sorted(set(data) - set(PipelineRunConfiguration.model_fields))
    ]
    scopes = [("settings", data.get("settings") or {})]
    for name, step in (data.get("steps") or {}).items():
        found.extend(
            f"{path}: steps.{name}: unknown key {key!r}"
            for key in sorted(
                set(step or {}) - set(StepConfigurationUpdate.model_fields)
            )
        )
        scopes.append((f"steps.{name}.settings", (step or {}).get("settings") or {}))
    for where, settings in scopes:
        for key, value in settings.items():
            model = SETTINGS.get(key)
            if model is None:
                continue
            found.extend(
                f"{path}: {where}.{key}: unknown field {field!r}"
                for field in sorted(set(value or {}) - set(model.model_fields))
            )
            model.model_validate(value or {})
    PipelineRunConfiguration.model_validate(data)
    return found


def main() -> int:
    """Check every file given; print the problems."""
    problems = [p for path in sys.argv[1:] for p in problems_in(path)]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
