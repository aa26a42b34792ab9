//! Lowering of each step class (both argument styles) and `@step` function steps.

use ferry_diagnostics::{Diagnostic, MigrationFlag, Span};
use ferry_ir::naming::Namer;
use ferry_ir::{
    Binding, EdgeKind, Input, Mapping, ModelRegistration, Output, PortType, Step, StepKind, Value,
};
use ferry_python::ast::{Expr, ExprCall, StmtFunctionDef};
use ferry_python::{CallInfo, FunctionInfo, Ranged};
use petgraph::stable_graph::NodeIndex;

use crate::classes::{StepClass, is_infra};
use crate::lower::{Lowerer, MAX_DEPTH};
use crate::values::{Thing, python_expr};

/// A step under construction with its own input namer.
pub struct StepBuilder {
    pub step: Step,
    input_namer: Namer,
    config: Vec<(String, Value)>,
}

impl StepBuilder {
    fn new(step: Step) -> Self {
        StepBuilder {
            step,
            input_namer: Namer::new(),
            config: Vec::new(),
        }
    }

    pub fn add_input(&mut self, hint: &str, ty: PortType, binding: Binding, span: Span) -> String {
        let name = self.input_namer.fresh(hint);
        self.step.inputs.push(Input {
            name: name.clone(),
            ty,
            binding,
            span,
        });
        name
    }

    pub fn add_output(&mut self, name: &str, ty: PortType, span: Span) {
        if self.step.output(name).is_none() {
            self.step.outputs.push(Output {
                name: name.to_string(),
                ty,
                span,
            });
        }
    }

    fn set(&mut self, key: &str, value: Value) {
        self.config.retain(|(k, _)| k != key);
        self.config.push((key.to_string(), value));
    }

    fn hint(&mut self, key: &str, value: Value) {
        self.step.hints.insert(key.to_string(), value);
    }
}

