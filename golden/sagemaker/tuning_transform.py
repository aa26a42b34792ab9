"""TuningStep (tuner.fit), the best model from get_top_model_s3_uri, ModelStep
(model.create) and TransformStep (transformer.transform), all new style."""
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.model import Model
from sagemaker.transformer import Transformer
from sagemaker.tuner import ContinuousParameter, HyperparameterTuner, IntegerParameter
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import TransformStep, TuningStep

session = PipelineSession()
role = "arn:aws:iam::123456789012:role/SageMaker"
train_uri = ParameterString(name="TrainUri", default_value="s3://bucket/train/")
batch_uri = ParameterString(name="BatchUri", default_value="s3://bucket/batch/")

xgb = Estimator(
    image_uri="683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    instance_type="ml.m5.2xlarge",
    instance_count=1,
    role=role,
    output_path="s3://bucket/models",
    sagemaker_session=session,
)
tuner = HyperparameterTuner(
    estimator=xgb,
    objective_metric_name="validation:auc",
    hyperparameter_ranges={"eta": ContinuousParameter(0.01, 0.3), "max_depth": IntegerParameter(3, 10)},
    max_jobs=20,
    max_parallel_jobs=4,
    strategy="Bayesian",
)
step_tune = TuningStep(name="TuneXGB", step_args=tuner.fit(inputs={"train": TrainingInput(s3_data=train_uri)}))

best_model = Model(
    image_uri="683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    model_data=step_tune.get_top_model_s3_uri(top_k=0, s3_bucket="bucket", prefix="models"),
    role=role,
    sagemaker_session=session,
)
step_model = ModelStep(name="CreateBestModel", step_args=best_model.create(instance_type="ml.m5.large"))

transformer = Transformer(
    model_name=step_model.properties.ModelName,
    instance_type="ml.m5.xlarge",
    instance_count=2,
    output_path="s3://bucket/scores",
    sagemaker_session=session,
)
step_transform = TransformStep(
    name="BatchScore",
    step_args=transformer.transform(data=batch_uri, content_type="text/csv", split_type="Line"),
)

pipeline = Pipeline(
    name="TuneAndScore",
    parameters=[train_uri, batch_uri],
    steps=[step_tune, step_model, step_transform],
    sagemaker_session=session,
)
