"""QualityCheckStep, ClarifyCheckStep and MonitorBatchTransformStep."""
from sagemaker.clarify import BiasConfig, DataConfig
from sagemaker.model_monitor import DatasetFormat
from sagemaker.transformer import Transformer
from sagemaker.workflow.check_job_config import CheckJobConfig
from sagemaker.workflow.clarify_check_step import ClarifyCheckStep, DataBiasCheckConfig
from sagemaker.workflow.monitor_batch_transform_step import MonitorBatchTransformStep
from sagemaker.workflow.parameters import ParameterBoolean, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.quality_check_step import DataQualityCheckConfig, QualityCheckStep
from sagemaker.workflow.steps import CacheConfig

session = PipelineSession()
role = "arn:aws:iam::123456789012:role/SageMaker"
baseline_data = ParameterString(name="BaselineData", default_value="s3://bucket/baseline.csv")
skip_check = ParameterBoolean(name="SkipDataQualityCheck", default_value=False)

check_job = CheckJobConfig(role=role, instance_count=1, instance_type="ml.c5.xlarge", volume_size_in_gb=60, sagemaker_session=session)

data_quality = QualityCheckStep(
    name="DataQualityCheck",
    quality_check_config=DataQualityCheckConfig(
        baseline_dataset=baseline_data,
        dataset_format=DatasetFormat.csv(header=False),
        output_s3_uri="s3://bucket/monitoring/data-quality",
    ),
    check_job_config=check_job,
    skip_check=skip_check,
    register_new_baseline=True,
    model_package_group_name="ChurnGroup",
    cache_config=CacheConfig(enable_caching=False),
)

data_bias = ClarifyCheckStep(
    name="DataBiasCheck",
    clarify_check_config=DataBiasCheckConfig(
        data_config=DataConfig(s3_data_input_path=baseline_data, s3_output_path="s3://bucket/clarify", label="churn", dataset_type="text/csv"),
        data_bias_config=BiasConfig(label_values_or_threshold=[1], facet_name="age"),
    ),
    check_job_config=check_job,
    supplied_baseline_constraints=data_quality.properties.CalculatedBaselineConstraints,
    model_package_group_name="ChurnGroup",
)

transformer = Transformer(model_name="churn-model", instance_type="ml.m5.xlarge", instance_count=1, output_path="s3://bucket/transform", sagemaker_session=session)
monitored_transform = MonitorBatchTransformStep(
    name="MonitoredTransform",
    transform_step_args=transformer.transform(data="s3://bucket/batch/", content_type="text/csv"),
    monitor_configuration=DataQualityCheckConfig(baseline_dataset=baseline_data, dataset_format=DatasetFormat.csv(header=False)),
    check_job_configuration=check_job,
    monitor_before_transform=True,
    fail_on_violation=False,
)

monitored_transform.depends_on = [data_bias]

pipeline = Pipeline(
    name="checks",
    parameters=[baseline_data, skip_check],
    steps=[data_quality, data_bias, monitored_transform],
)
