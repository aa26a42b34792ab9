"""Every condition class, combined; ExecutionVariables and Join in a FailStep."""
from sagemaker.processing import ProcessingOutput, ScriptProcessor
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import (
    ConditionEquals,
    ConditionGreaterThan,
    ConditionIn,
    ConditionLessThan,
    ConditionNot,
    ConditionOr,
)
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.parameters import Parameter, ParameterBoolean, ParameterString, ParameterTypeEnum
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.steps import ProcessingStep

env = ParameterString(name="Environment", default_value="staging")
min_rows = Parameter(name="MinRows", parameter_type=ParameterTypeEnum.INTEGER, default_value=1000)
force = ParameterBoolean(name="Force", default_value=False)

processor = ScriptProcessor(image_uri="python:3.12-slim", command=["python3"], instance_type="ml.t3.medium", instance_count=1, role="arn:aws:iam::1:role/r")
stats = PropertyFile(name="Stats", output_name="stats", path="stats.json")
profile = ProcessingStep(
    name="Profile",
    processor=processor,
    outputs=[ProcessingOutput(output_name="stats", source="/opt/ml/processing/stats", destination=Join(on="/", values=["s3://bucket/profiles", ExecutionVariables.PIPELINE_EXECUTION_ID]))],
    code="profile.py",
    property_files=[stats],
)
rows = JsonGet(step_name="Profile", property_file=stats, json_path="dataset.rows")

publish = ProcessingStep(name="Publish", processor=processor, code="publish.py")
archive = ProcessingStep(name="Archive", processor=processor, code="archive.py")
stop = FailStep(name="Stop", error_message=Join(on=" ", values=["not enough rows in", ExecutionVariables.PIPELINE_NAME]))

gate = ConditionStep(
    name="Gate",
    conditions=[
        ConditionOr(conditions=[ConditionGreaterThan(left=rows, right=min_rows), ConditionEquals(left=force, right=True)]),
        ConditionIn(value=env, in_values=["staging", "prod"]),
        ConditionNot(expression=ConditionLessThan(left=JsonGet(step=profile, property_file="Stats", json_path="dataset.null_ratio"), right=0.0)),
    ],
    if_steps=[publish, archive],
    else_steps=[stop],
)

pipeline = Pipeline(name="conditions", parameters=[env, min_rows, force], steps=[profile, gate])