impl<'a> Lowerer<'a> {
    /// The step `expr` constructs or names, lowering it on first sight. `None` (with a
    /// diagnostic) when it is not a step ferry can read.
    pub fn ensure_step(&mut self, expr: &'a Expr) -> Option<NodeIndex> {
        let target = self.follow(expr);
        let key = target.range().start().to_u32();
        if let Some(&index) = self.steps.get(&key) {
            return Some(index);
        }
        if self.in_progress.contains(&key) || self.depth >= MAX_DEPTH {
            self.diagnostics.push(
                Diagnostic::error(
                    "F0421",
                    "this step reference closes a cycle (or nests too deeply)",
                )
                .with_primary(self.span(expr), "refers back to a step being read"),
            );
            return None;
        }
        let thing = self.classify(target);
        let (call, built) = match thing {
            Thing::Step(class, call) => (call, StepSource::Class(class)),
            Thing::FunctionStep(call, def, _) => (call, StepSource::Function(def)),
            Thing::Const(Value::String(name)) => {
                return self.step_by_name(&name, expr);
            }
            Thing::Python(Expr::Call(call)) => {
                let callee = self.module.text_of(&*call.func).to_string();
                let what = match self.scope.qualified_name(&call.func) {
                    Some(q) if q.starts_with(&format!("{}.", self.scope.module)) => {
                        format!("helper function `{callee}` returns steps")
                    }
                    Some(q) => {
                        format!("`{callee}` (from `{q}`) is a factory ferry cannot see into")
                    }
                    None => format!("`{callee}` returns steps ferry cannot see"),
                };
                self.report_unfollowable(expr, &what);
                return None;
            }
            Thing::Python(Expr::Name(name)) => {
                let message = format!(
                    "`{}` is bound by a loop, an argument or a call ferry does not evaluate",
                    name.id
                );
                self.report_unfollowable(expr, &message);
                return None;
            }
            _ => {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "F0412",
                        format!("`{}` is not a SageMaker step", self.module.text_of(expr)),
                    )
                    .with_primary(self.span(expr), "not a step"),
                );
                return None;
            }
        };
        self.in_progress.insert(key);
        self.depth += 1;
        let builder = match built {
            StepSource::Class(class) => self.lower_class_step(class, call),
            StepSource::Function(def) => self.lower_function_step(call, def),
        };
        self.depth -= 1;
        self.in_progress.remove(&key);
        let (builder, follow_up) = builder;
        let mut step = builder.step;
        if !builder.config.is_empty()
            && let StepKind::Job { config, .. } = &mut step.kind
        {
            *config = Value::Object(builder.config);
        }
        let index = self.pipeline.add_step(step);
        self.steps.insert(key, index);
        self.finish_step(index, call, follow_up);
        Some(index)
    }

    /// A step named by its SageMaker name (string `depends_on`); F0413 when unknown.
    fn step_by_name(&mut self, name: &str, expr: &Expr) -> Option<NodeIndex> {
        let found = self
            .pipeline
            .step_indices()
            .find(|&i| self.pipeline.graph[i].display_name == name);
        if found.is_none() {
            self.diagnostics.push(
                Diagnostic::error("F0413", format!("no step named `{name}` in this pipeline"))
                    .with_primary(self.span(expr), "unknown step name"),
            );
        }
        found
    }

    fn new_builder(
        &mut self,
        call: &'a ExprCall,
        display: String,
        kind: StepKind,
        mapping: Mapping,
    ) -> StepBuilder {
        let span = self.span(call);
        if let Some(first) = self.step_names.get(&display).copied() {
            self.diagnostics.push(
                Diagnostic::error("F0417", format!("two steps are named `{display}`"))
                    .with_primary(span, "second step")
                    .with_secondary(first, "first step"),
            );
        } else {
            self.step_names.insert(display.clone(), span);
        }
        let name = self.step_namer.fresh(&display);
        StepBuilder::new(Step::new(name, display, span, kind, mapping))
    }

    fn lower_class_step(
        &mut self,
        class: StepClass,
        call: &'a ExprCall,
    ) -> (StepBuilder, FollowUp<'a>) {
        let info = self.call_info_of(call);
        let name_arg = if class == StepClass::NotebookJob {
            info.keyword("name")
        } else {
            info.arg(0, "name")
        };
        let display = name_arg
            .and_then(|e| self.constant_string(e, "step name"))
            .unwrap_or_else(|| class.job_name().to_string());
        let kind = match class {
            StepClass::Condition => StepKind::Branch {
                rules: Vec::new(),
                default: Some("else".into()),
            },
            StepClass::Fail => StepKind::Fail {
                error: None,
                cause: None,
            },
            StepClass::Lambda => StepKind::Lambda {
                function: String::new(),
                payload: Value::Object(Vec::new()),
                pattern: ferry_ir::IntegrationPattern::RequestResponse,
            },
            StepClass::Callback => StepKind::Opaque {
                construct: "CallbackStep".into(),
                config: Value::Null,
            },
            other => StepKind::Job {
                job: other.job_name().into(),
                config: Value::Object(Vec::new()),
            },
        };
        let mut builder = self.new_builder(call, display, kind, class.mapping());
        let mut follow_up = FollowUp::default();
        self.common_arguments(&mut builder, &info, &mut follow_up);
        match class {
            StepClass::Processing => self.processing(&mut builder, &info),
            StepClass::Training => self.training(&mut builder, &info),
            StepClass::Tuning => self.tuning(&mut builder, &info),
            StepClass::Transform => self.transform(&mut builder, &info, "inputs"),
            StepClass::CreateModel | StepClass::Model => self.model_step(&mut builder, &info),
            StepClass::RegisterModel => self.register_model(&mut builder, &info),
            StepClass::Condition => self.condition_step(&mut builder, &info, &mut follow_up),
            StepClass::Fail => self.fail_step(&mut builder, &info),
            StepClass::Lambda => self.lambda_step(&mut builder, &info),
            StepClass::Callback => self.callback_step(&mut builder, &info),
            StepClass::QualityCheck | StepClass::ClarifyCheck => {
                self.check_step(&mut builder, &info, class)
            }
            StepClass::Emr | StepClass::NotebookJob | StepClass::AutoMl => {
                self.generic_job(&mut builder, &info, class)
            }
            StepClass::MonitorBatchTransform => self.monitor_batch_transform(&mut builder, &info),
        }
        (builder, follow_up)
    }

    /// depends_on, cache_config, retry_policies, display_name/description.
    fn common_arguments(
        &mut self,
        builder: &mut StepBuilder,
        info: &CallInfo<'a>,
        follow_up: &mut FollowUp<'a>,
    ) {
        for keyword in &info.keywords {
            match keyword.name {
                "depends_on" => {
                    follow_up.depends_on = self.list_elements(keyword.value, "depends_on");
                }
                "cache_config" => {
                    builder.step.cache = self.cache_policy(keyword.value);
                }
                "retry_policies"
                | "register_model_step_retry_policies"
                | "repack_model_step_retry_policies" => {
                    let mut policies = self.retry_policies(keyword.value);
                    builder.step.retry.append(&mut policies);
                }
                "description" => {
                    if let Ok(Value::String(text)) = self.fold(keyword.value) {
                        builder.step.notes.push(format!("description: {text}"));
                    }
                }
                _ => {}
            }
        }
    }

    /// The job object a step reads: `processor=` / `estimator=` ... in the legacy style,
    /// or the receiver of the `step_args=` capture. Returns the object call and, for the
    /// capture, the method call.
    fn job_source(
        &mut self,
        info: &CallInfo<'a>,
        legacy: &str,
    ) -> (Option<&'a ExprCall>, Option<&'a ExprCall>) {
        if let Some(args) = info.keyword("step_args") {
            match self.classify(args) {
                Thing::MethodCall(method) => {
                    let receiver = match &*method.func {
                        Expr::Attribute(attr) => match self.follow(&attr.value) {
                            Expr::Call(c) => Some(c),
                            _ => None,
                        },
                        _ => None,
                    };
                    return (receiver, Some(method));
                }
                _ => {
                    self.report_unfollowable(
                        args,
                        "`step_args` is not a job method call ferry can read",
                    );
                    return (None, None);
                }
            }
        }
        let object = info.keyword(legacy).and_then(|e| match self.classify(e) {
            Thing::SagemakerObject(call, _) => Some(call),
            _ => None,
        });
        (object, None)
    }

    /// Constructor keywords of a job object: infrastructure to hints, the rest to config.
    fn job_object(&mut self, builder: &mut StepBuilder, object: &'a ExprCall, key: &str) {
        let class = self.sagemaker_class(object).unwrap_or_default();
        let info = self.call_info_of(object);
        let mut fields = vec![("class".to_string(), Value::String(class))];
        for keyword in &info.keywords {
            if is_infra(keyword.name) {
                let value = self.hint_value(keyword.value);
                builder.hint(keyword.name, value);
            } else if keyword.name == "estimator" {
                if let Thing::SagemakerObject(est, _) = self.classify(keyword.value) {
                    self.job_object(builder, est, "estimator");
                }
            } else {
                let value = self.value_in(builder, keyword.value, keyword.name, 0);
                fields.push((keyword.name.to_string(), value));
            }
        }
        for (i, arg) in info.args.iter().enumerate() {
            let value = self.value_in(builder, arg, &format!("{key}_arg{i}"), 0);
            fields.push((format!("arg{i}"), value));
        }
        let hyperparameters = self.set_hyperparameters(builder, object);
        if !hyperparameters.is_empty() {
            fields.push((
                "hyperparameters".to_string(),
                Value::Object(hyperparameters),
            ));
        }
        builder.set(key, Value::Object(fields));
    }

    /// `estimator.set_hyperparameters(k=v, ...)` statements on this job object.
    fn set_hyperparameters(
        &mut self,
        builder: &mut StepBuilder,
        object: &'a ExprCall,
    ) -> Vec<(String, Value)> {
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
                    let value = self.value_in(builder, &keyword.value, name.id.as_str(), 0);
                    out.push((name.id.to_string(), value));
                }
            }
        }
        out
    }

    /// Top-level `x.method(...)` expression statements of the pipeline's statement lists.
    pub fn method_calls(&self, method: &str) -> Vec<&'a ExprCall> {
        let mut out = Vec::new();
        for body in &self.statement_lists {
            for stmt in body.iter() {
                if let ferry_python::ast::Stmt::Expr(e) = stmt
                    && let Expr::Call(call) = &*e.value
                    && let Expr::Attribute(attr) = &*call.func
                    && attr.attr.id.as_str() == method
                {
                    out.push(call);
                }
            }
        }
        out
    }

    /// Keywords of a capture call (`processor.run(...)`) or of the legacy step call.
    fn keywords_of(
        &mut self,
        method: Option<&'a ExprCall>,
        info: &CallInfo<'a>,
    ) -> Vec<(&'a str, &'a Expr)> {
        match method {
            Some(call) => {
                let m = self.call_info_of(call);
                let mut out: Vec<(&'a str, &'a Expr)> =
                    m.keywords.iter().map(|k| (k.name, k.value)).collect();
                let positional = match m.method() {
                    Some("run") => &["code", "inputs", "outputs", "arguments"][..],
                    Some("fit") => &["inputs"][..],
                    Some("transform") => &["data", "data_type", "content_type"][..],
                    _ => &[][..],
                };
                for (i, arg) in m.args.iter().enumerate() {
                    if let Some(name) = positional.get(i) {
                        out.push((name, arg));
                    }
                }
                out
            }
            None => info.keywords.iter().map(|k| (k.name, k.value)).collect(),
        }
    }

    fn processing(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let (object, method) = self.job_source(info, "processor");
        if let Some(object) = object {
            self.job_object(builder, object, "processor");
        }
        let keywords = self.keywords_of(method, info);
        let property_files = info.keyword("property_files");
        let mut property_outputs = Vec::new();
        if let Some(files) = property_files {
            let mut entries = Vec::new();
            for element in self.list_elements(files, "property_files") {
                if let Thing::PropertyFile(pf) = self.classify(element) {
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
                        property_outputs.push(output.clone());
                        entries.push(Value::Object(vec![
                            ("name".into(), Value::String(name)),
                            ("output_name".into(), Value::String(output)),
                            ("path".into(), Value::String(path)),
                        ]));
                    }
                } else {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "F0415",
                            "`property_files` element is not a `PropertyFile(...)`",
                        )
                        .with_primary(self.span(element), "not a property file"),
                    );
                }
            }
            builder.set("property_files", Value::Array(entries));
        }
        let mut destinations = Vec::new();
        for (name, value) in keywords {
            match name {
                "code" | "submit_app" => {
                    let v = self.value_in(builder, value, "code", 0);
                    builder.set("code", v);
                }
                "source_dir" | "dependencies" | "submit_py_files" | "submit_jars" => {
                    let v = self.value_in(builder, value, name, 0);
                    builder.set(name, v);
                }
                "arguments" | "job_arguments" => {
                    let v = self.value_in(builder, value, "arg", 0);
                    builder.set("arguments", v);
                }
                "inputs" => {
                    for element in self.list_elements(value, "inputs") {
                        self.processing_input(builder, element);
                    }
                }
                "outputs" => {
                    for (i, element) in self.list_elements(value, "outputs").into_iter().enumerate()
                    {
                        if let Some((output, destination)) =
                            self.processing_output(builder, element, i, &property_outputs)
                        {
                            destinations.push((output, destination));
                        }
                    }
                }
                _ => {}
            }
        }
        if !destinations.is_empty() {
            builder.hint("output_s3_uris", Value::Object(destinations));
        }
    }

    fn processing_input(&mut self, builder: &mut StepBuilder, element: &'a Expr) {
        let Thing::SagemakerObject(call, _) = self.classify(element) else {
            self.report_unfollowable(element, "processing input is not a `ProcessingInput(...)`");
            return;
        };
        let info = self.call_info_of(call);
        let destination = info.arg(1, "destination").and_then(|e| self.fold(e).ok());
        let explicit = info.keyword("input_name").and_then(|e| self.fold(e).ok());
        let hint = explicit
            .as_ref()
            .and_then(Value::as_str)
            .or_else(|| {
                destination
                    .as_ref()
                    .and_then(Value::as_str)
                    .and_then(|d| d.trim_end_matches('/').rsplit('/').next())
            })
            .unwrap_or("input")
            .to_string();
        match info.arg(0, "source") {
            Some(source) => {
                let binding = self.binding_of(source);
                builder.add_input(&hint, PortType::Unknown, binding, self.span(element));
            }
            None => self.diagnostics.push(
                Diagnostic::warning("F0416", "`ProcessingInput` without a source")
                    .with_primary(self.span(element), "no source"),
            ),
        }
    }

    fn processing_output(
        &mut self,
        builder: &mut StepBuilder,
        element: &'a Expr,
        index: usize,
        property_outputs: &[String],
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
        let ty = if property_outputs.contains(&name) {
            PortType::Metrics
        } else {
            PortType::Dataset
        };
        builder.add_output(&name, ty, self.span(element));
        info.keyword("destination")
            .map(|d| (name, self.hint_value(d)))
    }

    fn training(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let (object, method) = self.job_source(info, "estimator");
        if let Some(object) = object {
            self.job_object(builder, object, "estimator");
        }
        for (name, value) in self.keywords_of(method, info) {
            if name == "inputs" {
                self.training_inputs(builder, value);
            }
        }
        builder.add_output("model", PortType::Model, builder.step.span);
    }

    /// `TrainingInput`, a dict channel → input, or a plain S3 URI (channel `training`).
    fn training_inputs(&mut self, builder: &mut StepBuilder, value: &'a Expr) {
        match self.follow(value) {
            Expr::Dict(dict) => {
                for item in &dict.items {
                    let channel = item
                        .key
                        .as_ref()
                        .and_then(|k| self.fold(k).ok())
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_else(|| "channel".to_string());
                    self.training_channel(builder, &channel, &item.value);
                }
            }
            Expr::List(list) => {
                for (i, element) in list.elts.iter().enumerate() {
                    self.training_channel(builder, &format!("channel_{i}"), element);
                }
            }
            _ => self.training_channel(builder, "training", value),
        }
    }

    fn training_channel(&mut self, builder: &mut StepBuilder, channel: &str, value: &'a Expr) {
        let source = match self.classify(value) {
            Thing::SagemakerObject(call, _) => {
                let info = self.call_info_of(call);
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
        let binding = self.binding_of(source);
        builder.add_input(channel, PortType::Dataset, binding, self.span(value));
    }

    fn tuning(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let (object, method) = self.job_source(info, "tuner");
        if let Some(object) = object {
            self.job_object(builder, object, "tuner");
        }
        for (name, value) in self.keywords_of(method, info) {
            if name == "inputs" {
                self.training_inputs(builder, value);
            }
        }
        builder.add_output("best_model", PortType::Model, builder.step.span);
        builder.add_output("top_models", PortType::Json, builder.step.span);
    }

    fn transform(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>, legacy_inputs: &str) {
        let (object, method) = self.job_source(info, "transformer");
        if let Some(object) = object {
            self.job_object(builder, object, "transformer");
        }
        for (name, value) in self.keywords_of(method, info) {
            match name {
                "data" => {
                    let binding = self.binding_of(value);
                    builder.add_input("data", PortType::Dataset, binding, self.span(value));
                }
                n if n == legacy_inputs => match self.classify(value) {
                    Thing::SagemakerObject(call, _) => {
                        let input = self.call_info_of(call);
                        if let Some(data) = input.arg(0, "data") {
                            let binding = self.binding_of(data);
                            builder.add_input("data", PortType::Dataset, binding, self.span(data));
                        }
                        for keyword in input.keywords.iter().filter(|k| k.name != "data") {
                            let v = self.value_in(builder, keyword.value, keyword.name, 0);
                            builder.set(keyword.name, v);
                        }
                    }
                    _ => {
                        let binding = self.binding_of(value);
                        builder.add_input("data", PortType::Dataset, binding, self.span(value));
                    }
                },
                "content_type" | "split_type" | "data_type" | "input_filter" | "output_filter"
                | "join_source" => {
                    let v = self.value_in(builder, value, name, 0);
                    builder.set(name, v);
                }
                _ => {}
            }
        }
        builder.add_output("output", PortType::Dataset, builder.step.span);
    }

    /// CreateModelStep and ModelStep: `model.create(...)` or `model.register(...)`.
    fn model_step(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let (object, method) = self.job_source(info, "model");
        if let Some(object) = object {
            self.model_object(builder, object);
        }
        let method_name = method.and_then(|m| match &*m.func {
            Expr::Attribute(a) => Some(a.attr.id.as_str()),
            _ => None,
        });
        let keywords = self.keywords_of(method, info);
        if method_name == Some("register") {
            if let StepKind::Job { job, .. } = &mut builder.step.kind {
                *job = "register_model".to_string();
            }
            builder.step.mapping = StepClass::RegisterModel.mapping();
            builder.step.mapping.construct = "ModelStep(model.register)".into();
            self.registration(builder, &keywords);
            builder.add_output("model_package_arn", PortType::Scalar, builder.step.span);
        } else {
            for (name, value) in keywords {
                if name == "inputs" || is_infra(name) || name == "instance_type" {
                    let v = self.hint_value(value);
                    builder.hint(name, v);
                }
            }
            builder.add_output("model_name", PortType::Scalar, builder.step.span);
        }
    }

    /// A `Model(...)`/`PipelineModel(...)`: `model_data` becomes the model input.
    fn model_object(&mut self, builder: &mut StepBuilder, object: &'a ExprCall) {
        let info = self.call_info_of(object);
        if let Some(data) = info.keyword("model_data") {
            let binding = self.binding_of(data);
            builder.add_input("model", PortType::Model, binding, self.span(data));
        }
        let class = self.sagemaker_class(object).unwrap_or_default();
        let mut fields = vec![("class".to_string(), Value::String(class))];
        for keyword in info.keywords.iter().filter(|k| k.name != "model_data") {
            if is_infra(keyword.name) {
                let v = self.hint_value(keyword.value);
                builder.hint(keyword.name, v);
            } else {
                let v = self.value_in(builder, keyword.value, keyword.name, 0);
                fields.push((keyword.name.to_string(), v));
            }
        }
        builder.set("model", Value::Object(fields));
    }

    fn register_model(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        if let Some(Thing::SagemakerObject(est, _)) =
            info.keyword("estimator").map(|e| self.classify(e))
        {
            self.job_object(builder, est, "estimator");
        }
        if let Some(Thing::SagemakerObject(model, _)) =
            info.keyword("model").map(|e| self.classify(e))
        {
            self.model_object(builder, model);
        }
        if let Some(data) = info.keyword("model_data") {
            let binding = self.binding_of(data);
            builder.add_input("model", PortType::Model, binding, self.span(data));
        }
        let keywords: Vec<(&'a str, &'a Expr)> = info
            .keywords
            .iter()
            .filter(|k| !matches!(k.name, "estimator" | "model" | "model_data" | "name"))
            .map(|k| (k.name, k.value))
            .collect();
        self.registration(builder, &keywords);
        builder.add_output("model_package_arn", PortType::Scalar, builder.step.span);
    }

    /// Registration keywords (RegisterModel / `model.register`): config, hints and a
    /// workflow-level model registration.
    fn registration(&mut self, builder: &mut StepBuilder, keywords: &[(&'a str, &'a Expr)]) {
        let mut group = None;
        let mut approval = None;
        for &(name, value) in keywords {
            match name {
                "depends_on"
                | "cache_config"
                | "retry_policies"
                | "display_name"
                | "description"
                | "register_model_step_retry_policies"
                | "repack_model_step_retry_policies" => {}
                "inference_instances" | "transform_instances" => {
                    let v = self.hint_value(value);
                    builder.hint(name, v);
                }
                n if is_infra(n) => {
                    let v = self.hint_value(value);
                    builder.hint(n, v);
                }
                _ => {
                    if name == "model_package_group_name" {
                        group = Some(match self.classify(value) {
                            Thing::Const(Value::String(s)) => s,
                            Thing::Param(call) => {
                                let p = self.param_name(call, false);
                                format!("{{{p}}}")
                            }
                            _ => self.module.text_of(value).to_string(),
                        });
                    }
                    if name == "approval_status" {
                        approval = Some(match self.classify(value) {
                            Thing::Const(Value::String(s)) => s,
                            Thing::Param(call) => {
                                let default = self
                                    .call_info_of(call)
                                    .arg(1, "default_value")
                                    .and_then(|e| self.fold(e).ok())
                                    .and_then(|v| v.as_str().map(str::to_string));
                                default.unwrap_or_else(|| self.module.text_of(value).to_string())
                            }
                            _ => self.module.text_of(value).to_string(),
                        });
                    }
                    let v = self.value_in(builder, value, name, 0);
                    builder.set(name, v);
                }
            }
        }
        self.models.push(ModelRegistration {
            name: group.unwrap_or_else(|| builder.step.display_name.clone()),
            step: builder.step.name.clone(),
            approval,
            span: builder.step.span,
            mapping: Mapping::approximate(
                "SageMaker Model Registry",
                "the registry is not the ZenML Model Control Plane: choose a registry strategy explicitly",
            ),
        });
    }

    fn fail_step(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let Some(message) = info.arg(1, "error_message") else {
            return;
        };
        let cause = match self.classify(message) {
            Thing::Const(Value::String(s)) => s,
            _ => {
                builder.step.notes.push(format!(
                    "the error message is computed at run time: {}",
                    self.module.text_of(message)
                ));
                self.module.text_of(message).to_string()
            }
        };
        builder.step.kind = StepKind::Fail {
            error: Some(builder.step.display_name.clone()),
            cause: Some(cause),
        };
    }

    fn lambda_step(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let mut function = String::new();
        if let Some(Thing::SagemakerObject(lambda, _)) =
            info.arg(1, "lambda_func").map(|e| self.classify(e))
        {
            let l = self.call_info_of(lambda);
            for keyword in &l.keywords {
                match keyword.name {
                    "function_arn" | "function_name" if function.is_empty() => {
                        function = match self.classify(keyword.value) {
                            Thing::Const(Value::String(s)) => s,
                            _ => self.module.text_of(keyword.value).to_string(),
                        };
                    }
                    "timeout" | "memory_size" | "runtime" | "execution_role_arn" | "handler"
                    | "script" | "zipped_code_dir" => {
                        let v = self.hint_value(keyword.value);
                        builder.hint(&format!("lambda_{}", keyword.name), v);
                    }
                    _ => {}
                }
            }
        }
        let payload = info
            .keyword("inputs")
            .map(|e| self.value_in(builder, e, "input", 0))
            .unwrap_or(Value::Object(Vec::new()));
        let outputs = self.declared_outputs(builder, info.keyword("outputs"));
        builder.step.kind = StepKind::Lambda {
            function,
            payload,
            pattern: ferry_ir::IntegrationPattern::RequestResponse,
        };
        if outputs > 0 {
            builder.step.mapping = Mapping::absent(
                "LambdaStep",
                "the design relies on the LambdaStep I/O contract (declared outputs, 120 s default timeout), which ZenML does not have",
                MigrationFlag::Medium,
            );
            self.diagnostics.push(
                Diagnostic::warning("F0420", format!("LambdaStep `{}` relies on declared Lambda outputs", builder.step.display_name))
                    .with_primary(builder.step.span, "no ZenML equivalent")
                    .with_flag(MigrationFlag::Medium)
                    .with_help("invoke the function with boto3 inside a step and return its parsed payload as an artifact"),
            );
        }
    }

    /// `LambdaOutput(output_name=...)` / `CallbackOutput(...)` → scalar output ports.
    fn declared_outputs(&mut self, builder: &mut StepBuilder, outputs: Option<&'a Expr>) -> usize {
        let Some(outputs) = outputs else { return 0 };
        let mut count = 0;
        for element in self.list_elements(outputs, "outputs") {
            if let Thing::SagemakerObject(call, _) = self.classify(element) {
                let info = self.call_info_of(call);
                if let Some(name) = info
                    .arg(0, "output_name")
                    .and_then(|e| self.constant_string(e, "output name"))
                {
                    builder.add_output(&name, PortType::Scalar, self.span(element));
                    self.output_objects.insert(
                        call.range().start().to_u32(),
                        (builder.step.display_name.clone(), name),
                    );
                    count += 1;
                }
            }
        }
        count
    }

    fn callback_step(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let queue = info
            .arg(1, "sqs_queue_url")
            .map(|e| self.hint_value(e))
            .unwrap_or(Value::Null);
        let inputs = info
            .keyword("inputs")
            .map(|e| self.value_in(builder, e, "input", 0))
            .unwrap_or(Value::Null);
        self.declared_outputs(builder, info.keyword("outputs"));
        builder.step.kind = StepKind::Opaque {
            construct: "CallbackStep".into(),
            config: Value::Object(vec![
                ("sqs_queue_url".into(), queue),
                ("inputs".into(), inputs),
            ]),
        };
        self.diagnostics.push(
            Diagnostic::warning("F0420", format!("CallbackStep `{}` has no ZenML equivalent", builder.step.display_name))
                .with_primary(builder.step.span, "SQS callback-token handshake")
                .with_flag(MigrationFlag::High)
                .with_help("keep the callback as an explicit AWS workflow, or redesign the boundary (e.g. a step that polls for the external result)"),
        );
    }

    fn check_step(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>, class: StepClass) {
        for keyword in &info.keywords {
            match keyword.name {
                "name" | "depends_on" | "cache_config" | "display_name" | "description" => {}
                "check_job_config" => {
                    if let Thing::SagemakerObject(job, _) = self.classify(keyword.value) {
                        let job_info = self.call_info_of(job);
                        for k in &job_info.keywords {
                            let v = self.hint_value(k.value);
                            builder.hint(k.name, v);
                        }
                    }
                }
                name => {
                    let v = self.value_in(builder, keyword.value, name, 0);
                    builder.set(name, v);
                }
            }
        }
        let _ = class;
        for output in [
            "calculated_baseline_statistics",
            "calculated_baseline_constraints",
            "baseline_used_for_drift_check_statistics",
            "baseline_used_for_drift_check_constraints",
        ] {
            if class == StepClass::ClarifyCheck && output.ends_with("statistics") {
                continue;
            }
            builder.add_output(output, PortType::Uri, builder.step.span);
        }
    }

    /// EMR, NotebookJob and AutoML: keywords to config/hints, `step_args` captures read.
    fn generic_job(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>, class: StepClass) {
        if class == StepClass::AutoMl {
            let (object, method) = self.job_source(info, "automl");
            if let Some(object) = object {
                self.job_object(builder, object, "automl");
            }
            for (name, value) in self.keywords_of(method, info) {
                if name == "inputs" {
                    self.training_inputs(builder, value);
                }
            }
            builder.add_output("best_model", PortType::Model, builder.step.span);
            return;
        }
        for keyword in &info.keywords {
            match keyword.name {
                "name" | "depends_on" | "cache_config" | "retry_policies" | "display_name"
                | "description" => {}
                n if is_infra(n)
                    || matches!(
                        n,
                        "cluster_id" | "cluster_config" | "max_retry_attempts" | "role"
                    ) =>
                {
                    let v = self.hint_value(keyword.value);
                    builder.hint(n, v);
                }
                name => {
                    let v = self.value_in(builder, keyword.value, name, 0);
                    builder.set(name, v);
                }
            }
        }
        match class {
            StepClass::Emr => builder.add_output("cluster_id", PortType::Scalar, builder.step.span),
            _ => builder.add_output("output_notebook", PortType::Uri, builder.step.span),
        }
    }

    fn monitor_batch_transform(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        if let Some(args) = info.keyword("transform_step_args") {
            let synthetic = CallInfo {
                call: info.call,
                span: info.span,
                callee: info.callee.clone(),
                callee_text: info.callee_text,
                args: Vec::new(),
                keywords: vec![ferry_python::KeywordArg {
                    name: "step_args",
                    value: args,
                    span: info.span,
                }],
                star_args: Vec::new(),
            };
            self.transform(builder, &synthetic, "inputs");
        }
        for keyword in &info.keywords {
            match keyword.name {
                "monitor_configuration"
                | "monitor_before_transform"
                | "fail_on_violation"
                | "supplied_baseline_statistics"
                | "supplied_baseline_constraints" => {
                    let v = self.value_in(builder, keyword.value, keyword.name, 0);
                    builder.set(keyword.name, v);
                }
                "check_job_configuration" => {
                    if let Thing::SagemakerObject(job, _) = self.classify(keyword.value) {
                        let job_info = self.call_info_of(job);
                        for k in &job_info.keywords {
                            let v = self.hint_value(k.value);
                            builder.hint(&format!("monitor_{}", k.name), v);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A `@step` function call: its body is carried over as a Python step; arguments
    /// become inputs (other `@step` results become data edges).
    fn lower_function_step(
        &mut self,
        call: &'a ExprCall,
        def: &'a StmtFunctionDef,
    ) -> (StepBuilder, FollowUp<'a>) {
        let function = FunctionInfo::of(self.module, def);
        let mut follow_up = FollowUp::default();
        let mut display = function.name.to_string();
        let mut decorator_keywords: Vec<(&'a str, &'a Expr)> = Vec::new();
        for decorator in &function.decorators {
            if let Expr::Call(d) = decorator {
                for keyword in d.arguments.keywords.iter() {
                    if let Some(name) = &keyword.arg {
                        decorator_keywords.push((name.id.as_str(), &keyword.value));
                    }
                }
            }
        }
        for &(name, value) in &decorator_keywords {
            if name == "name"
                && let Ok(Value::String(s)) = self.fold(value)
            {
                display = s;
            }
        }
        let imports = self.imports_for_body(def);
        let kind = StepKind::Python {
            function: function.name.to_string(),
            imports,
            body: function.body.clone(),
            body_span: function.body_span,
        };
        let mapping = Mapping::direct("@step");
        let mut builder = self.new_builder(call, display, kind, mapping);
        for &(name, value) in &decorator_keywords {
            match name {
                "name" | "display_name" => {}
                "retry_policies" => {
                    let mut policies = self.retry_policies(value);
                    builder.step.retry.append(&mut policies);
                }
                "description" => {}
                "dependencies" | "pre_execution_commands" | "pre_execution_script" => {
                    let v = self.hint_value(value);
                    builder.hint(name, v);
                }
                other => {
                    let v = self.hint_value(value);
                    builder.hint(other, v);
                }
            }
        }
        for variadic in &function.variadic {
            self.diagnostics.push(
                Diagnostic::warning(
                    "F0411",
                    "`*args`/`**kwargs` parameters of a `@step` function have no static shape",
                )
                .with_primary(*variadic, "variadic parameter")
                .with_flag(MigrationFlag::Medium),
            );
        }
        let info = self.call_info_of(call);
        for (i, param) in function.params.iter().enumerate() {
            let argument = info
                .keyword(param.name)
                .or_else(|| info.args.get(i).copied());
            let ty = port_type_of(param.annotation);
            let binding = match (argument, param.default) {
                (Some(arg), _) => self.binding_of(arg),
                (None, Some(default)) => match self.fold(default) {
                    Ok(v) => Binding::Literal(v),
                    Err(_) => Binding::Literal(python_expr(self.module.text_of(default))),
                },
                (None, None) => {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "F0416",
                            format!("`@step` argument `{}` is not given", param.name),
                        )
                        .with_primary(info.span, "call"),
                    );
                    continue;
                }
            };
            let span = argument.map_or(param.span, |a| self.span(a));
            let name = builder.add_input(param.name, ty, binding, span);
            if name != param.name {
                builder
                    .step
                    .notes
                    .push(format!("parameter `{}` renamed to `{name}`", param.name));
            }
        }
        let output_ty = port_type_of(function.returns);
        builder.add_output("output", output_ty, function.span);
        if let Some(depends) = decorator_keywords.iter().find(|(n, _)| *n == "depends_on") {
            follow_up.depends_on = self.list_elements(depends.1, "depends_on");
        }
        (builder, follow_up)
    }

    /// Module-level imports the body of `def` uses (by the names it mentions).
    fn imports_for_body(&self, def: &'a StmtFunctionDef) -> Vec<String> {
        let body_text = FunctionInfo::of(self.module, def).body;
        let words: std::collections::BTreeSet<&str> = body_text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        let mut out = Vec::new();
        for stmt in self.module.body() {
            let bound: Vec<String> = match stmt {
                ferry_python::ast::Stmt::Import(i) => i
                    .names
                    .iter()
                    .map(|a| {
                        a.asname.as_ref().map_or_else(
                            || a.name.id.split('.').next().unwrap_or("").to_string(),
                            |n| n.id.to_string(),
                        )
                    })
                    .collect(),
                ferry_python::ast::Stmt::ImportFrom(i) => i
                    .names
                    .iter()
                    .map(|a| a.asname.as_ref().unwrap_or(&a.name).id.to_string())
                    .collect(),
                _ => continue,
            };
            if bound.iter().any(|b| words.contains(b.as_str())) {
                let text = self.module.text_of(stmt).to_string();
                if !text.contains("sagemaker") {
                    out.push(text);
                }
            }
        }
        out
    }

    /// After a step is in the graph: depends_on order edges, condition branches.
    fn finish_step(&mut self, index: NodeIndex, call: &'a ExprCall, follow_up: FollowUp<'a>) {
        let _ = call;
        for dependency in follow_up.depends_on {
            let Some(from) = self.ensure_step(dependency) else {
                continue;
            };
            if from == index {
                continue;
            }
            if matches!(self.pipeline.graph[from].kind, StepKind::Branch { .. }) {
                // A branch step may only have branch successors; the dependency on the
                // decision itself is kept as a note.
                let note = format!(
                    "depends on condition step `{}`; it runs regardless of the outcome here",
                    self.pipeline.graph[from].display_name
                );
                self.pipeline.graph[index].notes.push(note);
                continue;
            }
            let span = self.span(dependency);
            self.pipeline.add_edge(from, index, EdgeKind::Order, span);
        }
        let Some(mut rules) = follow_up.rules else {
            return;
        };
        let has_then = self.branch_edges(index, "then", follow_up.if_steps);
        let has_else = self.branch_edges(index, "else", follow_up.else_steps);
        // An empty branch list has no edge to label: with no `if_steps` the condition is
        // negated and the `else_steps` become the rule's target.
        match (has_then, has_else) {
            (true, _) => {}
            (false, true) => {
                for rule in &mut rules {
                    rule.condition = ferry_ir::Condition::Not(Box::new(rule.condition.clone()));
                    rule.label = "else".into();
                }
            }
            (false, false) => rules.clear(),
        }
        let step = &mut self.pipeline.graph[index];
        if rules.is_empty() {
            step.notes
                .push("both branches are empty: the condition decides nothing".into());
            step.kind = StepKind::Succeed;
            return;
        }
        if let StepKind::Branch {
            rules: slot,
            default,
        } = &mut step.kind
        {
            *slot = rules;
            *default = (has_then && has_else).then(|| "else".to_string());
        }
    }
}

/// Where a step comes from.
enum StepSource<'a> {
    Class(StepClass),
    Function(&'a StmtFunctionDef),
}

/// What must happen once a step is in the graph (it needs the step's index).
#[derive(Default)]
pub struct FollowUp<'a> {
    pub depends_on: Vec<&'a Expr>,
    pub if_steps: Vec<&'a Expr>,
    pub else_steps: Vec<&'a Expr>,
    pub rules: Option<Vec<ferry_ir::BranchRule>>,
}

/// The port type a Python annotation suggests.
fn port_type_of(annotation: Option<&str>) -> PortType {
    match annotation.map(str::trim) {
        Some("int" | "float" | "bool" | "str") => PortType::Scalar,
        Some(a) if a.starts_with("dict") || a.starts_with("Dict") => PortType::Json,
        Some(a) if a.contains("DataFrame") => PortType::Dataset,
        _ => PortType::Unknown,
    }
}
