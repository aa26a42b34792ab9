//! Container jobs ([`StepKind::Container`]): the step body that runs the job, and the
//! support modules it needs. With `--target local` the step hands a description of the
//! job (program, where each input appears, which folders come back, argv,
//! hyperparameters, environment) to `steps/_container/contract.py`, which emulates the
//! service's container contract on this machine and runs the user's script unchanged;
//! with `--target sagemaker` the step launches the same job with the SageMaker SDK
//! (`sagemaker_jobs.rs`). What cannot run here is a stand-in that says why.
//!
//! Nothing of the job description becomes code except through [`Code::value`] (string
//! literals, numbers, `$input` references to the step's parameters).

use ferry_ir::{ContainerJob, JobKind, Output, Program, Step, StepKind, Value, Workflow};

use crate::code::{Code, py};
use crate::context::Context;
use crate::imports::Imports;
use crate::step_body::{Body, BodyKind, stand_in};
use crate::step_module::param_name;
use crate::writer::{Unformatted, Writer};
use crate::{Target, sagemaker_jobs};

/// The contract module ferry writes into projects with container jobs.
const CONTRACT: &str = include_str!("contract/container.py");

/// Where it goes, and the package around it.
pub const CONTRACT_PATH: &str = "steps/_container/contract.py";
const PACKAGE_PATH: &str = "steps/_container/__init__.py";

/// Whether any container job of a workflow satisfies `f`.
fn any_job(workflow: &Workflow, f: &dyn Fn(&ContainerJob) -> bool) -> bool {
    fn any(p: &ferry_ir::Pipeline, depth: usize, f: &dyn Fn(&ContainerJob) -> bool) -> bool {
        depth < 64
            && p.steps().any(|s| {
                matches!(&s.kind, StepKind::Container(job) if f(job))
                    || s.kind.regions().into_iter().any(|r| any(r, depth + 1, f))
            })
    }
    workflow.pipelines.iter().any(|p| any(p, 0, f))
}

/// Whether a workflow has container jobs (its projects need the support modules).
pub fn used(workflow: &Workflow) -> bool {
    any_job(workflow, &|_| true)
}

/// Whether the step launches its job on SageMaker: always with `--target sagemaker`;
/// on the local stack when the job's program is a container image ferry cannot run
/// here and the source says how the SDK builds it (the seed's "keep SageMaker
/// explicitly" translation).
pub fn launches_on_sagemaker(job: &ContainerJob, target: Target) -> bool {
    // A notebook job has no SDK job class to launch: it runs where the step runs.
    if job.job == JobKind::Notebook {
        return false;
    }
    target == Target::Sagemaker
        || (job.launch.is_some()
            && matches!(job.program, Program::Image { .. } | Program::Builtin { .. })
            && local_obstacle(job).is_some())
}

/// The support modules of a project with container jobs.
pub fn support_modules(workflow: &Workflow, target: Target) -> Vec<(String, Unformatted)> {
    let mut package = Writer::new();
    package.line(Code::docstring(
        "Support for the migrated job steps (written by ferry).",
    ));
    let mut modules = vec![(PACKAGE_PATH.to_string(), package.finish())];
    let mut contract = Writer::new();
    contract.lines(&Code::text(CONTRACT));
    modules.push((CONTRACT_PATH.to_string(), contract.finish()));
    if any_job(workflow, &|job| launches_on_sagemaker(job, target)) {
        modules.push(sagemaker_jobs::support_module());
    }
    modules
}

/// The Python type of a container job's output on `target`.
pub fn output_type(job: &ContainerJob, output: &Output, target: Target) -> Code {
    let target = if launches_on_sagemaker(job, target) {
        Target::Sagemaker
    } else {
        target
    };
    if job.property_files.iter().any(|f| f.output == output.name) {
        return Code::text("dict[str, Any]");
    }
    let folder = job.results.iter().any(|r| r.output == output.name)
        && !matches!(output.name.as_str(), "model_package_arn");
    match (folder, target) {
        (true, Target::Local) => Code::text("Path"),
        _ => Code::text("str"),
    }
}

