//! Fail, Lambda, Callback, check, EMR, NotebookJob, AutoML and MonitorBatchTransform steps.

use ferry_diagnostics::{Diagnostic, MigrationFlag};
use ferry_ir::{
    Binding, Channel, ContainerJob, JobKind, Launch, Mapping, PortType, Program, ResultDir, Step,
    StepKind, Value,
};
use ferry_python::ast::Expr;
use ferry_python::{CallInfo, Ranged};

use crate::classes::{StepClass, is_infra};
use crate::lower::Lowerer;
use crate::steps::StepBuilder;
use crate::values::Thing;

impl<'a> Lowerer<'a> {
    /// FailStep: a constant message is the failure's cause; a message computed while
    /// the pipeline runs (`Join`, parameters) is a transform step feeding the fail
    /// step's `message` input, which runs only where the fail step runs.
    pub(crate) fn fail_step(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let error = Some(builder.step.display_name.clone());
        let Some(message) = info.arg(1, "error_message") else {
            builder.step.kind = StepKind::Fail { error, cause: None };
            return;
        };
        if let Thing::Const(Value::String(s)) = self.classify(message) {
            builder.step.kind = StepKind::Fail {
                error,
                cause: Some(s),
            };
            return;
        }
        let display = format!("{} message", builder.step.display_name);
        let name = self
            .step_namer
            .fresh(&format!("{}_message", builder.step.name));
        let span = self.span(message);
        let mut transform = StepBuilder::new(Step::new(
            name.clone(),
            display,
            span,
            StepKind::Succeed,
            Mapping::direct("FailStep error_message"),
        ));
        let template = match self.job_value(&mut transform, message, "part", 0) {
            Value::Join { separator, parts } => Value::Join { separator, parts },
            other => Value::Join {
                separator: String::new(),
                parts: vec![other],
            },
        };
        transform.step.kind = StepKind::Transform { template };
        transform.add_output("message", PortType::Scalar, span);
        let index = self.pipeline.add_step(transform.step);
        builder.message_step = Some(index);
        builder.add_input(
            "message",
            PortType::Scalar,
            Binding::StepOutput {
                step: name,
                port: "message".into(),
                projection: Vec::new(),
            },
            span,
        );
        builder.step.kind = StepKind::Fail { error, cause: None };
    }

