//! The body of a pipeline function. Steps are emitted in a deterministic topological
//! order; in dynamic pipelines, the steps reachable only through one arm of a branch
//! go inside that arm's `if` block, and the steps reachable only through an error edge
//! go inside an `except` block.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use ferry_diagnostics::Diagnostic;
use ferry_ir::naming::Namer;
use ferry_ir::text::print_binding_short;
use ferry_ir::{Binding, CompareOp, Condition, EdgeKind, Pipeline, Segment, StepKind, Value};
use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use crate::names::{Plan, region_key};
use crate::python::{self, Expr, comment};
use crate::step_module::python_projection;

/// What the body needs from the module around it.
#[derive(Default)]
pub struct Needs {
    pub step_functions: BTreeSet<String>,
    pub pipeline_failed_error: bool,
    pub unresolved_helper: bool,
    pub fnmatch: bool,
    pub timestamp_helper: bool,
    pub lookup_helper: bool,
    /// Step call line ranges relative to the body start, with the step's span.
    pub calls: Vec<(usize, usize, ferry_diagnostics::Span, String)>,
}

pub struct Body<'a, 'p> {
    plan: &'p Plan<'a>,
    dynamic: bool,
    namer: Namer,
    /// (pipeline key, step name, port) → Python variable.
    outputs: BTreeMap<(String, String, String), String>,
    /// (pipeline key, parameter name) → Python variable.
    params: BTreeMap<(String, String), String>,
    consumed: BTreeSet<(String, NodeIndex)>,
    /// How many `except` blocks the emission is inside.
    in_handler: usize,
    /// Statements to emit before the next `if` (loaded condition operands).
    prelude: Vec<String>,
    /// Indentation level the prelude will be emitted at.
    prelude_indent: usize,
    pub out: String,
    pub needs: Needs,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a, 'p> Body<'a, 'p> {
    pub fn new(
        plan: &'p Plan<'a>,
        dynamic: bool,
        reserved: impl IntoIterator<Item = String>,
    ) -> Self {
        let mut namer = Namer::with_reserved(["pipeline", "step", "item", "results"]);
        for r in reserved {
            namer.reserve(&r);
        }
        for s in &plan.steps {
            namer.reserve(&s.py_name);
        }
        Body {
            plan,
            dynamic,
            namer,
            outputs: BTreeMap::new(),
            params: BTreeMap::new(),
            consumed: BTreeSet::new(),
            in_handler: 0,
            prelude: Vec::new(),
            prelude_indent: 1,
            out: String::new(),
            needs: Needs::default(),
            diagnostics: Vec::new(),
        }
    }

    pub fn bind_param(&mut self, key: &str, name: &str, var: &str) {
        self.params
            .insert((key.to_string(), name.to_string()), var.to_string());
    }

    fn line(&mut self, indent: usize, text: &str) {
        let _ = writeln!(self.out, "{}{text}", "    ".repeat(indent));
    }

    fn lines_so_far(&self) -> usize {
        self.out.matches('\n').count()
    }

    /// Emit every step of `pipeline` (key `key`).
    pub fn emit_pipeline(&mut self, pipeline: &'a Pipeline, key: &str, indent: usize) {
        let all: BTreeSet<NodeIndex> = pipeline.step_indices().collect();
        let before = self.out.len();
        self.emit_set(pipeline, key, &all, indent);
        if self.out.len() == before {
            self.line(indent, "pass");
        }
    }

    fn emit_set(
        &mut self,
        pipeline: &'a Pipeline,
        key: &str,
        set: &BTreeSet<NodeIndex>,
        indent: usize,
    ) {
        let error_only = if self.in_handler == 0 {
            error_only(pipeline)
        } else {
            BTreeSet::new()
        };
        for n in topological(pipeline) {
            // Steps reached only through error edges run inside `except` blocks.
            if set.contains(&n)
                && !error_only.contains(&n)
                && self.consumed.insert((key.to_string(), n))
            {
                self.emit_node(pipeline, key, n, set, indent);
            }
        }
    }

