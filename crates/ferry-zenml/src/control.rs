//! The body of a pipeline function. Steps are emitted in a deterministic topological
//! order; in dynamic pipelines, the steps reachable only through one arm of a branch
//! go inside that arm's `if` block, and the steps reachable only through an error edge
//! go inside an `except` block. Conditions are in `conditions.rs`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use ferry_diagnostics::Diagnostic;
use ferry_ir::naming::Namer;
use ferry_ir::{Binding, EdgeKind, Pipeline, Step, StepKind};
use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::code::{Code, Ident, py};
use crate::consumed::Consumed;
use crate::names::{Plan, region_key};
use crate::record::{Disposition, Entry, EntryKind};
use crate::step_module::{param_name, projection_code};
use crate::structure::{error_only, reach_until, topological};
use crate::writer::Writer;

/// What the body needs from the module around it.
#[derive(Default)]
pub struct Needs {
    pub step_functions: BTreeSet<String>,
    pub pipeline_failed_error: bool,
    pub unresolved_helper: bool,
    pub fnmatch: bool,
    pub timestamp_helper: bool,
    pub lookup_helper: bool,
    /// A computed value reads the run-time helper module.
    pub asl_runtime: bool,
    /// A step reads an artifact another pipeline writes (`Client().get_artifact_version`).
    pub artifact_client: bool,
}

/// Statements to run before a condition, and the TODO markers its placeholders need.
pub(crate) type ConditionNeeds = (Vec<Code>, Vec<(String, Entry)>);

/// How many steps the structurer may copy to end a branch or handler where the source
/// ends it, before it falls back to emitting shared steps once after the block.
pub(crate) const DUPLICATION_LIMIT: usize = 24;

/// (pipeline key, step name, port).
type OutputKey = (String, String, String);

pub struct Body<'a, 'p> {
    pub(crate) plan: &'p Plan<'a>,
    pub(crate) dynamic: bool,
    pub(crate) namer: Namer,
    outputs: BTreeMap<OutputKey, Ident>,
    /// Outputs something reads; the others are not assigned.
    read: BTreeSet<OutputKey>,
    params: BTreeMap<(String, String), Ident>,
    pub(crate) consumed: Consumed,
    /// `else:` blocks opened after `except` blocks inside regions, closed when the
    /// region's steps are all emitted.
    pub(crate) open_else: usize,
    order: BTreeMap<String, Rc<Order>>,
    /// Statements to emit before the next `if` (loaded condition operands).
    pub(crate) prelude: Vec<Code>,
    /// TODO markers to write before the next statement that uses a placeholder.
    pub(crate) pending: Vec<(String, Entry)>,
    pub w: Writer,
    pub needs: Needs,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a, 'p> Body<'a, 'p> {
    pub fn new(
        plan: &'p Plan<'a>,
        pipeline: &'a Pipeline,
        key: &str,
        reserved: impl IntoIterator<Item = String>,
    ) -> Self {
        let mut namer = Namer::with_reserved([
            "pipeline",
            "step",
            "item",
            "results",
            "unresolved",
            "lookup",
            "is_timestamp",
            "fnmatch",
            "datetime",
            "Any",
            "rt",
            "ferry_runtime",
        ]);
        for r in reserved {
            namer.reserve(&r);
        }
        for s in &plan.steps {
            namer.reserve(&s.py_name);
        }
        let mut read = BTreeSet::new();
        reads(pipeline, key, &mut read);
        Body {
            plan,
            dynamic: pipeline.dynamic,
            namer,
            outputs: BTreeMap::new(),
            read,
            params: BTreeMap::new(),
            consumed: Consumed::default(),
            open_else: 0,
            order: BTreeMap::new(),
            prelude: Vec::new(),
            pending: Vec::new(),
            w: Writer::at_depth(1),
            needs: Needs::default(),
            diagnostics: Vec::new(),
        }
    }

    pub fn bind_param(&mut self, key: &str, name: &str, var: Ident) {
        self.params.insert((key.to_string(), name.to_string()), var);
    }

