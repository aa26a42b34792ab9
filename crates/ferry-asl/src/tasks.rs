//! Task resources: which IR step kind a `Resource` ARN becomes, its integration
//! pattern, its classification, and the runtime hints of SageMaker job requests.

use ferry_diagnostics::MigrationFlag;
use ferry_ir::{Input, IntegrationPattern, Mapping, StepKind, Value};

pub(crate) fn integration(action: &str) -> (&str, IntegrationPattern) {
    if let Some(a) = action.strip_suffix(".sync:2") {
        (a, IntegrationPattern::Sync2)
    } else if let Some(a) = action.strip_suffix(".sync") {
        (a, IntegrationPattern::Sync)
    } else if let Some(a) = action.strip_suffix(".waitForTaskToken") {
        (a, IntegrationPattern::WaitForTaskToken)
    } else {
        (action, IntegrationPattern::RequestResponse)
    }
}

pub(crate) fn task_kind(resource: &str) -> (StepKind, Vec<Input>) {
    if let Some(rest) = resource.strip_prefix("arn:aws:states:::") {
        let (service_action, pattern) = integration(rest);
        let (service, action) = match service_action.strip_prefix("aws-sdk:") {
            Some(sdk) => sdk.split_once(':').unwrap_or((sdk, "")),
            None => service_action
                .split_once(':')
                .unwrap_or((service_action, "")),
        };
        if service == "lambda" && action == "invoke" {
            return (
                StepKind::Lambda {
                    function: String::new(),
                    payload: Value::Object(Vec::new()),
                    pattern,
                },
                Vec::new(),
            );
        }
        return (
            StepKind::ServiceCall {
                service: service.to_string(),
                action: action.to_string(),
                pattern,
                request: Value::Object(Vec::new()),
                target: None,
            },
            Vec::new(),
        );
    }
    if resource.contains(":activity:") {
        return (
            StepKind::Activity {
                arn: resource.to_string(),
            },
            Vec::new(),
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
        );
    }
    (
        StepKind::Opaque {
            construct: format!("Task({resource})"),
            config: Value::String(resource.to_string()),
        },
        Vec::new(),
    )
}

pub(crate) fn task_mapping(resource: &str) -> Mapping {
    let construct = format!(
        "Task({})",
        resource
            .strip_prefix("arn:aws:states:::")
            .unwrap_or(resource)
    );
    if resource.ends_with(".waitForTaskToken") {
        return Mapping::absent(
            construct,
            "the callback-token pause has no ZenML equivalent; redesign as two pipelines joined by the external event, or poll inside a step",
            MigrationFlag::High,
        );
    }
    if resource.contains(":activity:") {
        return Mapping::absent(
            construct,
            "activity workers poll Step Functions for work; move the worker's code into a step",
            MigrationFlag::High,
        );
    }
    if resource.starts_with("${") {
        return Mapping::approximate(construct, "the resource is a deploy-time substitution, assumed to be a Lambda function invoked from a step").with_flag(MigrationFlag::Medium);
    }
    if resource.contains("lambda") {
        return Mapping::approximate(
            construct,
            "invokes the Lambda function with boto3 from a step; port its code into the step to drop the Lambda",
        );
    }
    if resource.contains(":::sagemaker:") {
        return Mapping::approximate(
            construct,
            "launches the SageMaker job from a step with boto3 (.sync waits with a boto3 waiter); or keep SageMaker through the orchestrator settings in prod.yaml",
        );
    }
    if resource.starts_with("arn:aws:states:::") {
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
