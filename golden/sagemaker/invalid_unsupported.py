"""Python ferry does not evaluate: steps built in a loop, a helper function returning
a step, an imported factory, star-args and an f-string over a pipeline variable."""
from sagemaker.processing import ProcessingInput, ScriptProcessor
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.steps import ProcessingStep

from company_ml.factories import make_training_step

bucket = ParameterString(name="Bucket", default_value="my-bucket")
processor = ScriptProcessor(image_uri="python:3.12", command=["python3"], instance_type="ml.m5.large", instance_count=1, role="arn:aws:iam::1:role/r")


def make_step(region):
    return ProcessingStep(name=f"prep-{region}", processor=processor, code="prep.py")


steps = []
for region in ["eu", "us"]:
    steps.append(ProcessingStep(name=f"shard-{region}", processor=processor, code="shard.py"))

common = {"processor": processor, "code": "merge.py"}
merge = ProcessingStep(
    name="merge",
    **common,
    inputs=[ProcessingInput(source=f"s3://{bucket}/input", destination="/opt/ml/processing/in")],
)
extra = [ProcessingStep(name="report", processor=processor, code="report.py")]

pipeline = Pipeline(
    name="unsupported",
    parameters=[bucket],
    steps=[merge, make_step("eu"), make_training_step("train"), *extra] + steps,
)