    /// Emit every step of `pipeline` (key `key`).
    pub fn emit_pipeline(&mut self, pipeline: &'a Pipeline, key: &str) {
        let all: BTreeSet<NodeIndex> = pipeline.step_indices().collect();
        self.emit_set(pipeline, key, &all);
    }

    /// The topological order of a pipeline or region, computed once and shared.
    pub(crate) fn topological(&mut self, pipeline: &Pipeline, key: &str) -> Rc<Order> {
        self.order
            .entry(key.to_string())
            .or_insert_with(|| Rc::new(Order::of(pipeline)))
            .clone()
    }

    pub(crate) fn emit_set(
        &mut self,
        pipeline: &'a Pipeline,
        key: &str,
        set: &BTreeSet<NodeIndex>,
    ) {
        let error_only = error_only(pipeline, set);
        let opened = self.open_else;
        // The set's own steps in the pipeline's order (not a walk over every step of
        // the pipeline for each arm of each branch).
        let order = self.topological(pipeline, key);
        let mut members: Vec<(usize, NodeIndex)> = set
            .iter()
            .filter_map(|n| order.position(*n).map(|p| (p, *n)))
            .collect();
        members.sort_unstable();
        for (_, n) in members {
            // Steps reached only through error edges run inside `except` blocks.
            if !error_only.contains(&n) && self.consumed.insert(key, n) {
                self.emit_node(pipeline, key, n, set);
            }
        }
        // The normal path after a guarded step inside a region ran in `else:` blocks.
        while self.open_else > opened {
            self.w.close_optional();
            self.open_else -= 1;
        }
    }

    pub(crate) fn reach(
        &self,
        pipeline: &Pipeline,
        key: &str,
        from: NodeIndex,
        within: &BTreeSet<NodeIndex>,
    ) -> BTreeSet<NodeIndex> {
        let consumed = &self.consumed;
        reach_until(pipeline, from, within, None, &|x| consumed.contains(key, x))
    }

    /// Write the TODO markers of placeholders used by the next statement.
    pub(crate) fn flush_pending(&mut self) {
        for (text, entry) in std::mem::take(&mut self.pending) {
            self.w.todo(&text, entry);
        }
    }

    fn emit_node(
        &mut self,
        pipeline: &'a Pipeline,
        key: &str,
        n: NodeIndex,
        set: &BTreeSet<NodeIndex>,
    ) {
        let step = &pipeline.graph[n];
        match &step.kind {
            StepKind::Branch { rules, default } if self.dynamic => {
                self.emit_branch(pipeline, key, n, set, rules, default.as_deref())
            }
            // Reaching the end of the function is success.
            StepKind::Succeed => {}
            StepKind::Map { items, region, .. } if self.dynamic => {
                self.guarded(pipeline, key, n, set, &mut |b: &mut Self| {
                    b.emit_map(key, n, step, items, region)
                });
            }
            StepKind::Parallel { branches } if self.dynamic => {
                self.guarded(pipeline, key, n, set, &mut |b: &mut Self| {
                    b.emit_parallel(key, n, step, branches)
                });
            }
            StepKind::Branch { .. } | StepKind::Map { .. } | StepKind::Parallel { .. } => {
                self.w.todo(
                    &format!("`{}` needs a dynamic pipeline", step.display_name),
                    Entry::new(
                        EntryKind::Control,
                        format!("{} `{}`", step.mapping.construct, step.display_name),
                        "pipeline function",
                        Disposition::Dropped,
                        step.span,
                    )
                    .issue("control flow in a static pipeline is not emitted")
                    .redesign("make the pipeline dynamic"),
                );
            }
            _ => self.emit_call(pipeline, key, n, set),
        }
    }

