//! What a Python expression stands for in a SageMaker pipeline: a constant, a pipeline
//! parameter, a step, a runtime reference (step property, JsonGet, Join, execution
//! variable, `@step` result) or Python ferry does not evaluate; and how each becomes an
//! IR binding or a config value.

use ferry_diagnostics::{Diagnostic, MigrationFlag};
use ferry_ir::{Binding, Parameter, Placeholder, PlaceholderKind, Segment, Value};
use ferry_python::ast::{Expr, ExprCall, StmtFunctionDef};
use ferry_python::{Ranged, SymbolKind};

use crate::classes::{ParamClass, StepClass};
use crate::lower::{Lowerer, MAX_DEPTH};
use crate::steps::StepBuilder;

/// The meaning of an expression after following variables to their assignments.
pub enum Thing<'a> {
    Const(Value),
    Param(&'a ExprCall),
    Step(StepClass, &'a ExprCall),
    /// A call of a `@step` function, optionally indexed (`result["key"][0]`).
    FunctionStep(&'a ExprCall, &'a StmtFunctionDef, Vec<Segment>),
    /// `step.properties.<path>` (path in the definition JSON's notation).
    Property(&'a Expr, String),
    JsonGet(&'a ExprCall),
    Join(&'a ExprCall),
    ExecutionVariable(String),
    PropertyFile(&'a ExprCall),
    /// A call of another `sagemaker.*` class (processor, estimator, input, config...).
    SagemakerObject(&'a ExprCall, String),
    /// `receiver.method(...)` on a job object (a `step_args` capture).
    MethodCall(&'a ExprCall),
    /// Anything else: kept as written.
    Python(&'a Expr),
}

impl<'a> Lowerer<'a> {
    /// Follow a bare name to the value it was last assigned before its use.
    pub fn follow(&self, mut expr: &'a Expr) -> &'a Expr {
        for _ in 0..MAX_DEPTH {
            let Expr::Name(name) = expr else { return expr };
            match self.scope.lookup_before(&name.id, name.range.start()) {
                Some(symbol) => match symbol.kind {
                    // A dict filled in place is not its literal (lists are followed:
                    // `steps.append(...)` is read by `collect_elements`).
                    SymbolKind::Assign(Expr::Dict(_)) if self.scope.is_mutated(&name.id) => {
                        return expr;
                    }
                    SymbolKind::Assign(value) => expr = value,
                    _ => return expr,
                },
                None => return expr,
            }
        }
        expr
    }

    /// The SageMaker class a call constructs, by its last name segment.
    pub fn sagemaker_class(&self, call: &ExprCall) -> Option<String> {
        match self.scope.qualified_name(&call.func) {
            Some(q) if q.starts_with("sagemaker.") || q == "sagemaker" => {
                q.rsplit('.').next().map(str::to_string)
            }
            Some(_) => None,
            None => match &*call.func {
                Expr::Name(name) if self.star_import && self.scope.lookup(&name.id).is_none() => {
                    Some(name.id.to_string())
                }
                _ => None,
            },
        }
    }

    /// The `@step`-decorated function a call invokes, if it is one.
    pub fn function_step_def(&self, call: &ExprCall) -> Option<&'a StmtFunctionDef> {
        let Expr::Name(name) = &*call.func else {
            return None;
        };
        let symbol = self.scope.lookup(&name.id)?;
        let SymbolKind::Function(def) = symbol.kind else {
            return None;
        };
        def.decorator_list
            .iter()
            .any(|d| {
                let target = match &d.expression {
                    Expr::Call(c) => &*c.func,
                    other => other,
                };
                self.scope.qualified_name(target).as_deref()
                    == Some("sagemaker.workflow.function_step.step")
            })
            .then_some(def)
    }

    pub fn classify(&self, expr: &'a Expr) -> Thing<'a> {
        let expr = self.follow(expr);
        if let Ok(value) = self.fold(expr) {
            return Thing::Const(value);
        }
        match expr {
            Expr::Call(call) => {
                if let Some(def) = self.function_step_def(call) {
                    return Thing::FunctionStep(call, def, Vec::new());
                }
                if let Some(class) = self.sagemaker_class(call) {
                    if let Some(step) = StepClass::from_class_name(&class) {
                        return Thing::Step(step, call);
                    }
                    if ParamClass::from_class_name(&class).is_some() || class == "Parameter" {
                        return Thing::Param(call);
                    }
                    return match class.as_str() {
                        // Functions (`get_execution_role()`, `image_uris.retrieve(...)`)
                        // return values ferry does not know, unlike class constructors.
                        c if c.starts_with(|ch: char| ch.is_ascii_lowercase()) => {
                            Thing::Python(expr)
                        }
                        "JsonGet" => Thing::JsonGet(call),
                        "Join" => Thing::Join(call),
                        "PropertyFile" => Thing::PropertyFile(call),
                        _ => Thing::SagemakerObject(call, class),
                    };
                }
                if let Expr::Attribute(attr) = &*call.func {
                    if attr.attr.id.as_str() == "to_string" {
                        return self.classify(&attr.value);
                    }
                    let receiver = self.follow(&attr.value);
                    if let Expr::Call(inner) = receiver
                        && self.sagemaker_class(inner).is_some()
                    {
                        return Thing::MethodCall(call);
                    }
                }
                Thing::Python(expr)
            }
            Expr::Attribute(attr) => {
                if let Some(q) = self.scope.qualified_name(&attr.value)
                    && q.ends_with("ExecutionVariables")
                {
                    return Thing::ExecutionVariable(execution_variable(attr.attr.id.as_str()));
                }
                self.property_or_index(expr)
            }
            Expr::Subscript(_) => self.property_or_index(expr),
            _ => Thing::Python(expr),
        }
    }

    /// `x.properties.A.B['k']` → Property; `delayed['k'][0]` → FunctionStep with a
    /// projection.
    fn property_or_index(&self, expr: &'a Expr) -> Thing<'a> {
        let mut parts: Vec<String> = Vec::new();
        let mut segments: Vec<Segment> = Vec::new();
        let mut current = expr;
        for _ in 0..MAX_DEPTH {
            match current {
                Expr::Attribute(attr) if attr.attr.id.as_str() == "properties" => {
                    parts.reverse();
                    let path = parts.concat();
                    return Thing::Property(&attr.value, path.trim_start_matches('.').to_string());
                }
                // `step.arguments["ProcessingOutputConfig"]["Outputs"][0]...`: the request
                // the step was built with; its output locations are the step's outputs.
                Expr::Attribute(attr)
                    if attr.attr.id.as_str() == "arguments"
                        && !parts.is_empty()
                        && matches!(self.classify(&attr.value), Thing::Step(..)) =>
                {
                    parts.reverse();
                    let path = parts.concat();
                    let path = path
                        .strip_prefix("['")
                        .and_then(|p| p.split_once("']").map(|(a, b)| format!("{a}{b}")))
                        .unwrap_or(path);
                    return Thing::Property(&attr.value, path);
                }
                Expr::Attribute(attr) => {
                    parts.push(format!(".{}", attr.attr.id));
                    segments.clear();
                    current = &attr.value;
                }
                Expr::Subscript(sub) => {
                    match self.fold(&sub.slice) {
                        Ok(Value::String(key)) => {
                            parts.push(format!("['{key}']"));
                            segments.push(Segment::Key(key));
                        }
                        Ok(Value::Number(n)) if n.parse::<i64>().is_ok() => {
                            parts.push(format!("[{n}]"));
                            segments.push(Segment::Index(n.parse().unwrap_or(0)));
                        }
                        _ => return Thing::Python(expr),
                    }
                    current = &sub.value;
                }
                Expr::Name(_) => {
                    let target = self.follow(current);
                    if let Expr::Call(call) = target
                        && let Some(def) = self.function_step_def(call)
                        && parts.iter().all(|p| p.starts_with('['))
                    {
                        segments.reverse();
                        return Thing::FunctionStep(call, def, segments);
                    }
                    return Thing::Python(expr);
                }
                _ => return Thing::Python(expr),
            }
        }
        Thing::Python(expr)
    }

    /// Fold a constant; inside `get_pipeline(...)`-style functions, a parameter of the
    /// function that is not reassigned stands for its default value.
    pub fn fold(&self, expr: &Expr) -> Result<Value, ferry_python::FoldError> {
        let defaults = |name: &str| -> Option<Value> {
            let def = self.function?;
            if self.scope.binds_locally(name) {
                return None;
            }
            let param = def
                .parameters
                .posonlyargs
                .iter()
                .chain(def.parameters.args.iter())
                .chain(def.parameters.kwonlyargs.iter())
                .find(|p| p.parameter.name.id.as_str() == name)?;
            let default = param.default.as_deref()?;
            ferry_python::fold(self.module, self.scope, default)
                .ok()
                .filter(|v| *v != Value::Null)
        };
        ferry_python::fold_with(self.module, self.scope, expr, &defaults)
    }

    pub fn as_param_call(&self, expr: &'a Expr) -> Option<&'a ExprCall> {
        match self.classify(expr) {
            Thing::Param(call) => Some(call),
            _ => None,
        }
    }

    /// The IR name of a parameter, declaring it on first use. `listed`: it appears in
    /// `Pipeline(parameters=[...])`; otherwise using it is F0418.
    pub fn param_name(&mut self, call: &'a ExprCall, listed: bool) -> String {
        let key = call.range().start().to_u32();
        if let Some(name) = self.params.get(&key) {
            return name.clone();
        }
        let info = self.call_info_of(call);
        // `Parameter(name, parameter_type=ParameterTypeEnum.X, default_value)` is the
        // generic form the typed classes are partials of.
        let generic = self.sagemaker_class(call).as_deref() == Some("Parameter");
        let class = if generic {
            let kind = info
                .arg(1, "parameter_type")
                .map(|e| self.module.text_of(e));
            match kind.and_then(|k| k.rsplit('.').next()) {
                Some("INTEGER") => ParamClass::Integer,
                Some("FLOAT") => ParamClass::Float,
                Some("BOOLEAN") => ParamClass::Boolean,
                _ => ParamClass::String,
            }
        } else {
            self.sagemaker_class(call)
                .and_then(|c| ParamClass::from_class_name(&c))
                .unwrap_or(ParamClass::String)
        };
        let raw = info
            .arg(0, "name")
            .and_then(|e| self.constant_string(e, "parameter name"))
            .unwrap_or_else(|| "parameter".to_string());
        let default = info
            .arg(if generic { 2 } else { 1 }, "default_value")
            .and_then(|e| match self.classify(e) {
                Thing::Const(v) => Some(v),
                _ => {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "F0426",
                            format!(
                                "the default of parameter `{raw}` is computed by Python ferry does not evaluate; the parameter has no default and must be given when the pipeline runs"
                            ),
                        )
                        .with_primary(self.span(e), "computed at definition time")
                        .with_help("pass the value with its run.py flag or in configs/*.yaml"),
                    );
                    None
                }
            });
        let name = self.param_namer.fresh(&raw);
        let span = self.span(call);
        if !listed {
            self.diagnostics.push(
                Diagnostic::warning(
                    "F0418",
                    format!("parameter `{raw}` is used by a step but not listed in `Pipeline(parameters=[...])`"),
                )
                .with_primary(span, "declared here"),
            );
        }
        let mut mapping = ferry_ir::Mapping::direct(format!("{}({raw})", class_name(class)));
        if raw != name {
            mapping.note = format!("typed pipeline parameter `{name}`");
        }
        self.pipeline.params.push(Parameter {
            name: name.clone(),
            ty: class.ir_type(),
            default: default.filter(|d| *d != Value::Null),
            span,
            mapping,
        });
        self.params.insert(key, name.clone());
        name
    }

    /// A constant string, or F0416 naming `what` and `None`.
    pub fn constant_string(&mut self, expr: &'a Expr, what: &str) -> Option<String> {
        // `step.name` where `step` is a step variable: that step's SageMaker name.
        if let Expr::Attribute(attr) = expr
            && attr.attr.id.as_str() == "name"
            && let Thing::Step(..) | Thing::FunctionStep(..) = self.classify(&attr.value)
            && let Some(index) = self.ensure_step(&attr.value)
        {
            return Some(self.pipeline.graph[index].display_name.clone());
        }
        match self.classify(expr) {
            Thing::Const(Value::String(s)) => Some(s),
            Thing::Const(Value::Number(n)) => Some(n),
            _ => {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "F0416",
                        format!("the {what} is not a constant ferry can read"),
                    )
                    .with_primary(self.span(expr), "computed at run time"),
                );
                None
            }
        }
    }

    /// The elements of a list argument: list and tuple literals, names bound to them
    /// (with their top-level `append`/`extend` calls), `a + b` concatenations and
    /// `*name` unpacking of such lists. Anything else is F0411.
    pub fn list_elements(&mut self, expr: &'a Expr, what: &str) -> Vec<&'a Expr> {
        let mut out = Vec::new();
        self.collect_elements(expr, what, 0, &mut out);
        out
    }

    fn collect_elements(
        &mut self,
        expr: &'a Expr,
        what: &str,
        depth: usize,
        out: &mut Vec<&'a Expr>,
    ) {
        if depth > MAX_DEPTH {
            self.report_unfollowable(expr, &format!("`{what}` nests too deeply"));
            return;
        }
        let target = self.follow(expr);
        let items: &'a [Expr] = match target {
            Expr::List(list) => &list.elts,
            Expr::Tuple(tuple) => &tuple.elts,
            Expr::NoneLiteral(_) => return,
            Expr::BinOp(bin) if bin.op == ferry_python::ast::Operator::Add => {
                self.collect_elements(&bin.left, what, depth + 1, out);
                self.collect_elements(&bin.right, what, depth + 1, out);
                return;
            }
            _ => {
                self.report_unfollowable(
                    expr,
                    &format!("`{what}` is built by Python ferry does not evaluate"),
                );
                return;
            }
        };
        for element in items {
            match element {
                Expr::Starred(starred) => {
                    self.collect_elements(&starred.value, what, depth + 1, out)
                }
                _ => out.push(element),
            }
        }
        if let Expr::Name(name) = expr {
            let appended = self.appended_elements(&name.id, what);
            out.extend(appended);
        }
    }

    /// `steps.append(x)` / `steps.extend([...])` statements on a list variable: kept when
    /// they run once, F0411 inside loops.
    fn appended_elements(&mut self, list_name: &str, what: &str) -> Vec<&'a Expr> {
        let mut out = Vec::new();
        let lists = self.statement_lists.clone();
        for body in lists {
            self.scan_appends(body, list_name, what, false, 0, &mut out);
        }
        out
    }

    fn scan_appends(
        &mut self,
        body: &'a [ferry_python::ast::Stmt],
        list_name: &str,
        what: &str,
        in_loop: bool,
        depth: usize,
        out: &mut Vec<&'a Expr>,
    ) {
        use ferry_python::ast::Stmt;
        if depth > MAX_DEPTH {
            return;
        }
        for stmt in body {
            match stmt {
                Stmt::Expr(e) => {
                    let Expr::Call(call) = &*e.value else {
                        continue;
                    };
                    let Expr::Attribute(attr) = &*call.func else {
                        continue;
                    };
                    let Expr::Name(receiver) = &*attr.value else {
                        continue;
                    };
                    if receiver.id.as_str() != list_name {
                        continue;
                    }
                    let method = attr.attr.id.as_str();
                    if !matches!(method, "append" | "extend" | "insert") {
                        continue;
                    }
                    if in_loop {
                        self.report_unfollowable(
                            &e.value,
                            &format!("`{what}` is extended inside a loop"),
                        );
                        continue;
                    }
                    match (method, call.arguments.args.last()) {
                        ("append" | "insert", Some(arg)) => out.push(arg),
                        ("extend", Some(arg)) => match self.follow(arg) {
                            Expr::List(l) => out.extend(l.elts.iter()),
                            _ => self.report_unfollowable(
                                arg,
                                &format!("`{what}` is extended with a computed list"),
                            ),
                        },
                        _ => {}
                    }
                }
                Stmt::For(s) => {
                    self.scan_appends(&s.body, list_name, what, true, depth + 1, out);
                }
                Stmt::While(s) => {
                    self.scan_appends(&s.body, list_name, what, true, depth + 1, out);
                }
                Stmt::If(s) => {
                    self.scan_appends(&s.body, list_name, what, in_loop, depth + 1, out);
                    for clause in &s.elif_else_clauses {
                        self.scan_appends(&clause.body, list_name, what, in_loop, depth + 1, out);
                    }
                }
                _ => {}
            }
        }
    }

    pub fn report_unfollowable(&mut self, expr: &Expr, message: &str) {
        let span = self.span(expr);
        self.diagnostics.push(
            Diagnostic::warning(
                "F0411",
                format!("{message}; the steps it makes are not lowered"),
            )
            .with_primary(span, "not evaluated statically")
            .with_flag(MigrationFlag::High)
            .with_help(
                "write the steps out explicitly, or add them to the generated pipeline by hand",
            ),
        );
    }

    /// The binding of a step input read from `expr`.
    pub fn binding_of(&mut self, expr: &'a Expr) -> Binding {
        let span = self.span(expr);
        let placeholder = |kind, text: String, flagged| {
            Binding::Unresolved(Placeholder {
                kind,
                text,
                span,
                flagged,
            })
        };
        match self.classify(expr) {
            Thing::Const(v) => Binding::Literal(v),
            Thing::Param(call) => Binding::Parameter(self.param_name(call, false)),
            Thing::Property(step_expr, path) => match self.step_reference(step_expr) {
                Some(name) => placeholder(
                    PlaceholderKind::StepProperty,
                    format!("Steps.{name}.{path}"),
                    false,
                ),
                None => placeholder(
                    PlaceholderKind::StepProperty,
                    self.module.text_of(expr).to_string(),
                    true,
                ),
            },
            Thing::JsonGet(call) => self.json_get(call),
            Thing::Join(call) => self.join(call),
            Thing::ExecutionVariable(name) => placeholder(
                PlaceholderKind::ExecutionVariable,
                format!("Execution.{name}"),
                false,
            ),
            Thing::FunctionStep(call, _, projection) => {
                let call_expr = self.call_expr_of(call, expr);
                match self.ensure_step(call_expr) {
                    Some(index) => Binding::StepOutput {
                        step: self.pipeline.graph[index].name.clone(),
                        port: "output".to_string(),
                        projection,
                    },
                    None => placeholder(
                        PlaceholderKind::Other,
                        self.module.text_of(expr).to_string(),
                        true,
                    ),
                }
            }
            Thing::MethodCall(call) => self.method_binding(call, expr),
            Thing::Python(e) => {
                // F0419 already says why this cannot be known; F0601 would repeat it.
                let reported = self.check_python_conversion(e);
                placeholder(
                    PlaceholderKind::Other,
                    self.module.text_of(expr).to_string(),
                    reported,
                )
            }
            Thing::SagemakerObject(call, _)
                if self
                    .output_objects
                    .contains_key(&call.range().start().to_u32()) =>
            {
                let (step, output) = self.output_objects[&call.range().start().to_u32()].clone();
                placeholder(
                    PlaceholderKind::StepProperty,
                    format!("Steps.{step}.OutputParameters['{output}']"),
                    false,
                )
            }
            Thing::Step(..) | Thing::PropertyFile(_) | Thing::SagemakerObject(..) => placeholder(
                PlaceholderKind::Other,
                self.module.text_of(expr).to_string(),
                false,
            ),
        }
    }

    /// `tuning_step.get_top_model_s3_uri(top_k=k, ...)`: the k-th best model of a tuning step.
    fn method_binding(&mut self, call: &'a ExprCall, expr: &'a Expr) -> Binding {
        let span = self.span(expr);
        if let Expr::Attribute(attr) = &*call.func
            && attr.attr.id.as_str() == "get_top_model_s3_uri"
            && let Some(index) = self.ensure_step(&attr.value)
        {
            let top_k = call
                .arguments
                .find_argument_value("top_k", 0)
                .and_then(|e| self.fold(e).ok());
            let step = self.pipeline.graph[index].name.clone();
            return match top_k {
                Some(Value::Number(n)) if n == "0" => Binding::StepOutput {
                    step,
                    port: "best_model".into(),
                    projection: Vec::new(),
                },
                Some(Value::Number(n)) if n.parse::<i64>().is_ok() => {
                    let rank = n.parse::<i64>().unwrap_or(0);
                    self.top_model_port(index, rank).map_or(
                        Binding::StepOutput {
                            step: step.clone(),
                            port: "top_models".into(),
                            projection: vec![Segment::Index(rank)],
                        },
                        |port| Binding::StepOutput {
                            step,
                            port,
                            projection: Vec::new(),
                        },
                    )
                }
                _ => Binding::Unresolved(Placeholder {
                    kind: PlaceholderKind::StepProperty,
                    text: self.module.text_of(expr).to_string(),
                    span,
                    flagged: false,
                }),
            };
        }
        Binding::Unresolved(Placeholder {
            kind: PlaceholderKind::Other,
            text: self.module.text_of(expr).to_string(),
            span,
            flagged: false,
        })
    }

    /// The `rank`-th best model of a tuning container job, as an output of its own.
    fn top_model_port(
        &mut self,
        index: petgraph::stable_graph::NodeIndex,
        rank: i64,
    ) -> Option<String> {
        let step = &mut self.pipeline.graph[index];
        let ferry_ir::StepKind::Container(job) = &mut step.kind else {
            return None;
        };
        let port = format!("top_model_{rank}");
        if !job.results.iter().any(|r| r.output == port) {
            job.results.push(ferry_ir::ResultDir {
                output: port.clone(),
                path: format!("/opt/ml/tuning/{port}"),
            });
            step.outputs.push(ferry_ir::Output {
                name: port.clone(),
                ty: ferry_ir::PortType::Model,
                span: step.span,
            });
        }
        Some(port)
    }

    /// The expression naming the call of a `@step` function (a variable or the call).
    fn call_expr_of(&self, call: &'a ExprCall, expr: &'a Expr) -> &'a Expr {
        let mut current = expr;
        for _ in 0..MAX_DEPTH {
            match current {
                Expr::Subscript(sub) => current = &sub.value,
                Expr::Name(_) => {
                    let followed = self.follow(current);
                    if let Expr::Call(c) = followed
                        && std::ptr::eq(c, call)
                    {
                        return followed;
                    }
                    return current;
                }
                _ => return current,
            }
        }
        current
    }

    /// The SageMaker name of the step `expr` refers to, lowering it if needed; F0413 if
    /// it is not a step.
    pub fn step_reference(&mut self, expr: &'a Expr) -> Option<String> {
        match self.classify(expr) {
            Thing::Step(..) | Thing::FunctionStep(..) => self
                .ensure_step(expr)
                .map(|i| self.pipeline.graph[i].display_name.clone()),
            // A step a helper function builds: ferry cannot see it (F0411 says so where
            // the pipeline lists it); the reference stays a flagged placeholder.
            Thing::Python(Expr::Call(call)) => {
                let callee = self.module.text_of(&*call.func).to_string();
                self.diagnostics.push(
                    Diagnostic::warning(
                        "F0411",
                        format!(
                            "`{}` is a step that `{callee}(...)` builds, which ferry does not see into; the value read from it is a placeholder",
                            self.module.text_of(expr)
                        ),
                    )
                    .with_primary(self.span(expr), "built by a helper")
                    .with_flag(MigrationFlag::High)
                    .with_help("write the step out where the pipeline is built, or wire the value by hand"),
                );
                None
            }
            _ => {
                self.diagnostics.push(
                    Diagnostic::error(
                        "F0413",
                        format!(
                            "`{}` is not a step of this pipeline",
                            self.module.text_of(expr)
                        ),
                    )
                    .with_primary(self.span(expr), "not a step"),
                );
                None
            }
        }
    }

    fn json_get(&mut self, call: &'a ExprCall) -> Binding {
        let span = self.span(call);
        let info = self.call_info_of(call);
        let deprecated =
            info.callee.as_deref() == Some("sagemaker.workflow.condition_step.JsonGet");
        let (step_expr, step_name_expr) = if deprecated {
            (info.arg(0, "step"), None)
        } else {
            (info.keyword("step"), info.arg(0, "step_name"))
        };
        let file_expr = info.arg(1, "property_file");
        let path_expr = info.arg(2, "json_path");
        let step_name = match (step_expr, step_name_expr) {
            (Some(e), _) => self.step_reference(e),
            (None, Some(e)) => self.constant_string(e, "JsonGet step name"),
            (None, None) => None,
        };
        let file_name = file_expr.and_then(|e| match self.classify(e) {
            Thing::PropertyFile(pf) => {
                let pf_info = self.call_info_of(pf);
                pf_info
                    .arg(0, "name")
                    .and_then(|n| self.constant_string(n, "property file name"))
            }
            Thing::Const(Value::String(s)) => Some(s),
            _ => None,
        });
        let json_path = path_expr.and_then(|e| self.constant_string(e, "JSON path"));
        match (step_name, file_name, json_path) {
            (Some(step), Some(file), Some(path)) => Binding::Unresolved(Placeholder {
                kind: PlaceholderKind::JsonGet,
                text: format!("JsonGet(Steps.{step}.PropertyFiles.{file}, '{path}')"),
                span,
                flagged: false,
            }),
            _ => {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "F0416",
                        "this JsonGet needs a step, a property file and a JSON path ferry can read",
                    )
                    .with_primary(span, "JsonGet"),
                );
                Binding::Unresolved(Placeholder {
                    kind: PlaceholderKind::JsonGet,
                    text: self.module.text_of(call).to_string(),
                    span,
                    flagged: true,
                })
            }
        }
    }

    /// `Join(on, values)`: a literal when every value is a constant, else a placeholder.
    fn join(&mut self, call: &'a ExprCall) -> Binding {
        let info = self.call_info_of(call);
        let separator = info
            .arg(0, "on")
            .and_then(|e| self.fold(e).ok())
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let values = info.arg(1, "values").map(|e| self.fold(e));
        if let Some(Ok(Value::Array(items))) = values {
            let parts: Option<Vec<String>> = items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) | Value::Number(s) => Some(s),
                    _ => None,
                })
                .collect();
            if let Some(parts) = parts {
                return Binding::Literal(Value::String(parts.join(&separator)));
            }
        }
        Binding::Unresolved(Placeholder {
            kind: PlaceholderKind::Join,
            text: self.module.text_of(call).to_string(),
            span: self.span(call),
            flagged: false,
        })
    }

    /// F0419 when Python formats or converts a pipeline variable (the SDK raises).
    pub(crate) fn check_python_conversion(&mut self, expr: &'a Expr) -> bool {
        let mut reported = false;
        let mut operands: Vec<&'a Expr> = Vec::new();
        match expr {
            Expr::FString(f) => {
                for element in f.value.elements() {
                    if let ferry_python::ast::InterpolatedStringElement::Interpolation(i) = element
                    {
                        operands.push(&i.expression);
                    }
                }
            }
            Expr::BinOp(bin) => {
                operands.push(&bin.left);
                operands.push(&bin.right);
            }
            Expr::Call(call) => {
                if let Expr::Name(name) = &*call.func
                    && matches!(name.id.as_str(), "str" | "int" | "float")
                {
                    operands.extend(call.arguments.args.iter());
                }
            }
            _ => {}
        }
        for operand in operands {
            let is_variable = matches!(
                self.classify(operand),
                Thing::Param(_)
                    | Thing::Property(..)
                    | Thing::JsonGet(_)
                    | Thing::ExecutionVariable(_)
                    | Thing::Join(_)
            );
            if is_variable {
                self.diagnostics.push(
                    Diagnostic::error("F0419", "a pipeline variable is used as a Python value")
                        .with_primary(self.span(operand), "only known at execution time")
                        .with_secondary(self.span(expr), "converted here")
                        .with_help("use `Join(on=\"\", values=[...])` or `.to_string()`"),
                );
                reported = true;
            }
        }
        reported
    }

    /// A config value: constants as they are, lists and dicts element-wise, SageMaker
    /// helper objects as `{class, keyword: value}`, and every runtime reference as a new
    /// input of `builder` read through [`Value::Input`].
    pub fn value_in(
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
            Thing::Const(v) => return v,
            Thing::SagemakerObject(call, class)
                if !self
                    .output_objects
                    .contains_key(&call.range().start().to_u32()) =>
            {
                let info = self.call_info_of(call);
                let mut fields = vec![("class".to_string(), Value::String(class))];
                for (i, arg) in info.args.iter().enumerate() {
                    let value = self.value_in(builder, arg, &format!("{hint}_{i}"), depth + 1);
                    fields.push((format!("arg{i}"), value));
                }
                for keyword in &info.keywords {
                    let value = self.value_in(builder, keyword.value, keyword.name, depth + 1);
                    fields.push((keyword.name.to_string(), value));
                }
                return Value::Object(fields);
            }
            Thing::Python(_) => {}
            _ => {
                let binding = self.binding_of(expr);
                let name =
                    builder.add_input(hint, ferry_ir::PortType::Unknown, binding, self.span(expr));
                return Value::Input(name);
            }
        }
        match target {
            Expr::List(list) => Value::Array(
                list.elts
                    .iter()
                    .enumerate()
                    .map(|(i, e)| self.value_in(builder, e, &format!("{hint}_{i}"), depth + 1))
                    .collect(),
            ),
            Expr::Tuple(tuple) => Value::Array(
                tuple
                    .elts
                    .iter()
                    .enumerate()
                    .map(|(i, e)| self.value_in(builder, e, &format!("{hint}_{i}"), depth + 1))
                    .collect(),
            ),
            Expr::Dict(dict) => Value::Object(
                dict.items
                    .iter()
                    .map(|item| {
                        let key = item
                            .key
                            .as_ref()
                            .map(|k| match self.fold(k) {
                                Ok(Value::String(s)) => s,
                                _ => self.module.text_of(k).to_string(),
                            })
                            .unwrap_or_else(|| "**".to_string());
                        let value = self.value_in(builder, &item.value, &key, depth + 1);
                        (key, value)
                    })
                    .collect(),
            ),
            _ => {
                if self.check_python_conversion(target) {
                    return Value::Null;
                }
                let name = self.required_parameter(expr, hint);
                let binding = Binding::Parameter(name);
                let input =
                    builder.add_input(hint, ferry_ir::PortType::Unknown, binding, self.span(expr));
                Value::Input(input)
            }
        }
    }

    /// A value Python computes at definition time, which ferry does not evaluate: a new
    /// pipeline parameter without a default (F0426), named after `hint`. The same
    /// expression always gives the same parameter.
    pub fn required_parameter(&mut self, expr: &'a Expr, hint: &str) -> String {
        let key = expr.range().start().to_u32();
        if let Some(name) = self.params.get(&key) {
            return name.clone();
        }
        let name = self.param_namer.fresh(hint);
        let written = self.module.text_of(expr).to_string();
        let span = self.span(expr);
        self.diagnostics.push(
            Diagnostic::warning(
                "F0426",
                format!(
                    "`{}` is computed by Python ferry does not evaluate; it became the pipeline parameter `{name}`, which has no default",
                    short(&written)
                ),
            )
            .with_primary(span, "computed at definition time")
            .with_help("pass the value with its run.py flag or in configs/*.yaml"),
        );
        self.pipeline.params.push(Parameter {
            name: name.clone(),
            ty: ferry_ir::ParamType::String,
            default: None,
            span,
            mapping: ferry_ir::Mapping::approximate(
                format!("value `{}`", short(&written)),
                "computed by Python at definition time; now a pipeline parameter to pass when running",
            ),
        });
        self.params.insert(key, name.clone());
        name
    }

    /// A runtime hint: constants as they are, parameters as `{parameter: name}`, other
    /// Python as `{python: text}`.
    pub fn hint_value(&mut self, expr: &'a Expr) -> Value {
        self.hint_value_at(expr, 0)
    }

    fn hint_value_at(&mut self, expr: &'a Expr, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        match self.classify(expr) {
            Thing::Const(v) => v,
            // Infrastructure: the parameter's default is the setting (`infra.rs`).
            Thing::Param(call) => {
                let name = self.param_name(call, false);
                self.infra_params.insert(name.clone());
                self.pipeline
                    .param(&name)
                    .and_then(|p| p.default.clone())
                    .unwrap_or(Value::Null)
            }
            Thing::SagemakerObject(call, class) => {
                let mut fields = vec![("class".to_string(), Value::String(class))];
                for keyword in call.arguments.keywords.iter() {
                    if let Some(name) = &keyword.arg {
                        let value = self.hint_value_at(&keyword.value, depth + 1);
                        fields.push((name.id.to_string(), value));
                    }
                }
                Value::Object(fields)
            }
            // `image_uris.retrieve(framework, version)`: the image it names, as facts.
            Thing::Python(Expr::Call(call)) if self.is_image_retrieve(call) => {
                match self.image_retrieve(expr) {
                    Some((framework, version)) => Value::Object(vec![
                        ("framework".into(), Value::String(framework)),
                        ("version".into(), version.map_or(Value::Null, Value::String)),
                    ]),
                    None => Value::Null,
                }
            }
            // Computed at definition time: not a literal a configuration can hold.
            _ => Value::Null,
        }
    }
}

/// At most 60 characters of source text, for messages.
pub fn short(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &one_line[..i]),
        None => one_line,
    }
}

fn class_name(class: ParamClass) -> &'static str {
    match class {
        ParamClass::String => "ParameterString",
        ParamClass::Integer => "ParameterInteger",
        ParamClass::Float => "ParameterFloat",
        ParamClass::Boolean => "ParameterBoolean",
    }
}

/// `PIPELINE_EXECUTION_ID` → `PipelineExecutionId` (the definition JSON's name).
fn execution_variable(attr: &str) -> String {
    match attr {
        "START_DATETIME" => "StartDateTime".to_string(),
        "CURRENT_DATETIME" => "CurrentDateTime".to_string(),
        other => other
            .split('_')
            .map(|word| {
                let mut chars = word.chars();
                match chars.next() {
                    Some(first) => {
                        first.to_ascii_uppercase().to_string()
                            + &chars.as_str().to_ascii_lowercase()
                    }
                    None => String::new(),
                }
            })
            .collect(),
    }
}
