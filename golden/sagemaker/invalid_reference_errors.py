"""Dangling references: an unknown step in JsonGet, an unknown property, an unknown
output, an unregistered property file, a duplicate step name, an unlisted parameter
and a string depends_on naming no step."""
from sagemaker.processing import ProcessingOutput, ScriptProcessor
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionGreaterThan
from sagemaker.workflow.functions import JsonGet
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.steps import ProcessingStep

unlisted = ParameterString(name="Unlisted", default_value="x")
processor = ScriptProcessor(image_uri="python:3.12", command=["python3"], instance_type="ml.t3.medium", instance_count=1, role="arn:aws:iam::1:role/r")
report = PropertyFile(name="Report", output_name="report", path="report.json")

first = ProcessingStep(
    name="Produce",
    processor=processor,
    outputs=[ProcessingOutput(output_name="report", source="/opt/ml/processing/report")],
    code="produce.py",
    job_arguments=["--mode", unlisted],
)
second = ProcessingStep(
    name="Consume",
    processor=processor,
    job_arguments=[
        first.properties.ProcessingOutputConfig.Outputs["missing"].S3Output.S3Uri,
        first.properties.ModelArtifacts.S3ModelArtifacts,
    ],
    code="consume.py",
    depends_on=["NoSuchStep"],
)
duplicate = ProcessingStep(name="Produce", processor=processor, code="again.py")
gate = ConditionStep(
    name="Gate",
    conditions=[
        ConditionGreaterThan(left=JsonGet(step_name="Typo", property_file=report, json_path="score"), right=0.5),
        ConditionGreaterThan(left=JsonGet(step_name="Produce", property_file=report, json_path="score"), right=0.5),
    ],
    if_steps=[duplicate],
)

pipeline = Pipeline(name="errors", steps=[first, second, gate])