    fn emit_map(
        &mut self,
        key: &str,
        n: NodeIndex,
        step: &'a ferry_ir::Step,
        items: &Binding,
        region: &'a Pipeline,
    ) {
        let items_code = self.binding_value(key, items, step);
        let results = self.namer.fresh(&format!("{}_results", step.name));
        let results = Ident::new(&results);
        let collect = step.outputs.iter().any(|o| {
            self.read
                .contains(&(key.to_string(), step.name.clone(), o.name.clone()))
        });
        self.w.note("the fan-out runs its iterations one after another here; use step.map(...) for concurrency");
        if collect {
            self.w.line(py!("{} = []", results));
        }
        let region_key = region_key(key, n.index(), 0);
        let item = Ident::new(&self.namer.fresh("item"));
        if let Some(first) = region.params.first() {
            self.bind_param(&region_key, &first.name, item.clone());
        }
        self.flush_pending();
        self.w.open(py!("for {} in {}", item, items_code));
        self.emit_pipeline(region, &region_key);
        if collect && let Some(last) = last_output(region, &region_key, self) {
            self.w.line(py!("{}.append({}.load())", results, last));
        }
        self.w.close();
        for o in &step.outputs {
            self.outputs.insert(
                (key.to_string(), step.name.clone(), o.name.clone()),
                results.clone(),
            );
        }
    }

    fn emit_parallel(
        &mut self,
        key: &str,
        n: NodeIndex,
        step: &'a ferry_ir::Step,
        branches: &'a [Pipeline],
    ) {
        self.w.note(
            "Parallel branches run one after another here; use step.submit(...) for concurrency",
        );
        let mut lasts = Vec::new();
        // Every branch starts from the Parallel state's own input.
        let mut branch_input = match step.inputs.first().map(|i| &i.binding) {
            Some(Binding::StepOutput { step: s, port, .. }) => Some(self.output_var(key, s, port)),
            Some(Binding::Parameter(p)) => Some(self.param_var(key, p)),
            _ => None,
        };
        let read_by_branches = branches
            .iter()
            .any(|b| b.params.first().is_some_and(|p| reads_param(b, &p.name)));
        if branch_input.is_none() && read_by_branches {
            // The branches read the Parallel state's input, which no step produces.
            let var = Ident::new(&self.namer.fresh(&format!("{}_input", step.name)));
            let text = format!("the input of {}", step.display_name);
            let value = self.unresolved(&text, step.span, &step.display_name);
            self.flush_pending();
            self.w.line(py!("{} = {}", var, value));
            branch_input = Some(var);
        }
        for (r, branch) in branches.iter().enumerate() {
            let region_key = region_key(key, n.index(), r);
            if let (Some(first), Some(input)) = (branch.params.first(), &branch_input) {
                self.bind_param(&region_key, &first.name, input.clone());
            }
            self.emit_pipeline(branch, &region_key);
            lasts.extend(last_output(branch, &region_key, self));
        }
        let read = step.outputs.iter().any(|o| {
            self.read
                .contains(&(key.to_string(), step.name.clone(), o.name.clone()))
        });
        if read {
            let var = Ident::new(&self.namer.fresh(&format!("{}_results", step.name)));
            self.w.line(py!(
                "{} = {}",
                var,
                Code::list(lasts.iter().map(Ident::code))
            ));
            for o in &step.outputs {
                self.outputs.insert(
                    (key.to_string(), step.name.clone(), o.name.clone()),
                    var.clone(),
                );
            }
        }
    }

    pub(crate) fn output_var(&mut self, key: &str, step: &str, port: &str) -> Ident {
        let k = (key.to_string(), step.to_string(), port.to_string());
        if let Some(v) = self.outputs.get(&k) {
            return v.clone();
        }
        // Produced in a scope this path never ran (a merge after a branch): the output
        // verifier reports the read of a name nothing binds.
        let var = Ident::new(&self.namer.fresh(&format!("{step}_{port}")));
        self.outputs.insert(k, var.clone());
        var
    }

    pub(crate) fn param_var(&mut self, key: &str, name: &str) -> Ident {
        self.params
            .get(&(key.to_string(), name.to_string()))
            .cloned()
            .unwrap_or_else(|| Ident::new(name))
    }

