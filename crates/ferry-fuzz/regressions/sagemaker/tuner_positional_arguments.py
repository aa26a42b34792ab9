# A fuzz finding (cases 504 and 1031, mutations of a corpus pipeline): a tuner given its
# estimator and objective positionally was generated as `HyperparameterTuner(estimator=...,
# metric, ranges, ...)`, a positional argument after a keyword (F0705).
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.tuner import ContinuousParameter, HyperparameterTuner
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.steps import TuningStep

estimator = Estimator(
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:latest",
    "arn:aws:iam::123456789012:role/train",
    1,
    "ml.m5.xlarge",
)
tuner = HyperparameterTuner(
    estimator,
    "validation:auc",
    {"eta": ContinuousParameter(0.1, 0.5)},
    max_jobs=4,
)
tune = TuningStep(
    name="Tune",
    tuner=tuner,
    inputs={"train": TrainingInput(s3_data="s3://bucket/train")},
)
pipeline = Pipeline(name="tuning", steps=[tune])
