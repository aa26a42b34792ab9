//! Processing, training, tuning and transform steps, in both argument styles, as
//! container jobs: where each input appears in the container, which folders become
//! outputs, argv, hyperparameters and how the SDK launches the job.

use ferry_diagnostics::Diagnostic;
use ferry_ir::naming::to_identifier;
use ferry_ir::{
    Binding, Channel, ContainerJob, JobKind, Parameter, PortType, Program, PropertyFileSpec,
    ResultDir, Value,
};
use ferry_python::ast::{Expr, ExprCall};
use ferry_python::{CallInfo, Ranged};

use crate::container::ProgramSource;
use crate::lower::Lowerer;
use crate::steps::StepBuilder;
use crate::values::Thing;

impl<'a> Lowerer<'a> {
    pub(crate) fn processing(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let (object, method) = self.job_source(info, "processor");
        if let Some(object) = object {
            self.job_hints(builder, object);
        }
        let keywords = self.keywords_of(method, info);
        let get = |name: &str| keywords.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        let object_info = object.map(|o| self.call_info_of(o));
        let class = object
            .and_then(|o| self.sagemaker_class(o))
            .unwrap_or_default();
        let interpreter = match object_info
            .as_ref()
            .and_then(|i| i.keyword("command"))
            .map(|c| self.fold(c))
        {
            Some(Ok(Value::Array(items))) => items
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ if class.contains("Spark") => vec!["spark-submit".to_string()],
            _ => vec!["python3".to_string()],
        };
        let mut settings = Vec::new();
        let code = get("code").or(get("submit_app"));
        let image = object_info.as_ref().and_then(|i| i.keyword("image_uri"));
        let source = ProgramSource {
            code,
            source_dir: get("source_dir"),
            dependencies: get("dependencies"),
            image,
        };
        let program = self.program(builder, source, interpreter, &mut settings);
        let mut job = ContainerJob::new(JobKind::Processing, program);
        let property_outputs = self.property_files(builder, info, &mut job);
        let mut destinations = Vec::new();
        for (name, value) in &keywords {
            match *name {
                "arguments" | "job_arguments" => {
                    for (i, element) in self
                        .list_elements(value, "arguments")
                        .into_iter()
                        .enumerate()
                    {
                        let v = self.job_value(builder, element, &format!("arg_{i}"), 0);
                        job.arguments.push(v);
                    }
                }
                "inputs" => {
                    for (i, element) in self.list_elements(value, "inputs").into_iter().enumerate()
                    {
                        self.processing_input(builder, element, i, &mut job);
                    }
                }
                "outputs" => {
                    for (i, element) in self.list_elements(value, "outputs").into_iter().enumerate()
                    {
                        if let Some(d) = self.processing_output(builder, element, i, &mut job) {
                            destinations.push(d);
                        }
                    }
                }
                _ => {}
            }
        }
        for f in &mut job.property_files {
            f.result = to_identifier(&f.result);
        }
        // A property file lives in one of the job's outputs; one naming no output of
        // the job cannot be read back.
        let (kept, lost): (Vec<_>, Vec<_>) = std::mem::take(&mut job.property_files)
            .into_iter()
            .partition(|f| job.results.iter().any(|r| r.output == f.result));
        job.property_files = kept;
        for f in lost {
            builder.step.outputs.retain(|o| o.name != f.output);
            self.diagnostics.push(
                Diagnostic::warning(
                    "F0415",
                    format!(
                        "property file `{}` names the output `{}`, which step `{}` does not declare",
                        f.name.escape_debug(),
                        f.result,
                        builder.step.display_name
                    ),
                )
                .with_primary(info.span, "in this step")
                .with_help("add a `ProcessingOutput` with that `output_name`"),
            );
        }
        let _ = property_outputs;
        if let Some(env) = object_info.as_ref().and_then(|i| i.keyword("env"))
            && let Value::Object(fields) = self.job_value(builder, env, "env", 0)
        {
            job.environment = fields;
        }
        if !destinations.is_empty() {
            builder.hint("output_s3_uris", Value::Object(destinations));
        }
        job.settings = Value::Object(settings);
        let skip_image = matches!(job.program, Program::Builtin { .. });
        job.launch = self.launch(builder, object, "run", skip_image);
        builder.container = Some(job);
    }