    /// A Python value for a binding read in the pipeline body (Map items, condition
    /// operands) of step `user`, whose inputs a computed value reads.
    pub(crate) fn binding_value(&mut self, key: &str, binding: &Binding, user: &Step) -> Code {
        match binding {
            Binding::Expr(c) => {
                // The ports are the step's own inputs, loaded in the pipeline.
                let mut ports = BTreeMap::new();
                for input in user
                    .inputs
                    .iter()
                    .filter(|i| !matches!(i.binding, Binding::Expr(_)))
                {
                    let value = self.binding_value(key, &input.binding, user);
                    ports.insert(input.name.clone(), value.as_str().to_string());
                }
                let port = |p: &str| {
                    ports
                        .get(p)
                        .cloned()
                        .unwrap_or_else(|| "rt.UNDEFINED".into())
                };
                self.needs.asl_runtime = true;
                crate::computed::value(c, &port)
            }
            Binding::StepOutput {
                step,
                port,
                projection,
            } => py!(
                "{}.load(){}",
                self.output_var(key, step, port),
                projection_code(projection)
            ),
            Binding::Parameter(p) => self.param_var(key, p).code(),
            Binding::Literal(v) => Code::constant(v),
            Binding::Unresolved(ph) => self.unresolved(&ph.text, ph.span, &user.display_name),
            Binding::Artifact { name, .. } => py!("{}.load()", self.artifact(name)),
        }
    }

    /// The latest version of another pipeline's artifact `name`, as a step input.
    pub(crate) fn artifact(&mut self, name: &str) -> Code {
        self.needs.artifact_client = true;
        py!("Client().get_artifact_version({})", Code::str_lit(name))
    }

    /// `unresolved("text")`, with a TODO marker and a report row for this use.
    pub(crate) fn unresolved(
        &mut self,
        text: &str,
        span: ferry_diagnostics::Span,
        user: &str,
    ) -> Code {
        self.needs.unresolved_helper = true;
        self.pending.push((
            format!("replace unresolved({text}) with the real value"),
            Entry::new(
                EntryKind::Detail,
                format!("reference `{text}` in `{user}`"),
                "`unresolved(...)` in the pipeline function",
                Disposition::Placeholder,
                span,
            )
            .issue("the value cannot be traced to the step that produces it; the call raises")
            .redesign("wire the value from the step or parameter that holds it")
            .code("F0601"),
        ));
        py!("unresolved({})", Code::str_lit(text))
    }

    fn emit_call(
        &mut self,
        pipeline: &'a Pipeline,
        key: &str,
        n: NodeIndex,
        set: &BTreeSet<NodeIndex>,
    ) {
        let step = &pipeline.graph[n];
        let Some(planned) = self.plan.get(key, &step.name) else {
            return;
        };
        let function = Ident::new(&planned.py_name);
        self.needs.step_functions.insert(planned.py_name.clone());
        let mut args = Vec::new();
        for input in &step.inputs {
            let var = match &input.binding {
                Binding::StepOutput { step: s, port, .. } => self.output_var(key, s, port).code(),
                Binding::Parameter(p) => self.param_var(key, p).code(),
                Binding::Artifact { name, .. } => self.artifact(name),
                Binding::Literal(_) | Binding::Unresolved(_) | Binding::Expr(_) => continue,
            };
            args.push(Code::keyword(&param_name(step, &input.name), var));
        }
        if !self.dynamic {
            let after: Vec<Code> = pipeline
                .graph
                .edges_directed(n, Direction::Incoming)
                .filter(|e| matches!(e.weight().kind, EdgeKind::Order))
                .filter_map(|e| self.plan.get(key, &pipeline.graph[e.source()].name))
                .filter(|p| p.has_module())
                .map(|p| Code::str_lit(&p.py_name))
                .collect();
            match after.len() {
                0 => {}
                1 => args.push(py!("after={}", after[0])),
                _ => args.push(py!("after={}", Code::list(after))),
            }
        }
        let targets: Vec<Code> = step
            .outputs
            .iter()
            .map(|o| {
                let k = (key.to_string(), step.name.clone(), o.name.clone());
                if self.read.contains(&k) {
                    // A step copied into several arms assigns the same variable in each.
                    let var = match self.outputs.get(&k) {
                        Some(v) => v.clone(),
                        None => Ident::new(&self.namer.fresh(&format!("{}_{}", step.name, o.name))),
                    };
                    self.outputs.insert(k, var.clone());
                    var.code()
                } else {
                    Code::text("_")
                }
            })
            .collect();
        let call = Code::call(&function, args);
        let statement = if targets.iter().all(|t| t.as_str() == "_") {
            call
        } else {
            py!("{} = {}", Code::join(targets, ", "), call)
        };
        let start = self.w.offset();
        self.guarded(pipeline, key, n, set, &mut |b: &mut Self| {
            b.w.line(&statement)
        });
        self.w
            .mark(start, step.span, format!("call of {}", step.display_name));
    }
}

