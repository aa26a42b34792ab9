//! Which SageMaker class a call constructs, and how each step class maps to ZenML
//! (the concept map's Direct / Approximate / Absent classes).

use ferry_diagnostics::MigrationFlag;
use ferry_ir::Mapping;

/// The SageMaker step classes the front end lowers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepClass {
    Processing,
    Training,
    Tuning,
    Transform,
    CreateModel,
    Model,
    RegisterModel,
    Condition,
    Fail,
    Lambda,
    Callback,
    QualityCheck,
    ClarifyCheck,
    Emr,
    NotebookJob,
    AutoMl,
    MonitorBatchTransform,
}

impl StepClass {
    pub fn from_class_name(name: &str) -> Option<Self> {
        Some(match name {
            "ProcessingStep" => StepClass::Processing,
            "TrainingStep" => StepClass::Training,
            "TuningStep" => StepClass::Tuning,
            "TransformStep" => StepClass::Transform,
            "CreateModelStep" => StepClass::CreateModel,
            "ModelStep" => StepClass::Model,
            "RegisterModel" => StepClass::RegisterModel,
            "ConditionStep" => StepClass::Condition,
            "FailStep" => StepClass::Fail,
            "LambdaStep" => StepClass::Lambda,
            "CallbackStep" => StepClass::Callback,
            "QualityCheckStep" => StepClass::QualityCheck,
            "ClarifyCheckStep" => StepClass::ClarifyCheck,
            "EMRStep" => StepClass::Emr,
            "NotebookJobStep" => StepClass::NotebookJob,
            "AutoMLStep" => StepClass::AutoMl,
            "MonitorBatchTransformStep" => StepClass::MonitorBatchTransform,
            _ => return None,
        })
    }

    pub fn class_name(self) -> &'static str {
        match self {
            StepClass::Processing => "ProcessingStep",
            StepClass::Training => "TrainingStep",
            StepClass::Tuning => "TuningStep",
            StepClass::Transform => "TransformStep",
            StepClass::CreateModel => "CreateModelStep",
            StepClass::Model => "ModelStep",
            StepClass::RegisterModel => "RegisterModel",
            StepClass::Condition => "ConditionStep",
            StepClass::Fail => "FailStep",
            StepClass::Lambda => "LambdaStep",
            StepClass::Callback => "CallbackStep",
            StepClass::QualityCheck => "QualityCheckStep",
            StepClass::ClarifyCheck => "ClarifyCheckStep",
            StepClass::Emr => "EMRStep",
            StepClass::NotebookJob => "NotebookJobStep",
            StepClass::AutoMl => "AutoMLStep",
            StepClass::MonitorBatchTransform => "MonitorBatchTransformStep",
        }
    }

    /// The `job` name of a [`ferry_ir::StepKind::Job`] lowered from this class.
    pub fn job_name(self) -> &'static str {
        match self {
            StepClass::Processing => "processing",
            StepClass::Training => "training",
            StepClass::Tuning => "tuning",
            StepClass::Transform => "transform",
            StepClass::CreateModel => "create_model",
            StepClass::Model => "model",
            StepClass::RegisterModel => "register_model",
            StepClass::Condition => "condition",
            StepClass::Fail => "fail",
            StepClass::Lambda => "lambda",
            StepClass::Callback => "callback",
            StepClass::QualityCheck => "quality_check",
            StepClass::ClarifyCheck => "clarify_check",
            StepClass::Emr => "emr",
            StepClass::NotebookJob => "notebook_job",
            StepClass::AutoMl => "automl",
            StepClass::MonitorBatchTransform => "monitor_batch_transform",
        }
    }

    /// The concept map's class for this step type. LambdaStep depends on whether the
    /// design relies on the Lambda I/O contract, so it is decided by the caller.
    pub fn mapping(self) -> Mapping {
        let name = self.class_name();
        let aws_native = "a ZenML step that explicitly launches the AWS-native job; service \
semantics stay on AWS";
        match self {
            StepClass::Processing | StepClass::Training | StepClass::Fail => Mapping::direct(name),
            StepClass::Tuning => Mapping::approximate(
                name,
                "kept as an explicit hyperparameter-tuning step; never collapsed into one training run",
            ),
            StepClass::Transform
            | StepClass::QualityCheck
            | StepClass::ClarifyCheck
            | StepClass::Emr
            | StepClass::NotebookJob
            | StepClass::AutoMl
            | StepClass::MonitorBatchTransform => Mapping::approximate(name, aws_native),
            StepClass::CreateModel | StepClass::Model => Mapping::approximate(
                name,
                "explicit SageMaker model call in a step, or a deliberate move to the ZenML Model Control Plane",
            ),
            StepClass::RegisterModel => Mapping::approximate(
                name,
                "explicit SageMaker Model Registry call in a step; the registry is not the ZenML Model Control Plane",
            ),
            StepClass::Condition => Mapping::approximate(
                name,
                "backend placeholder evaluation becomes Python control flow in a dynamic pipeline \
(experimental; cannot be scheduled on the SageMaker orchestrator)",
            ),
            StepClass::Lambda => Mapping::approximate(
                name,
                "the Lambda function is invoked from a ZenML step with boto3",
            ),
            StepClass::Callback => Mapping::absent(
                name,
                "no native callback-token step in ZenML: keep the SQS handshake as an explicit AWS \
workflow or redesign the boundary",
                MigrationFlag::High,
            ),
        }
    }
}

/// Which pipeline-variable constructor a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamClass {
    String,
    Integer,
    Float,
    Boolean,
}

impl ParamClass {
    pub fn from_class_name(name: &str) -> Option<Self> {
        Some(match name {
            "ParameterString" => ParamClass::String,
            "ParameterInteger" => ParamClass::Integer,
            "ParameterFloat" => ParamClass::Float,
            "ParameterBoolean" => ParamClass::Boolean,
            _ => return None,
        })
    }

    pub fn ir_type(self) -> ferry_ir::ParamType {
        match self {
            ParamClass::String => ferry_ir::ParamType::String,
            ParamClass::Integer => ferry_ir::ParamType::Integer,
            ParamClass::Float => ferry_ir::ParamType::Float,
            ParamClass::Boolean => ferry_ir::ParamType::Boolean,
        }
    }
}

/// Constructor arguments of job objects (processors, estimators, tuners, transformers,
/// models, check configs) that are infrastructure: they become runtime hints.
pub const INFRA_KEYWORDS: &[&str] = &[
    "role",
    "image_uri",
    "instance_type",
    "instance_count",
    "instance_groups",
    "volume_size",
    "volume_size_in_gb",
    "volume_kms_key",
    "output_kms_key",
    "output_path",
    "code_location",
    "max_run",
    "max_wait",
    "max_runtime_in_seconds",
    "max_wait_time_in_seconds",
    "keep_alive_period_in_seconds",
    "use_spot_instances",
    "sagemaker_session",
    "tags",
    "base_job_name",
    "network_config",
    "security_group_ids",
    "subnets",
    "env",
    "environment",
    "environment_variables",
    "framework_version",
    "py_version",
    "s3_root_uri",
    "s3_kms_key",
    "encrypt_inter_container_traffic",
    "enable_network_isolation",
    "job_name_prefix",
    "execution_role_arn",
    "kms_key",
    "accelerator_type",
    "checkpoint_s3_uri",
    "disable_profiler",
    "debugger_hook_config",
];

pub fn is_infra(keyword: &str) -> bool {
    INFRA_KEYWORDS.contains(&keyword)
}
