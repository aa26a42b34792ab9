//! Lowering of a validated state machine to IR pipelines, with the data-flow analysis
//! done on the way: each state's input document is the merge of what its predecessors
//! output, so every path a state reads resolves to the earlier state that wrote it.
//!
//! The analysis runs during lowering rather than as a separate pass because it needs
//! the JSON state document (InputPath, ResultPath, OutputPath, templates), which the
//! IR deliberately does not keep.

use std::collections::{BTreeMap, BTreeSet};

use ferry_diagnostics::{Diagnostic, MigrationFlag, Span};
use ferry_ir::naming::Namer;
use ferry_ir::{
    Binding, Catch, EdgeKind, Mapping, Output, ParamType, Parameter, Pipeline, PortType,
    RetryPolicy, Segment, Step, StepKind, Value,
};
use petgraph::stable_graph::NodeIndex;

use crate::dataflow::{Abs, Origin};
use crate::doc::{Kind, Node};
use crate::paths::{RefPath, Seg, parse_path};
use crate::tasks::sagemaker_hints;

pub const RESULT: &str = "result";

/// What the whole lowering shares: top-level parameters and diagnostics.
pub struct Context<'a> {
    pub diagnostics: &'a mut Vec<Diagnostic>,
    pub params: Vec<Parameter>,
    param_names: BTreeMap<String, String>,
    param_namer: Namer,
    pub substitutions: &'a BTreeMap<String, String>,
    /// The file's text, for spans inside string values.
    pub source: &'a str,
    /// Parameters whose type a comparison already decided.
    constrained: BTreeSet<String>,
    /// Whether the state being lowered is a `.waitForTaskToken` Task, whose templates
    /// may read `$$.Task.Token` (the token the generated step makes up and waits on).
    pub task_token: bool,
    /// The name of the item-reader step of the Map state being lowered (`readers.rs`),
    /// and the step once built.
    pub reader_name: Option<String>,
    pub item_reader: Option<Step>,
}

impl<'a> Context<'a> {
    pub fn new(
        diagnostics: &'a mut Vec<Diagnostic>,
        substitutions: &'a BTreeMap<String, String>,
        source: &'a str,
    ) -> Self {
        Context {
            source,
            constrained: BTreeSet::new(),
            task_token: false,
            reader_name: None,
            item_reader: None,
            diagnostics,
            params: Vec::new(),
            param_names: BTreeMap::new(),
            param_namer: Namer::new(),
            substitutions,
        }
    }

    /// The pipeline parameter for an execution-input path (declared on first use).
    pub(crate) fn input_param(&mut self, path: &[Segment], span: Span) -> String {
        let key = path_text(path);
        if let Some(name) = self.param_names.get(&key) {
            return name.clone();
        }
        let raw = if path.is_empty() {
            "execution_input".to_string()
        } else {
            path.iter()
                .map(|s| match s {
                    Segment::Key(k) => k.clone(),
                    Segment::Index(i) => i.to_string(),
                })
                .collect::<Vec<_>>()
                .join("_")
        };
        let name = self.param_namer.fresh(&raw);
        self.param_names.insert(key.clone(), name.clone());
        self.params.push(Parameter {
            name: name.clone(),
            ty: if path.is_empty() {
                ParamType::Json
            } else {
                ParamType::String
            },
            default: None,
            span,
            mapping: Mapping::approximate(
                format!("execution input `{key}`"),
                "the execution input field becomes a pipeline parameter",
            ),
        });
        name
    }

    /// Narrow an execution-input parameter's type from how a comparison uses it;
    /// conflicting uses make it `json` (any value).
    pub(crate) fn constrain_param(&mut self, name: &str, ty: ParamType) {
        let first = self.constrained.insert(name.to_string());
        if let Some(p) = self.params.iter_mut().find(|p| p.name == name)
            && p.mapping.construct.starts_with("execution input")
        {
            if first {
                p.ty = ty;
            } else if p.ty != ty {
                p.ty = ParamType::Json;
            }
        }
    }

    /// The pipeline parameter a `${Name}` substitution became.
    pub fn substitution_param_name(&self, name: &str) -> Option<String> {
        self.param_names.get(&format!("${{{name}}}")).cloned()
    }