    fn reach(
        &self,
        pipeline: &Pipeline,
        key: &str,
        from: NodeIndex,
        within: &BTreeSet<NodeIndex>,
    ) -> BTreeSet<NodeIndex> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if !within.contains(&n)
                || self.consumed.contains(&(key.to_string(), n))
                || !seen.insert(n)
            {
                continue;
            }
            stack.extend(pipeline.graph.neighbors_directed(n, Direction::Outgoing));
        }
        seen
    }

    fn emit_node(
        &mut self,
        pipeline: &'a Pipeline,
        key: &str,
        n: NodeIndex,
        set: &BTreeSet<NodeIndex>,
        indent: usize,
    ) {
        let step = &pipeline.graph[n];
        match &step.kind {
            StepKind::Branch { rules, default } if self.dynamic => {
                let mut arms: Vec<(Option<String>, Option<NodeIndex>)> = Vec::new();
                self.prelude_indent = indent;
                let mut parts: Vec<Option<(&'static str, Vec<String>)>> = Vec::new();
                for rule in rules {
                    let (flat, split) = self.condition_head(key, &rule.condition);
                    parts.push(split);
                    arms.push((Some(flat), self.branch_target(pipeline, n, &rule.label)));
                }
                let default_target = default
                    .as_deref()
                    .and_then(|d| self.branch_target(pipeline, n, d));
                arms.push((None, default_target));
                let reaches: Vec<BTreeSet<NodeIndex>> = arms
                    .iter()
                    .map(|(_, t)| {
                        t.map(|t| self.reach(pipeline, key, t, set))
                            .unwrap_or_default()
                    })
                    .collect();
                let exclusive: Vec<BTreeSet<NodeIndex>> = reaches
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        r.iter()
                            .filter(|x| {
                                reaches
                                    .iter()
                                    .enumerate()
                                    .all(|(j, o)| j == i || !o.contains(x))
                            })
                            .copied()
                            .collect()
                    })
                    .collect();
                if reaches
                    .iter()
                    .flatten()
                    .any(|x| !exclusive.iter().any(|e| e.contains(x)))
                {
                    self.diagnostics.push(
                        Diagnostic::warning("F0702", format!("branches of `{}` merge again; the merged steps run after the branch", step.display_name))
                            .with_primary(step.span, "branch"),
                    );
                }
                for rule in rules {
                    self.line(
                        indent,
                        &format!(
                            "# {}: `{}` when {}",
                            comment(&step.display_name),
                            comment(&rule.label),
                            comment(&describe(&rule.condition))
                        ),
                    );
                }
                for statement in std::mem::take(&mut self.prelude) {
                    for l in statement.lines() {
                        self.line(indent, l);
                    }
                }
                // Render each arm's body on its own, then merge arms whose bodies are
                // the same (ruff would ask for `or` / a plain else).
                let mut rendered: Vec<(Option<String>, String)> = Vec::new();
                for (i, (condition, _)) in arms.iter().enumerate() {
                    let saved = std::mem::take(&mut self.out);
                    if condition.is_none() && default_target.is_none() {
                        self.needs.pipeline_failed_error = true;
                        let cause = format!("no choice rule of {} matched", step.display_name);
                        let raise = Expr::call(
                            "PipelineFailedError",
                            vec![
                                (
                                    Some("error".into()),
                                    Expr::atom("\"States.NoChoiceMatched\""),
                                ),
                                (Some("cause".into()), Expr::atom(python::string(&cause))),
                            ],
                        );
                        self.out
                            .push_str(&raise.render(4 * (indent + 1), "raise ", ""));
                    } else {
                        self.emit_set(pipeline, key, &exclusive[i], indent + 1);
                    }
                    if self.out.is_empty() {
                        self.line(indent + 1, "pass");
                    }
                    let body = std::mem::replace(&mut self.out, saved);
                    match rendered.last_mut() {
                        Some((Some(previous), last_body)) if *last_body == body => {
                            match condition {
                                Some(c) => *previous = format!("({previous}) or ({c})"),
                                None => {
                                    rendered.pop();
                                    rendered.push((None, body));
                                }
                            }
                        }
                        _ => rendered.push((condition.clone(), body)),
                    }
                }
                if rendered.len() == 1 {
                    // Every arm does the same: no branch is needed.
                    let body = rendered.remove(0).1;
                    for l in body.lines() {
                        self.line(indent, &l[4.min(l.len())..]);
                    }
                } else {
                    for (i, (condition, body)) in rendered.iter().enumerate() {
                        let keyword = if i == 0 { "if" } else { "elif" };
                        match condition {
                            None => self.line(indent, "else:"),
                            Some(c)
                                if 4 * indent + keyword.len() + c.len() + 2
                                    <= python::LINE_WIDTH =>
                            {
                                self.line(indent, &format!("{keyword} {c}:"));
                            }
                            Some(c) => {
                                // ruff's layout of a long boolean chain: one operand a line.
                                let split = parts
                                    .iter()
                                    .flatten()
                                    .find(|(op, items)| items.join(&format!(" {op} ")) == *c);
                                match split {
                                    Some((op, items)) => {
                                        self.line(indent, &format!("{keyword} ("));
                                        for (j, item) in items.iter().enumerate() {
                                            let lead = if j == 0 {
                                                String::new()
                                            } else {
                                                format!("{op} ")
                                            };
                                            self.line(indent + 1, &format!("{lead}{item}"));
                                        }
                                        self.line(indent, "):");
                                    }
                                    None => self.line(indent, &format!("{keyword} {c}:")),
                                }
                            }
                        }
                        self.out.push_str(body);
                    }
                }
            }
            // Reaching the end of the function is success.
            StepKind::Succeed => {}
            StepKind::Map { items, region, .. } if self.dynamic => {
                let items_expr = match items {
                    Binding::StepOutput {
                        step: s,
                        port,
                        projection,
                    } => format!(
                        "{}.load(){}",
                        self.output_var(key, s, port),
                        python_projection(projection)
                    ),
                    Binding::Parameter(p) => self.param_var(key, p),
                    Binding::Literal(v) => python::value(v, &|x| x.to_string()).flat(),
                    Binding::Unresolved(ph) => {
                        self.needs.unresolved_helper = true;
                        format!("unresolved({})", python::string(&ph.text))
                    }
                    Binding::Expr(c) => {
                        self.needs.unresolved_helper = true;
                        format!("unresolved({})", python::string(&c.text))
                    }
                };
                let results = self.namer.fresh(&format!("{}_results", step.name));
                self.line(indent, "# Migration note: the fan-out runs its iterations one after another here; use step.map(...) for concurrency");
                self.line(indent, &format!("{results} = []"));
                let region_key = region_key(key, n.index(), 0);
                let item_var = self.namer.fresh("item");
                if let Some(first) = region.params.first() {
                    self.bind_param(&region_key, &first.name, &item_var);
                }
                self.line(indent, &format!("for {item_var} in {items_expr}:"));
                self.emit_pipeline(region, &region_key, indent + 1);
                if let Some(last) = last_output(region, &region_key, self) {
                    self.line(indent + 1, &format!("{results}.append({last}.load())"));
                }
                for o in &step.outputs {
                    self.outputs.insert(
                        (key.to_string(), step.name.clone(), o.name.clone()),
                        results.clone(),
                    );
                }
            }
            StepKind::Parallel { branches } if self.dynamic => {
                self.line(indent, "# Migration note: Parallel branches run one after another here; use step.submit(...) for concurrency");
                let mut lasts = Vec::new();
                // Every branch starts from the Parallel state's own input.
                let branch_input = match step.inputs.first().map(|i| &i.binding) {
                    Some(Binding::StepOutput { step: s, port, .. }) => {
                        self.output_var(key, s, port)
                    }
                    Some(Binding::Parameter(p)) => self.param_var(key, p),
                    _ => "None".to_string(),
                };
                for (r, branch) in branches.iter().enumerate() {
                    let region_key = region_key(key, n.index(), r);
                    if let Some(first) = branch.params.first() {
                        self.bind_param(&region_key, &first.name, &branch_input);
                    }
                    self.emit_pipeline(branch, &region_key, indent);
                    lasts.extend(last_output(branch, &region_key, self));
                }
                if !step.outputs.is_empty() {
                    let var = self.namer.fresh(&format!("{}_results", step.name));
                    self.line(indent, &format!("{var} = [{}]", lasts.join(", ")));
                    for o in &step.outputs {
                        self.outputs.insert(
                            (key.to_string(), step.name.clone(), o.name.clone()),
                            var.clone(),
                        );
                    }
                }
            }
            StepKind::Branch { .. } | StepKind::Map { .. } | StepKind::Parallel { .. } => {
                self.line(
                    indent,
                    &format!(
                        "# TODO(migration): `{}` needs a dynamic pipeline",
                        comment(&step.display_name)
                    ),
                );
            }
            _ => self.emit_call(pipeline, key, n, set, indent),
        }
    }

    fn branch_target(
        &self,
        pipeline: &Pipeline,
        from: NodeIndex,
        label: &str,
    ) -> Option<NodeIndex> {
        pipeline
            .graph
            .edges_directed(from, Direction::Outgoing)
            .find(|e| matches!(&e.weight().kind, EdgeKind::Branch { label: l } if l == label))
            .map(|e| e.target())
    }

    fn output_var(&mut self, key: &str, step: &str, port: &str) -> String {
        self.outputs
            .get(&(key.to_string(), step.to_string(), port.to_string()))
            .cloned()
            .unwrap_or_else(|| {
                // Produced in a scope this path never ran (a merge after a branch): the
                // name still has to exist for the code to be valid Python.
                let var = self.namer.fresh(&format!("{step}_{port}"));
                self.outputs.insert(
                    (key.to_string(), step.to_string(), port.to_string()),
                    var.clone(),
                );
                var
            })
    }

    fn param_var(&mut self, key: &str, name: &str) -> String {
        self.params
            .get(&(key.to_string(), name.to_string()))
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }

    fn emit_call(
        &mut self,
        pipeline: &'a Pipeline,
        key: &str,
        n: NodeIndex,
        set: &BTreeSet<NodeIndex>,
        indent: usize,
    ) {
        let step = &pipeline.graph[n];
        let Some(planned) = self.plan.get(key, &step.name) else {
            return;
        };
        let function = planned.py_name.clone();
        self.needs.step_functions.insert(function.clone());
        let mut args = Vec::new();
        for input in &step.inputs {
            match &input.binding {
                Binding::StepOutput { step: s, port, .. } => {
                    let var = self.output_var(key, s, port);
                    args.push((
                        Some(crate::step_module::param_name(step, &input.name)),
                        Expr::atom(var),
                    ));
                }
                Binding::Parameter(p) => {
                    let var = self.param_var(key, p);
                    args.push((
                        Some(crate::step_module::param_name(step, &input.name)),
                        Expr::atom(var),
                    ));
                }
                Binding::Literal(_) | Binding::Unresolved(_) | Binding::Expr(_) => {}
            }
        }
        if !self.dynamic {
            let after: Vec<String> = pipeline
                .graph
                .edges_directed(n, Direction::Incoming)
                .filter(|e| matches!(e.weight().kind, EdgeKind::Order))
                .filter_map(|e| self.plan.get(key, &pipeline.graph[e.source()].name))
                .filter(|p| p.has_module())
                .map(|p| python::string(&p.py_name))
                .collect();
            match after.len() {
                0 => {}
                1 => args.push((Some("after".into()), Expr::atom(after[0].clone()))),
                _ => args.push((
                    Some("after".into()),
                    Expr::List(after.into_iter().map(Expr::atom).collect()),
                )),
            }
        }
        let targets: Vec<String> = step
            .outputs
            .iter()
            .map(|o| {
                let var = self.namer.fresh(&format!("{}_{}", step.name, o.name));
                self.outputs.insert(
                    (key.to_string(), step.name.clone(), o.name.clone()),
                    var.clone(),
                );
                var
            })
            .collect();
        let prefix = if targets.is_empty() {
            String::new()
        } else {
            format!("{} = ", targets.join(", "))
        };
        // Catchers in source order: the first one is the one kept.
        let handlers: Vec<(NodeIndex, &ferry_ir::Catch)> = pipeline
            .outgoing(n)
            .into_iter()
            .filter_map(|(target, e)| match &e.kind {
                EdgeKind::Error(c) => Some((target, c)),
                _ => None,
            })
            .collect();
        let call = Expr::call(function, args);
        let start = self.lines_so_far() + 1;
        let handled_inline = self.dynamic && !handlers.is_empty() && {
            let only_on_error = error_only(pipeline);
            let (handler, _) = handlers[0];
            only_on_error.contains(&handler)
        };
        if self.dynamic && !handlers.is_empty() && !handled_inline {
            // The handler also runs on the normal path: Python cannot jump there.
            let (handler, _) = handlers[0];
            let target = pipeline.graph[handler].display_name.clone();
            self.line(indent, &format!("# Migration note: on error the source went on at `{}`, which also runs on the normal path; here the error propagates", comment(&target)));
            self.diagnostics.push(
                Diagnostic::warning("F0702", format!("the error handler of `{}` is also on the normal path and is not emitted as an except block", step.display_name))
                    .with_primary(step.span, "catcher here"),
            );
            self.out.push_str(&call.render(4 * indent, &prefix, ""));
        } else if handled_inline {
            let normal: BTreeSet<NodeIndex> = pipeline
                .graph
                .edges_directed(n, Direction::Outgoing)
                .filter(|e| !matches!(e.weight().kind, EdgeKind::Error(_)))
                .flat_map(|e| self.reach(pipeline, key, e.target(), set))
                .collect();
            self.line(indent, "try:");
            self.emit_assignment(indent + 1, &targets, &call);
            // States.ALL and friends catch every error, which in Python is Exception.
            self.line(indent, "except Exception:  # noqa: BLE001");
            let (handler, catch) = handlers[0];
            if !catch.errors.is_empty() && !catch.errors.iter().any(|e| e == "States.ALL") {
                self.line(indent + 1, &format!("# Migration note: the source caught only {}; Python catches every exception here", comment(&catch.errors.join(", "))));
            }
            if handlers.len() > 1 {
                self.line(indent + 1, "# Migration note: several catchers in the source; only the first handler is kept");
            }
            let only_on_error = error_only(pipeline);
            let handler_set: BTreeSet<NodeIndex> = self
                .reach(pipeline, key, handler, set)
                .into_iter()
                .filter(|x| !normal.contains(x) && only_on_error.contains(x))
                .collect();
            let before = self.out.len();
            // A handler shared by several catchers is emitted in each except block.
            let saved = self.consumed.clone();
            self.in_handler += 1;
            self.emit_set(pipeline, key, &handler_set, indent + 1);
            self.in_handler -= 1;
            self.consumed = saved;
            if self.out.len() == before {
                // The handler does nothing the pipeline can run (e.g. a Succeed state):
                // the error is swallowed and the run ends successfully.
                self.line(
                    indent + 1,
                    "# Migration note: the source handler ends the run successfully",
                );
            }
            self.line(indent + 1, "return");
        } else {
            self.emit_assignment(indent, &targets, &call);
        }
        let end = self.lines_so_far();
        self.needs
            .calls
            .push((start, end, step.span, step.display_name.clone()));
    }

    /// `targets = call`, with the targets parenthesised one per line when even the
    /// opening of the call would not fit (what ruff format does).
    fn emit_assignment(&mut self, indent: usize, targets: &[String], call: &Expr) {
        let pad = 4 * indent;
        let joined = targets.join(", ");
        let head = match call {
            Expr::Call(f, _) => f.len() + 1,
            other => other.flat().len(),
        };
        if targets.len() > 1 && pad + joined.len() + 3 + head > python::LINE_WIDTH {
            self.line(indent, "(");
            for t in targets {
                self.line(indent + 1, &format!("{t},"));
            }
            self.out.push_str(&call.render(pad, ") = ", ""));
        } else {
            let prefix = if targets.is_empty() {
                String::new()
            } else {
                format!("{joined} = ")
            };
            self.out.push_str(&call.render(pad, &prefix, ""));
        }
    }

    /// A short Python expression for a condition operand. Loaded artifacts go into
    /// locals first (emitted before the `if`), so conditions stay short lines.
    fn operand(&mut self, key: &str, b: &Binding, safe: bool) -> String {
        match b {
            Binding::StepOutput {
                step,
                port,
                projection,
            } => {
                let source = self.output_var(key, step, port);
                let base = match projection.last() {
                    Some(Segment::Key(k)) => ferry_ir::naming::to_identifier(k),
                    _ => format!("{step}_value"),
                };
                let local = self.namer.fresh(&base);
                let value = if safe && !projection.is_empty() {
                    self.needs.lookup_helper = true;
                    let mut args = vec![(None, Expr::atom(format!("{source}.load()")))];
                    args.extend(projection.iter().map(|s| match s {
                        Segment::Key(k) => (None, Expr::atom(python::string(k))),
                        Segment::Index(i) => (None, Expr::atom(i.to_string())),
                    }));
                    Expr::call("lookup", args)
                } else {
                    Expr::atom(format!("{source}.load(){}", python_projection(projection)))
                };
                let pad = 4 * self.prelude_indent;
                let statement = value.render(pad, &format!("{local} = "), "");
                let wrapped = statement.lines().count() > 1
                    || statement.trim_end().len() <= python::LINE_WIDTH;
                if !wrapped && !projection.is_empty() && !safe {
                    // Load first, then project one key a line: ruff would split the
                    // subscripts oddly.
                    let mut lines = python::assignment(pad, &local, &format!("{source}.load()"));
                    for segment in projection {
                        let one = python_projection(std::slice::from_ref(segment));
                        lines.extend(python::assignment(pad, &local, &format!("{local}{one}")));
                    }
                    self.prelude.push(lines.join("\n") + "\n");
                } else {
                    let text: Vec<String> = statement
                        .lines()
                        .map(|l| l[pad.min(l.len() - l.trim_start().len())..].to_string())
                        .collect();
                    self.prelude.push(text.join("\n") + "\n");
                }
                local
            }
            Binding::Parameter(p) => self.param_var(key, p),
            Binding::Literal(v) => python::value(v, &|x| x.to_string()).flat(),
            Binding::Unresolved(ph) => {
                self.needs.unresolved_helper = true;
                format!("unresolved({})", python::string(&ph.text))
            }
            Binding::Expr(c) => {
                self.needs.unresolved_helper = true;
                format!("unresolved({})", python::string(&c.text))
            }
        }
    }

    /// A condition, and for a top-level and/or its operands (for line splitting).
    fn condition_head(
        &mut self,
        key: &str,
        c: &Condition,
    ) -> (String, Option<(&'static str, Vec<String>)>) {
        let (op, items) = match c {
            Condition::And(items) => ("and", items),
            Condition::Or(items) => ("or", items),
            other => return (self.condition(key, other), None),
        };
        let parts: Vec<String> = items
            .iter()
            .map(|i| format!("({})", self.condition(key, i)))
            .collect();
        (parts.join(&format!(" {op} ")), Some((op, parts)))
    }

    fn condition(&mut self, key: &str, c: &Condition) -> String {
        match c {
            Condition::Compare { lhs, op, rhs } => {
                let safe = matches!(op, CompareOp::IsNull | CompareOp::IsPresent);
                let l = self.operand(key, lhs, safe);
                let positive = !matches!(rhs, Binding::Literal(Value::Bool(false)));
                let test = |t: String| if positive { t } else { format!("not ({t})") };
                match op {
                    CompareOp::Eq
                    | CompareOp::Ne
                    | CompareOp::Lt
                    | CompareOp::Le
                    | CompareOp::Gt
                    | CompareOp::Ge => {
                        format!("{l} {} {}", op.as_str(), self.operand(key, rhs, false))
                    }
                    CompareOp::In => format!("{l} in {}", self.operand(key, rhs, false)),
                    CompareOp::Matches => {
                        self.needs.fnmatch = true;
                        format!(
                            "fnmatch.fnmatchcase(str({l}), {})",
                            self.operand(key, rhs, false)
                        )
                    }
                    CompareOp::IsNull => test(format!("{l} is None")),
                    CompareOp::IsPresent => test(format!("{l} is not None")),
                    CompareOp::IsNumeric => test(format!(
                        "isinstance({l}, (int, float)) and not isinstance({l}, bool)"
                    )),
                    CompareOp::IsString => test(format!("isinstance({l}, str)")),
                    CompareOp::IsBoolean => test(format!("isinstance({l}, bool)")),
                    CompareOp::IsTimestamp => {
                        self.needs.timestamp_helper = true;
                        test(format!("is_timestamp({l})"))
                    }
                }
            }
            Condition::And(items) => items
                .iter()
                .map(|c| format!("({})", self.condition(key, c)))
                .collect::<Vec<_>>()
                .join(" and "),
            Condition::Or(items) => items
                .iter()
                .map(|c| format!("({})", self.condition(key, c)))
                .collect::<Vec<_>>()
                .join(" or "),
            Condition::Not(inner) => match inner.as_ref() {
                // `not (a == b)` reads better, and ruff asks for it, as `a != b`.
                Condition::Compare {
                    lhs,
                    op: op @ (CompareOp::Eq | CompareOp::Ne),
                    rhs,
                } => {
                    let inverted = if *op == CompareOp::Eq {
                        CompareOp::Ne
                    } else {
                        CompareOp::Eq
                    };
                    self.condition(
                        key,
                        &Condition::Compare {
                            lhs: lhs.clone(),
                            op: inverted,
                            rhs: rhs.clone(),
                        },
                    )
                }
                other => format!("not ({})", self.condition(key, other)),
            },
            Condition::Expr { language, text } => {
                self.needs.unresolved_helper = true;
                format!(
                    "unresolved({})",
                    python::string(&format!("{language}: {text}"))
                )
            }
        }
    }
}

