//! Step Functions service integrations → the boto3 call that does the same:
//! optimized integrations (`arn:aws:states:::SERVICE:ACTION[.sync|.sync:2|
//! .waitForTaskToken]`), AWS SDK integrations (`arn:aws:states:::aws-sdk:SERVICE:ACTION`)
//! and the HTTP Task. The test `services_botocore` checks every client, method and
//! waiter here (and every one lowering the corpus produces) against botocore's models.
//!
//! Member names: Step Functions spells request and result members in PascalCase for
//! both kinds of integration, even where the API (and so boto3) uses camelCase
//! (`ecs:runTask` takes `TaskDefinition`, boto3 `taskDefinition`), so every call is
//! [`MemberNames::Pascal`]: renamed through the service model at run time.

use ferry_ir::{
    ArgFrom, CallTarget, Encode, Encoding, IntegrationPattern, MemberNames, SdkCall, SyncWait,
    WaitArg,
};

/// A Task `Resource` that names a service integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// `aws-sdk:` integration (else optimized, or `http`).
    pub sdk: bool,
    pub service: String,
    pub action: String,
    pub pattern: IntegrationPattern,
}

/// Split `arn:PARTITION:states:REGION:ACCOUNT:INTEGRATION`, where any part may be a
/// `${...}` substitution (which can itself contain `:`).
pub fn parse_resource(resource: &str) -> Option<Resource> {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut rest = resource;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("${")
            && let Some(end) = rest.find('}')
        {
            cur.push_str(&rest[..=end]);
            rest = &rest[end + 1..];
            continue;
        }
        if c == ':' && parts.len() < 5 {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    parts.push(cur);
    if parts.len() != 6 || parts[0] != "arn" || parts[2] != "states" {
        return None;
    }
    let integration = &parts[5];
    if integration.starts_with("activity:")
        || integration.starts_with("stateMachine:")
        || integration.starts_with("execution:")
    {
        return None;
    }
    let (body, pattern) = if let Some(a) = integration.strip_suffix(".sync:2") {
        (a, IntegrationPattern::Sync2)
    } else if let Some(a) = integration.strip_suffix(".sync") {
        (a, IntegrationPattern::Sync)
    } else if let Some(a) = integration.strip_suffix(".waitForTaskToken") {
        (a, IntegrationPattern::WaitForTaskToken)
    } else {
        (integration.as_str(), IntegrationPattern::RequestResponse)
    };
    let (sdk, body) = match body.strip_prefix("aws-sdk:") {
        Some(b) => (true, b),
        None => (false, body),
    };
    let (service, action) = body.split_once(':')?;
    (!service.is_empty() && !action.is_empty()).then(|| Resource {
        sdk,
        service: service.to_string(),
        action: action.to_string(),
        pattern,
    })
}

/// botocore's `xform_name`: an API operation name as a Python method name.
pub fn xform_name(name: &str) -> String {
    if name.contains('_') {
        return name.to_string();
    }
    let chars: Vec<char> = name.chars().collect();
    // `ListHITs`-style plural acronyms at the end: `..._hits`.
    let mut cut = chars.len();
    if chars.len() >= 3 && chars[chars.len() - 1] == 's' {
        let mut k = chars.len() - 1;
        while k > 0 && chars[k - 1].is_ascii_uppercase() {
            k -= 1;
        }
        if chars.len() - 1 - k >= 2 {
            cut = k;
        }
    }
    let (head, tail) = chars.split_at(cut);
    let mut s1 = String::new();
    // `(.)([A-Z][a-z]+)` → `\1_\2`
    for (i, c) in head.iter().enumerate() {
        if i > 0
            && c.is_ascii_uppercase()
            && head.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())
        {
            s1.push('_');
        }
        s1.push(*c);
    }
    if !tail.is_empty() {
        s1.push('_');
        s1.extend(tail.iter().map(|c| c.to_ascii_lowercase()));
    }
    // `([a-z0-9])([A-Z])` → `\1_\2`, then lower case.
    let s1: Vec<char> = s1.chars().collect();
    let mut out = String::new();
    for (i, c) in s1.iter().enumerate() {
        if i > 0
            && c.is_ascii_uppercase()
            && (s1[i - 1].is_ascii_lowercase() || s1[i - 1].is_ascii_digit())
        {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The API operation for a camelCase action (`listObjectsV2` → `ListObjectsV2`).
pub fn operation_name(action: &str) -> String {
    let mut c = action.chars();
    match c.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// AWS SDK integration service names (the SDK's service ids) whose boto3 client has
/// another name. Others are the same in both.
pub const SDK_CLIENTS: &[(&str, &str)] = &[
    ("sfn", "stepfunctions"),
    ("cloudwatchlogs", "logs"),
    ("eventbridge", "events"),
    ("cloudwatchevents", "events"),
    ("elasticloadbalancingv2", "elbv2"),
    ("elasticloadbalancing", "elb"),
    ("cognitoidentityprovider", "cognito-idp"),
    ("cognitoidentity", "cognito-identity"),
    ("iotdataplane", "iot-data"),
    ("bedrockagent", "bedrock-agent"),
    ("bedrockagentruntime", "bedrock-agent-runtime"),
    ("bedrockruntime", "bedrock-runtime"),
    ("sagemakerruntime", "sagemaker-runtime"),
    ("redshiftdata", "redshift-data"),
    ("acmpca", "acm-pca"),
    ("costexplorer", "ce"),
    ("emrserverless", "emr-serverless"),
    ("emrcontainers", "emr-containers"),
    ("elasticmapreduce", "emr"),
    ("kinesisfirehose", "firehose"),
    ("apigatewayv2", "apigatewayv2"),
    ("applicationautoscaling", "application-autoscaling"),
    ("dynamodbstreams", "dynamodbstreams"),
    ("secretsmanager", "secretsmanager"),
    ("lexruntimev2", "lexv2-runtime"),
    ("lexmodelsv2", "lexv2-models"),
    ("mediapackagevod", "mediapackage-vod"),
    ("servicediscovery", "servicediscovery"),
    ("ssmincidents", "ssm-incidents"),
    ("timestreamwrite", "timestream-write"),
    ("timestreamquery", "timestream-query"),
];

/// Services known to have a boto3 client of the same name (checked by the test).
pub const SAME_NAME_CLIENTS: &[&str] = &[
    "athena",
    "autoscaling",
    "batch",
    "bedrock",
    "cloudformation",
    "cloudwatch",
    "codebuild",
    "codepipeline",
    "comprehend",
    "config",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "eks",
    "emr",
    "events",
    "firehose",
    "glue",
    "iam",
    "iot",
    "kinesis",
    "kms",
    "lambda",
    "mediaconvert",
    "organizations",
    "polly",
    "rds",
    "redshift",
    "rekognition",
    "route53",
    "s3",
    "sagemaker",
    "scheduler",
    "ses",
    "sesv2",
    "sns",
    "sqs",
    "ssm",
    "sts",
    "support",
    "textract",
    "transcribe",
    "translate",
];

/// AWS SDK integration services that were discontinued: boto3 no longer has a client.
pub const RETIRED: &[(&str, &str)] = &[
    ("iotanalytics", "AWS IoT Analytics"),
    ("lookoutvision", "Amazon Lookout for Vision"),
];

/// The boto3 client for an AWS SDK integration service, and whether it is known.
pub fn sdk_client(service: &str) -> (String, bool) {
    if let Some((_, c)) = SDK_CLIENTS.iter().find(|(s, _)| *s == service) {
        return (c.to_string(), true);
    }
    (service.to_string(), SAME_NAME_CLIENTS.contains(&service))
}

/// How an optimized integration's `.sync` waits.
#[derive(Debug, Clone, Copy)]
pub struct Sync {
    pub method: &'static str,
    /// (keyword, from the response?, member path (API names; digits index lists), list)
    pub args: Args,
    pub waiter: Option<&'static str>,
    pub status: &'static [&'static str],
    pub success: &'static [&'static str],
    pub failure: &'static [&'static str],
}

/// One optimized integration.
#[derive(Debug, Clone, Copy)]
pub struct Optimized {
    pub service: &'static str,
    pub action: &'static str,
    pub client: &'static str,
    /// The API operation (its boto3 method is `xform_name(operation)`).
    pub operation: &'static str,
    pub encode: &'static [(&'static [&'static str], Encode)],
    pub decode: &'static [&'static [&'static str]],
    pub sync: Option<Sync>,
    /// Whether `.waitForTaskToken` is supported.
    pub callback: bool,
}

const fn call(
    service: &'static str,
    action: &'static str,
    client: &'static str,
    operation: &'static str,
) -> Optimized {
    Optimized {
        service,
        action,
        client,
        operation,
        encode: &[],
        decode: &[],
        sync: None,
        callback: false,
    }
}

const SAGEMAKER_DONE: &[&str] = &["Completed"];
const SAGEMAKER_FAILED: &[&str] = &["Failed", "Stopped"];

type Args = &'static [(&'static str, bool, &'static [&'static str], bool)];