    pub(crate) fn lambda_step(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
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
            // A LambdaStep's outputs are the keys of the JSON its function returns: the
            // step returns the invocation (payload and status) and readers project
            // into the payload.
            builder.step.outputs.clear();
            builder.add_output("output", PortType::Json, builder.step.span);
            builder.step.mapping = Mapping::approximate(
                "LambdaStep",
                "the function is invoked with boto3 from a step; the declared LambdaOutputs are the fields of the JSON it returns (their output types and the LambdaStep timeout are not enforced)",
            );
            self.diagnostics.push(
                Diagnostic::note(
                    "F0420",
                    format!(
                        "LambdaStep `{}` declares Lambda outputs",
                        builder.step.display_name
                    ),
                )
                .with_primary(builder.step.span, "read from the function's JSON result")
                .with_flag(MigrationFlag::Medium)
                .with_help("check that the function returns a JSON object with the declared keys"),
            );
        }
    }

    /// `LambdaOutput(output_name=...)` / `CallbackOutput(...)` → scalar output ports.
    pub(crate) fn declared_outputs(
        &mut self,
        builder: &mut StepBuilder,
        outputs: Option<&'a Expr>,
    ) -> usize {
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

    pub(crate) fn callback_step(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
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

    pub(crate) fn check_step(
        &mut self,
        builder: &mut StepBuilder,
        info: &CallInfo<'a>,
        class: StepClass,
    ) {
        let data_quality = info
            .keyword("quality_check_config")
            .filter(|_| class == StepClass::QualityCheck)
            .and_then(|e| match self.classify(e) {
                Thing::SagemakerObject(c, name) => Some((c, name)),
                _ => None,
            })
            .filter(|(_, name)| name == "DataQualityCheckConfig");
        if let Some((config, _)) = data_quality {
            self.data_quality_check(builder, info, config);
            return;
        }
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
        for output in CHECK_OUTPUTS {
            if class == StepClass::ClarifyCheck && output.ends_with("statistics") {
                continue;
            }
            builder.add_output(output, PortType::Uri, builder.step.span);
        }
    }

    /// A data-quality QualityCheckStep: a baseline (statistics and constraints) of a
    /// dataset, optionally checked against a supplied baseline.
    fn data_quality_check(
        &mut self,
        builder: &mut StepBuilder,
        info: &CallInfo<'a>,
        config: &'a ferry_python::ast::ExprCall,
    ) {
        let mut job = ContainerJob::new(JobKind::QualityCheck, Program::Service);
        let mut settings = vec![(
            "check_type".to_string(),
            Value::String("data_quality".into()),
        )];
        let config_info = self.call_info_of(config);
        let mut method_arguments = Vec::new();
        for k in &config_info.keywords {
            match k.name {
                "baseline_dataset" => {
                    let binding = self.data_binding(k.value, "baseline_dataset");
                    let port = builder.add_input(
                        "baseline_dataset",
                        PortType::Dataset,
                        binding,
                        self.span(k.value),
                    );
                    job.channels.push(Channel {
                        input: port,
                        name: "baseline_dataset".into(),
                        path: "/opt/ml/processing/input/baseline_dataset_input".into(),
                        content_type: None,
                    });
                }
                "dataset_format" => {
                    let v = self.dataset_format(k.value);
                    settings.push(("dataset_format".into(), v.clone()));
                }
                "output_s3_uri" => {
                    let v = self.job_value(builder, k.value, "output_s3_uri", 0);
                    method_arguments.push(("output_s3_uri".to_string(), v));
                }
                name => {
                    let v = self.job_value(builder, k.value, name, 0);
                    settings.push((name.to_string(), v));
                }
            }
        }
        let mut launch_arguments = Vec::new();
        for keyword in &info.keywords {
            match keyword.name {
                "name"
                | "depends_on"
                | "cache_config"
                | "display_name"
                | "description"
                | "quality_check_config"
                | "model_package_group_name" => {}
                "check_job_config" => {
                    if let Thing::SagemakerObject(check, _) = self.classify(keyword.value) {
                        let job_info = self.call_info_of(check);
                        for k in &job_info.keywords {
                            let v = self.hint_value(k.value);
                            if !matches!(k.name, "sagemaker_session" | "role") && v != Value::Null {
                                launch_arguments.push((k.name.to_string(), v.clone()));
                            }
                            builder.hint(k.name, v);
                        }
                    }
                }
                name => {
                    let v = self.job_value(builder, keyword.value, name, 0);
                    settings.push((name.to_string(), v));
                }
            }
        }
        // Each result is a folder the job writes (a dataset), as for processing.
        for output in CHECK_OUTPUTS {
            builder.add_output(output, PortType::Dataset, builder.step.span);
            job.results.push(ResultDir {
                output: output.to_string(),
                path: format!("/opt/ml/processing/output/{output}"),
            });
        }
        job.settings = Value::Object(settings);
        job.launch = Some(Launch {
            class: "sagemaker.model_monitor.DefaultModelMonitor".into(),
            arguments: Value::Object(launch_arguments),
            method: "suggest_baseline".into(),
            method_arguments: Value::Object(method_arguments),
        });
        builder.container = Some(job);
        builder.step.mapping = Mapping::approximate(
            "QualityCheckStep",
            "the data-quality baseline is computed locally with the statistics ferry's contract module knows (counts, completeness, types, numeric summaries), not with SageMaker Model Monitor's analyzer",
        );
    }

    /// `DatasetFormat.csv(header=..., output_columns_position=...)`, `.json(lines=...)`,
    /// `.parquet()` as `{"csv": {...}}`.
    fn dataset_format(&mut self, expr: &'a Expr) -> Value {
        let Expr::Call(call) = self.follow(expr) else {
            return Value::Null;
        };
        let Expr::Attribute(attr) = &*call.func else {
            return Value::Null;
        };
        let kind = attr.attr.id.to_string();
        let mut fields = Vec::new();
        for keyword in call.arguments.keywords.iter() {
            if let (Some(name), Ok(v)) = (&keyword.arg, self.fold(&keyword.value)) {
                fields.push((name.id.to_string(), v));
            }
        }
        Value::Object(vec![(kind, Value::Object(fields))])
    }

    /// EMR, NotebookJob and AutoML: keywords to config/hints, `step_args` captures read.
    pub(crate) fn generic_job(
        &mut self,
        builder: &mut StepBuilder,
        info: &CallInfo<'a>,
        class: StepClass,
    ) {
        if class == StepClass::AutoMl {
            let (object, method) = self.job_source(info, "automl");
            if let Some(object) = object {
                self.job_object(builder, object, "automl");
            }
            let mut unused = ContainerJob::new(JobKind::Training, Program::Service);
            for (name, value) in self.keywords_of(method, info) {
                if name == "inputs" {
                    self.training_inputs(builder, value, &mut unused);
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

    pub(crate) fn monitor_batch_transform(
        &mut self,
        builder: &mut StepBuilder,
        info: &CallInfo<'a>,
    ) {
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
            // The monitoring around the transform keeps the step a stand-in.
            builder.container = None;
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
}

/// The outputs of a check step (SageMaker's property names, snake case).
const CHECK_OUTPUTS: [&str; 4] = [
    "calculated_baseline_statistics",
    "calculated_baseline_constraints",
    "baseline_used_for_drift_check_statistics",
    "baseline_used_for_drift_check_constraints",
];