/// Every output read by a step input, a condition, a loop or a collected region.
fn reads(pipeline: &Pipeline, key: &str, read: &mut BTreeSet<OutputKey>) {
    let mut note = |b: &Binding| {
        if let Binding::StepOutput { step, port, .. } = b {
            read.insert((key.to_string(), step.clone(), port.clone()));
        }
    };
    for step in pipeline.steps() {
        // A Parallel step's input is read only by branches that take a parameter.
        let inputs_read = match &step.kind {
            StepKind::Parallel { branches } => branches
                .iter()
                .any(|b| b.params.first().is_some_and(|p| reads_param(b, &p.name))),
            _ => true,
        };
        for input in step.inputs.iter().filter(|_| inputs_read) {
            note(&input.binding);
        }
        match &step.kind {
            StepKind::Branch { rules, .. } => {
                for rule in rules {
                    crate::conditions::bindings(&rule.condition, &mut note);
                }
            }
            StepKind::Map { items, .. } => note(items),
            StepKind::Wait { seconds, until } => {
                for b in [seconds, until].into_iter().flatten() {
                    note(b);
                }
            }
            _ => {}
        }
    }
    for index in pipeline.step_indices() {
        let step = &pipeline.graph[index];
        for (r, region) in step.kind.regions().into_iter().enumerate() {
            let rk = region_key(key, index.index(), r);
            reads(region, &rk, read);
            // The region's last output is collected into the step's results, when
            // something reads them.
            let collected = step
                .outputs
                .iter()
                .any(|o| read.contains(&(key.to_string(), step.name.clone(), o.name.clone())));
            if collected
                && let Some(last) = topological(region)
                    .into_iter()
                    .rev()
                    .find(|&n| !region.graph[n].outputs.is_empty())
            {
                let s = &region.graph[last];
                read.insert((rk.clone(), s.name.clone(), s.outputs[0].name.clone()));
            }
        }
    }
}

/// Whether a step of `pipeline` reads parameter `name`.
fn reads_param(pipeline: &Pipeline, name: &str) -> bool {
    let mut found = false;
    let mut note = |b: &Binding| found |= matches!(b, Binding::Parameter(p) if p == name);
    for step in pipeline.steps() {
        step.inputs.iter().for_each(|i| note(&i.binding));
        match &step.kind {
            StepKind::Branch { rules, .. } => {
                for rule in rules {
                    crate::conditions::bindings(&rule.condition, &mut note);
                }
            }
            StepKind::Map { items, .. } => note(items),
            _ => {}
        }
    }
    found
}

/// The variable holding the output of a region's last step with outputs.
fn last_output(region: &Pipeline, key: &str, body: &mut Body) -> Option<Ident> {
    let last = topological(region)
        .into_iter()
        .rev()
        .find(|&n| !region.graph[n].outputs.is_empty())?;
    let step = &region.graph[last];
    let port = step.outputs[0].name.clone();
    Some(body.output_var(key, &step.name.clone(), &port))
}

/// A deterministic topological order of a pipeline's steps and each step's place in it.
pub(crate) struct Order {
    pub nodes: Vec<NodeIndex>,
    position: HashMap<NodeIndex, usize>,
}

impl Order {
    fn of(pipeline: &Pipeline) -> Self {
        let nodes = topological(pipeline);
        let position = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        Order { nodes, position }
    }

    pub fn position(&self, n: NodeIndex) -> Option<usize> {
        self.position.get(&n).copied()
    }
}