const fn sagemaker(
    action: &'static str,
    operation: &'static str,
    describe: &'static str,
    status: &'static [&'static str],
    waiter: Option<&'static str>,
    args: Args,
) -> Optimized {
    Optimized {
        sync: Some(Sync {
            method: describe,
            args,
            waiter,
            status,
            success: SAGEMAKER_DONE,
            failure: SAGEMAKER_FAILED,
        }),
        ..call("sagemaker", action, "sagemaker", operation)
    }
}

/// The optimized integrations ferry knows.
pub static OPTIMIZED: &[Optimized] = &[
    Optimized {
        encode: &[(&["Payload"], Encode::JsonBytes)],
        decode: &[&["Payload"]],
        callback: true,
        ..call("lambda", "invoke", "lambda", "Invoke")
    },
    call("dynamodb", "getItem", "dynamodb", "GetItem"),
    call("dynamodb", "putItem", "dynamodb", "PutItem"),
    call("dynamodb", "updateItem", "dynamodb", "UpdateItem"),
    call("dynamodb", "deleteItem", "dynamodb", "DeleteItem"),
    Optimized {
        encode: &[(&["Message"], Encode::JsonText)],
        callback: true,
        ..call("sns", "publish", "sns", "Publish")
    },
    Optimized {
        encode: &[(&["MessageBody"], Encode::JsonText)],
        callback: true,
        ..call("sqs", "sendMessage", "sqs", "SendMessage")
    },
    Optimized {
        encode: &[(&["Entries", "*", "Detail"], Encode::JsonText)],
        callback: true,
        ..call("events", "putEvents", "events", "PutEvents")
    },
    Optimized {
        encode: &[(&["Input"], Encode::JsonText)],
        callback: true,
        sync: Some(Sync {
            method: "describe_execution",
            args: &[("executionArn", true, &["executionArn"], false)],
            waiter: None,
            status: &["status"],
            success: &["SUCCEEDED"],
            failure: &["FAILED", "TIMED_OUT", "ABORTED"],
        }),
        ..call(
            "states",
            "startExecution",
            "stepfunctions",
            "StartExecution",
        )
    },
    Optimized {
        encode: &[(&["Input"], Encode::JsonText)],
        ..call(
            "states",
            "startSyncExecution",
            "stepfunctions",
            "StartSyncExecution",
        )
    },
    Optimized {
        callback: true,
        sync: Some(Sync {
            method: "describe_tasks",
            args: &[
                ("cluster", false, &["cluster"], false),
                ("tasks", true, &["tasks", "0", "taskArn"], true),
            ],
            waiter: Some("tasks_stopped"),
            status: &["tasks", "0", "lastStatus"],
            success: &["STOPPED"],
            failure: &[],
        }),
        ..call("ecs", "runTask", "ecs", "RunTask")
    },
    Optimized {
        sync: Some(Sync {
            method: "describe_jobs",
            args: &[("jobs", true, &["jobId"], true)],
            waiter: None,
            status: &["jobs", "0", "status"],
            success: &["SUCCEEDED"],
            failure: &["FAILED"],
        }),
        ..call("batch", "submitJob", "batch", "SubmitJob")
    },
    Optimized {
        sync: Some(Sync {
            method: "get_job_run",
            args: &[
                ("JobName", false, &["JobName"], false),
                ("RunId", true, &["JobRunId"], false),
            ],
            waiter: None,
            status: &["JobRun", "JobRunState"],
            success: &["SUCCEEDED"],
            failure: &["FAILED", "ERROR", "TIMEOUT", "STOPPED"],
        }),
        ..call("glue", "startJobRun", "glue", "StartJobRun")
    },
    Optimized {
        sync: Some(Sync {
            method: "get_query_execution",
            args: &[("QueryExecutionId", true, &["QueryExecutionId"], false)],
            waiter: None,
            status: &["QueryExecution", "Status", "State"],
            success: &["SUCCEEDED"],
            failure: &["FAILED", "CANCELLED"],
        }),
        ..call(
            "athena",
            "startQueryExecution",
            "athena",
            "StartQueryExecution",
        )
    },
    call("athena", "getQueryExecution", "athena", "GetQueryExecution"),
    call("athena", "getQueryResults", "athena", "GetQueryResults"),
    call(
        "athena",
        "stopQueryExecution",
        "athena",
        "StopQueryExecution",
    ),
    call("athena", "getNamedQuery", "athena", "GetNamedQuery"),
    sagemaker(
        "createTrainingJob",
        "CreateTrainingJob",
        "describe_training_job",
        &["TrainingJobStatus"],
        Some("training_job_completed_or_stopped"),
        &[("TrainingJobName", false, &["TrainingJobName"], false)],
    ),
    sagemaker(
        "createTransformJob",
        "CreateTransformJob",
        "describe_transform_job",
        &["TransformJobStatus"],
        Some("transform_job_completed_or_stopped"),
        &[("TransformJobName", false, &["TransformJobName"], false)],
    ),
    sagemaker(
        "createProcessingJob",
        "CreateProcessingJob",
        "describe_processing_job",
        &["ProcessingJobStatus"],
        Some("processing_job_completed_or_stopped"),
        &[("ProcessingJobName", false, &["ProcessingJobName"], false)],
    ),
    sagemaker(
        "createHyperParameterTuningJob",
        "CreateHyperParameterTuningJob",
        "describe_hyper_parameter_tuning_job",
        &["HyperParameterTuningJobStatus"],
        None,
        &[(
            "HyperParameterTuningJobName",
            false,
            &["HyperParameterTuningJobName"],
            false,
        )],
    ),
    sagemaker(
        "createLabelingJob",
        "CreateLabelingJob",
        "describe_labeling_job",
        &["LabelingJobStatus"],
        None,
        &[("LabelingJobName", false, &["LabelingJobName"], false)],
    ),
    call("sagemaker", "createModel", "sagemaker", "CreateModel"),
    call(
        "sagemaker",
        "createEndpointConfig",
        "sagemaker",
        "CreateEndpointConfig",
    ),
    call("sagemaker", "createEndpoint", "sagemaker", "CreateEndpoint"),
    call("sagemaker", "updateEndpoint", "sagemaker", "UpdateEndpoint"),
    Optimized {
        sync: Some(Sync {
            method: "describe_cluster",
            args: &[("ClusterId", true, &["JobFlowId"], false)],
            waiter: Some("cluster_running"),
            status: &["Cluster", "Status", "State"],
            success: &["WAITING", "RUNNING"],
            failure: &["TERMINATED", "TERMINATED_WITH_ERRORS"],
        }),
        ..call("elasticmapreduce", "createCluster", "emr", "RunJobFlow")
    },
    Optimized {
        encode: &[(&["Body"], Encode::JsonBytes)],
        decode: &[&["body"]],
        ..call("bedrock", "invokeModel", "bedrock-runtime", "InvokeModel")
    },
    Optimized {
        sync: Some(Sync {
            method: "get_model_customization_job",
            args: &[("jobIdentifier", true, &["jobArn"], false)],
            waiter: None,
            status: &["status"],
            success: &["Completed"],
            failure: &["Failed", "Stopped"],
        }),
        ..call(
            "bedrock",
            "createModelCustomizationJob",
            "bedrock",
            "CreateModelCustomizationJob",
        )
    },
    Optimized {
        sync: Some(Sync {
            method: "get_job",
            args: &[("Id", true, &["Job", "Id"], false)],
            waiter: None,
            status: &["Job", "Status"],
            success: &["COMPLETE"],
            failure: &["ERROR", "CANCELED"],
        }),
        ..call("mediaconvert", "createJob", "mediaconvert", "CreateJob")
    },
    Optimized {
        sync: Some(Sync {
            method: "batch_get_builds",
            args: &[("ids", true, &["build", "id"], true)],
            waiter: None,
            status: &["builds", "0", "buildStatus"],
            success: &["SUCCEEDED"],
            failure: &["FAILED", "FAULT", "STOPPED", "TIMED_OUT"],
        }),
        ..call("codebuild", "startBuild", "codebuild", "StartBuild")
    },
    Optimized {
        sync: Some(Sync {
            method: "get_job_run",
            args: &[
                ("applicationId", false, &["applicationId"], false),
                ("jobRunId", true, &["jobRunId"], false),
            ],
            waiter: None,
            status: &["jobRun", "state"],
            success: &["SUCCESS"],
            failure: &["FAILED", "CANCELLED"],
        }),
        ..call(
            "emr-serverless",
            "startJobRun",
            "emr-serverless",
            "StartJobRun",
        )
    },
    call("s3", "getObject", "s3", "GetObject"),
    call("s3", "putObject", "s3", "PutObject"),
    call("s3", "listObjectsV2", "s3", "ListObjectsV2"),
];

