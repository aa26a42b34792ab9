//! The IR verifier: checks the invariants every pass must keep. It reports
//! diagnostics (codes F02xx), never panics, and runs after every pass in debug builds
//! and tests.

use std::collections::{BTreeMap, BTreeSet};

use ferry_diagnostics::{CodeInfo, Diagnostic, Span};
use petgraph::algo::toposort;
use petgraph::stable_graph::NodeIndex;

use crate::{Binding, Condition, EdgeKind, Pipeline, StepKind, Workflow};

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "F0201",
        title: "pipeline graph has a cycle",
        explanation: "A pipeline must be a DAG: ZenML runs each step at most once per call. \
A cycle usually comes from a loop in the source (an ASL Choice that jumps back). The verifier \
names one step on the cycle. Loops must be redesigned as a bounded fan-out or as repeated runs.",
    },
    CodeInfo {
        code: "F0202",
        title: "invalid or duplicate name",
        explanation: "Step, parameter, port and pipeline names must be valid Python identifiers \
that are not keywords, and unique in their scope (steps in a pipeline, parameters in a pipeline, \
ports of a step, pipelines in a workflow). The normalize pass renames source names; this error \
means a pass or a hand-written .ferry file broke the rule.",
    },
    CodeInfo {
        code: "F0203",
        title: "input refers to something that does not exist",
        explanation: "An input is bound to a parameter, step or output port that is not declared, \
or a data edge connects ports that do not exist.",
    },
    CodeInfo {
        code: "F0204",
        title: "port types do not match",
        explanation: "An input bound to a step output must accept the output's type (`unknown` \
accepts and is accepted by everything; `json` and `metrics` are interchangeable). A projection \
(`[\"key\"]`) into a json or metrics output may yield any type.",
    },
    CodeInfo {
        code: "F0205",
        title: "malformed branch",
        explanation: "A branch step needs at least one rule; each rule label and the default label \
must match exactly one outgoing `branch` edge, and a branch step has no other control successor.",
    },
    CodeInfo {
        code: "F0206",
        title: "unresolved placeholder after resolution",
        explanation: "After the resolve pass every placeholder is either turned into an edge or \
flagged with a diagnostic that says why it cannot be known statically. An unflagged placeholder \
at that point means a front end or pass dropped a reference silently.",
    },
    CodeInfo {
        code: "F0207",
        title: "data binding without a matching edge",
        explanation: "An input bound to another step's output must have a data edge from that step \
in the same pipeline, so that the DAG shows the dependency the binding implies.",
    },
    CodeInfo {
        code: "F0208",
        title: "entry step does not exist",
        explanation: "The pipeline's `entry` names a step that is not in its graph.",
    },
    CodeInfo {
        code: "F0209",
        title: "malformed expression",
        explanation: "An `expr` binding calls a function with the wrong number of arguments, \
passes something other than a function where one is needed ($map, $filter, $reduce, $sort, \
$single), writes a malformed JSONPath union or slice, uses a name that is not a variable name, \
or reads a port (`%name`) that is not an input of the step (for a step input: one declared \
before it, so that no input depends on itself).",
    },
];

/// What the verifier may assume about the stage the IR is in.
#[derive(Debug, Clone, Copy, Default)]
pub struct VerifyOptions {
    /// Set once the resolve pass has run: unflagged placeholders are errors then.
    pub placeholders_resolved: bool,
}

/// Check every invariant of a workflow; an empty result means it is well formed.
pub fn verify(workflow: &Workflow, options: VerifyOptions) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen = BTreeMap::new();
    for pipeline in &workflow.pipelines {
        check_name(
            &pipeline.name,
            "pipeline",
            pipeline.span,
            &mut seen,
            &mut out,
        );
        verify_pipeline(pipeline, options, &mut out);
    }
    out
}

const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Whether `name` is a valid Python identifier (ASCII subset) and not a keyword.
pub fn is_valid_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first == '_' || first.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && !PYTHON_KEYWORDS.contains(&name)
}

fn check_name(
    name: &str,
    what: &str,
    span: Span,
    seen: &mut BTreeMap<String, Span>,
    out: &mut Vec<Diagnostic>,
) {
    if !is_valid_identifier(name) {
        out.push(
            Diagnostic::error(
                "F0202",
                format!("{what} name `{name}` is not a valid Python identifier"),
            )
            .with_primary(span, "declared here"),
        );
    }
    if let Some(first) = seen.get(name) {
        out.push(
            Diagnostic::error("F0202", format!("{what} name `{name}` is declared twice"))
                .with_primary(span, "second declaration")
                .with_secondary(*first, "first declaration"),
        );
    } else {
        seen.insert(name.to_string(), span);
    }
}

