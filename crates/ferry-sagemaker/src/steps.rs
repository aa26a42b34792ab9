//! Building steps: the step builder, dispatch by step class, the arguments every step
//! shares (depends_on, cache, retry), job objects and the edges added once a step exists.

use ferry_diagnostics::{Diagnostic, Span};
use ferry_ir::naming::Namer;
use ferry_ir::{Binding, EdgeKind, Input, Mapping, Output, PortType, Step, StepKind, Value};
use ferry_python::ast::{Expr, ExprCall, StmtFunctionDef};
use ferry_python::{CallInfo, Ranged};
use petgraph::stable_graph::NodeIndex;

use crate::classes::{StepClass, is_infra};
use crate::lower::{Lowerer, MAX_DEPTH};
use crate::values::Thing;

/// A step under construction with its own input namer.
pub struct StepBuilder {
    pub step: Step,
    input_namer: Namer,
    config: Vec<(String, Value)>,
    /// Set when the step runs a program under the container contract.
    pub container: Option<ferry_ir::ContainerJob>,
    /// A FailStep's computed message (the transform step that builds it).
    pub message_step: Option<NodeIndex>,
}

impl StepBuilder {
    pub(crate) fn new(step: Step) -> Self {
        StepBuilder {
            step,
            input_namer: Namer::new(),
            config: Vec::new(),
            container: None,
            message_step: None,
        }
    }

    /// The step's input bound to `binding`: a new one, or the one that already carries
    /// it (a value the step uses twice is one input).
    pub fn add_input(&mut self, hint: &str, ty: PortType, binding: Binding, span: Span) -> String {
        if let Some(existing) = self.step.inputs.iter().find(|i| i.binding == binding) {
            return existing.name.clone();
        }
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

    pub(crate) fn set(&mut self, key: &str, value: Value) {
        self.config.retain(|(k, _)| k != key);
        self.config.push((key.to_string(), value));
    }

    /// A runtime hint; a value only Python computes (`Null`) is not a setting a
    /// configuration can hold, so the step says it instead.
    pub(crate) fn hint(&mut self, key: &str, value: Value) {
        if value == Value::Null {
            let note = format!(
                "`{key}` is computed at run time in the source; set it for the target (configs/prod.yaml or the stack)"
            );
            if !self.step.notes.contains(&note) && !matches!(key, "sagemaker_session" | "role") {
                self.step.notes.push(note);
            }
            return;
        }
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
        let message_step = builder.message_step;
        let mut step = builder.step;
        if let Some(job) = builder.container {
            step.kind = StepKind::Container(Box::new(job));
        } else if !builder.config.is_empty()
            && let StepKind::Job { config, .. } = &mut step.kind
        {
            *config = Value::Object(builder.config);
        }
        let index = self.pipeline.add_step(step);
        if let Some(message) = message_step {
            self.fail_messages.insert(index, message);
        }
        self.steps.insert(key, index);
        self.finish_step(index, call, follow_up);
        Some(index)
    }

    /// A step named by its SageMaker name (string `depends_on`); F0413 when unknown.
    pub(crate) fn step_by_name(&mut self, name: &str, expr: &Expr) -> Option<NodeIndex> {
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

    pub(crate) fn new_builder(
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

    pub(crate) fn lower_class_step(
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
            StepClass::NotebookJob => self.notebook_job(&mut builder, &info),
            StepClass::Emr | StepClass::AutoMl => self.generic_job(&mut builder, &info, class),
            StepClass::MonitorBatchTransform => self.monitor_batch_transform(&mut builder, &info),
        }
        (builder, follow_up)
    }

    /// depends_on, cache_config, retry_policies, display_name/description.
    pub(crate) fn common_arguments(
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
    pub(crate) fn job_source(
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

    /// The infrastructure of a job object (and of the estimator it wraps) as hints; a
    /// container job keeps the rest in its own description.
    pub(crate) fn job_hints(&mut self, builder: &mut StepBuilder, object: &'a ExprCall) {
        let info = self.call_info_of(object);
        for keyword in &info.keywords {
            if is_infra(keyword.name) {
                let value = self.hint_value(keyword.value);
                builder.hint(keyword.name, value);
            } else if keyword.name == "estimator"
                && let Thing::SagemakerObject(est, _) = self.classify(keyword.value)
            {
                self.job_hints(builder, est);
            }
        }
        if let Some(first) = info.args.first()
            && let Thing::SagemakerObject(est, _) = self.classify(first)
        {
            self.job_hints(builder, est);
        }
    }

    /// Constructor keywords of a job object: infrastructure to hints, the rest to config.
    pub(crate) fn job_object(
        &mut self,
        builder: &mut StepBuilder,
        object: &'a ExprCall,
        key: &str,
    ) {
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
    pub(crate) fn set_hyperparameters(
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
    pub(crate) fn keywords_of(
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

    /// After a step is in the graph: depends_on order edges, condition branches.
    pub(crate) fn finish_step(
        &mut self,
        index: NodeIndex,
        call: &'a ExprCall,
        follow_up: FollowUp<'a>,
    ) {
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
        // In SageMaker an empty branch list ends that path of the run successfully: the
        // empty arm leads to a Succeed step.
        match (has_then, has_else) {
            (true, false) => self.empty_branch(index, "else"),
            (false, true) => self.empty_branch(index, "then"),
            (true, true) => {}
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
            *default = Some("else".to_string());
        }
    }

    /// A Succeed step at the end of the empty `label` arm of a condition.
    fn empty_branch(&mut self, branch: NodeIndex, label: &str) {
        let (name, display, span) = {
            let step = &self.pipeline.graph[branch];
            let list = if label == "then" {
                "if_steps"
            } else {
                "else_steps"
            };
            (
                self.step_namer
                    .fresh(&format!("{}_{label}_done", step.name)),
                format!("{} ({list} empty)", step.display_name),
                step.span,
            )
        };
        let list = if label == "then" {
            "if_steps"
        } else {
            "else_steps"
        };
        let mut end = Step::new(
            name,
            display,
            span,
            StepKind::Succeed,
            Mapping::direct(format!("empty {list}")),
        );
        end.notes.push(format!(
            "an empty `{list}` ends this path of the run successfully"
        ));
        let end = self.pipeline.add_step(end);
        self.pipeline.add_edge(
            branch,
            end,
            EdgeKind::Branch {
                label: label.to_string(),
            },
            span,
        );
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