    /// `property_files=[PropertyFile(name, output_name, path)]`: each a metrics output of
    /// its own. Returns the processing outputs that hold property files.
    fn property_files(
        &mut self,
        builder: &mut StepBuilder,
        info: &CallInfo<'a>,
        job: &mut ContainerJob,
    ) -> Vec<String> {
        let mut outputs = Vec::new();
        let Some(files) = info.keyword("property_files") else {
            return outputs;
        };
        for element in self.list_elements(files, "property_files") {
            let Thing::PropertyFile(pf) = self.classify(element) else {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "F0415",
                        "`property_files` element is not a `PropertyFile(...)`",
                    )
                    .with_primary(self.span(element), "not a property file"),
                );
                continue;
            };
            let pf_info = self.call_info_of(pf);
            let name = pf_info
                .arg(0, "name")
                .and_then(|e| self.constant_string(e, "property file name"));
            let output = pf_info
                .arg(1, "output_name")
                .and_then(|e| self.constant_string(e, "property file output"));
            let path = pf_info
                .arg(2, "path")
                .and_then(|e| self.constant_string(e, "property file path"));
            if let (Some(name), Some(output), Some(path)) = (name, output, path) {
                // The file's own output, apart from the folder that holds it.
                let mut port = to_identifier(&name);
                if port == to_identifier(&output) {
                    port.push_str("_file");
                }
                builder.add_output(&port, PortType::Metrics, self.span(element));
                outputs.push(output.clone());
                job.property_files.push(PropertyFileSpec {
                    name,
                    output: port,
                    result: output,
                    path: path.trim_start_matches("./").to_string(),
                });
            }
        }
        outputs
    }

    fn processing_input(
        &mut self,
        builder: &mut StepBuilder,
        element: &'a Expr,
        index: usize,
        job: &mut ContainerJob,
    ) {
        let Thing::SagemakerObject(call, _) = self.classify(element) else {
            self.report_unfollowable(element, "processing input is not a `ProcessingInput(...)`");
            return;
        };
        let info = self.call_info_of(call);
        let destination = info
            .arg(1, "destination")
            .and_then(|e| match self.fold(e) {
                Ok(Value::String(s)) => container_path(&s),
                _ => None,
            })
            .unwrap_or_else(|| format!("/opt/ml/processing/input-{}", index + 1));
        let explicit = info
            .keyword("input_name")
            .and_then(|e| self.fold(e).ok())
            .and_then(|v| v.as_str().map(str::to_string));
        let last = destination
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("input")
            .to_string();
        let name = explicit.unwrap_or_else(|| format!("input-{}", index + 1));
        let Some(source) = info.arg(0, "source") else {
            self.diagnostics.push(
                Diagnostic::warning("F0416", "`ProcessingInput` without a source")
                    .with_primary(self.span(element), "no source"),
            );
            return;
        };
        let binding = self.data_binding(source, &last);
        let port = builder.add_input(&last, PortType::Unknown, binding, self.span(element));
        job.channels.push(Channel {
            input: port,
            name,
            path: destination,
            content_type: None,
        });
    }

    /// The binding of a job's data source: a literal S3 URI becomes a pipeline
    /// parameter (with the URI as its default) so that a run can pass a local path.
    pub(crate) fn data_binding(&mut self, source: &'a Expr, hint: &str) -> Binding {
        let binding = self.binding_of(source);
        match &binding {
            Binding::Literal(Value::String(uri)) if uri.starts_with("s3://") => {
                let key = source.range().start().to_u32();
                if let Some(name) = self.params.get(&key) {
                    return Binding::Parameter(name.clone());
                }
                let name = self.param_namer.fresh(&format!("{hint}_uri"));
                self.pipeline.params.push(Parameter {
                    name: name.clone(),
                    ty: ferry_ir::ParamType::String,
                    default: Some(Value::String(uri.clone())),
                    span: self.span(source),
                    mapping: ferry_ir::Mapping::approximate(
                        format!("S3 input `{uri}`"),
                        "an S3 input of a job, now a pipeline parameter that also takes a local path",
                    ),
                });
                self.params.insert(key, name.clone());
                Binding::Parameter(name)
            }
            _ => binding,
        }
    }

    fn processing_output(
        &mut self,
        builder: &mut StepBuilder,
        element: &'a Expr,
        index: usize,
        job: &mut ContainerJob,
    ) -> Option<(String, Value)> {
        let Thing::SagemakerObject(call, _) = self.classify(element) else {
            self.report_unfollowable(
                element,
                "processing output is not a `ProcessingOutput(...)`",
            );
            return None;
        };
        let info = self.call_info_of(call);
        let name = info
            .keyword("output_name")
            .and_then(|e| self.constant_string(e, "output name"))
            .unwrap_or_else(|| format!("output-{}", index + 1));
        let port = to_identifier(&name);
        let source = info
            .arg(0, "source")
            .and_then(|e| match self.fold(e) {
                Ok(Value::String(s)) => container_path(&s),
                _ => None,
            })
            .unwrap_or_else(|| format!("/opt/ml/processing/output-{}", index + 1));
        builder.add_output(&port, PortType::Dataset, self.span(element));
        job.results.push(ResultDir {
            output: port.clone(),
            path: source,
        });
        info.keyword("destination")
            .map(|d| (port, self.hint_value(d)))
    }

    pub(crate) fn training(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let (object, method) = self.job_source(info, "estimator");
        if let Some(object) = object {
            self.job_hints(builder, object);
        }
        let mut job = self.estimator_job(builder, object, JobKind::Training);
        for (name, value) in self.keywords_of(method, info) {
            if name == "inputs" {
                self.training_inputs(builder, value, &mut job);
            }
        }
        builder.add_output("model", PortType::Model, builder.step.span);
        job.results.push(ResultDir {
            output: "model".into(),
            path: "/opt/ml/model".into(),
        });
        builder.container = Some(job);
    }

    /// The container job of an estimator: its program, hyperparameters and launch.
    fn estimator_job(
        &mut self,
        builder: &mut StepBuilder,
        object: Option<&'a ExprCall>,
        kind: JobKind,
    ) -> ContainerJob {
        let info = object.map(|o| self.call_info_of(o));
        let kw = |n: &str| info.as_ref().and_then(|i| i.keyword(n));
        let mut settings = Vec::new();
        let source = ProgramSource {
            code: kw("entry_point"),
            source_dir: kw("source_dir"),
            dependencies: kw("dependencies"),
            image: kw("image_uri"),
        };
        let program = self.program(builder, source, vec!["python".to_string()], &mut settings);
        if let Some(class) = object.and_then(|o| self.sagemaker_class(o)) {
            settings.push(("estimator".into(), Value::String(class)));
        }
        let mut job = ContainerJob::new(kind, program);
        if let Some(hps) = kw("hyperparameters")
            && let Value::Object(fields) = self.job_value(builder, hps, "hyperparameter", 0)
        {
            job.hyperparameters = fields;
        }
        if let Some(object) = object {
            for (name, value) in self.hyperparameter_calls(object) {
                let v = self.job_value(builder, value, name, 0);
                job.hyperparameters.retain(|(k, _)| k != name);
                job.hyperparameters.push((name.to_string(), v));
            }
        }
        job.settings = Value::Object(settings);
        let skip_image = matches!(job.program, Program::Builtin { .. });
        job.launch = self.launch(builder, object, "fit", skip_image);
        job
    }

    /// `estimator.set_hyperparameters(k=v, ...)` keywords on this job object.
    fn hyperparameter_calls(&self, object: &'a ExprCall) -> Vec<(&'a str, &'a Expr)> {
        let mut out = Vec::new();
        for call in self.method_calls("set_hyperparameters") {
            let Expr::Attribute(attr) = &*call.func else {
                continue;
            };
            let Expr::Call(receiver) = self.follow(&attr.value) else {
                continue;
            };
            if !std::ptr::eq(receiver, object) {
                continue;
            }
            for keyword in call.arguments.keywords.iter() {
                if let Some(name) = &keyword.arg {
                    out.push((name.id.as_str(), &keyword.value));
                }
            }
        }
        out
    }

    /// `TrainingInput`, a dict channel → input, or a plain S3 URI (channel `training`).
    pub(crate) fn training_inputs(
        &mut self,
        builder: &mut StepBuilder,
        value: &'a Expr,
        job: &mut ContainerJob,
    ) {
        match self.follow(value) {
            Expr::Dict(dict) => {
                for item in &dict.items {
                    let channel = item
                        .key
                        .as_ref()
                        .and_then(|k| self.fold(k).ok())
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_else(|| "channel".to_string());
                    self.training_channel(builder, &channel, &item.value, job);
                }
            }
            Expr::List(list) => {
                for (i, element) in list.elts.iter().enumerate() {
                    self.training_channel(builder, &format!("channel_{i}"), element, job);
                }
            }
            _ => self.training_channel(builder, "training", value, job),
        }
    }

    fn training_channel(
        &mut self,
        builder: &mut StepBuilder,
        channel: &str,
        value: &'a Expr,
        job: &mut ContainerJob,
    ) {
        let mut content_type = None;
        let source = match self.classify(value) {
            Thing::SagemakerObject(call, _) => {
                let info = self.call_info_of(call);
                content_type = info
                    .keyword("content_type")
                    .and_then(|e| self.fold(e).ok())
                    .and_then(|v| v.as_str().map(str::to_string));
                match info
                    .arg(0, "s3_data")
                    .or(info.arg(0, "data"))
                    .or(info.arg(0, "inputs"))
                {
                    Some(data) => data,
                    None => value,
                }
            }
            _ => value,
        };
        let binding = self.data_binding(source, channel);
        let port = builder.add_input(channel, PortType::Dataset, binding, self.span(value));
        job.channels.push(Channel {
            input: port,
            name: channel.to_string(),
            path: format!("/opt/ml/input/data/{channel}"),
            content_type,
        });
    }

    pub(crate) fn tuning(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let (object, method) = self.job_source(info, "tuner");
        if let Some(object) = object {
            self.job_hints(builder, object);
        }
        let tuner = object.map(|o| self.call_info_of(o));
        let estimator = tuner
            .as_ref()
            .and_then(|t| t.arg(0, "estimator"))
            .and_then(|e| match self.classify(e) {
                Thing::SagemakerObject(call, _) => Some(call),
                _ => None,
            });
        let mut job = self.estimator_job(builder, estimator, JobKind::Tuning);
        let mut settings = match std::mem::replace(&mut job.settings, Value::Null) {
            Value::Object(f) => f,
            _ => Vec::new(),
        };
        if let Some(t) = &tuner {
            let positional = [
                "estimator",
                "objective_metric_name",
                "hyperparameter_ranges",
                "metric_definitions",
            ];
            for (i, arg) in t.args.iter().enumerate().skip(1) {
                if let Some(name) = positional.get(i) {
                    let v = self.job_value(builder, arg, name, 0);
                    settings.push((name.to_string(), v));
                }
            }
            for k in &t.keywords {
                if matches!(
                    k.name,
                    "estimator" | "sagemaker_session" | "base_tuning_job_name" | "tags"
                ) {
                    continue;
                }
                let v = self.job_value(builder, k.value, k.name, 0);
                settings.push((k.name.to_string(), v));
            }
        }
        job.settings = Value::Object(settings);
        // The tuner launches the estimator it was given.
        let estimator_launch = job.launch.take();
        job.launch = self.launch(builder, object, "fit", false).map(|mut l| {
            if let (Value::Object(args), Some(e)) = (&mut l.arguments, estimator_launch) {
                args.retain(|(k, _)| k != "$0");
                args.insert(
                    0,
                    (
                        "estimator".into(),
                        Value::Object(vec![
                            ("$sdk".into(), Value::String(e.class)),
                            ("args".into(), Value::Array(Vec::new())),
                            ("kwargs".into(), e.arguments),
                        ]),
                    ),
                );
            }
            l
        });
        for (name, value) in self.keywords_of(method, info) {
            if name == "inputs" {
                self.training_inputs(builder, value, &mut job);
            }
        }
        for port in ["best_model", "top_models"] {
            let ty = if port == "best_model" {
                PortType::Model
            } else {
                PortType::Dataset
            };
            builder.add_output(port, ty, builder.step.span);
            job.results.push(ResultDir {
                output: port.into(),
                path: format!("/opt/ml/tuning/{port}"),
            });
        }
        builder.container = Some(job);
    }

    pub(crate) fn transform(
        &mut self,
        builder: &mut StepBuilder,
        info: &CallInfo<'a>,
        legacy_inputs: &str,
    ) {
        let (object, method) = self.job_source(info, "transformer");
        if let Some(object) = object {
            self.job_hints(builder, object);
        }
        let mut job = ContainerJob::new(JobKind::Transform, Program::Service);
        let mut settings = Vec::new();
        if let Some(t) = object.map(|o| self.call_info_of(o)) {
            if let Some(model) = t.arg(0, "model_name") {
                let binding = self.binding_of(model);
                let port = builder.add_input("model", PortType::Unknown, binding, self.span(model));
                job.channels.push(Channel {
                    input: port,
                    name: "model".into(),
                    path: "/opt/ml/model".into(),
                    content_type: None,
                });
            }
            for k in &t.keywords {
                if matches!(k.name, "accept" | "strategy" | "assemble_with" | "env") {
                    let v = self.job_value(builder, k.value, k.name, 0);
                    settings.push((k.name.to_string(), v));
                }
            }
        }
        for (name, value) in self.keywords_of(method, info) {
            match name {
                "data" => self.transform_data(builder, value, None, &mut job),
                n if n == legacy_inputs => match self.classify(value) {
                    Thing::SagemakerObject(call, _) => {
                        let input = self.call_info_of(call);
                        if let Some(data) = input.arg(0, "data") {
                            self.transform_data(builder, data, None, &mut job);
                        }
                        for keyword in input.keywords.iter().filter(|k| k.name != "data") {
                            let v = self.job_value(builder, keyword.value, keyword.name, 0);
                            settings.push((keyword.name.to_string(), v));
                        }
                    }
                    _ => self.transform_data(builder, value, None, &mut job),
                },
                "content_type" | "split_type" | "data_type" | "input_filter" | "output_filter"
                | "join_source" | "compression_type" => {
                    let v = self.job_value(builder, value, name, 0);
                    settings.push((name.to_string(), v));
                }
                _ => {}
            }
        }
        builder.add_output("output", PortType::Dataset, builder.step.span);
        job.results.push(ResultDir {
            output: "output".into(),
            path: "/opt/ml/transform/output".into(),
        });
        job.settings = Value::Object(settings);
        job.launch = self.launch(builder, object, "transform", false);
        builder.container = Some(job);
    }

    fn transform_data(
        &mut self,
        builder: &mut StepBuilder,
        data: &'a Expr,
        content_type: Option<String>,
        job: &mut ContainerJob,
    ) {
        let binding = self.data_binding(data, "data");
        let port = builder.add_input("data", PortType::Dataset, binding, self.span(data));
        job.channels.push(Channel {
            input: port,
            name: "data".into(),
            path: "/opt/ml/transform/input".into(),
            content_type,
        });
    }
}

/// A container path as the verifier wants it: absolute, no empty, `.` or `..` parts
/// (`/opt/ml/processing/input/data/` → `/opt/ml/processing/input/data`).
fn container_path(path: &str) -> Option<String> {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    (path.starts_with('/') && !parts.contains(&"..") && !path.chars().any(char::is_control))
        .then(|| format!("/{}", parts.join("/")))
}
