//! Container jobs with `--target sagemaker`: the step builds the processor, estimator,
//! tuner, transformer, model or monitor with the SageMaker Python SDK from the
//! source's constructor arguments (infrastructure as literal settings, the session and
//! role from the running environment), hands it the upstream artifacts as S3 URIs,
//! calls `run`/`fit`/`transform`/`create`/`register`/`suggest_baseline`, and returns
//! typed outputs: S3 URIs, and property files read back into dicts.
//!
//! SDK class and function names come from the source's resolved imports; only
//! dotted identifiers under `sagemaker.` become imports (anything else is dropped with
//! a diagnostic), and every call is checked against the pinned SDK by the test suite.

use ferry_diagnostics::Diagnostic;
use ferry_ir::{ContainerJob, JobKind, Program, Step, Value};

use crate::code::{Code, Ident, is_python_identifier, py};
use crate::container_jobs::return_outputs;
use crate::context::Context;
use crate::imports::Imports;
use crate::step_body::{Body, BodyKind, stand_in};
use crate::step_module::param_name;
use crate::writer::{Unformatted, Writer};

const SUPPORT: &str = include_str!("contract/sagemaker.py");
const SUPPORT_PATH: &str = "steps/_container/sagemaker.py";

pub fn support_module() -> (String, Unformatted) {
    let mut w = Writer::new();
    w.lines(&Code::text(SUPPORT));
    (SUPPORT_PATH.to_string(), w.finish())
}

/// Processors whose `run` takes `source_dir` (framework processors).
fn takes_source_dir(class: &str) -> bool {
    let last = class.rsplit('.').next().unwrap_or(class);
    last == "FrameworkProcessor"
        || matches!(
            last,
            "PyTorchProcessor"
                | "HuggingFaceProcessor"
                | "TensorFlowProcessor"
                | "MXNetProcessor"
                | "XGBoostProcessor"
        )
}

struct Render<'a, 'c, 's> {
    step: &'a Step,
    imports: &'a mut Imports,
    cx: &'c mut Context<'s>,
}

impl Render<'_, '_, '_> {
    /// `Name` for an SDK qualified name, imported; `None` (with a diagnostic) for a
    /// name that is not a dotted identifier under `sagemaker.`.
    fn sdk_name(&mut self, qualified: &str) -> Option<Ident> {
        let ok =
            qualified.starts_with("sagemaker.") && qualified.split('.').all(is_python_identifier);
        let (module, name) = qualified.rsplit_once('.')?;
        if !ok {
            self.cx.diagnostics.push(
                Diagnostic::warning(
                    "F0712",
                    format!(
                        "`{}` of step `{}` is not a SageMaker SDK name ferry can import; it is left out of the generated call",
                        qualified.escape_debug(),
                        self.step.display_name
                    ),
                )
                .with_primary(self.step.span, "this step"),
            );
            return None;
        }
        let ident = Ident::new(name);
        self.imports.import_generated(module, &ident);
        Some(ident)
    }

    fn input(&self, name: &str) -> Code {
        param_name(self.step, name).code()
    }

    /// A launch value as Python: SDK objects as calls, the rest as literals.
    fn value(&mut self, v: &Value, depth: usize) -> Code {
        if depth > 64 {
            return Code::text("None");
        }
        match v {
            Value::Object(fields) => {
                if let Some(Value::String(q)) = v.get("$sdk") {
                    return self.sdk_call(q, v, depth);
                }
                if let Some(Value::String(q)) = v.get("$sdk_ref") {
                    return match self.sdk_name(q) {
                        Some(name) => name.code(),
                        None => Code::text("None"),
                    };
                }
                let items: Vec<(Code, Code)> = fields
                    .iter()
                    .map(|(k, f)| (Code::str_lit(k), self.value(f, depth + 1)))
                    .collect();
                Code::dict(items)
            }
            Value::Array(items) => {
                let items: Vec<Code> = items.iter().map(|i| self.value(i, depth + 1)).collect();
                Code::list(items)
            }
            Value::Join { separator, parts } => {
                let parts: Vec<Code> = parts
                    .iter()
                    .map(|p| match p {
                        Value::String(s) => Code::str_lit(s),
                        other => py!("str({})", self.value(other, depth + 1)),
                    })
                    .collect();
                py!(
                    "{}.join([{}])",
                    Code::str_lit(separator),
                    Code::join(parts, ", ")
                )
            }
            Value::Runtime(fact) => {
                self.imports
                    .from("steps._container.contract", "execution_fact");
                py!("execution_fact({})", Code::str_lit(fact))
            }
            Value::Input(name) => self.input(name),
            other => Code::constant(other),
        }
    }

    fn sdk_call(&mut self, qualified: &str, v: &Value, depth: usize) -> Code {
        let mut args: Vec<Code> = match v.get("args") {
            Some(Value::Array(items)) => items.iter().map(|i| self.value(i, depth + 1)).collect(),
            _ => Vec::new(),
        };
        if let Some(Value::Object(kwargs)) = v.get("kwargs") {
            for (k, f) in kwargs {
                if is_python_identifier(k) {
                    let value = self.value(f, depth + 1);
                    args.push(Code::keyword(&Ident::new(k), value));
                }
            }
        }
        if qualified.ends_with("image_uris.retrieve") {
            self.imports.from("sagemaker", "image_uris");
            args.push(Code::text("region=sdk_session.boto_region_name"));
            return Code::call(Code::text("image_uris.retrieve"), args);
        }
        match self.sdk_name(qualified) {
            Some(name) => Code::call(&name, args),
            None => Code::text("None"),
        }
    }

    /// Keyword arguments of a constructor or method from a launch object.
    fn keywords(&mut self, arguments: &Value, skip: &[&str]) -> Vec<Code> {
        let Value::Object(fields) = arguments else {
            return Vec::new();
        };
        let mut positional = Vec::new();
        let mut named = Vec::new();
        for (k, v) in fields {
            if skip.contains(&k.as_str()) {
                continue;
            }
            if let Some(index) = k.strip_prefix('$') {
                if index.parse::<usize>().is_ok() {
                    positional.push(self.value(v, 0));
                }
            } else if is_python_identifier(k) {
                let value = self.value(v, 0);
                named.push(Code::keyword(&Ident::new(k), value));
            }
        }
        positional.extend(named);
        positional
    }

    fn channel_value(&self, input: &str) -> Code {
        py!("s3_uri({}, sdk_session)", self.input(input))
    }
}

