use ferry_diagnostics::Span;
use serde::{Deserialize, Serialize};

use crate::Value;

/// One step of a projection into a structured value: `["metrics"]["mse"]` or `[0]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Segment {
    Key(String),
    Index(i64),
}

/// A path into a step output; empty means the whole output.
pub type Projection = Vec<Segment>;

/// Which source notation an unresolved placeholder is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceholderKind {
    /// ASL JSONPath reference (`$.Payload.x`, `$$.Execution.Id`).
    JsonPath,
    /// ASL JSONata expression (`{% $states.input.x %}`).
    Jsonata,
    /// SageMaker `step.properties...` path.
    StepProperty,
    /// SageMaker `JsonGet(...)` on a PropertyFile.
    JsonGet,
    /// SageMaker `Join(...)`.
    Join,
    /// SageMaker `ExecutionVariables.X` / ASL context object.
    ExecutionVariable,
    /// A Dagster asset key not (yet) matched to a producing asset.
    AssetKey,
    /// `${Name}` definition substitution.
    Substitution,
    /// Anything else a front end could not classify.
    Other,
}

impl PlaceholderKind {
    pub const ALL: [PlaceholderKind; 9] = [
        PlaceholderKind::JsonPath,
        PlaceholderKind::Jsonata,
        PlaceholderKind::StepProperty,
        PlaceholderKind::JsonGet,
        PlaceholderKind::Join,
        PlaceholderKind::ExecutionVariable,
        PlaceholderKind::AssetKey,
        PlaceholderKind::Substitution,
        PlaceholderKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PlaceholderKind::JsonPath => "jsonpath",
            PlaceholderKind::Jsonata => "jsonata",
            PlaceholderKind::StepProperty => "step_property",
            PlaceholderKind::JsonGet => "json_get",
            PlaceholderKind::Join => "join",
            PlaceholderKind::ExecutionVariable => "execution_variable",
            PlaceholderKind::AssetKey => "asset_key",
            PlaceholderKind::Substitution => "substitution",
            PlaceholderKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A source reference that is not (yet) an edge, kept exactly as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placeholder {
    pub kind: PlaceholderKind,
    pub text: String,
    pub span: Span,
    /// Set when a pass decided this placeholder cannot be resolved statically and a
    /// diagnostic said so; the verifier accepts only flagged placeholders after
    /// the resolve pass.
    pub flagged: bool,
}

/// Where an input's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Binding {
    Literal(Value),
    Parameter(String),
    /// Another step's output port, optionally projected into.
    StepOutput {
        step: String,
        port: String,
        projection: Projection,
    },
    Unresolved(Placeholder),
    /// The latest version of the artifact `name` that pipeline `producer` of the same
    /// workflow writes (an output of one of its steps): read across pipelines through the
    /// artifact store, so the producer must have run first.
    Artifact {
        name: String,
        producer: String,
    },
    /// A value computed at run time by an expression over the other inputs of the same
    /// step (`Var::Port` names an input declared before this one; in a branch
    /// condition or a map's items, any input of the step).
    Expr(Box<crate::expr::Computed>),
}
