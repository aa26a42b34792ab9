"""Old argument style: processor=/inputs=/outputs=/code=/job_arguments=, estimator=,
legacy TransformStep and CreateModelStep, the deprecated condition_step.JsonGet,
string depends_on and retry policies."""
from sagemaker.inputs import CreateModelInput, TrainingInput, TransformInput
from sagemaker.model import Model
from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn.estimator import SKLearn
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.transformer import Transformer
from sagemaker.workflow.condition_step import ConditionStep, JsonGet
from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo
from sagemaker.workflow.parameters import ParameterFloat, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.retry import (
    SageMakerJobExceptionTypeEnum,
    SageMakerJobStepRetryPolicy,
    StepExceptionTypeEnum,
    StepRetryPolicy,
)
from sagemaker.workflow.steps import CreateModelStep, ProcessingStep, TrainingStep, TransformStep

role = "arn:aws:iam::123456789012:role/SageMakerRole"
raw_data = ParameterString(name="raw_data", default_value="s3://churn-bucket/raw/")
train_ratio = ParameterFloat(name="train_ratio", default_value=0.8)
min_accuracy = ParameterFloat(name="min_accuracy", default_value=0.7)

retry = [
    StepRetryPolicy(exception_types=[StepExceptionTypeEnum.SERVICE_FAULT, StepExceptionTypeEnum.THROTTLING], max_attempts=3, interval_seconds=10, backoff_rate=2.0),
    SageMakerJobStepRetryPolicy(exception_types=[SageMakerJobExceptionTypeEnum.CAPACITY_ERROR], expire_after_mins=60),
]

processor = SKLearnProcessor(framework_version="1.2-1", role=role, instance_type="ml.m5.large", instance_count=1)
prep = ProcessingStep(
    name="prepare",
    processor=processor,
    inputs=[ProcessingInput(source=raw_data, destination="/opt/ml/processing/raw", input_name="raw")],
    outputs=[
        ProcessingOutput(output_name="train", source="/opt/ml/processing/train", destination="s3://churn-bucket/prepared/train"),
        ProcessingOutput(output_name="test", source="/opt/ml/processing/test"),
    ],
    job_arguments=["--train-ratio", train_ratio.to_string(), "--seed", "42"],
    code="scripts/prepare.py",
    retry_policies=retry,
)

estimator = SKLearn(
    entry_point="train.py",
    source_dir="scripts",
    framework_version="1.2-1",
    instance_type="ml.m5.xlarge",
    role=role,
    hyperparameters={"n_estimators": 100, "max_depth": 8},
)
train = TrainingStep(
    name="train",
    estimator=estimator,
    inputs={"train": TrainingInput(s3_data=prep.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri)},
)

report = PropertyFile(name="report", output_name="metrics", path="metrics.json")
evaluate = ProcessingStep(
    name="evaluate",
    processor=processor,
    inputs=[
        ProcessingInput(source=train.properties.ModelArtifacts.S3ModelArtifacts, destination="/opt/ml/processing/model"),
        ProcessingInput(source=prep.properties.ProcessingOutputConfig.Outputs["test"].S3Output.S3Uri, destination="/opt/ml/processing/test"),
    ],
    outputs=[ProcessingOutput(output_name="metrics", source="/opt/ml/processing/metrics")],
    code="scripts/evaluate.py",
    property_files=[report],
)

model = Model(image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:latest", model_data=train.properties.ModelArtifacts.S3ModelArtifacts, role=role)
create_model = CreateModelStep(name="create-model", model=model, inputs=CreateModelInput(instance_type="ml.m5.large"))

transformer = Transformer(
    model_name=create_model.properties.ModelName,
    instance_type="ml.m5.xlarge",
    instance_count=1,
    output_path="s3://churn-bucket/batch-output",
)
batch = TransformStep(
    name="batch-score",
    transformer=transformer,
    inputs=TransformInput(data=prep.properties.ProcessingOutputConfig.Outputs["test"].S3Output.S3Uri, content_type="text/csv"),
    depends_on=["evaluate"],
)

gate = ConditionStep(
    name="accuracy-gate",
    conditions=[ConditionGreaterThanOrEqualTo(left=JsonGet(evaluate, report, "binary_classification_metrics.accuracy.value"), right=min_accuracy)],
    if_steps=[create_model, batch],
    else_steps=[],
)

pipeline = Pipeline(name="churn-legacy", parameters=[raw_data, train_ratio, min_accuracy], steps=[prep, train, evaluate, gate])