/// `hyperparameters={...}` for a constructor.
fn hyperparameters(render: &mut Render<'_, '_, '_>, job: &ContainerJob) -> Option<Code> {
    if job.hyperparameters.is_empty() {
        return None;
    }
    let value = render.value(&Value::Object(job.hyperparameters.clone()), 0);
    Some(py!("hyperparameters={}", value))
}

/// The program part of an estimator or model constructor.
fn program_keywords(
    render: &mut Render<'_, '_, '_>,
    job: &ContainerJob,
    script_keyword: &'static str,
) -> Vec<Code> {
    match &job.program {
        Program::Script {
            code_dir, entry, ..
        } => {
            let mut out = vec![
                py!("{}={}", Code::text(script_keyword), Code::str_lit(entry)),
                py!("source_dir=project_path({})", Code::str_lit(code_dir)),
            ];
            if let Some(Value::Array(deps)) = job.settings.get("dependencies") {
                let deps: Vec<Code> = deps
                    .iter()
                    .filter_map(|d| d.as_str())
                    .map(|d| py!("project_path({})", Code::str_lit(d)))
                    .collect();
                out.push(py!("dependencies={}", Code::list(deps)));
            }
            out
        }
        Program::Builtin { algorithm, version } => {
            render.imports.from("sagemaker", "image_uris");
            vec![py!(
                "image_uri=image_uris.retrieve(framework={}, region=sdk_session.boto_region_name, version={})",
                Code::str_lit(algorithm),
                Code::str_lit(version)
            )]
        }
        _ => Vec::new(),
    }
}

fn takes_role(class: &str) -> bool {
    !class.ends_with(".Transformer")
}

/// The session, and the execution role for the classes that take one (a
/// `Transformer` runs under its model's role and has no `role` parameter).
fn runtime_keywords(class: &str) -> Vec<Code> {
    let role = takes_role(class).then(|| Code::text("role=execution_role(sdk_session)"));
    role.into_iter()
        .chain([Code::text("sagemaker_session=sdk_session")])
        .collect()
}

