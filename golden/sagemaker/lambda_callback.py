"""LambdaStep without outputs (Approximate), LambdaStep relying on declared outputs
(Absent) and CallbackStep (Absent, HIGH)."""
from sagemaker.lambda_helper import Lambda
from sagemaker.workflow.callback_step import CallbackOutput, CallbackOutputTypeEnum, CallbackStep
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.lambda_step import LambdaOutput, LambdaOutputTypeEnum, LambdaStep
from sagemaker.workflow.pipeline import Pipeline

notify = LambdaStep(
    name="NotifyStart",
    lambda_func=Lambda(function_arn="arn:aws:lambda:us-east-1:123456789012:function:notify"),
    inputs={"execution": ExecutionVariables.PIPELINE_EXECUTION_ID, "stage": "start"},
)

status = LambdaOutput(output_name="status", output_type=LambdaOutputTypeEnum.String)
check_endpoint = LambdaStep(
    name="CheckEndpoint",
    lambda_func=Lambda(function_name="check-endpoint", timeout=300),
    inputs={"endpoint": "churn-endpoint"},
    outputs=[status],
    depends_on=[notify],
)

approval = CallbackOutput(output_name="approved", output_type=CallbackOutputTypeEnum.Boolean)
human_review = CallbackStep(
    name="HumanReview",
    sqs_queue_url="https://sqs.us-east-1.amazonaws.com/123456789012/review-queue",
    inputs={"endpoint_status": check_endpoint.properties.Outputs["status"], "previous": status},
    outputs=[approval],
)

pipeline = Pipeline(name="lambda-callback", steps=[notify, check_endpoint, human_review])
