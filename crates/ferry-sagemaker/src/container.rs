//! The parts every container job shares: values (runtime references become step
//! inputs, `Join` a [`Value::Join`], execution variables [`Value::Runtime`], SDK helper
//! objects `{"$sdk": qualified name, "args", "kwargs"}` (`{"$sdk_ref": name}` for an SDK
//! name used uncalled), other Python a required
//! parameter), the program a processor or estimator runs (a carried script, a built-in
//! algorithm, an image), and how the source's SDK launches the job.

use ferry_diagnostics::{Diagnostic, MigrationFlag};
use ferry_ir::{Binding, Launch, PortType, Program, Value};
use ferry_python::ast::{Expr, ExprCall};
use ferry_python::{CallInfo, Ranged};

use crate::classes::is_infra;
use crate::lower::{Lowerer, MAX_DEPTH};
use crate::scripts::CodeRef;
use crate::steps::StepBuilder;
use crate::values::Thing;

/// Constructor keywords the launch never passes: the session and role come from the
/// running environment, and debugging/profiling rules are not part of the job.
const NOT_LAUNCHED: &[&str] = &[
    "sagemaker_session",
    "role",
    "rules",
    "debugger_hook_config",
    "disable_profiler",
    "profiler_config",
    "entry_point",
    "source_dir",
    "dependencies",
    "hyperparameters",
    "code",
    "estimator",
    "git_config",
    "predictor_cls",
    "model_data",
    "vpc_config",
    "network_config",
];