/// The body of a container job step that launches the job on SageMaker.
pub fn emit(
    step: &Step,
    job: &ContainerJob,
    w: &mut Writer,
    imports: &mut Imports,
    cx: &mut Context,
) -> Body {
    let Some(launch) = job.launch.as_ref() else {
        return stand_in(
            w,
            step,
            "ferry could not read how the source builds this job".into(),
            "build the job with the SageMaker SDK in this step".into(),
            None,
        );
    };
    if let Program::Missing { expected } = &job.program
        && !matches!(job.job, JobKind::CreateModel | JobKind::RegisterModel)
    {
        return if expected.is_empty() {
            stand_in(
                w,
                step,
                "the script's path is computed by Python ferry does not evaluate".into(),
                "name the script with a path literal next to the pipeline file and compile again"
                    .into(),
                None,
            )
        } else {
            stand_in(
                w,
                step,
                format!("the script `{expected}` is not in the input tree"),
                format!("add `{expected}` next to the pipeline file and compile again"),
                None,
            )
        };
    }
    cx.require("sagemaker");
    cx.require("boto3");
    for name in ["sagemaker_session", "execution_role", "s3_uri"] {
        if name == "execution_role" && !takes_role(&launch.class) {
            continue;
        }
        imports.import_generated("steps._container.sagemaker", &Ident::new(name));
    }
    if matches!(job.program, Program::Script { .. }) {
        imports.import_generated("steps._container.sagemaker", &Ident::new("project_path"));
    }
    if !job.property_files.is_empty() {
        imports.from("typing", "Any");
        imports.from("steps._container.sagemaker", "read_json");
    }
    let mut r = Render { step, imports, cx };
    w.line(py!("sdk_session = sagemaker_session()"));
    let outputs = match job.job {
        // A notebook runs where the step runs (container_jobs::launches_on_sagemaker).
        JobKind::Notebook => {
            return stand_in(
                w,
                step,
                "a notebook job has no SageMaker SDK job class ferry launches".into(),
                "run the notebook with papermill in this step".into(),
                None,
            );
        }
        JobKind::Processing => processing(&mut r, job, launch, w),
        JobKind::Training => training(&mut r, job, launch, w),
        JobKind::Tuning => tuning(&mut r, job, launch, w),
        JobKind::Transform => transform(&mut r, job, launch, w),
        JobKind::CreateModel | JobKind::RegisterModel => model(&mut r, job, launch, w),
        JobKind::QualityCheck => quality_check(&mut r, job, launch, w),
    };
    let mut values: Vec<Code> = Vec::new();
    for o in &step.outputs {
        if let Some(f) = job.property_files.iter().find(|f| f.output == o.name) {
            values.push(py!(
                "read_json({}[{}], {}, sdk_session)",
                Code::text("sdk_outputs"),
                Code::str_lit(&f.result),
                Code::str_lit(&f.path)
            ));
        } else {
            values.push(py!(
                "{}[{}]",
                Code::text("sdk_outputs"),
                Code::str_lit(&o.name)
            ));
        }
    }
    if values.is_empty() {
        w.line(outputs);
    } else {
        w.line(py!("sdk_outputs = {}", outputs));
    }
    match values.len() {
        0 => {}
        1 => w.line(py!("return {}", values.remove(0))),
        _ => w.line(py!("return {}", Code::join(values, ", "))),
    }
    let _ = return_outputs;
    Body {
        kind: BodyKind::Noted {
            note: format!(
                "launches the {} job on SageMaker with the SDK ({}); upstream artifacts travel as S3 URIs",
                job.job.as_str(),
                launch.class.rsplit('.').next().unwrap_or("job")
            ),
        },
        docstring: None,
    }
}

fn constructor(
    r: &mut Render<'_, '_, '_>,
    launch: &ferry_ir::Launch,
    skip: &[&str],
    extra: Vec<Code>,
) -> Code {
    let mut args = r.keywords(&launch.arguments, skip);
    args.extend(extra);
    args.extend(runtime_keywords(&launch.class));
    match r.sdk_name(&launch.class) {
        Some(class) => Code::call(&class, args),
        None => Code::text("None"),
    }
}

