use ferry_diagnostics::{FileId, Span};
use serde::{Deserialize, Serialize};

use crate::{Mapping, Pipeline, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frontend {
    Asl,
    Sagemaker,
    Dagster,
    /// Written directly in the IR text form.
    Ir,
}

impl Frontend {
    pub const ALL: [Frontend; 4] = [
        Frontend::Asl,
        Frontend::Sagemaker,
        Frontend::Dagster,
        Frontend::Ir,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Frontend::Asl => "asl",
            Frontend::Sagemaker => "sagemaker",
            Frontend::Dagster => "dagster",
            Frontend::Ir => "ir",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// A source file the workflow came from, by the id its spans use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    pub file: FileId,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TriggerKind {
    /// A cron schedule, in the source's cron dialect, with its time zone if given.
    Schedule {
        cron: String,
        timezone: Option<String>,
    },
    /// A fixed-rate schedule (e.g. EventBridge `rate(1 day)`), in seconds.
    Interval { seconds: u64 },
    /// An event or sensor: something outside decides when to run.
    Sensor { description: String },
}

/// What starts a pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    pub kind: TriggerKind,
    /// Name of the pipeline it starts.
    pub pipeline: String,
    pub span: Span,
    pub mapping: Mapping,
}

/// A resource, IO manager, config or other non-step construct of the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub name: String,
    /// e.g. `io_manager`, `resource`, `config`, `env_var`, `partitions`.
    pub kind: String,
    pub config: Value,
    pub span: Span,
    pub mapping: Mapping,
}

/// A model registration (SageMaker RegisterModel / ModelStep, model package groups).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelRegistration {
    /// The model (package group) name.
    pub name: String,
    /// The step that registers it.
    pub step: String,
    /// Approval status as written, e.g. `PendingManualApproval`.
    pub approval: Option<String>,
    pub span: Span,
    pub mapping: Mapping,
}

/// A file the source provides to the generated project, written at `path` (relative,
/// `/`-separated): a module of helpers that carried step bodies import, a script a job
/// runs, data it reads. Python files go through the back end's output verifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectFile {
    pub path: String,
    /// What the file is, for the report (e.g. `support module my_pkg.utils`).
    pub what: String,
    pub text: String,
    pub span: Span,
    /// Keep the bytes as they are (a user's script run unchanged): not formatted, and
    /// excluded from ruff in the generated pyproject.toml. Otherwise a Python file is
    /// laid out by the formatter like ferry's own modules.
    pub verbatim: bool,
}

/// A package the generated code needs: `distribution` (a PEP 508 name with optional
/// extras and version) provides top-level module `import`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    pub distribution: String,
    pub import: String,
    pub span: Span,
}

/// One compilation unit: everything lowered from one input (file or code location).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workflow {
    pub name: String,
    pub frontend: Frontend,
    pub sources: Vec<SourceRef>,
    pub pipelines: Vec<Pipeline>,
    pub triggers: Vec<Trigger>,
    pub resources: Vec<Resource>,
    pub models: Vec<ModelRegistration>,
    pub files: Vec<ProjectFile>,
    pub dependencies: Vec<Dependency>,
}

impl Workflow {
    pub fn new(name: impl Into<String>, frontend: Frontend) -> Self {
        Workflow {
            name: name.into(),
            frontend,
            sources: Vec::new(),
            pipelines: Vec::new(),
            triggers: Vec::new(),
            resources: Vec::new(),
            models: Vec::new(),
            files: Vec::new(),
            dependencies: Vec::new(),
        }
    }

    pub fn pipeline(&self, name: &str) -> Option<&Pipeline> {
        self.pipelines.iter().find(|p| p.name == name)
    }
}