impl<'a> Lowerer<'a> {
    /// A value of a container job (see the module doc).
    pub(crate) fn job_value(
        &mut self,
        builder: &mut StepBuilder,
        expr: &'a Expr,
        hint: &str,
        depth: usize,
    ) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        let target = self.follow(expr);
        match self.classify(target) {
            Thing::Const(v) => v,
            Thing::ExecutionVariable(name) => Value::Runtime(name),
            Thing::Join(call) => self.join_value(builder, call, hint, depth),
            Thing::SagemakerObject(call, _)
                if !self
                    .output_objects
                    .contains_key(&call.range().start().to_u32()) =>
            {
                self.sdk_value(builder, call, hint, depth)
            }
            Thing::Python(Expr::List(list)) => Value::Array(
                list.elts
                    .iter()
                    .enumerate()
                    .map(|(i, e)| self.job_value(builder, e, &format!("{hint}_{i}"), depth + 1))
                    .collect(),
            ),
            Thing::Python(Expr::Tuple(tuple)) => Value::Array(
                tuple
                    .elts
                    .iter()
                    .enumerate()
                    .map(|(i, e)| self.job_value(builder, e, &format!("{hint}_{i}"), depth + 1))
                    .collect(),
            ),
            Thing::Python(Expr::Dict(dict)) => Value::Object(
                dict.items
                    .iter()
                    .map(|item| {
                        let key = item
                            .key
                            .as_ref()
                            .and_then(|k| match self.fold(k) {
                                Ok(Value::String(s)) => Some(s),
                                _ => None,
                            })
                            .unwrap_or_else(|| "**".to_string());
                        let value = self.job_value(builder, &item.value, &key, depth + 1);
                        (key, value)
                    })
                    .collect(),
            ),
            Thing::Python(Expr::Call(call)) if self.is_image_retrieve(call) => {
                self.sdk_value(builder, call, hint, depth)
            }
            // An SDK class or function named, not called (`estimator_cls=SKLearn`).
            Thing::Python(e @ (Expr::Name(_) | Expr::Attribute(_)))
                if self
                    .scope
                    .qualified_name(e)
                    .is_some_and(|q| q.starts_with("sagemaker.")) =>
            {
                let qualified = self.scope.qualified_name(e).unwrap_or_default();
                Value::Object(vec![("$sdk_ref".into(), Value::String(qualified))])
            }
            Thing::Python(e) => {
                if let Some(join) = self.format_join(builder, e, hint, depth) {
                    return join;
                }
                if self.check_python_conversion_of(e) {
                    return Value::Null;
                }
                let name = self.required_parameter(expr, hint);
                let input = builder.add_input(
                    hint,
                    PortType::Unknown,
                    Binding::Parameter(name),
                    self.span(expr),
                );
                Value::Input(input)
            }
            _ => {
                let binding = self.binding_of(target);
                match binding {
                    Binding::Literal(v) => v,
                    b => {
                        Value::Input(builder.add_input(hint, PortType::Unknown, b, self.span(expr)))
                    }
                }
            }
        }
    }

    fn join_value(
        &mut self,
        builder: &mut StepBuilder,
        call: &'a ExprCall,
        hint: &str,
        depth: usize,
    ) -> Value {
        let info = self.call_info_of(call);
        let separator = info
            .arg(0, "on")
            .and_then(|e| self.fold(e).ok())
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let parts: Vec<&'a Expr> = match info.arg(1, "values") {
            Some(values) => self.list_elements(values, "Join values"),
            None => Vec::new(),
        };
        let parts: Vec<Value> = parts
            .into_iter()
            .enumerate()
            .map(|(i, p)| self.job_value(builder, p, &format!("{hint}_{i}"), depth + 1))
            .collect();
        let constant: Option<Vec<String>> = parts
            .iter()
            .map(|v| match v {
                Value::String(s) | Value::Number(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        match constant {
            Some(texts) => Value::String(texts.join(&separator)),
            None => Value::Join { separator, parts },
        }
    }

    /// `"{}/evaluation.json".format(uri)` over runtime values: a [`Value::Join`].
    fn format_join(
        &mut self,
        builder: &mut StepBuilder,
        expr: &'a Expr,
        hint: &str,
        depth: usize,
    ) -> Option<Value> {
        let Expr::Call(call) = expr else { return None };
        let Expr::Attribute(attr) = &*call.func else {
            return None;
        };
        if attr.attr.id.as_str() != "format" || !call.arguments.keywords.is_empty() {
            return None;
        }
        let Ok(Value::String(template)) = self.fold(&attr.value) else {
            return None;
        };
        let pieces: Vec<&str> = template.split("{}").collect();
        if pieces.len() != call.arguments.args.len() + 1
            || pieces.iter().any(|p| p.contains(['{', '}']))
        {
            return None;
        }
        let mut parts = Vec::new();
        for (i, piece) in pieces.iter().enumerate() {
            if !piece.is_empty() {
                parts.push(Value::String(piece.to_string()));
            }
            if let Some(arg) = call.arguments.args.get(i) {
                parts.push(self.job_value(builder, arg, &format!("{hint}_{i}"), depth + 1));
            }
        }
        Some(Value::Join {
            separator: String::new(),
            parts,
        })
    }

    /// `{"$sdk": qualified, "args": [...], "kwargs": {...}}` for an SDK object or helper
    /// call (its qualified name is checked by the back end before it becomes code).
    fn sdk_value(
        &mut self,
        builder: &mut StepBuilder,
        call: &'a ExprCall,
        hint: &str,
        depth: usize,
    ) -> Value {
        let info = self.call_info_of(call);
        let qualified = info.callee.clone().unwrap_or_default();
        let args: Vec<Value> = info
            .args
            .iter()
            .enumerate()
            .map(|(i, a)| self.job_value(builder, a, &format!("{hint}_{i}"), depth + 1))
            .collect();
        let mut kwargs = Vec::new();
        for k in &info.keywords {
            if matches!(k.name, "sagemaker_session" | "region") {
                continue;
            }
            let v = if is_infra(k.name) {
                self.hint_value(k.value)
            } else {
                self.job_value(builder, k.value, k.name, depth + 1)
            };
            if v != Value::Null {
                kwargs.push((k.name.to_string(), v));
            }
        }
        Value::Object(vec![
            ("$sdk".into(), Value::String(qualified)),
            ("args".into(), Value::Array(args)),
            ("kwargs".into(), Value::Object(kwargs)),
        ])
    }

    /// F0419 for Python that formats a pipeline variable (the SDK raises).
    fn check_python_conversion_of(&mut self, expr: &'a Expr) -> bool {
        self.check_python_conversion(expr)
    }

    /// Whether a call is `sagemaker.image_uris.retrieve(...)`.
    pub(crate) fn is_image_retrieve(&self, call: &ExprCall) -> bool {
        self.scope
            .qualified_name(&call.func)
            .is_some_and(|q| q.ends_with("image_uris.retrieve"))
    }

    /// `image_uris.retrieve(framework, region, version, ...)`: (framework, version).
    pub(crate) fn image_retrieve(&self, expr: &'a Expr) -> Option<(String, Option<String>)> {
        let Expr::Call(call) = self.follow(expr) else {
            return None;
        };
        if !self.is_image_retrieve(call) {
            return None;
        }
        let constant = |e: Option<&Expr>| match e.map(|e| self.fold(e)) {
            Some(Ok(Value::String(s))) => Some(s),
            Some(Ok(Value::Number(n))) => Some(n),
            _ => None,
        };
        let framework = constant(call.arguments.find_argument_value("framework", 0))?;
        let version = constant(call.arguments.find_argument_value("version", 2));
        Some((framework, version))
    }

    /// The program of a job object: its script (`code`/`entry_point`, `source_dir`,
    /// `dependencies`, carried into the project), else a built-in algorithm image,
    /// else the image as written.
    pub(crate) fn program(
        &mut self,
        builder: &mut StepBuilder,
        source: ProgramSource<'a>,
        interpreter: Vec<String>,
        settings: &mut Vec<(String, Value)>,
    ) -> Program {
        let ProgramSource {
            code,
            source_dir,
            dependencies,
            image,
        } = source;
        let step = builder.step.display_name.clone();
        if let Some(deps) = dependencies {
            let mut carried = Vec::new();
            for element in self.list_elements(deps, "dependencies") {
                let Some(code) = self.code_ref(element) else {
                    continue;
                };
                let folder = self.find_code(&code, true);
                let found = folder.clone().or_else(|| self.find_code(&code, false));
                match found {
                    Some(f) => {
                        self.carry_code(&f, folder.is_some(), "dependency");
                        carried.push(Value::String(f.project_path.clone()));
                    }
                    None => {
                        self.missing_code(&code, "dependency", &step);
                    }
                }
            }
            if !carried.is_empty() {
                settings.push(("dependencies".into(), Value::Array(carried)));
            }
        }
        if let Some(code) = code {
            return self.script(builder, code, source_dir, interpreter);
        }
        match image {
            Some(image) => match self.image_retrieve(image) {
                Some((framework, Some(version))) if builtin_algorithm(&framework) => {
                    Program::Builtin {
                        algorithm: framework,
                        version,
                    }
                }
                Some((framework, version)) => {
                    settings.push(("framework".into(), Value::String(framework.clone())));
                    Program::Image {
                        image: Value::Object(vec![
                            ("framework".into(), Value::String(framework)),
                            ("version".into(), version.map_or(Value::Null, Value::String)),
                        ]),
                    }
                }
                None => Program::Image {
                    image: self.hint_value(image),
                },
            },
            None => Program::Image { image: Value::Null },
        }
    }

    fn script(
        &mut self,
        builder: &mut StepBuilder,
        code: &'a Expr,
        source_dir: Option<&'a Expr>,
        interpreter: Vec<String>,
    ) -> Program {
        let step = builder.step.display_name.clone();
        let Some(code_ref) = self.code_ref(code) else {
            let written = self.module.text_of(code).to_string();
            self.diagnostics.push(
                Diagnostic::warning(
                    "F0424",
                    format!(
                        "the script of step `{step}` is computed by Python ferry does not evaluate"
                    ),
                )
                .with_primary(self.span(code), "names the script")
                .with_flag(MigrationFlag::High)
                .with_help(
                    "name the script with a string literal or a path constant next to the pipeline",
                ),
            );
            builder.step.notes.push(format!(
                "the script path `{}` is computed by Python at definition time",
                crate::values::short(&written)
            ));
            return Program::Missing {
                expected: String::new(),
            };
        };
        if let Some(dir) = source_dir {
            let Some(dir_ref) = self.code_ref(dir) else {
                let expected = self.missing_code(&code_ref, "source folder", &step);
                return Program::Missing { expected };
            };
            let Some(found) = self.find_code(&dir_ref, true) else {
                let expected = self.missing_code(&dir_ref, "source folder", &step);
                return Program::Missing { expected };
            };
            let entry = code_ref.candidates.first().cloned().unwrap_or_default();
            let in_dir = crate::companions::join(&found.path, &entry);
            let present = self
                .options
                .companions
                .as_ref()
                .is_some_and(|c| in_dir.as_ref().is_some_and(|p| c.files.contains_key(p)));
            self.carry_code(&found, true, "source folder");
            if !present {
                let inside = CodeRef {
                    candidates: in_dir.into_iter().collect(),
                    ..code_ref
                };
                let expected = self.missing_code(&inside, "script", &step);
                return Program::Missing { expected };
            }
            return Program::Script {
                code_dir: found.project_path,
                entry,
                interpreter,
            };
        }
        match self.find_code(&code_ref, false) {
            Some(found) => {
                self.carry_code(&found, false, "script");
                if found.from_s3 {
                    self.diagnostics.push(
                        Diagnostic::note(
                            "F0424",
                            format!(
                                "the script of step `{step}` is the S3 object `{}`; ferry carried `{}`, whose path ends like its key",
                                code_ref.written, found.path
                            ),
                        )
                        .with_primary(code_ref.span, "S3 object")
                        .with_help("check that this file is what the pipeline uploads"),
                    );
                    builder.step.notes.push(format!(
                        "the source runs the S3 object {}; the project carries the local file {} whose path ends like its key",
                        code_ref.written, found.path
                    ));
                } else if found.path.starts_with("..")
                    && code_ref
                        .candidates
                        .first()
                        .is_some_and(|c| !c.starts_with(".."))
                {
                    self.diagnostics.push(
                        Diagnostic::note(
                            "F0424",
                            format!(
                                "the script `{}` of step `{step}` is not next to the pipeline file; ferry carried `{}`, one folder up, as if the pipeline were built from there",
                                code_ref.written, found.path
                            ),
                        )
                        .with_primary(code_ref.span, "relative to the working directory")
                        .with_help("check that this file is the one the pipeline runs"),
                    );
                    builder.step.notes.push(format!(
                        "the source names {} relative to its working directory; the project carries {}",
                        code_ref.written, found.path
                    ));
                }
                let (dir, entry) = match found.project_path.rsplit_once('/') {
                    Some((d, e)) => (d.to_string(), e.to_string()),
                    None => (crate::scripts::SCRIPTS_DIR.to_string(), found.project_path),
                };
                Program::Script {
                    code_dir: dir,
                    entry,
                    interpreter,
                }
            }
            None => {
                let expected = self.missing_code(&code_ref, "script", &step);
                Program::Missing { expected }
            }
        }
    }

    /// How the source's SDK builds the job object: its class and constructor keywords
    /// (infrastructure as the literal settings; the session, role and what the job
    /// description already holds left out).
    pub(crate) fn launch(
        &mut self,
        builder: &mut StepBuilder,
        object: Option<&'a ExprCall>,
        method: &str,
        skip_image: bool,
    ) -> Option<Launch> {
        let object = object?;
        let info: CallInfo<'a> = self.call_info_of(object);
        let class = info.callee.clone()?;
        if !class.starts_with("sagemaker.") {
            return None;
        }
        let mut arguments = Vec::new();
        for (i, arg) in info.args.iter().enumerate() {
            let v = self.job_value(builder, arg, &format!("arg{i}"), 0);
            arguments.push((format!("${i}"), v));
        }
        for k in &info.keywords {
            if NOT_LAUNCHED.contains(&k.name) || (skip_image && k.name == "image_uri") {
                continue;
            }
            let v = if is_infra(k.name) {
                match self.follow(k.value) {
                    Expr::Call(c) if self.is_image_retrieve(c) => {
                        self.job_value(builder, k.value, k.name, 0)
                    }
                    // A setting ferry cannot read (a parameter without a default,
                    // computed Python) is still passed: from the step's input.
                    _ => match self.hint_value(k.value) {
                        Value::Null => self.job_value(builder, k.value, k.name, 0),
                        known => known,
                    },
                }
            } else {
                self.job_value(builder, k.value, k.name, 0)
            };
            if v != Value::Null {
                arguments.push((k.name.to_string(), v));
            }
        }
        Some(Launch {
            class,
            arguments: Value::Object(arguments),
            method: method.to_string(),
            method_arguments: Value::Object(Vec::new()),
        })
    }
}

/// The keywords of a job object that say what program it runs.
#[derive(Default, Clone, Copy)]
pub(crate) struct ProgramSource<'a> {
    /// `code=` / `entry_point=` / `submit_app=`.
    pub code: Option<&'a Expr>,
    pub source_dir: Option<&'a Expr>,
    pub dependencies: Option<&'a Expr>,
    pub image: Option<&'a Expr>,
}

/// Built-in algorithms whose image is the algorithm itself (no user script).
fn builtin_algorithm(framework: &str) -> bool {
    matches!(
        framework,
        "xgboost"
            | "linear-learner"
            | "knn"
            | "kmeans"
            | "pca"
            | "factorization-machines"
            | "randomcutforest"
            | "image-classification"
            | "object-detection"
            | "semantic-segmentation"
            | "blazingtext"
            | "ntm"
            | "lda"
            | "seq2seq"
            | "forecasting-deepar"
            | "ipinsights"
            | "object2vec"
    )
}