fn processing(
    r: &mut Render<'_, '_, '_>,
    job: &ContainerJob,
    launch: &ferry_ir::Launch,
    w: &mut Writer,
) -> Code {
    let object = constructor(r, launch, &[], Vec::new());
    w.line(py!("sdk_job = {}", object));
    if !job.channels.is_empty() {
        r.imports.from("sagemaker.processing", "ProcessingInput");
    }
    if !job.results.is_empty() {
        r.imports.from("sagemaker.processing", "ProcessingOutput");
    }
    r.imports
        .from("steps._container.sagemaker", "processing_outputs");
    let mut args = Vec::new();
    if let Program::Script {
        code_dir, entry, ..
    } = &job.program
    {
        if takes_source_dir(&launch.class) {
            args.push(py!("code={}", Code::str_lit(entry)));
            args.push(py!("source_dir=project_path({})", Code::str_lit(code_dir)));
        } else {
            args.push(py!(
                "code=project_path({})",
                Code::str_lit(&format!("{code_dir}/{entry}"))
            ));
        }
    }
    let inputs: Vec<Code> = job
        .channels
        .iter()
        .map(|c| {
            py!(
                "ProcessingInput(source={}, destination={}, input_name={})",
                r.channel_value(&c.input),
                Code::str_lit(&c.path),
                Code::str_lit(&c.name)
            )
        })
        .collect();
    args.push(py!("inputs={}", Code::list(inputs)));
    let outputs: Vec<Code> = job
        .results
        .iter()
        .map(|o| {
            py!(
                "ProcessingOutput(output_name={}, source={})",
                Code::str_lit(&o.output),
                Code::str_lit(&o.path)
            )
        })
        .collect();
    args.push(py!("outputs={}", Code::list(outputs)));
    if !job.arguments.is_empty() {
        let values: Vec<Code> = job
            .arguments
            .iter()
            .map(|a| match a {
                Value::Input(name) => py!("str({})", r.input(name)),
                other => py!("str({})", r.value(other, 0)),
            })
            .collect();
        args.push(py!("arguments={}", Code::list(values)));
    }
    args.push(Code::text("wait=True"));
    w.line(Code::call(Code::text("sdk_job.run"), args));
    py!("processing_outputs(sdk_job)")
}

fn training_inputs(r: &mut Render<'_, '_, '_>, job: &ContainerJob) -> Code {
    r.imports.from("sagemaker.inputs", "TrainingInput");
    let items: Vec<(Code, Code)> = job
        .channels
        .iter()
        .map(|c| {
            let mut args = vec![py!("s3_data={}", r.channel_value(&c.input))];
            if let Some(ct) = &c.content_type {
                args.push(py!("content_type={}", Code::str_lit(ct)));
            }
            (
                Code::str_lit(&c.name),
                Code::call(Code::text("TrainingInput"), args),
            )
        })
        .collect();
    Code::dict(items)
}

fn estimator(
    r: &mut Render<'_, '_, '_>,
    job: &ContainerJob,
    class: &str,
    arguments: &Value,
) -> Code {
    let mut args = r.keywords(arguments, &[]);
    args.extend(program_keywords(r, job, "entry_point"));
    args.extend(hyperparameters(r, job));
    args.extend(runtime_keywords(class));
    match r.sdk_name(class) {
        Some(name) => Code::call(&name, args),
        None => Code::text("None"),
    }
}

fn training(
    r: &mut Render<'_, '_, '_>,
    job: &ContainerJob,
    launch: &ferry_ir::Launch,
    w: &mut Writer,
) -> Code {
    let object = estimator(r, job, &launch.class, &launch.arguments);
    w.line(py!("sdk_job = {}", object));
    let inputs = training_inputs(r, job);
    w.line(py!("sdk_job.fit(inputs={}, wait=True)", inputs));
    py!("{{\"model\": sdk_job.model_data}}")
}

fn tuning(
    r: &mut Render<'_, '_, '_>,
    job: &ContainerJob,
    launch: &ferry_ir::Launch,
    w: &mut Writer,
) -> Code {
    if let Some(Value::Object(est)) = launch.arguments.get("estimator")
        && let (Some(Value::String(class)), Some(kwargs)) = (
            launch
                .arguments
                .get("estimator")
                .and_then(|e| e.get("$sdk")),
            launch
                .arguments
                .get("estimator")
                .and_then(|e| e.get("kwargs")),
        )
    {
        let _ = est;
        let object = estimator(r, job, class, kwargs);
        w.line(py!("sdk_estimator = {}", object));
    } else {
        w.line(py!("sdk_estimator = None"));
    }
    // The tuner's first parameter: positional, so that no positional the source gave
    // past the known signature can follow a keyword.
    let mut args = vec![Code::text("sdk_estimator")];
    args.extend(r.keywords(&launch.arguments, &["estimator", "$0"]));
    let tuner = match r.sdk_name(&launch.class) {
        Some(class) => Code::call(&class, args),
        None => Code::text("None"),
    };
    w.line(py!("sdk_job = {}", tuner));
    let inputs = training_inputs(r, job);
    w.line(py!("sdk_job.fit(inputs={})", inputs));
    w.line(py!("sdk_job.wait()"));
    r.imports
        .from("steps._container.sagemaker", "tuning_outputs");
    let ranks: Vec<Code> = job
        .results
        .iter()
        .filter_map(|o| o.output.strip_prefix("top_model_"))
        .filter_map(|n| n.parse::<i64>().ok())
        .map(Code::int)
        .collect();
    py!("tuning_outputs(sdk_job, {})", Code::list(ranks))
}

