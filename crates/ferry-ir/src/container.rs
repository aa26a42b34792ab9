use serde::{Deserialize, Serialize};

use crate::Value;

/// What kind of container job a [`ContainerJob`] is: the contract the program runs
/// under (where inputs appear, what becomes an output) depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// A script over input folders writing output folders (SageMaker Processing).
    Processing,
    /// A training program: input channels, hyperparameters, a model folder.
    Training,
    /// Several training runs over hyperparameter ranges, keeping the best.
    Tuning,
    /// A model's inference code over input files (batch transform).
    Transform,
    /// A deployable model: model data plus the container that serves it.
    CreateModel,
    /// A model registered in a model registry.
    RegisterModel,
    /// A data or model quality baseline / check.
    QualityCheck,
    /// A Jupyter notebook executed with parameters injected (SageMaker notebook jobs
    /// run it with papermill); the executed notebook is the result.
    Notebook,
}

impl JobKind {
    pub const ALL: [JobKind; 8] = [
        JobKind::Processing,
        JobKind::Training,
        JobKind::Tuning,
        JobKind::Transform,
        JobKind::CreateModel,
        JobKind::RegisterModel,
        JobKind::QualityCheck,
        JobKind::Notebook,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Processing => "processing",
            JobKind::Training => "training",
            JobKind::Tuning => "tuning",
            JobKind::Transform => "transform",
            JobKind::CreateModel => "create_model",
            JobKind::RegisterModel => "register_model",
            JobKind::QualityCheck => "quality_check",
            JobKind::Notebook => "notebook",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What the container runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Program {
    /// A script carried into the project: `code_dir` is a project folder (copied whole,
    /// so sibling modules stay importable), `entry` the script inside it, run by
    /// `interpreter` (e.g. `["python3"]`).
    Script {
        code_dir: String,
        entry: String,
        interpreter: Vec<String>,
    },
    /// A built-in algorithm image of the service (e.g. `xgboost` `1.0-1`).
    Builtin { algorithm: String, version: String },
    /// A container image whose program ferry cannot see (the image as written).
    Image { image: Value },
    /// The source names a script that is not in the input tree: the path it expected.
    Missing { expected: String },
    /// The job kind itself defines the work (model creation, registration, checks).
    Service,
}

impl Program {
    pub fn keyword(&self) -> &'static str {
        match self {
            Program::Script { .. } => "script",
            Program::Builtin { .. } => "builtin",
            Program::Image { .. } => "image",
            Program::Missing { .. } => "missing",
            Program::Service => "service",
        }
    }
}

/// A step input as the container sees it: `input` (a port of the step) materialised at
/// container path `path`, under the job's own name for it (`name`: a channel or
/// processing input name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub input: String,
    pub name: String,
    pub path: String,
    pub content_type: Option<String>,
}

/// A folder the container writes (`path`) that becomes step output `output`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultDir {
    pub output: String,
    pub path: String,
}

/// A JSON file at `path` inside result `result` that later steps read as a value:
/// step output `output` (SageMaker PropertyFile `name`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyFileSpec {
    pub name: String,
    pub output: String,
    pub result: String,
    pub path: String,
}

/// How the source's SDK builds and starts the job: the class (qualified name), its
/// constructor keywords, the method called (`run`, `fit`, ...) and its keywords.
/// Values may refer to step inputs (`$name`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Launch {
    pub class: String,
    pub arguments: Value,
    pub method: String,
    pub method_arguments: Value,
}

/// A job that runs a program in a container under the service's container contract,
/// described without reference to any target: where each input appears, which folders
/// become outputs, the argv, hyperparameters and environment, and (for targets that
/// keep the service) how the source's SDK launches it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerJob {
    pub job: JobKind,
    pub program: Program,
    pub channels: Vec<Channel>,
    pub results: Vec<ResultDir>,
    pub property_files: Vec<PropertyFileSpec>,
    /// argv after the program.
    pub arguments: Vec<Value>,
    pub hyperparameters: Vec<(String, Value)>,
    pub environment: Vec<(String, Value)>,
    /// What the job kind needs beyond that (tuning ranges and objective, transform
    /// content types, check configuration, registration metadata), as an object.
    pub settings: Value,
    pub launch: Option<Launch>,
}

impl ContainerJob {
    pub fn new(job: JobKind, program: Program) -> Self {
        ContainerJob {
            job,
            program,
            channels: Vec::new(),
            results: Vec::new(),
            property_files: Vec::new(),
            arguments: Vec::new(),
            hyperparameters: Vec::new(),
            environment: Vec::new(),
            settings: Value::Object(Vec::new()),
            launch: None,
        }
    }

    /// Every value of the job that may refer to step inputs.
    pub fn values(&self) -> Vec<&Value> {
        let mut out: Vec<&Value> = self.arguments.iter().collect();
        out.extend(self.hyperparameters.iter().map(|(_, v)| v));
        out.extend(self.environment.iter().map(|(_, v)| v));
        out.push(&self.settings);
        if let Program::Image { image } = &self.program {
            out.push(image);
        }
        if let Some(launch) = &self.launch {
            out.push(&launch.arguments);
            out.push(&launch.method_arguments);
        }
        out
    }
}