/// The variable holding the output of a region's last step with outputs.
fn last_output(region: &Pipeline, key: &str, body: &mut Body) -> Option<String> {
    let last = topological(region)
        .into_iter()
        .rev()
        .find(|&n| !region.graph[n].outputs.is_empty())?;
    let step = &region.graph[last];
    let port = step.outputs[0].name.clone();
    Some(body.output_var(key, &step.name.clone(), &port))
}

/// Steps not reachable from the pipeline's sources without taking an error edge.
fn error_only(pipeline: &Pipeline) -> BTreeSet<NodeIndex> {
    let mut normal = BTreeSet::new();
    let mut stack: Vec<NodeIndex> = pipeline
        .step_indices()
        .filter(|&n| {
            pipeline
                .graph
                .edges_directed(n, Direction::Incoming)
                .next()
                .is_none()
        })
        .collect();
    while let Some(n) = stack.pop() {
        if !normal.insert(n) {
            continue;
        }
        for e in pipeline.graph.edges_directed(n, Direction::Outgoing) {
            if !matches!(e.weight().kind, EdgeKind::Error(_)) {
                stack.push(e.target());
            }
        }
    }
    pipeline
        .step_indices()
        .filter(|n| !normal.contains(n))
        .collect()
}

/// Kahn's algorithm, always taking the lowest index first: deterministic and stable.
pub fn topological(pipeline: &Pipeline) -> Vec<NodeIndex> {
    let mut indegree: BTreeMap<NodeIndex, usize> =
        pipeline.step_indices().map(|n| (n, 0)).collect();
    for e in (&pipeline.graph).edge_references() {
        *indegree.entry(e.target()).or_default() += 1;
    }
    let mut ready: BTreeSet<NodeIndex> = indegree
        .iter()
        .filter(|(_, d)| **d == 0)
        .map(|(n, _)| *n)
        .collect();
    let mut order = Vec::new();
    while let Some(n) = ready.pop_first() {
        order.push(n);
        for m in pipeline.graph.neighbors_directed(n, Direction::Outgoing) {
            if let Some(d) = indegree.get_mut(&m) {
                *d -= 1;
                if *d == 0 {
                    ready.insert(m);
                }
            }
        }
    }
    // A cycle (reported by the verifier): keep the remaining steps in IR order.
    for n in pipeline.step_indices() {
        if !order.contains(&n) {
            order.push(n);
        }
    }
    order
}

/// The condition text as the source wrote it, for comments.
pub fn describe(c: &Condition) -> String {
    match c {
        Condition::Compare { lhs, op, rhs } => format!(
            "{} {} {}",
            print_binding_short(lhs),
            op.as_str(),
            print_binding_short(rhs)
        ),
        Condition::And(i) => i.iter().map(describe).collect::<Vec<_>>().join(" and "),
        Condition::Or(i) => i.iter().map(describe).collect::<Vec<_>>().join(" or "),
        Condition::Not(i) => format!("not {}", describe(i)),
        Condition::Expr { text, .. } => text.clone(),
    }
}