    /// `${Name}` deploy-time substitutions found in the definition become string
    /// parameters (unless `--subst` filled them).
    pub fn substitution_param(&mut self, name: &str, span: Span) {
        let key = format!("${{{name}}}");
        if self.param_names.contains_key(&key) {
            return;
        }
        let ident = self.param_namer.fresh(name);
        self.param_names.insert(key, ident.clone());
        self.params.push(Parameter {
            name: ident,
            ty: ParamType::String,
            default: None,
            span,
            mapping: Mapping::approximate(format!("definition substitution `${{{name}}}`"), "deploy-time substitution became a pipeline parameter (a run.py flag) passed to the steps that use it; `--subst NAME=VALUE` fills it at compile time instead"),
        });
    }
}

fn path_text(path: &[Segment]) -> String {
    let mut s = "$".to_string();
    for seg in path {
        match seg {
            Segment::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Segment::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

pub(crate) fn segments(path: &RefPath) -> Option<Vec<Segment>> {
    path.segs
        .iter()
        .map(|s| match s {
            Seg::Key(k) => Some(Segment::Key(k.clone())),
            Seg::Index(i) => Some(Segment::Index(*i)),
            Seg::Dynamic => None,
        })
        .collect()
}

/// One state of a machine, as the lowering sees it.
pub(crate) struct State<'n> {
    pub(crate) name: &'n str,
    key_span: Span,
    pub(crate) node: &'n Node,
    pub(crate) ty: &'n str,
    pub(crate) jsonata: bool,
}

impl State<'_> {
    pub(crate) fn field(&self, f: &str) -> Option<&Node> {
        self.node.get(f)
    }

    /// Successors by control flow: (target, edge kind).
    fn transitions(&self) -> Vec<(String, EdgeKind, Span)> {
        let mut out = Vec::new();
        if let Some(n) = self.field("Next")
            && let Some(t) = n.as_str()
        {
            out.push((t.to_string(), EdgeKind::Order, n.span));
        }
        if self.ty == "Choice" {
            for (i, rule) in self
                .field("Choices")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                if let Some(n) = rule.get("Next")
                    && let Some(t) = n.as_str()
                {
                    out.push((
                        t.to_string(),
                        EdgeKind::Branch {
                            label: format!("case{i}"),
                        },
                        n.span,
                    ));
                }
            }
            if let Some(n) = self.field("Default")
                && let Some(t) = n.as_str()
            {
                out.push((
                    t.to_string(),
                    EdgeKind::Branch {
                        label: "default".into(),
                    },
                    n.span,
                ));
            }
        }
        for catcher in self.field("Catch").map(Node::items).unwrap_or_default() {
            if let Some(n) = catcher.get("Next")
                && let Some(t) = n.as_str()
            {
                let errors = catcher
                    .get("ErrorEquals")
                    .map(|e| {
                        e.items()
                            .iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                let result_path = catcher
                    .get("ResultPath")
                    .and_then(|r| r.as_str().map(str::to_string));
                out.push((
                    t.to_string(),
                    EdgeKind::Error(Catch {
                        errors,
                        result_path,
                        span: catcher.span,
                    }),
                    n.span,
                ));
            }
        }
        out
    }

    /// A Pass state that changes nothing: elided, its edges reconnected.
    fn is_noop_pass(&self) -> bool {
        // A terminal no-op Pass stays: transitions into it need a target.
        self.ty == "Pass"
            && !self.jsonata
            && self.field("Next").is_some()
            && [
                "Result",
                "Parameters",
                "InputPath",
                "OutputPath",
                "ResultPath",
                "Assign",
            ]
            .iter()
            .all(|f| self.field(f).is_none())
    }
}

/// Lower one machine (the top level, a Parallel branch or a Map processor).
pub struct MachineLowering<'c, 'a> {
    pub cx: &'c mut Context<'a>,
    /// Region parameter standing for the machine's input; `None` at the top level.
    pub region_input: Option<String>,
    /// Workflow variables (Assign) at the state being lowered: where each value is.
    pub vars: Vars,
    /// The variables after the state being lowered.
    pub next_vars: Vars,
    /// Whether the state being lowered reads the context object's run-time fields.
    pub context_reads: bool,
}

/// Workflow variables of the data-flow analysis.
pub type Vars = BTreeMap<String, Abs>;

fn merge_vars(a: &Vars, b: &Vars) -> Vars {
    let mut out = Vars::new();
    for key in a.keys().chain(b.keys()) {
        let v = match (a.get(key), b.get(key)) {
            (Some(x), Some(y)) => x.merge(y),
            _ => Abs::Unknown(format!(
                "`${key}` is assigned on only some paths into this state"
            )),
        };
        out.insert(key.clone(), v);
    }
    out
}

impl MachineLowering<'_, '_> {
    pub fn lower(
        &mut self,
        machine: &Node,
        name: &str,
        display: &str,
        jsonata_default: bool,
        depth: usize,
    ) -> Pipeline {
        let mut pipeline = Pipeline::new(name, display, machine.span);
        let jsonata = match machine.get("QueryLanguage").and_then(Node::as_str) {
            Some("JSONata") => true,
            Some("JSONPath") => false,
            _ => jsonata_default,
        };
        let mut states: Vec<State> = Vec::new();
        for (key, node) in machine.get("States").map(Node::fields).unwrap_or_default() {
            let Some(ty) = node.get("Type").and_then(Node::as_str) else {
                continue;
            };
            if !crate::validate::STATE_TYPES.contains(&ty) {
                continue;
            }
            let jsonata = match node.get("QueryLanguage").and_then(Node::as_str) {
                Some("JSONata") => true,
                Some("JSONPath") => false,
                _ => jsonata,
            };
            states.push(State {
                name: &key.text,
                key_span: key.span,
                node,
                ty,
                jsonata,
            });
        }
        let index_of: BTreeMap<&str, usize> = states
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name, i))
            .collect();
        let Some(start) = machine
            .get("StartAt")
            .and_then(Node::as_str)
            .and_then(|s| index_of.get(s).copied())
        else {
            return pipeline;
        };
        // Skip no-op Pass states: a transition into one goes to its Next.
        let resolve = |mut i: usize| -> Option<usize> {
            let mut hops = 0;
            while states[i].is_noop_pass() {
                let next = states[i]
                    .field("Next")
                    .and_then(Node::as_str)
                    .and_then(|n| index_of.get(n).copied())?;
                i = next;
                hops += 1;
                if hops > states.len() {
                    return None;
                }
            }
            Some(i)
        };
        let Some(start) = resolve(start) else {
            return pipeline;
        };
        // Reachability and back edges by DFS from the start.
        let succ: Vec<Vec<(Option<usize>, EdgeKind, Span)>> = states
            .iter()
            .map(|s| {
                s.transitions()
                    .into_iter()
                    .map(|(t, k, sp)| (index_of.get(t.as_str()).copied().and_then(resolve), k, sp))
                    .collect()
            })
            .collect();
        let mut order = Vec::new();
        let mut back_edges = BTreeSet::new();
        {
            let mut color = vec![0u8; states.len()];
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            color[start] = 1;
            while let Some((n, next)) = stack.pop() {
                if let Some((target, _, _)) = succ[n].get(next) {
                    stack.push((n, next + 1));
                    if let Some(t) = *target {
                        match color[t] {
                            0 => {
                                color[t] = 1;
                                stack.push((t, 0));
                            }
                            1 => {
                                back_edges.insert((n, next));
                            }
                            _ => {}
                        }
                    }
                } else {
                    color[n] = 2;
                    order.push(n);
                }
            }
            order.reverse();
            for (i, s) in states.iter().enumerate() {
                if color[i] == 0 && !s.is_noop_pass() {
                    self.cx.diagnostics.push(
                        Diagnostic::warning("F0315", format!("state `{}` is unreachable", s.name))
                            .with_primary(s.key_span, "no transition leads here")
                            .with_help("it is not translated"),
                    );
                }
            }
        }
        // Steps, in document order, for reachable states.
        let mut namer = Namer::new();
        let reachable: BTreeSet<usize> = order.iter().copied().collect();
        let mut nodes: BTreeMap<usize, NodeIndex> = BTreeMap::new();
        let mut step_names: BTreeMap<usize, String> = BTreeMap::new();
        for (i, s) in states.iter().enumerate() {
            if reachable.contains(&i) {
                let step_name = namer.fresh(s.name);
                step_names.insert(i, step_name);
            }
        }
        // Names for the item-reader steps Map states may need (`readers.rs`).
        let reader_names: BTreeMap<usize, String> = states
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                reachable.contains(i) && s.ty == "Map" && s.field("ItemReader").is_some()
            })
            .map(|(i, s)| (i, namer.fresh(&format!("{}_items", s.name))))
            .collect();
        let mut readers: BTreeMap<usize, Step> = BTreeMap::new();
        pipeline.entry = step_names.get(&start).cloned();
        // Data flow in topological order (the DFS post-order reversed, back edges cut).
        let mut inputs_at: BTreeMap<usize, Abs> = BTreeMap::new();
        inputs_at.insert(start, Abs::input());
        let mut vars_at: BTreeMap<usize, Vars> = BTreeMap::new();
        vars_at.insert(start, Vars::new());
        let mut built: BTreeMap<usize, Step> = BTreeMap::new();
        for &i in &order {
            let s = &states[i];
            let input = inputs_at
                .get(&i)
                .cloned()
                .unwrap_or_else(|| Abs::Unknown("no predecessor".into()));
            self.vars = vars_at.get(&i).cloned().unwrap_or_default();
            self.next_vars = self.vars.clone();
            self.cx.reader_name = reader_names.get(&i).cloned();
            let (step, output) = self.state(s, &step_names[&i], input, depth);
            self.cx.reader_name = None;
            if let Some(reader) = self.cx.item_reader.take() {
                if i == start {
                    pipeline.entry = Some(reader.name.clone());
                }
                readers.insert(i, reader);
            }
            let entry_vars = std::mem::take(&mut self.vars);
            let exit_vars = std::mem::take(&mut self.next_vars);
            for (n, (target, kind, _)) in succ[i].iter().enumerate() {
                let Some(t) = *target else { continue };
                if back_edges.contains(&(i, n)) {
                    continue;
                }
                let flowing = match kind {
                    EdgeKind::Error(catch) => {
                        let base = inputs_at
                            .get(&i)
                            .cloned()
                            .unwrap_or_else(|| Abs::Unknown("no input".into()));
                        match catch
                            .result_path
                            .as_deref()
                            .and_then(parse_path)
                            .and_then(|p| segments(&p))
                        {
                            Some(p) => base
                                .set(&p, Abs::Unknown("error output of a caught failure".into())),
                            None => Abs::Unknown("error output of a caught failure".into()),
                        }
                    }
                    _ => output.clone(),
                };
                let merged = match inputs_at.get(&t) {
                    Some(existing) => existing.merge(&flowing),
                    None => flowing,
                };
                inputs_at.insert(t, merged);
                // A caught failure skips the state's own Assign.
                let vars = if matches!(kind, EdgeKind::Error(_)) {
                    &entry_vars
                } else {
                    &exit_vars
                };
                let merged = match vars_at.get(&t) {
                    Some(existing) => merge_vars(existing, vars),
                    None => vars.clone(),
                };
                vars_at.insert(t, merged);
            }
            built.insert(i, step);
        }
        for (i, step) in built {
            nodes.insert(i, pipeline.add_step(step));
        }
        // An item reader runs right before its Map: transitions into the Map go to it.
        let mut reader_nodes: BTreeMap<usize, NodeIndex> = BTreeMap::new();
        for (i, reader) in readers {
            let span = reader.span;
            let node = pipeline.add_step(reader);
            pipeline.add_edge(node, nodes[&i], EdgeKind::Order, span);
            reader_nodes.insert(i, node);
        }
        // Edges: control transitions, back edges through a flagged stand-in, data edges.
        for &i in &order {
            for (n, (target, kind, span)) in succ[i].iter().enumerate() {
                let Some(t) = *target else { continue };
                let to = if back_edges.contains(&(i, n)) {
                    let target_name = states[t].name;
                    self.cx.diagnostics.push(
                        Diagnostic::warning("F0310", format!("`{}` loops back to `{target_name}`", states[i].name))
                            .with_primary(*span, "this transition goes back to a state that already ran")
                            .with_help("a ZenML pipeline is a DAG: redesign the loop (a retry policy, a wait inside one step, or repeated runs)")
                            .with_flag(MigrationFlag::High),
                    );
                    let stand_in = Step::new(
                        namer.fresh(&format!("loop_to_{target_name}")),
                        format!("loop back to {target_name}"),
                        *span,
                        StepKind::Opaque {
                            construct: format!("loop back to {target_name}"),
                            config: Value::Null,
                        },
                        Mapping::absent(
                            "loop in the state machine",
                            format!(
                                "the transition from {} back to {target_name} repeats earlier states; redesign as a retry policy or repeated runs",
                                states[i].name
                            ),
                            MigrationFlag::High,
                        ),
                    );
                    pipeline.add_step(stand_in)
                } else {
                    reader_nodes.get(&t).copied().unwrap_or(nodes[&t])
                };
                pipeline.add_edge(nodes[&i], to, kind.clone(), *span);
            }
        }
        let indices: Vec<NodeIndex> = nodes
            .values()
            .chain(reader_nodes.values())
            .copied()
            .collect();
        for to in indices {
            let wanted: Vec<(String, String)> = pipeline.graph[to]
                .inputs
                .iter()
                .filter_map(|input| match &input.binding {
                    Binding::StepOutput { step, port, .. } => {
                        Some((step.clone(), format!("{port}\u{0}{}", input.name)))
                    }
                    _ => None,
                })
                .collect();
            for (producer, ports) in wanted {
                let (port, input) = ports.split_once('\u{0}').unwrap_or_default();
                if let Some(from) = pipeline.find(&producer)
                    && from != to
                {
                    let span = pipeline.graph[to].span;
                    pipeline.add_edge(
                        from,
                        to,
                        EdgeKind::Data {
                            from_port: port.to_string(),
                            to_port: input.to_string(),
                        },
                        span,
                    );
                }
            }
        }
        if let Some(region) = &self.region_input {
            pipeline.params.push(Parameter {
                name: region.clone(),
                ty: ParamType::Json,
                default: None,
                span: machine.span,
                mapping: Mapping::direct("region input"),
            });
        }
        pipeline
    }

    /// Lower one state: the step, and the abstract document it outputs.
    fn state(&mut self, s: &State, step_name: &str, input: Abs, depth: usize) -> (Step, Abs) {
        let span = s.node.span;
        let mut namer = Namer::new();
        // InputPath.
        let effective = match s.field("InputPath") {
            Some(n) if n.kind == Kind::Null => Abs::Lit(Value::Object(Vec::new())),
            Some(n) => match n.as_str().and_then(parse_path).and_then(|p| segments(&p)) {
                Some(p) => input.get(&p),
                None => Abs::Unknown("dynamic InputPath".into()),
            },
            None => input.clone(),
        };
        let (kind, mapping) = self.kind(s, &effective, step_name, depth);
        let mut step = Step::new(step_name, s.name, span, kind.0, mapping);
        step.inputs = kind.1;
        for input in &step.inputs {
            namer.reserve(&input.name);
        }
        self.cx.task_token = matches!(
            &step.kind,
            StepKind::ServiceCall { pattern, .. } | StepKind::Lambda { pattern, .. }
                if *pattern == ferry_ir::IntegrationPattern::WaitForTaskToken
        );
        self.task_request(s, &effective, &mut step, &mut namer, span);
        self.cx.task_token = false;
        if s.ty == "Pass"
            && let Some(template) = s.field("Parameters")
        {
            let value = self.template(template, &effective, &mut step, &mut namer, "", false, 0);
            step.kind = StepKind::Transform { template: value };
        }
        if let StepKind::ServiceCall {
            service, request, ..
        } = &step.kind
            && service == "sagemaker"
        {
            step.hints = sagemaker_hints(request);
        }
        // Every template of the state has been read by now.
        if std::mem::take(&mut self.context_reads) {
            step.notes.push("context object fields ($$.Execution.Id/Name/StartTime, $$.State.*, $$.StateMachine.*, $$.Task.Token) come from ZenML's run context: the execution id and name are the ZenML run's, not an execution ARN".into());
        }
        // Retry, timeouts.
        for retrier in s.field("Retry").map(Node::items).unwrap_or_default() {
            step.retry.push(RetryPolicy {
                errors: retrier
                    .get("ErrorEquals")
                    .map(|e| {
                        e.items()
                            .iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
                max_attempts: retrier
                    .get("MaxAttempts")
                    .and_then(Node::as_u32)
                    .unwrap_or(3),
                interval_seconds: retrier
                    .get("IntervalSeconds")
                    .and_then(Node::as_u32)
                    .unwrap_or(1),
                backoff_rate: match retrier.get("BackoffRate").map(|b| &b.kind) {
                    Some(Kind::Number(n)) => n.clone(),
                    _ => "2.0".into(),
                },
                max_delay_seconds: retrier.get("MaxDelaySeconds").and_then(Node::as_u32),
                jitter: retrier
                    .get("JitterStrategy")
                    .and_then(|j| j.as_str().map(str::to_string)),
                span: retrier.span,
            });
        }
        step.timeout_seconds = s.field("TimeoutSeconds").and_then(Node::as_u32);
        step.heartbeat_seconds = s.field("HeartbeatSeconds").and_then(Node::as_u32);
        if s.field("TimeoutSecondsPath").is_some() || s.field("HeartbeatSecondsPath").is_some() {
            step.notes.push("TimeoutSecondsPath/HeartbeatSecondsPath are read at run time in the source; no timeout is set".into());
        }
        if s.field("Assign").is_some() {
            step.notes.push(if s.jsonata {
                "Assign (workflow variables): later states read each assigned value from the step that produces it; no variable store is generated".into()
            } else {
                "Assign (workflow variables) is not translated; pass values as step outputs".into()
            });
        }
        if s.field("Credentials").is_some() {
            step.notes.push(
                "Credentials (cross-account role) must be configured on the boto3 session".into(),
            );
        }
        // The result and where it goes.
        let produces = matches!(s.ty, "Task" | "Map" | "Parallel")
            || (s.ty == "Pass" && (s.field("Result").is_some() || s.field("Parameters").is_some()));
        if produces {
            step.outputs.push(Output {
                name: RESULT.into(),
                ty: PortType::Json,
                span,
            });
        }
        let mut result = if produces {
            Abs::From(Origin::Step(step_name.to_string()), Vec::new())
        } else {
            effective.clone()
        };
        if s.ty == "Pass" && s.field("Result").is_some() && s.field("Parameters").is_none() {
            result = Abs::From(Origin::Step(step_name.to_string()), Vec::new());
        }
        if let Some(selector) = s.field("ResultSelector") {
            // Later states read the reshaped fields; they are traced into the raw result.
            result = crate::reshape::template_abs(selector, &result, 0);
            step.notes.push(
                "ResultSelector reshaping is not applied: the step returns the whole result (later steps read the selected fields from it)".into(),
            );
        }
        let result_state = matches!(s.ty, "Task" | "Map" | "Parallel");
        if let Some(assign) = s.field("Assign") {
            let mapped = matches!(s.ty, "Map" | "Parallel");
            let raw = result_state.then_some(&result);
            for (key, value) in assign.fields() {
                let name = key.text.trim_end_matches(".$").to_string();
                let abs = if s.jsonata {
                    crate::reshape::output_abs(value, &input, raw, mapped, &self.vars, 0)
                } else {
                    Abs::Unknown("JSONPath Assign values are not traced".into())
                };
                self.next_vars.insert(name, abs);
            }
        }
        let output = if s.jsonata {
            let mapped = matches!(s.ty, "Map" | "Parallel");
            let raw = result_state.then_some(&result);
            match s.field("Output") {
                Some(o) => crate::reshape::output_abs(o, &input, raw, mapped, &self.vars, 0),
                // Without Output, Task/Parallel/Map states output their result.
                None if result_state => result,
                None => effective.clone(),
            }
        } else if !matches!(s.ty, "Task" | "Pass" | "Map" | "Parallel") {
            effective.clone()
        } else {
            match s.field("ResultPath") {
                Some(n) if n.kind == Kind::Null => input.clone(),
                Some(n) => match n.as_str().and_then(parse_path).and_then(|p| segments(&p)) {
                    Some(p) => input.set(&p, result),
                    None => Abs::Unknown("dynamic ResultPath".into()),
                },
                None => result,
            }
        };
        let output = match s.field("OutputPath") {
            Some(n) if n.kind == Kind::Null => Abs::Lit(Value::Object(Vec::new())),
            Some(n) => match n.as_str().and_then(parse_path).and_then(|p| segments(&p)) {
                Some(p) => output.get(&p),
                None => Abs::Unknown("dynamic OutputPath".into()),
            },
            None => output,
        };
        (step, output)
    }
}

pub fn is_jsonata(s: &str) -> bool {
    let t = s.trim();
    t.starts_with("{%") && t.ends_with("%}")
}