fn transform(
    r: &mut Render<'_, '_, '_>,
    job: &ContainerJob,
    launch: &ferry_ir::Launch,
    w: &mut Writer,
) -> Code {
    let model = job
        .channels
        .iter()
        .find(|c| c.name == "model")
        .map(|c| r.input(&c.input));
    let mut extra = Vec::new();
    if let Some(model) = model {
        extra.push(py!("model_name={}", model));
    }
    let object = constructor(r, launch, &["$0", "model_name"], extra);
    w.line(py!("sdk_job = {}", object));
    let mut args = Vec::new();
    if let Some(data) = job.channels.iter().find(|c| c.name == "data") {
        args.push(py!("data={}", r.channel_value(&data.input)));
    }
    for key in [
        "content_type",
        "split_type",
        "data_type",
        "input_filter",
        "output_filter",
        "join_source",
        "compression_type",
    ] {
        if let Some(v) = job.settings.get(key) {
            let value = r.value(v, 0);
            args.push(Code::keyword(&Ident::new(key), value));
        }
    }
    args.push(Code::text("wait=True"));
    w.line(Code::call(Code::text("sdk_job.transform"), args));
    py!("{{\"output\": sdk_job.output_path}}")
}

fn model(
    r: &mut Render<'_, '_, '_>,
    job: &ContainerJob,
    launch: &ferry_ir::Launch,
    w: &mut Writer,
) -> Code {
    let data = job
        .channels
        .iter()
        .find(|c| c.name == "model")
        .map(|c| r.channel_value(&c.input));
    let mut extra = Vec::new();
    if let Some(data) = data {
        extra.push(py!("model_data={}", data));
    }
    if !matches!(job.program, Program::Builtin { .. })
        || launch.arguments.get("image_uri").is_none()
    {
        extra.extend(program_keywords(r, job, "entry_point"));
    }
    let object = constructor(
        r,
        launch,
        &["model_data", "entry_point", "source_dir"],
        extra,
    );
    w.line(py!("sdk_job = {}", object));
    if job.job == JobKind::RegisterModel {
        let args = r.keywords(&launch.method_arguments, &[]);
        w.line(py!(
            "sdk_package = {}",
            Code::call(Code::text("sdk_job.register"), args)
        ));
        py!("{{\"model_package_arn\": sdk_package.model_package_arn}}")
    } else {
        let args = r.keywords(&launch.method_arguments, &[]);
        w.line(Code::call(Code::text("sdk_job.create"), args));
        py!("{{\"model_name\": sdk_job.name}}")
    }
}

fn quality_check(
    r: &mut Render<'_, '_, '_>,
    job: &ContainerJob,
    launch: &ferry_ir::Launch,
    w: &mut Writer,
) -> Code {
    let object = constructor(r, launch, &[], Vec::new());
    w.line(py!("sdk_job = {}", object));
    let mut args = Vec::new();
    if let Some(c) = job.channels.first() {
        args.push(py!("baseline_dataset={}", r.channel_value(&c.input)));
    }
    if let Some(Value::Object(format)) = job.settings.get("dataset_format")
        && let Some((kind, Value::Object(options))) = format.first()
        && matches!(kind.as_str(), "csv" | "json" | "parquet")
    {
        r.imports.from("sagemaker.model_monitor", "DatasetFormat");
        let options: Vec<Code> = options
            .iter()
            .filter(|(k, _)| is_python_identifier(k))
            .map(|(k, v)| Code::keyword(&Ident::new(k), Code::constant(v)))
            .collect();
        args.push(py!(
            "dataset_format=DatasetFormat.{}({})",
            Ident::new(kind),
            Code::join(options, ", ")
        ));
    }
    args.extend(r.keywords(&launch.method_arguments, &[]));
    args.push(Code::text("wait=True"));
    w.line(Code::call(Code::text("sdk_job.suggest_baseline"), args));
    r.imports
        .from("steps._container.sagemaker", "baseline_outputs");
    py!("baseline_outputs(sdk_job)")
}