/// Optimized actions that exist but whose Step Functions request differs from any
/// one SDK operation, or that have no SDK operation at all.
const NO_SDK_EQUIVALENT: &[(&str, &str, &str)] = &[
    (
        "elasticmapreduce",
        "addStep",
        "takes {ClusterId, Step} where the SDK's AddJobFlowSteps takes {JobFlowId, Steps}; write the boto3 call by hand",
    ),
    (
        "elasticmapreduce",
        "cancelStep",
        "takes {ClusterId, StepId} where the SDK's CancelSteps takes {ClusterId, StepIds}; write the boto3 call by hand",
    ),
    (
        "elasticmapreduce",
        "terminateCluster",
        "takes {ClusterId} where the SDK's TerminateJobFlows takes {JobFlowIds}; write the boto3 call by hand",
    ),
    (
        "elasticmapreduce",
        "setClusterTerminationProtection",
        "takes {ClusterId} where the SDK takes {JobFlowIds}; write the boto3 call by hand",
    ),
    (
        "elasticmapreduce",
        "modifyInstanceFleetByName",
        "looks the fleet up by name, which no single SDK operation does",
    ),
    (
        "elasticmapreduce",
        "modifyInstanceGroupByName",
        "looks the group up by name, which no single SDK operation does",
    ),
];

