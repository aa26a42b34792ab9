//! Task resources: which IR step kind a `Resource` ARN becomes, its integration
//! pattern, its classification, and the runtime hints of SageMaker job requests.

use ferry_diagnostics::MigrationFlag;
use ferry_ir::{Input, IntegrationPattern, Mapping, StepKind, Value};

/// The step kind of a Task resource, and a problem of its integration (F0323).
pub(crate) fn task_kind(resource: &str) -> (StepKind, Vec<Input>, Option<String>) {
    if let Some(r) = crate::services::parse_resource(resource) {
        if !r.sdk && r.service == "lambda" && r.action == "invoke" {
            return (
                StepKind::Lambda {
                    function: String::new(),
                    payload: Value::Object(Vec::new()),
                    pattern: r.pattern,
                },
                Vec::new(),
                None,
            );
        }
        let (target, problem) = crate::services::target(&r);
        return (
            StepKind::ServiceCall {
                service: r.service,
                action: r.action,
                pattern: r.pattern,
                request: Value::Object(Vec::new()),
                target: Some(Box::new(target)),
            },
            Vec::new(),
            problem,
        );
    }
    if resource.contains(":activity:") {
        return (
            StepKind::Activity {
                arn: resource.to_string(),
            },
            Vec::new(),
            None,
        );
    }
    if resource.contains(":lambda:") || (resource.starts_with("${") && resource.ends_with('}')) {
        return (
            StepKind::Lambda {
                function: resource.to_string(),
                payload: Value::Object(Vec::new()),
                pattern: IntegrationPattern::RequestResponse,
            },
            Vec::new(),
            None,
        );
    }
    (
        StepKind::Opaque {
            construct: format!("Task({resource})"),
            config: Value::String(resource.to_string()),
        },
        Vec::new(),
        None,
    )
}

/// What changes for a `.waitForTaskToken` Task (the report row and the step's note).
const CALLBACK_NOTE: &str = "the step sends the request with a task token of its own (`$$.Task.Token` is `rt.task_token()`, made from the ZenML step run id) and then polls the ZenML server for the artifact named after that token; whoever called SendTaskSuccess/SendTaskFailure with the token must now call `ferry_runtime.asl.send_task_success(token, output)` / `send_task_failure(token, error, cause)` (zenml.save_artifact) instead. HeartbeatSeconds is not checked; TimeoutSeconds bounds the wait";

/// What changes for an `apigateway:invoke` Task.
const APIGATEWAY_NOTE: &str = "invokes the API Gateway endpoint over HTTPS from the step (urllib; `AuthType: IAM_ROLE` signed with SigV4 through botocore); a status of 400 or more fails the step (`ApiGatewayError` naming the status); the response is Step Functions' {ResponseBody, StatusCode, StatusText, Headers}";

