//! Fail, Lambda, Callback, check, EMR, NotebookJob, AutoML and MonitorBatchTransform steps.

use ferry_diagnostics::{Diagnostic, MigrationFlag};
use ferry_ir::{Mapping, PortType, StepKind, Value};
use ferry_python::ast::Expr;
use ferry_python::{CallInfo, Ranged};

use crate::classes::{StepClass, is_infra};
use crate::lower::Lowerer;
use crate::steps::StepBuilder;
use crate::values::Thing;

impl<'a> Lowerer<'a> {
    pub(crate) fn fail_step(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
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