/// Why this job cannot run on the local stack, if it cannot (reason, what to do).
fn local_obstacle(job: &ContainerJob) -> Option<(String, String)> {
    let runs_program = matches!(
        job.job,
        JobKind::Processing | JobKind::Training | JobKind::Tuning | JobKind::Notebook
    );
    match &job.program {
        // A model's missing serving script stops only the transforms that use it.
        Program::Missing { .. } if !runs_program => None,
        Program::Missing { expected } if expected.is_empty() => Some((
            "the script's path is computed by Python ferry does not evaluate".to_string(),
            "name the script with a path literal next to the pipeline file and compile again".to_string(),
        )),
        Program::Missing { expected } => Some((
            format!("the script `{expected}` is not in the input tree"),
            format!(
                "add `{expected}` next to the pipeline file (or compile the folder that holds it) and compile again"
            ),
        )),
        Program::Image { image } if runs_program => Some((
            match image {
                Value::String(uri) => format!("the job runs the container image `{uri}`, whose program ferry cannot see"),
                _ => "the job runs a container image whose program ferry cannot see".to_string(),
            },
            "run the image's program in this step (or use --target sagemaker to launch the job on SageMaker)".to_string(),
        )),
        Program::Builtin { algorithm, .. } if runs_program && algorithm != "xgboost" => Some((
            format!("the built-in algorithm `{algorithm}` has no Python library ferry translates it to"),
            format!("train with a Python equivalent of {algorithm} in this step, or use --target sagemaker"),
        )),
        _ => None,
    }
}

/// What changed against the source, for the `# Migration note:` of a job that runs.
fn local_note(job: &ContainerJob) -> String {
    let image = match job.settings.get("estimator").and_then(Value::as_str) {
        Some(class) => format!("the {class} framework image"),
        None => "the job's container image".to_string(),
    };
    match (&job.job, &job.program) {
        (JobKind::Processing | JobKind::Training, Program::Script { entry, .. }) => format!(
            "runs `{entry}` unchanged in a subprocess under a local emulation of SageMaker's {} contract (steps/_container/contract.py); this project's Python environment stands in for {image}",
            job.job.as_str()
        ),
        (JobKind::Training, Program::Builtin { version, .. }) => format!(
            "Approximate: the built-in XGBoost algorithm {version} becomes the xgboost library with the same hyperparameters (CSV label in the first column), the model saved as that container version saves it"
        ),
        (JobKind::Tuning, _) => "Approximate: hyperparameter tuning runs max_jobs training trials one after another with random search over the same ranges (SageMaker's search strategy and parallelism are not reproduced)".to_string(),
        (JobKind::Transform, _) => "batch transform runs the model's inference code (model_fn/input_fn/predict_fn/output_fn) over each input file as one request, writing <file>.out".to_string(),
        (JobKind::CreateModel, _) => "the model is a local bundle (model data, serving code and its container description); no SageMaker model is created".to_string(),
        (JobKind::RegisterModel, _) => "the registration is recorded as step metadata (model data, metrics, approval status); the SageMaker Model Registry is not used".to_string(),
        (JobKind::QualityCheck, _) => "the baseline is computed by steps/_container/contract.py with a subset of Model Monitor's statistics".to_string(),
        (JobKind::Notebook, Program::Script { entry, .. }) => format!(
            "runs `{entry}` with papermill in this step, its parameters injected after the cell tagged `parameters` as SageMaker's notebook job does; the kernel is this project's Python environment, not {image} on a notebook-job instance"
        ),
        _ => format!("runs under a local emulation of SageMaker's {} contract", job.job.as_str()),
    }
}

fn program_value(program: &Program) -> Value {
    let s = |t: &str| Value::String(t.to_string());
    Value::Object(match program {
        Program::Script {
            code_dir,
            entry,
            interpreter,
        } => vec![
            ("kind".into(), s("script")),
            ("code_dir".into(), s(code_dir)),
            ("entry".into(), s(entry)),
            (
                "interpreter".into(),
                Value::Array(interpreter.iter().map(|i| s(i)).collect()),
            ),
        ],
        Program::Builtin { algorithm, version } => vec![
            ("kind".into(), s("builtin")),
            ("algorithm".into(), s(algorithm)),
            ("version".into(), s(version)),
        ],
        Program::Image { image } => {
            vec![("kind".into(), s("image")), ("image".into(), image.clone())]
        }
        Program::Missing { expected } => {
            vec![
                ("kind".into(), s("missing")),
                ("expected".into(), s(expected)),
            ]
        }
        Program::Service => vec![("kind".into(), s("service"))],
    })
}