fn verify_pipeline(pipeline: &Pipeline, options: VerifyOptions, out: &mut Vec<Diagnostic>) {
    let mut params = BTreeMap::new();
    for p in &pipeline.params {
        check_name(&p.name, "parameter", p.span, &mut params, out);
    }
    let mut steps = BTreeMap::new();
    for step in pipeline.steps() {
        check_name(&step.name, "step", step.span, &mut steps, out);
        let mut ports = BTreeMap::new();
        for input in &step.inputs {
            check_name(&input.name, "input", input.span, &mut ports, out);
        }
        let mut ports = BTreeMap::new();
        for output in &step.outputs {
            check_name(&output.name, "output", output.span, &mut ports, out);
        }
    }
    if let Some(entry) = &pipeline.entry
        && pipeline.find(entry).is_none()
    {
        out.push(
            Diagnostic::error("F0208", format!("entry step `{entry}` does not exist"))
                .with_primary(pipeline.span, "in this pipeline"),
        );
    }
    if let Err(cycle) = toposort(&pipeline.graph, None) {
        let step = &pipeline.graph[cycle.node_id()];
        out.push(
            Diagnostic::error(
                "F0201",
                format!(
                    "pipeline `{}` has a cycle through step `{}`",
                    pipeline.name, step.display_name
                ),
            )
            .with_primary(step.span, "this step is on a cycle")
            .with_help("redesign the loop as a bounded fan-out (map) or as repeated pipeline runs"),
        );
    }
    for index in pipeline.step_indices() {
        verify_step(pipeline, index, options, out);
    }
}

fn verify_step(
    pipeline: &Pipeline,
    index: NodeIndex,
    options: VerifyOptions,
    out: &mut Vec<Diagnostic>,
) {
    let step = &pipeline.graph[index];
    let incoming_data: BTreeSet<(String, String, String)> = pipeline
        .graph
        .edges_directed(index, petgraph::Direction::Incoming)
        .filter_map(|e| {
            use petgraph::visit::EdgeRef;
            match &e.weight().kind {
                EdgeKind::Data { from_port, to_port } => Some((
                    pipeline.graph[e.source()].name.clone(),
                    from_port.clone(),
                    to_port.clone(),
                )),
                _ => None,
            }
        })
        .collect();
    let all_ports: Vec<&str> = step.inputs.iter().map(|i| i.name.as_str()).collect();
    for (n, input) in step.inputs.iter().enumerate() {
        check_binding(pipeline, &input.binding, input.span, options, out);
        check_expr(&input.binding, &all_ports[..n], input.span, out);
        if let Binding::StepOutput {
            step: source,
            port,
            projection,
        } = &input.binding
            && let Some(producer) = pipeline.step(source)
            && let Some(output) = producer.output(port)
        {
            let projected_json = !projection.is_empty()
                && matches!(output.ty, crate::PortType::Json | crate::PortType::Metrics);
            if !projected_json && !output.ty.flows_into(input.ty) {
                out.push(
                    Diagnostic::error(
                        "F0204",
                        format!(
                            "input `{}` of step `{}` has type {} but `{}.{}` produces {}",
                            input.name,
                            step.name,
                            input.ty.as_str(),
                            source,
                            port,
                            output.ty.as_str()
                        ),
                    )
                    .with_primary(input.span, "bound here")
                    .with_secondary(output.span, "output declared here"),
                );
            }
            if !incoming_data.contains(&(source.clone(), port.clone(), input.name.clone())) {
                out.push(
                    Diagnostic::error(
                        "F0207",
                        format!(
                            "input `{}` of step `{}` reads `{}.{}` but no data edge connects them",
                            input.name, step.name, source, port
                        ),
                    )
                    .with_primary(input.span, "bound here"),
                );
            }
        }
    }
    for (from, port, to_port) in &incoming_data {
        let from_ok = pipeline
            .step(from)
            .is_some_and(|s| s.output(port).is_some());
        let to_ok = step.inputs.iter().any(|i| &i.name == to_port);
        if !from_ok || !to_ok {
            out.push(
                Diagnostic::error("F0203", format!("data edge `{from}.{port}` -> `{}.{to_port}` connects a port that does not exist", step.name))
                    .with_primary(step.span, "edge into this step"),
            );
        }
    }
    match &step.kind {
        StepKind::Branch { rules, default } => {
            verify_branch(pipeline, index, rules, default.as_deref(), options, out)
        }
        StepKind::Wait { seconds, until } => {
            for b in [seconds, until].into_iter().flatten() {
                check_binding(pipeline, b, step.span, options, out);
                check_expr(b, &all_ports, step.span, out);
            }
        }
        StepKind::Map { items, region, .. } => {
            check_binding(pipeline, items, step.span, options, out);
            check_expr(items, &all_ports, step.span, out);
            verify_pipeline(region, options, out);
        }
        StepKind::Parallel { branches } => {
            for b in branches {
                verify_pipeline(b, options, out);
            }
        }
        _ => {}
    }
}

