use ferry_diagnostics::Span;
use serde::{Deserialize, Serialize};

use crate::{
    Binding, CachePolicy, ContainerJob, Mapping, Pipeline, RetryPolicy, RuntimeBinding,
    RuntimeHints, Value,
};

/// The type of a step's input or output port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PortType {
    Dataset,
    Model,
    Metrics,
    Json,
    Scalar,
    Uri,
    Unknown,
}

impl PortType {
    pub const ALL: [PortType; 7] = [
        PortType::Dataset,
        PortType::Model,
        PortType::Metrics,
        PortType::Json,
        PortType::Scalar,
        PortType::Uri,
        PortType::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PortType::Dataset => "dataset",
            PortType::Model => "model",
            PortType::Metrics => "metrics",
            PortType::Json => "json",
            PortType::Scalar => "scalar",
            PortType::Uri => "uri",
            PortType::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Whether a value of type `self` may flow into a port of type `to`. `unknown`
    /// matches everything; a projection into json/metrics may yield any type, which the
    /// verifier handles before calling this.
    pub fn flows_into(self, to: PortType) -> bool {
        self == to
            || self == PortType::Unknown
            || to == PortType::Unknown
            || matches!(
                (self, to),
                (PortType::Metrics, PortType::Json) | (PortType::Json, PortType::Metrics)
            )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    pub name: String,
    pub ty: PortType,
    pub binding: Binding,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    pub name: String,
    pub ty: PortType,
    pub span: Span,
}

/// How an AWS service call waits for its work (ASL integration patterns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationPattern {
    RequestResponse,
    /// `.sync`: wait for the job to finish.
    Sync,
    /// `.sync:2`: wait, JSON output.
    Sync2,
    /// `.waitForTaskToken`: pause until an external callback.
    WaitForTaskToken,
}

impl IntegrationPattern {
    pub const ALL: [IntegrationPattern; 4] = [
        IntegrationPattern::RequestResponse,
        IntegrationPattern::Sync,
        IntegrationPattern::Sync2,
        IntegrationPattern::WaitForTaskToken,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IntegrationPattern::RequestResponse => "request_response",
            IntegrationPattern::Sync => "sync",
            IntegrationPattern::Sync2 => "sync2",
            IntegrationPattern::WaitForTaskToken => "wait_for_task_token",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// A comparison operator of a branch condition. `*Path` variants of ASL are expressed
/// by an operand that is a binding rather than a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// String glob match (ASL StringMatches).
    Matches,
    /// Membership (SageMaker ConditionIn).
    In,
    /// Type tests (ASL IsNull/IsPresent/IsNumeric/IsString/IsBoolean/IsTimestamp).
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

impl CompareOp {
    pub const ALL: [CompareOp; 14] = [
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Lt,
        CompareOp::Le,
        CompareOp::Gt,
        CompareOp::Ge,
        CompareOp::Matches,
        CompareOp::In,
        CompareOp::IsNull,
        CompareOp::IsPresent,
        CompareOp::IsNumeric,
        CompareOp::IsString,
        CompareOp::IsBoolean,
        CompareOp::IsTimestamp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Matches => "matches",
            CompareOp::In => "in",
            CompareOp::IsNull => "is_null",
            CompareOp::IsPresent => "is_present",
            CompareOp::IsNumeric => "is_numeric",
            CompareOp::IsString => "is_string",
            CompareOp::IsBoolean => "is_boolean",
            CompareOp::IsTimestamp => "is_timestamp",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// A branch condition. Operands are bindings, so a condition reading another step's
/// output is a data dependency like any input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Condition {
    /// `lhs op rhs`; for the type tests `rhs` is `Literal(Bool)` (ASL `IsNull: false`).
    Compare {
        lhs: Binding,
        op: CompareOp,
        rhs: Binding,
    },
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
    /// An expression kept as written (JSONata `Condition`), evaluated by a generated
    /// helper or flagged.
    Expr {
        language: String,
        text: String,
    },
}

/// One rule of a branch step: when `condition` holds, take the branch edge labelled
/// `label` (e.g. `case0`, `then`). The default goes through the edge labelled `default`
/// / `else`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchRule {
    pub label: String,
    pub condition: Condition,
    pub span: Span,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepKind {
    /// Run a script in a container (processing job, Dagster op shelling out).
    Script {
        image: Option<String>,
        command: Vec<String>,
        code: Option<String>,
    },
    /// A container job with a framework (training, tuning, transform...): `job` names
    /// the job type, `config` keeps its business configuration.
    Job { job: String, config: Value },
    /// A Python body carried over from the source (SageMaker @step, Dagster asset/op).
    Python {
        function: String,
        /// Module-level import statements the body needs.
        imports: Vec<String>,
        body: String,
        body_span: Span,
    },
    /// A call of an AWS service API (`service` e.g. `sagemaker`, `action` e.g.
    /// `createTrainingJob`).
    ServiceCall {
        service: String,
        action: String,
        pattern: IntegrationPattern,
        request: Value,
        /// How the call is made in the target (client, method, names, waiting), when
        /// the front end knows.
        target: Option<Box<crate::CallTarget>>,
    },
    /// An AWS Lambda invocation.
    Lambda {
        function: String,
        payload: Value,
        pattern: IntegrationPattern,
    },
    /// An activity worker task (ASL activities): no target equivalent.
    Activity { arn: String },
    /// A pure data transform (ASL Pass with Result/Parameters).
    Transform { template: Value },
    /// Choose one outgoing branch edge by the first rule that holds.
    Branch {
        rules: Vec<BranchRule>,
        default: Option<String>,
    },
    /// End the run as failed.
    Fail {
        error: Option<String>,
        cause: Option<String>,
    },
    /// End the run (or region) as succeeded.
    Succeed,
    /// Wait for a duration or until a timestamp (as written).
    Wait {
        seconds: Option<Binding>,
        until: Option<Binding>,
    },
    /// Run a region once per item (ASL Map, SageMaker/Dagster dynamic fan-out).
    Map {
        items: Binding,
        region: Box<Pipeline>,
        max_concurrency: Option<u32>,
        distributed: bool,
        config: Value,
    },
    /// Run regions concurrently and collect their outputs in order.
    Parallel { branches: Vec<Pipeline> },
    /// Anything a front end recognised but the IR has no shape for; always Absent.
    Opaque { construct: String, config: Value },
    /// A program run in a container under the service's container contract
    /// (processing, training, transform...): see [`ContainerJob`].
    Container(Box<ContainerJob>),
}

impl StepKind {
    /// The keyword of this kind in the text form.
    pub fn keyword(&self) -> &'static str {
        match self {
            StepKind::Script { .. } => "script",
            StepKind::Job { .. } => "job",
            StepKind::Python { .. } => "python",
            StepKind::ServiceCall { .. } => "service",
            StepKind::Lambda { .. } => "lambda",
            StepKind::Activity { .. } => "activity",
            StepKind::Transform { .. } => "transform",
            StepKind::Branch { .. } => "branch",
            StepKind::Fail { .. } => "fail",
            StepKind::Succeed => "succeed",
            StepKind::Wait { .. } => "wait",
            StepKind::Map { .. } => "map",
            StepKind::Parallel { .. } => "parallel",
            StepKind::Opaque { .. } => "opaque",
            StepKind::Container(_) => "container",
        }
    }

    /// The nested pipelines of a Map (its iteration) or Parallel (its branches) step.
    pub fn regions(&self) -> Vec<&Pipeline> {
        match self {
            StepKind::Map { region, .. } => vec![region.as_ref()],
            StepKind::Parallel { branches } => branches.iter().collect(),
            _ => Vec::new(),
        }
    }

    /// Whether running the step changes the world outside its outputs (so the
    /// back end must not cache it).
    pub fn has_side_effects(&self) -> bool {
        matches!(
            self,
            StepKind::ServiceCall { .. }
                | StepKind::Lambda { .. }
                | StepKind::Activity { .. }
                | StepKind::Fail { .. }
                | StepKind::Opaque { .. }
        ) || matches!(self, StepKind::Container(job) if job.job == crate::JobKind::RegisterModel)
    }
}

/// A node of a pipeline DAG.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Python-safe, unique in its pipeline; also the step's stable id.
    pub name: String,
    /// The name as written in the source.
    pub display_name: String,
    pub span: Span,
    pub kind: StepKind,
    pub inputs: Vec<Input>,
    pub outputs: Vec<Output>,
    pub retry: Vec<RetryPolicy>,
    pub cache: CachePolicy,
    pub hints: RuntimeHints,
    /// Timeout and heartbeat in seconds, as the source gave them.
    pub timeout_seconds: Option<u32>,
    pub heartbeat_seconds: Option<u32>,
    pub mapping: Mapping,
    /// Free-form caveats a pass or front end attached (each becomes a
    /// `# Migration note:` or report row).
    pub notes: Vec<String>,
    /// Names a carried Python body uses that the back end binds when the step runs
    /// (only on `python` steps; see `runtime.rs`).
    #[serde(default)]
    pub runtime: Vec<RuntimeBinding>,
}

impl Step {
    pub fn new(
        name: impl Into<String>,
        display_name: impl Into<String>,
        span: Span,
        kind: StepKind,
        mapping: Mapping,
    ) -> Self {
        Step {
            name: name.into(),
            display_name: display_name.into(),
            span,
            kind,
            inputs: Vec::new(),
            outputs: Vec::new(),
            retry: Vec::new(),
            cache: CachePolicy::default(),
            hints: RuntimeHints::new(),
            timeout_seconds: None,
            heartbeat_seconds: None,
            mapping,
            notes: Vec::new(),
            runtime: Vec::new(),
        }
    }

    pub fn output(&self, name: &str) -> Option<&Output> {
        self.outputs.iter().find(|o| o.name == name)
    }
}