/// The job description the contract module runs.
fn spec(step: &Step, job: &ContainerJob) -> Value {
    let s = |t: &str| Value::String(t.to_string());
    let channels = job
        .channels
        .iter()
        .map(|c| {
            Value::Object(vec![
                ("name".into(), s(&c.name)),
                ("path".into(), s(&c.path)),
                (
                    "content_type".into(),
                    c.content_type.as_deref().map_or(Value::Null, s),
                ),
                ("value".into(), Value::Input(c.input.clone())),
            ])
        })
        .collect();
    let results = job
        .results
        .iter()
        .map(|r| (r.output.clone(), s(&r.path)))
        .collect();
    let property_files = job
        .property_files
        .iter()
        .map(|f| {
            Value::Object(vec![
                ("name".into(), s(&f.name)),
                ("output".into(), s(&f.output)),
                ("result".into(), s(&f.result)),
                ("path".into(), s(&f.path)),
            ])
        })
        .collect();
    Value::Object(vec![
        ("step".into(), s(&step.name)),
        ("job".into(), s(job.job.as_str())),
        ("program".into(), program_value(&job.program)),
        ("channels".into(), Value::Array(channels)),
        ("results".into(), Value::Object(results)),
        ("property_files".into(), Value::Array(property_files)),
        ("arguments".into(), Value::Array(job.arguments.clone())),
        (
            "hyperparameters".into(),
            Value::Object(job.hyperparameters.clone()),
        ),
        ("environment".into(), Value::Object(job.environment.clone())),
        ("settings".into(), job.settings.clone()),
    ])
}

/// `return results[0], results[1]` (a tuple ZenML reads as several outputs), or the one
/// value.
pub fn return_outputs(step: &Step, w: &mut Writer, call: Code) {
    match step.outputs.len() {
        0 => w.line(call),
        1 => w.line(py!("return {}", call)),
        n => {
            w.line(py!("results = {}", call));
            let items: Vec<Code> = (0..n)
                .map(|i| py!("results[{}]", Code::int(i as i64)))
                .collect();
            w.line(py!("return {}", Code::join(items, ", ")));
        }
    }
}

/// Write the body of a container job step.
pub fn emit(
    step: &Step,
    job: &ContainerJob,
    w: &mut Writer,
    imports: &mut Imports,
    cx: &mut Context,
) -> Body {
    if launches_on_sagemaker(job, cx.target) {
        let mut body = sagemaker_jobs::emit(step, job, w, imports, cx);
        if cx.target == Target::Local
            && let BodyKind::Noted { note } = &mut body.kind
            && let Some((reason, _)) = local_obstacle(job)
        {
            *note = format!(
                "{reason}, so the step keeps SageMaker explicitly: it {note} (AWS credentials and the sagemaker package are needed)"
            );
        }
        return body;
    }
    // The return annotation names these, whatever the body does.
    if job.results.iter().any(|r| output_is_folder(job, &r.output)) {
        imports.from("pathlib", "Path");
    }
    if !job.property_files.is_empty() {
        imports.from("typing", "Any");
    }
    if let Some((reason, redesign)) = local_obstacle(job) {
        return stand_in(w, step, reason, redesign, None);
    }
    let input = |n: &str| param_name(step, n).code();
    if matches!(job.program, Program::Builtin { .. }) {
        cx.require("xgboost");
        cx.require("numpy");
    }
    if job.job == JobKind::Notebook {
        cx.require("papermill");
        cx.require("ipykernel");
    }
    let spec = spec(step, job);
    if Code::reads_runtime(&spec) {
        imports.from("steps._container.contract", "execution_fact");
    }
    imports.from("steps._container.contract", "run_job");
    let outputs = Code::list(step.outputs.iter().map(|o| Code::str_lit(&o.name)));
    w.line(py!("job_spec = {}", Code::value(&spec, &input)));
    return_outputs(step, w, py!("run_job(job_spec, {})", outputs));
    Body {
        kind: BodyKind::Noted {
            note: local_note(job),
        },
        docstring: None,
    }
}

fn output_is_folder(job: &ContainerJob, output: &str) -> bool {
    output != "model_package_arn" && !job.property_files.iter().any(|f| f.output == output)
}