pub(crate) fn task_mapping(resource: &str, kind: &StepKind) -> Mapping {
    let parsed = crate::services::parse_resource(resource);
    let callback = resource.ends_with(".waitForTaskToken");
    let construct = match &parsed {
        Some(r) => format!(
            "Task({}{}:{}{})",
            if r.sdk { "aws-sdk:" } else { "" },
            r.service,
            r.action,
            match r.pattern {
                IntegrationPattern::RequestResponse => "",
                IntegrationPattern::Sync => ".sync",
                IntegrationPattern::Sync2 => ".sync:2",
                IntegrationPattern::WaitForTaskToken => ".waitForTaskToken",
            }
        ),
        None => format!("Task({resource})"),
    };
    if resource.contains(":activity:") {
        return Mapping::absent(
            construct,
            "activity workers poll Step Functions for work; move the worker's code into a step",
            MigrationFlag::High,
        );
    }
    if let StepKind::ServiceCall {
        target: Some(target),
        ..
    } = kind
    {
        match target.as_ref() {
            ferry_ir::CallTarget::Unsupported { reason } => {
                return Mapping::absent(construct, reason.clone(), MigrationFlag::High);
            }
            ferry_ir::CallTarget::Http { .. } => {
                return Mapping::approximate(
                    construct,
                    "makes the HTTPS request from the step (ferry_runtime's http_invoke); the EventBridge connection's credentials (Authentication.ConnectionArn) are not applied: add the authorization header to the request",
                )
                .with_flag(MigrationFlag::Medium);
            }
            ferry_ir::CallTarget::ApiGateway if !callback => {
                return Mapping::approximate(construct, APIGATEWAY_NOTE);
            }
            ferry_ir::CallTarget::Sdk(_)
            | ferry_ir::CallTarget::ApiGateway
            | ferry_ir::CallTarget::S3ItemReader => {}
        }
    }
    if resource.ends_with(".waitForTaskToken") {
        if parsed.is_none() {
            return Mapping::absent(
                construct,
                "the callback-token pause of an unrecognised resource has no ZenML equivalent; redesign as two pipelines joined by the external event",
                MigrationFlag::High,
            );
        }
        return Mapping::approximate(construct, CALLBACK_NOTE).with_flag(MigrationFlag::Medium);
    }
    if resource.starts_with("${") {
        return Mapping::approximate(construct, "the resource is a deploy-time substitution, assumed to be a Lambda function invoked from a step").with_flag(MigrationFlag::Medium);
    }
    if matches!(kind, StepKind::Lambda { .. }) {
        return Mapping::approximate(
            construct,
            "invokes the Lambda function with boto3 from a step; port its code into the step to drop the Lambda",
        );
    }
    if parsed
        .as_ref()
        .is_some_and(|r| r.service == "sagemaker" && !r.sdk)
    {
        return Mapping::approximate(
            construct,
            "launches the SageMaker job from a step with boto3 (.sync waits with a boto3 waiter); or keep SageMaker through the orchestrator settings in prod.yaml",
        );
    }
    if parsed.is_some() {
        return Mapping::approximate(construct, "calls the AWS API with boto3 from a step");
    }
    Mapping::absent(construct, "unrecognised Task resource", MigrationFlag::High)
}

/// Runtime hints of a SageMaker job request (kept apart from business parameters).
pub(crate) fn sagemaker_hints(request: &Value) -> ferry_ir::RuntimeHints {
    let mut hints = ferry_ir::RuntimeHints::new();
    let lookup = |path: &[&str]| -> Option<&Value> {
        let mut cur = request;
        for p in path {
            cur = cur.get(p)?;
        }
        Some(cur)
    };
    let candidates: &[(&str, &[&[&str]])] = &[
        (
            "instance_type",
            &[
                &["ProcessingResources", "ClusterConfig", "InstanceType"],
                &["ResourceConfig", "InstanceType"],
                &["TransformResources", "InstanceType"],
            ],
        ),
        (
            "instance_count",
            &[
                &["ProcessingResources", "ClusterConfig", "InstanceCount"],
                &["ResourceConfig", "InstanceCount"],
                &["TransformResources", "InstanceCount"],
            ],
        ),
        (
            "volume_size_in_gb",
            &[
                &["ProcessingResources", "ClusterConfig", "VolumeSizeInGB"],
                &["ResourceConfig", "VolumeSizeInGB"],
            ],
        ),
        (
            "max_runtime_in_seconds",
            &[&["StoppingCondition", "MaxRuntimeInSeconds"]],
        ),
        ("execution_role", &[&["RoleArn"], &["ExecutionRoleArn"]]),
        (
            "image",
            &[
                &["AppSpecification", "ImageUri"],
                &["AlgorithmSpecification", "TrainingImage"],
                &["PrimaryContainer", "Image"],
            ],
        ),
        ("output_s3_uri", &[&["OutputDataConfig", "S3OutputPath"]]),
    ];
    for (hint, paths) in candidates {
        if let Some(v) = paths.iter().find_map(|p| lookup(p))
            && !matches!(v, Value::Input(_))
        {
            hints.insert(hint.to_string(), v.clone());
        }
    }
    hints
}
