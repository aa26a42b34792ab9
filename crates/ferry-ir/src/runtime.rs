//! Runtime bindings of a carried Python body: names the body uses whose value the back
//! end provides when the step runs. A front end lowers its framework's runtime API
//! (loggers, run configuration, resources, output metadata, checks, partitions) by
//! rewriting the uses in the body into uses of these names, and declares each name
//! here in neutral terms; the back end renders each kind with its target's API.

use ferry_diagnostics::Span;
use serde::{Deserialize, Serialize};

use crate::{ParamType, Value};

/// One name a carried body uses and what the back end binds it to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeBinding {
    /// A Python identifier, unique among the step's inputs and bindings.
    pub name: String,
    pub kind: RuntimeKind,
    /// The use (or declaration) in the source it stands for.
    pub span: Span,
}

/// What a runtime binding is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuntimeKind {
    /// A logger: `name.debug/info/warning/error/exception/critical(...)`.
    Logger,
    /// The running step's context object (run and step identity).
    StepContext,
    /// A typed step parameter from the run configuration: `key` as the source named it,
    /// the schema `default` (none: required), and the `value` the pipeline's run
    /// configuration sets (written to the pipeline's configs).
    Config {
        key: String,
        ty: ParamType,
        default: Option<Value>,
        value: Option<Value>,
    },
    /// An instance of class `class` from project module `module`, built with keyword
    /// `fields` before the body runs (configuration objects, resources).
    Object {
        module: String,
        class: String,
        fields: Vec<ObjectField>,
    },
    /// A function `name(metadata, output_name=None, **other)` that records `metadata`
    /// (a dict) for output `output_name` of the step (its only output when `None`; the
    /// step run itself when the step has no output).
    RecordMetadata,
    /// A function `name(value=None, output_name=None, metadata=None, **other)` that
    /// records `metadata` like [`RuntimeKind::RecordMetadata`] and returns `value`.
    ReturnOutput,
    /// Like [`RuntimeKind::ReturnOutput`], returning `(output_name, value)` for a
    /// [`RuntimeKind::Generator`] body to yield.
    YieldOutput,
    /// A function `name(passed, metadata=None, severity="ERROR", description=None,
    /// **other)` for a data check: records the outcome and its metadata, returns the
    /// outcome as a dict, and when `blocking`, raises for a failed check of severity
    /// `"ERROR"` so that the run fails.
    CheckResult { blocking: bool },
    /// The run's partition key, from step input `input` (a string). With `dimensions`
    /// it is a multi-dimensional key: still the string (the dimensions' keys joined
    /// with `|` in this order), with `keys_by_dimension` mapping each dimension to its
    /// key.
    PartitionKey {
        input: String,
        dimensions: Vec<String>,
    },
    /// The time window of the run's partition: an object with `start` and `end`
    /// (timezone-aware datetimes). The window starts at the key (step input `input`,
    /// or its `dimension` of a multi-dimensional key) parsed with `format` in
    /// `timezone` (UTC when none) and lasts one `period`.
    PartitionWindow {
        input: String,
        dimension: Option<String>,
        format: String,
        period: Period,
        timezone: Option<String>,
    },
    /// The body, as written, is a generator function named `name`: the step runs it
    /// and returns what it yielded through [`RuntimeKind::YieldOutput`] functions —
    /// one value per output of `outputs` (in that order), or all of them as one list
    /// when `list`. Other yielded values are events and are dropped.
    Generator { outputs: Vec<String>, list: bool },
    /// A function that raises NotImplementedError naming `construct`: a use the
    /// front end could not lower was replaced by a call of it.
    Unsupported { construct: String, help: String },
}

/// How an [`RuntimeKind::Object`] field gets its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectField {
    pub field: String,
    pub source: FieldSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldSource {
    /// A step input or another runtime binding of the step.
    Name(String),
    /// A constant.
    Literal(Value),
    /// An environment variable, read when the step runs (required).
    Env(String),
}

/// The length of a partition's time window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Hourly,
    Daily,
    Weekly,
    Monthly,
}

impl Period {
    pub const ALL: [Period; 4] = [
        Period::Hourly,
        Period::Daily,
        Period::Weekly,
        Period::Monthly,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Hourly => "hourly",
            Period::Daily => "daily",
            Period::Weekly => "weekly",
            Period::Monthly => "monthly",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl RuntimeKind {
    /// The keyword of this kind in the text form.
    pub fn keyword(&self) -> &'static str {
        match self {
            RuntimeKind::Logger => "logger",
            RuntimeKind::StepContext => "context",
            RuntimeKind::Config { .. } => "config",
            RuntimeKind::Object { .. } => "object",
            RuntimeKind::RecordMetadata => "record_metadata",
            RuntimeKind::ReturnOutput => "return_output",
            RuntimeKind::YieldOutput => "yield_output",
            RuntimeKind::CheckResult { .. } => "check_result",
            RuntimeKind::PartitionKey { .. } => "partition_key",
            RuntimeKind::PartitionWindow { .. } => "partition_window",
            RuntimeKind::Generator { .. } => "generator",
            RuntimeKind::Unsupported { .. } => "unsupported",
        }
    }

    /// Names of step inputs and other bindings this binding reads.
    pub fn reads(&self) -> Vec<&str> {
        match self {
            RuntimeKind::Object { fields, .. } => fields
                .iter()
                .filter_map(|f| match &f.source {
                    FieldSource::Name(n) => Some(n.as_str()),
                    _ => None,
                })
                .collect(),
            RuntimeKind::PartitionKey { input, .. }
            | RuntimeKind::PartitionWindow { input, .. } => {
                vec![input.as_str()]
            }
            _ => Vec::new(),
        }
    }
}
