"""A NotebookJobStep with parameters and an additional dependency: the notebook runs
with papermill in the migrated step, its parameters injected."""

from sagemaker.workflow.notebook_job_step import NotebookJobStep
from sagemaker.workflow.parameters import ParameterInteger
from sagemaker.workflow.pipeline import Pipeline

rows = ParameterInteger(name="Rows", default_value=4)

summary = NotebookJobStep(
    name="Summary",
    input_notebook="notebooks/summary.ipynb",
    additional_dependencies=["notebooks/squares.py"],
    image_uri="542918446943.dkr.ecr.us-west-2.amazonaws.com/sagemaker-distribution-prod:1-cpu",
    kernel_name="python3",
    role="arn:aws:iam::123456789012:role/SageMaker",
    instance_type="ml.m5.large",
    parameters={"rows": rows, "label": "sum of squares"},
)

pipeline = Pipeline(name="NotebookSummary", parameters=[rows], steps=[summary])
