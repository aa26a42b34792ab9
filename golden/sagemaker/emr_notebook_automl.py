"""EMRStep, NotebookJobStep and AutoMLStep."""
from sagemaker.automl.automl import AutoML, AutoMLInput
from sagemaker.workflow.automl_step import AutoMLStep
from sagemaker.workflow.emr_step import EMRStep, EMRStepConfig
from sagemaker.workflow.notebook_job_step import NotebookJobStep
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession

session = PipelineSession()
role = "arn:aws:iam::123456789012:role/SageMaker"

spark_etl = EMRStep(
    name="SparkETL",
    display_name="Spark ETL",
    description="Aggregate click logs on the shared cluster",
    cluster_id="j-1ABCDEFGHIJKL",
    step_config=EMRStepConfig(
        jar="command-runner.jar",
        args=["spark-submit", "s3://bucket/jobs/etl.py", "--date", "2024-01-01"],
    ),
)

report = NotebookJobStep(
    name="WeeklyReport",
    input_notebook="notebooks/report.ipynb",
    image_uri="542918446943.dkr.ecr.us-west-2.amazonaws.com/sagemaker-distribution-prod:1-cpu",
    kernel_name="python3",
    role=role,
    instance_type="ml.m5.large",
    parameters={"cluster": spark_etl.properties.ClusterId, "week": "2024-W01"},
)

automl = AutoML(
    role=role,
    target_attribute_name="clicked",
    mode="ENSEMBLING",
    max_candidates=10,
    sagemaker_session=session,
)
step_automl = AutoMLStep(
    name="AutoMLClicks",
    step_args=automl.fit(inputs=[AutoMLInput(inputs="s3://bucket/clicks/train.csv", target_attribute_name="clicked", channel_type="training")]),
    depends_on=["SparkETL"],
)

report.add_depends_on([spark_etl])

pipeline = Pipeline(name="emr-notebook-automl", steps=[spark_etl, report, step_automl])
