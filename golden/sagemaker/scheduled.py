"""A scheduled pipeline: PipelineSchedule + put_triggers, pipeline_definition_config,
cache and retry on a @step with an explicit depends_on."""
import json

from sagemaker.workflow.function_step import step
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_definition_config import PipelineDefinitionConfig
from sagemaker.workflow.retry import StepExceptionTypeEnum, StepRetryPolicy
from sagemaker.workflow.triggers import PipelineSchedule


@step(name="extract", retry_policies=[StepRetryPolicy(exception_types=[StepExceptionTypeEnum.THROTTLING], max_attempts=5, interval_seconds=30, backoff_rate=1.5)])
def extract() -> dict:
    return {"rows": 3}


@step(name="load")
def load(batch: dict) -> int:
    return batch["rows"]


@step(name="audit")
def audit() -> str:
    return json.dumps({"status": "ok"})


loaded = load(extract())
audited = audit()

pipeline = Pipeline(
    name="nightly-etl",
    steps=[loaded, audited],
    pipeline_definition_config=PipelineDefinitionConfig(use_custom_job_prefix=True),
)
pipeline.upsert(role_arn="arn:aws:iam::123456789012:role/SageMaker")
nightly = PipelineSchedule(name="nightly", cron="0 2 * * ? *")
hourly = PipelineSchedule(name="hourly", rate="1 hour", enabled=False)
pipeline.put_triggers(triggers=[nightly, hourly], role_arn="arn:aws:iam::123456789012:role/Scheduler")