fn verify_branch(
    pipeline: &Pipeline,
    index: NodeIndex,
    rules: &[crate::BranchRule],
    default: Option<&str>,
    options: VerifyOptions,
    out: &mut Vec<Diagnostic>,
) {
    let step = &pipeline.graph[index];
    if rules.is_empty() {
        out.push(
            Diagnostic::error("F0205", format!("branch step `{}` has no rules", step.name))
                .with_primary(step.span, "here"),
        );
    }
    let mut labels: BTreeMap<String, usize> = BTreeMap::new();
    for (_, edge) in pipeline.outgoing(index) {
        match &edge.kind {
            EdgeKind::Branch { label } => *labels.entry(label.clone()).or_default() += 1,
            EdgeKind::Order => out.push(
                Diagnostic::error(
                    "F0205",
                    format!("branch step `{}` has an unconditional successor", step.name),
                )
                .with_primary(edge.span, "order edge out of a branch"),
            ),
            _ => {}
        }
    }
    let wanted = rules
        .iter()
        .map(|r| (r.label.as_str(), r.span))
        .chain(default.map(|d| (d, step.span)));
    for (label, span) in wanted {
        match labels.get(label) {
            Some(1) => {}
            Some(n) => out.push(
                Diagnostic::error(
                    "F0205",
                    format!(
                        "branch label `{label}` of step `{}` has {n} edges",
                        step.name
                    ),
                )
                .with_primary(span, "rule"),
            ),
            None => out.push(
                Diagnostic::error(
                    "F0205",
                    format!("branch label `{label}` of step `{}` has no edge", step.name),
                )
                .with_primary(span, "rule"),
            ),
        }
    }
    let ports: Vec<&str> = step.inputs.iter().map(|i| i.name.as_str()).collect();
    for rule in rules {
        check_condition(pipeline, &rule.condition, rule.span, options, out);
        check_condition_exprs(&rule.condition, &ports, rule.span, out, 0);
    }
}

fn check_condition(
    pipeline: &Pipeline,
    condition: &Condition,
    span: Span,
    options: VerifyOptions,
    out: &mut Vec<Diagnostic>,
) {
    match condition {
        Condition::Compare { lhs, rhs, .. } => {
            check_binding(pipeline, lhs, span, options, out);
            check_binding(pipeline, rhs, span, options, out);
        }
        Condition::And(items) | Condition::Or(items) => {
            for c in items {
                check_condition(pipeline, c, span, options, out);
            }
        }
        Condition::Not(inner) => check_condition(pipeline, inner, span, options, out),
        Condition::Expr { .. } => {}
    }
}

fn check_condition_exprs(
    condition: &Condition,
    ports: &[&str],
    span: Span,
    out: &mut Vec<Diagnostic>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    match condition {
        Condition::Compare { lhs, rhs, .. } => {
            check_expr(lhs, ports, span, out);
            check_expr(rhs, ports, span, out);
        }
        Condition::And(items) | Condition::Or(items) => {
            for c in items {
                check_condition_exprs(c, ports, span, out, depth + 1);
            }
        }
        Condition::Not(inner) => check_condition_exprs(inner, ports, span, out, depth + 1),
        Condition::Expr { .. } => {}
    }
}

/// An `expr` binding: well formed, and reading only the given ports.
fn check_expr(binding: &Binding, ports: &[&str], span: Span, out: &mut Vec<Diagnostic>) {
    let Binding::Expr(c) = binding else { return };
    let e = &c.expr;
    for problem in crate::expr::problems(e) {
        out.push(
            Diagnostic::error("F0209", format!("malformed expression: {problem}"))
                .with_primary(span, "in this binding"),
        );
    }
    for port in e.ports() {
        if !ports.contains(&port) {
            out.push(
                Diagnostic::error(
                    "F0209",
                    format!(
                        "the expression reads `%{port}`, which is not an earlier input of the step"
                    ),
                )
                .with_primary(span, "in this binding"),
            );
        }
    }
}

fn check_binding(
    pipeline: &Pipeline,
    binding: &Binding,
    span: Span,
    options: VerifyOptions,
    out: &mut Vec<Diagnostic>,
) {
    match binding {
        Binding::Literal(_) | Binding::Expr(_) => {}
        Binding::Parameter(name) => {
            if pipeline.param(name).is_none() {
                out.push(
                    Diagnostic::error("F0203", format!("parameter `{name}` is not declared"))
                        .with_primary(span, "used here"),
                );
            }
        }
        Binding::StepOutput { step, port, .. } => match pipeline.step(step) {
            None => out.push(
                Diagnostic::error("F0203", format!("step `{step}` does not exist"))
                    .with_primary(span, "used here"),
            ),
            Some(s) if s.output(port).is_none() => out.push(
                Diagnostic::error("F0203", format!("step `{step}` has no output `{port}`"))
                    .with_primary(span, "used here")
                    .with_secondary(s.span, "step declared here"),
            ),
            Some(_) => {}
        },
        Binding::Unresolved(p) => {
            if options.placeholders_resolved && !p.flagged {
                out.push(
                    Diagnostic::error(
                        "F0206",
                        format!("placeholder `{}` was neither resolved nor flagged", p.text),
                    )
                    .with_primary(p.span, "placeholder"),
                );
            }
        }
    }
}
