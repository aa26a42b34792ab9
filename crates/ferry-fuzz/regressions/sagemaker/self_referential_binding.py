# A fuzz finding (case 6708): a binding whose value names itself overflowed the stack,
# because the reference resolved to the binding being defined.
from sagemaker.workflow.check_job_config import CheckJobConfig
from sagemaker.workflow.monitor_batch_transform_step import MonitorBatchTransformStep
from sagemaker.workflow.pipeline import Pipeline

check_job = CheckJobConfig(role="arn:aws:iam::1:role/r", check_job_config=check_job)
monitored = MonitorBatchTransformStep(name="Monitor", check_job_configuration=check_job)
pipeline = Pipeline(name="p", steps=[monitored])