fn wait(s: &Sync, parse_output: bool) -> SyncWait {
    let strings = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    SyncWait {
        method: s.method.to_string(),
        args: s
            .args
            .iter()
            .map(|(name, response, path, list)| WaitArg {
                name: name.to_string(),
                from: if *response {
                    ArgFrom::Response
                } else {
                    ArgFrom::Request
                },
                path: strings(path),
                list: *list,
            })
            .collect(),
        waiter: s.waiter.map(str::to_string),
        status: strings(s.status),
        success: strings(s.success),
        failure: strings(s.failure),
        parse_json: if parse_output {
            vec![vec!["output".to_string()]]
        } else {
            Vec::new()
        },
    }
}

/// The call target of an integration, and a problem to report (F0323) when there is
/// no SDK equivalent or ferry had to assume one.
pub fn target(r: &Resource) -> (CallTarget, Option<String>) {
    let unsupported = |reason: String| {
        (
            CallTarget::Unsupported {
                reason: reason.clone(),
            },
            Some(reason),
        )
    };
    if !r.sdk && r.service == "http" && r.action == "invoke" {
        return (
            CallTarget::Http { connection: None },
            Some("the HTTP Task (`http:invoke`) is made as a plain HTTP request; its EventBridge connection's credentials (`Authentication.ConnectionArn`) are not applied: add the authorization header to the request".into()),
        );
    }
    if !r.sdk && r.service == "apigateway" && r.action == "invoke" {
        return (CallTarget::ApiGateway, None);
    }
    if r.sdk {
        if matches!(
            r.pattern,
            IntegrationPattern::Sync | IntegrationPattern::Sync2
        ) {
            return unsupported(format!(
                "AWS SDK integrations have no `.sync` pattern (`aws-sdk:{}:{}`)",
                r.service, r.action
            ));
        }
        if let Some((_, product)) = RETIRED.iter().find(|(s, _)| *s == r.service) {
            return unsupported(format!(
                "{product} (`aws-sdk:{}`) was discontinued and has no boto3 client",
                r.service
            ));
        }
        let (client, known) = sdk_client(&r.service);
        let operation = operation_name(&r.action);
        let call = CallTarget::Sdk(SdkCall {
            client: client.clone(),
            method: xform_name(&operation),
            operation,
            names: MemberNames::Pascal,
            encode: Vec::new(),
            decode: Vec::new(),
            wait: None,
        });
        let problem = (!known).then(|| {
            format!(
                "service `{}` is not in ferry's table of AWS SDK integrations; assumed boto3 client `{client}`",
                r.service
            )
        });
        return (call, problem);
    }
    if let Some((_, _, why)) = NO_SDK_EQUIVALENT
        .iter()
        .find(|(s, a, _)| *s == r.service && *a == r.action)
    {
        return unsupported(format!("`{}:{}` {why}", r.service, r.action));
    }
    let Some(o) = OPTIMIZED
        .iter()
        .find(|o| o.service == r.service && o.action == r.action)
    else {
        return unsupported(format!(
            "`{}:{}` is not an optimized integration ferry knows",
            r.service, r.action
        ));
    };
    let wait = match r.pattern {
        IntegrationPattern::Sync | IntegrationPattern::Sync2 => match &o.sync {
            Some(s) => Some(wait(
                s,
                r.pattern == IntegrationPattern::Sync2 && o.client == "stepfunctions",
            )),
            None => {
                return unsupported(format!(
                    "`{}:{}` has no `.sync` pattern ferry knows how to wait for",
                    r.service, r.action
                ));
            }
        },
        _ => None,
    };
    (
        CallTarget::Sdk(SdkCall {
            client: o.client.to_string(),
            method: xform_name(o.operation),
            operation: o.operation.to_string(),
            names: MemberNames::Pascal,
            encode: o
                .encode
                .iter()
                .map(|(path, how)| Encoding {
                    path: path.iter().map(|p| p.to_string()).collect(),
                    how: *how,
                })
                .collect(),
            decode: o
                .decode
                .iter()
                .map(|p| p.iter().map(|x| x.to_string()).collect())
                .collect(),
            wait,
        }),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names() {
        for (op, method) in [
            ("ListObjectsV2", "list_objects_v2"),
            ("GetObject", "get_object"),
            ("DescribeDBInstances", "describe_db_instances"),
            ("StartExecution", "start_execution"),
            (
                "CreateHyperParameterTuningJob",
                "create_hyper_parameter_tuning_job",
            ),
            ("InvokeModel", "invoke_model"),
            ("ListHITs", "list_hits"),
            ("RunJobFlow", "run_job_flow"),
            ("GetObjectAttributes", "get_object_attributes"),
        ] {
            assert_eq!(xform_name(op), method, "{op}");
        }
    }

    #[test]
    fn resources() {
        let r = parse_resource("arn:aws:states:::states:startExecution.sync:2").unwrap();
        assert_eq!(
            (r.service.as_str(), r.action.as_str()),
            ("states", "startExecution")
        );
        assert_eq!(r.pattern, IntegrationPattern::Sync2);
        let r = parse_resource(
            "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:aws-sdk:s3:getObject",
        )
        .unwrap();
        assert!(r.sdk);
        assert_eq!(r.action, "getObject");
        let r =
            parse_resource("arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject").unwrap();
        assert_eq!(r.service, "s3");
        assert!(parse_resource("arn:aws:states:us-east-1:1:activity:x").is_none());
        assert!(parse_resource("arn:aws:lambda:us-east-1:1:function:f").is_none());
        let (t, p) = target(&parse_resource("arn:aws:states:::states:startExecution").unwrap());
        assert!(p.is_none());
        let CallTarget::Sdk(c) = t else { panic!() };
        assert_eq!(
            (c.client.as_str(), c.method.as_str()),
            ("stepfunctions", "start_execution")
        );
        let (t, _) = target(&parse_resource("arn:aws:states:::bedrock:invokeModel").unwrap());
        let CallTarget::Sdk(c) = t else { panic!() };
        assert_eq!(c.client, "bedrock-runtime");
        let (t, p) = target(&parse_resource("arn:aws:states:::http:invoke").unwrap());
        assert!(matches!(t, CallTarget::Http { .. }) && p.is_some());
        let (t, p) = target(&parse_resource("arn:aws:states:::aws-sdk:s3:getObject.sync").unwrap());
        assert!(matches!(t, CallTarget::Unsupported { .. }) && p.is_some());
    }
}
