"""SageMaker project template style: everything inside get_pipeline(), parameters
with defaults, a FrameworkProcessor with source_dir, ModelStep(model.register)."""
import os

import boto3
import sagemaker
from sagemaker.inputs import TrainingInput
from sagemaker.model import Model
from sagemaker.processing import FrameworkProcessor, ProcessingInput, ProcessingOutput
from sagemaker.sklearn.estimator import SKLearn
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterInteger, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

BASE_DIR = os.path.dirname(os.path.realpath(__file__))


def get_session(region, default_bucket):
    boto_session = boto3.Session(region_name=region)
    return PipelineSession(boto_session=boto_session, default_bucket=default_bucket)


def get_pipeline(
    region,
    role=None,
    default_bucket=None,
    model_package_group_name="CustomerChurnPackageGroup",
    pipeline_name="CustomerChurnPipeline",
    base_job_prefix="churn",
):
    pipeline_session = get_session(region, default_bucket)
    instance_count = ParameterInteger(name="ProcessingInstanceCount", default_value=1)
    approval = ParameterString(name="ModelApprovalStatus", default_value="PendingManualApproval")
    input_data = ParameterString(name="InputDataUrl", default_value="s3://sagemaker-sample-files/datasets/churn.txt")

    processor = FrameworkProcessor(
        estimator_cls=SKLearn,
        framework_version="1.2-1",
        instance_type="ml.m5.xlarge",
        instance_count=instance_count,
        base_job_name=f"{base_job_prefix}/preprocess",
        sagemaker_session=pipeline_session,
        role=role,
    )
    step_args = processor.run(
        code="preprocess.py",
        source_dir=os.path.join(BASE_DIR, "scripts"),
        inputs=[ProcessingInput(source=input_data, destination="/opt/ml/processing/input")],
        outputs=[
            ProcessingOutput(output_name="train", source="/opt/ml/processing/train"),
            ProcessingOutput(output_name="validation", source="/opt/ml/processing/validation"),
        ],
        arguments=["--input-data", input_data],
    )
    step_process = ProcessingStep(name="PreprocessChurnData", step_args=step_args)

    estimator = SKLearn(
        entry_point="train.py",
        source_dir=os.path.join(BASE_DIR, "scripts"),
        framework_version="1.2-1",
        instance_type="ml.m5.xlarge",
        sagemaker_session=pipeline_session,
        role=role,
    )
    step_train = TrainingStep(
        name="TrainChurnModel",
        step_args=estimator.fit(
            inputs={
                "train": TrainingInput(s3_data=step_process.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri),
                "validation": TrainingInput(s3_data=step_process.properties.ProcessingOutputConfig.Outputs["validation"].S3Output.S3Uri),
            }
        ),
    )

    model = Model(
        image_uri=estimator.training_image_uri(),
        model_data=step_train.properties.ModelArtifacts.S3ModelArtifacts,
        sagemaker_session=pipeline_session,
        role=role,
    )
    step_register = ModelStep(
        name="RegisterChurnModel",
        step_args=model.register(
            content_types=["text/csv"],
            response_types=["text/csv"],
            inference_instances=["ml.t2.medium"],
            transform_instances=["ml.m5.large"],
            model_package_group_name=model_package_group_name,
            approval_status=approval,
        ),
    )

    return Pipeline(
        name=pipeline_name,
        parameters=[instance_count, approval, input_data],
        steps=[step_process, step_train, step_register],
        sagemaker_session=pipeline_session,
    )
