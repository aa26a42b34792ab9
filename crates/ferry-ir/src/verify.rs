//! The IR verifier: checks the invariants every pass must keep. It reports
//! diagnostics (codes F02xx), never panics, is linear in the size of the IR, and runs
//! on every compile (after the last pass; after every pass in debug builds and tests).
//! Every name the back end turns into a Python identifier is checked here.

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
        title: "regions nest too deeply",
        explanation: "Map and Parallel regions may nest at most 64 levels. Deeper IR is rejected \
before the back end, whose code generation recurses once per level.",
    },
    CodeInfo {
        code: "F0210",
        title: "invalid project file or dependency",
        explanation: "A file the source provides to the generated project must have a relative \
`/`-separated path without empty, `.` or `..` parts, not start with a dot, not hold a NUL byte, be \
unique, and not take the place of a file ferry generates itself (run.py, pyproject.toml, the \
reports, configs/, pipelines/, ferry_runtime/, steps/__init__.py, steps/errors.py). A dependency must be a PEP 508 \
distribution name (optionally with extras and a version) and an importable module name.",
    },
    CodeInfo {
        code: "F0213",
        title: "malformed container job",
        explanation: "A container job's channels must read inputs of its step and its results and \
property files must be outputs of its step (a property file lives inside one of the job's \
results); container paths are absolute `/`-separated paths without `.` or `..` parts or control \
characters; the script of a `program script` is a project file under its code folder, and names \
are unique within the job.",
    },
    CodeInfo {
        code: "F0214",
        title: "Python text nests too deeply",
        explanation: "A step body, one of its import statements or a `.py` project file has a \
logical line nested more than 100 brackets deep, or a chain of operators, attributes or calls \
(the code between two commas) longer than 10,000 bytes. ferry's parser, formatter and name check \
recurse once per level and would run out of stack. Front ends of Python sources skip such \
statements with F0402; IR text is checked here. Split the expression into statements.",
    },
    CodeInfo {
        code: "F0211",
        title: "malformed expression",
        explanation: "An `expr` binding calls a function with the wrong number of arguments, \
passes something other than a function where one is needed ($map, $filter, $reduce, $sort, \
$single), writes a malformed JSONPath union or slice, uses a name that is not a variable name, \
or reads a port (`%name`) that is not an input of the step (for a step input: one declared \
before it, so that no input depends on itself).",
    },
    CodeInfo {
        code: "F0212",
        title: "invalid runtime binding",
        explanation: "A runtime binding (a name a carried Python body uses that the back end binds \
when the step runs: a logger, a run-configuration value, a resource object, a metadata or check \
function, the partition key or window) must belong to a python step, read only inputs and other \
bindings of that step, name a class by a dotted module path and class name, give object fields as \
constants, environment variables or names, and yield only outputs the step declares. Its name must be \
a Python identifier unique among the step's inputs and bindings (F0202).",
    },
];

/// Paths the back end writes itself; a project file may not take their place.
const GENERATED: &[&str] = &[
    "run.py",
    "pyproject.toml",
    "README.md",
    "MIGRATION_REPORT.md",
    "pipeline_architecture.md",
    "ferry-sourcemap.json",
    ".gitignore",
    "steps/__init__.py",
    "steps/errors.py",
];

fn check_project_files(workflow: &Workflow, out: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    for f in &workflow.files {
        let parts: Vec<&str> = f.path.split('/').collect();
        let problem = if f.path.is_empty()
            || f.path.contains(['\\', '\0'])
            || f.path.starts_with('.')
            || parts
                .iter()
                .any(|p| p.is_empty() || *p == "." || *p == "..")
        {
            Some("is not a relative `/`-separated path inside the project")
        } else if GENERATED.contains(&f.path.as_str())
            || matches!(parts[0], "configs" | "pipelines" | "ferry_runtime")
        {
            Some("takes the place of a file ferry generates")
        } else if !seen.insert(f.path.as_str()) {
            Some("is given twice")
        } else if f.text.contains('\0') {
            Some("holds a NUL byte")
        } else {
            None
        };
        if let Some(problem) = problem {
            out.push(
                Diagnostic::error(
                    "F0210",
                    format!("project file `{}` {problem}", f.path.escape_debug()),
                )
                .with_primary(f.span, "provided here"),
            );
        }
    }
    for d in &workflow.dependencies {
        let name_ok = is_distribution(&d.distribution);
        let import_ok = d.import.split('.').all(crate::verify::is_valid_identifier);
        if !name_ok || !import_ok {
            out.push(
                Diagnostic::error(
                    "F0210",
                    format!(
                        "dependency `{}` for import `{}` is not a distribution and module name",
                        d.distribution.escape_debug(),
                        d.import.escape_debug()
                    ),
                )
                .with_primary(d.span, "needed here"),
            );
        }
    }
}

/// A PEP 508 name with optional `[extras]` and a version specifier made of the
/// characters such specifiers use.
fn is_distribution(spec: &str) -> bool {
    let name_end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    let (name, rest) = spec.split_at(name_end);
    let rest = match rest.strip_prefix('[') {
        Some(r) => match r.split_once(']') {
            Some((extras, after))
                if extras.split(',').all(|e| {
                    !e.is_empty()
                        && e.chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                }) =>
            {
                after
            }
            _ => return false,
        },
        None => rest,
    };
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && rest.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '<' | '>' | '=' | '!' | '~' | '.' | '*' | ',' | '+' | '-')
        })
}

/// Regions (Map iterations, Parallel branches) nest at most this deep; deeper IR is
/// rejected (F0209) rather than risking the stack of every later phase.
pub const MAX_REGION_DEPTH: usize = 64;

/// One pipeline's names, indexed once so every lookup is a map probe (the verifier
/// runs on every compile and must stay linear in the size of the IR).
struct Scope<'a> {
    pipeline: &'a Pipeline,
    steps: BTreeMap<&'a str, &'a crate::Step>,
    params: BTreeSet<&'a str>,
}

impl<'a> Scope<'a> {
    /// A region also sees the parameters of the pipelines around it: it runs inside
    /// them, so their values are in scope (lexical scoping, as in the emitted code).
    fn new(pipeline: &'a Pipeline, enclosing: &BTreeSet<&'a str>) -> Self {
        let mut steps = BTreeMap::new();
        for step in pipeline.steps() {
            steps.entry(step.name.as_str()).or_insert(step);
        }
        Scope {
            pipeline,
            steps,
            params: enclosing
                .iter()
                .copied()
                .chain(pipeline.params.iter().map(|p| p.name.as_str()))
                .collect(),
        }
    }

    fn step(&self, name: &str) -> Option<&'a crate::Step> {
        self.steps.get(name).copied()
    }
}

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
        verify_pipeline(pipeline, options, 0, &BTreeSet::new(), &mut out);
    }
    for resource in &workflow.resources {
        check_inputs_named(&resource.config, resource.span, &mut out);
    }
    check_project_files(workflow, &mut out);
    check_container_scripts(workflow, &mut out);
    crate::verify_python::verify_files_python(workflow, &mut out);
    out
}

/// Every `$input` reference in `value` names a valid identifier (the back end turns it
/// into a variable reference). When `inputs` is given (a step's own templates), it must
/// also name one of the step's inputs.
fn check_value_inputs(
    value: &crate::Value,
    span: Span,
    inputs: Option<&BTreeSet<&str>>,
    out: &mut Vec<Diagnostic>,
) {
    use crate::Value;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Input(name) => {
                if !is_valid_identifier(name) {
                    out.push(
                        Diagnostic::error(
                            "F0202",
                            format!(
                                "input reference `${}` is not a valid Python identifier",
                                crate::text::quote(name)
                            ),
                        )
                        .with_primary(span, "in this value"),
                    );
                } else if let Some(inputs) = inputs
                    && !inputs.contains(name.as_str())
                {
                    out.push(
                        Diagnostic::error(
                            "F0203",
                            format!(
                                "template refers to `${name}`, which is not an input of the step"
                            ),
                        )
                        .with_primary(span, "in this step"),
                    );
                }
            }
            Value::Array(items) | Value::Join { parts: items, .. } => {
                stack.extend(items.iter().rev())
            }
            Value::Object(fields) => stack.extend(fields.iter().rev().map(|(_, v)| v)),
            _ => {}
        }
    }
}

fn check_inputs_named(value: &crate::Value, span: Span, out: &mut Vec<Diagnostic>) {
    check_value_inputs(value, span, None, out);
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
                format!(
                    "{what} name {} is not a valid Python identifier",
                    crate::text::quote(name)
                ),
            )
            .with_primary(span, "declared here"),
        );
    }
    if let Some(first) = seen.get(name) {
        out.push(
            Diagnostic::error(
                "F0202",
                format!("{what} name {} is declared twice", crate::text::quote(name)),
            )
            .with_primary(span, "second declaration")
            .with_secondary(*first, "first declaration"),
        );
    } else {
        seen.insert(name.to_string(), span);
    }
}

fn verify_pipeline<'a>(
    pipeline: &'a Pipeline,
    options: VerifyOptions,
    depth: usize,
    enclosing: &BTreeSet<&'a str>,
    out: &mut Vec<Diagnostic>,
) {
    if depth >= MAX_REGION_DEPTH {
        out.push(
            Diagnostic::error(
                "F0209",
                format!("regions nest deeper than {MAX_REGION_DEPTH} levels"),
            )
            .with_primary(pipeline.span, "this region is too deep"),
        );
        return;
    }
    let mut params = BTreeMap::new();
    for p in &pipeline.params {
        check_name(&p.name, "parameter", p.span, &mut params, out);
        if let Some(default) = &p.default {
            check_inputs_named(default, p.span, out);
        }
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
    let scope = Scope::new(pipeline, enclosing);
    if let Some(entry) = &pipeline.entry
        && scope.step(entry).is_none()
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
        verify_step(&scope, index, options, depth, out);
        crate::verify_runtime::verify_step_runtime(&pipeline.graph[index], out);
        crate::verify_python::verify_step_python(&pipeline.graph[index], out);
    }
}

/// The values of a step's kind that may refer to its inputs (`$name`).
fn templates(kind: &StepKind) -> Vec<&crate::Value> {
    match kind {
        StepKind::Job { config, .. } => vec![config],
        StepKind::ServiceCall { request, .. } => vec![request],
        StepKind::Lambda { payload, .. } => vec![payload],
        StepKind::Transform { template } => vec![template],
        StepKind::Map { config, .. } => vec![config],
        StepKind::Opaque { config, .. } => vec![config],
        StepKind::Container(job) => job.values(),
        _ => Vec::new(),
    }
}

fn verify_step<'a>(
    scope: &Scope<'a>,
    index: NodeIndex,
    options: VerifyOptions,
    depth: usize,
    out: &mut Vec<Diagnostic>,
) {
    let pipeline = scope.pipeline;
    let step = &pipeline.graph[index];
    let input_names: BTreeSet<&str> = step.inputs.iter().map(|i| i.name.as_str()).collect();
    for template in templates(&step.kind) {
        check_value_inputs(template, step.span, Some(&input_names), out);
    }
    for hint in step.hints.values() {
        check_inputs_named(hint, step.span, out);
    }
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
        check_binding(scope, &input.binding, input.span, options, out);
        check_expr(&input.binding, &all_ports[..n], input.span, out);
        if let Binding::StepOutput {
            step: source,
            port,
            projection,
        } = &input.binding
            && let Some(producer) = scope.step(source)
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
        let from_ok = scope.step(from).is_some_and(|s| s.output(port).is_some());
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
            verify_branch(scope, index, rules, default.as_deref(), options, out)
        }
        StepKind::Wait { seconds, until } => {
            for b in [seconds, until].into_iter().flatten() {
                check_binding(scope, b, step.span, options, out);
                check_expr(b, &all_ports, step.span, out);
            }
        }
        StepKind::Map { items, region, .. } => {
            check_binding(scope, items, step.span, options, out);
            check_expr(items, &all_ports, step.span, out);
            verify_pipeline(region, options, depth + 1, &scope.params, out);
        }
        StepKind::Parallel { branches } => {
            for b in branches {
                verify_pipeline(b, options, depth + 1, &scope.params, out);
            }
        }
        StepKind::Container(job) => verify_container(step, job, &input_names, out),
        _ => {}
    }
}

/// Whether `path` is an absolute container path: `/`-separated plain parts.
fn is_container_path(path: &str) -> bool {
    path.strip_prefix('/').is_some_and(|rest| {
        rest.split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
            && !path.chars().any(|c| c.is_control() || c == '\\')
    }) || path == "/"
}

/// Whether `path` is a relative project path: `/`-separated plain parts.
fn is_project_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('.')
        && !path.chars().any(|c| c.is_control() || c == '\\')
        && path
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
}

fn verify_container(
    step: &crate::Step,
    job: &crate::ContainerJob,
    inputs: &BTreeSet<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let mut problem = |message: String| {
        out.push(
            Diagnostic::error("F0213", message).with_primary(step.span, "in this container job"),
        );
    };
    let outputs: BTreeSet<&str> = step.outputs.iter().map(|o| o.name.as_str()).collect();
    let mut seen = BTreeSet::new();
    for c in &job.channels {
        if !inputs.contains(c.input.as_str()) {
            problem(format!(
                "channel `{}` reads `{}`, which is not an input of step `{}`",
                c.name.escape_debug(),
                c.input,
                step.name
            ));
        }
        if !is_container_path(&c.path) {
            problem(format!(
                "channel path `{}` is not an absolute container path",
                c.path.escape_debug()
            ));
        }
        if !seen.insert(("channel", c.name.as_str())) {
            problem(format!(
                "channel `{}` is given twice",
                c.name.escape_debug()
            ));
        }
    }
    let mut results = BTreeSet::new();
    for r in &job.results {
        if !outputs.contains(r.output.as_str()) {
            problem(format!(
                "result `{}` is not an output of step `{}`",
                r.output, step.name
            ));
        }
        if !is_container_path(&r.path) {
            problem(format!(
                "result path `{}` is not an absolute container path",
                r.path.escape_debug()
            ));
        }
        if !results.insert(r.output.as_str()) {
            problem(format!("result `{}` is given twice", r.output));
        }
    }
    for f in &job.property_files {
        if !outputs.contains(f.output.as_str()) || results.contains(f.output.as_str()) {
            problem(format!(
                "property file `{}` must be an output of step `{}` of its own",
                f.output, step.name
            ));
        }
        if !results.contains(f.result.as_str()) {
            problem(format!(
                "property file `{}` lives in `{}`, which is not a result of the job",
                f.output, f.result
            ));
        }
        if !is_project_path(&f.path) {
            problem(format!(
                "property file path `{}` is not a relative path",
                f.path.escape_debug()
            ));
        }
    }
    if let crate::Program::Script {
        code_dir, entry, ..
    } = &job.program
        && (!is_project_path(code_dir) || !is_project_path(entry))
    {
        problem(format!(
            "script `{}` in `{}` is not a relative project path",
            entry.escape_debug(),
            code_dir.escape_debug()
        ));
    }
}

/// Every script a container job runs is a file the workflow provides.
fn check_container_scripts(workflow: &Workflow, out: &mut Vec<Diagnostic>) {
    let files: BTreeSet<&str> = workflow.files.iter().map(|f| f.path.as_str()).collect();
    let mut stack: Vec<(&Pipeline, usize)> = workflow.pipelines.iter().map(|p| (p, 0)).collect();
    while let Some((pipeline, depth)) = stack.pop() {
        for step in pipeline.steps() {
            if depth < MAX_REGION_DEPTH {
                stack.extend(step.kind.regions().into_iter().map(|r| (r, depth + 1)));
            }
            if let StepKind::Container(job) = &step.kind
                && let crate::Program::Script {
                    code_dir, entry, ..
                } = &job.program
                && !files.contains(format!("{code_dir}/{entry}").as_str())
            {
                out.push(
                    Diagnostic::error(
                        "F0213",
                        format!(
                            "the script `{}/{}` of step `{}` is not a project file",
                            code_dir.escape_debug(),
                            entry.escape_debug(),
                            step.name
                        ),
                    )
                    .with_primary(step.span, "runs it"),
                );
            }
        }
    }
}

fn verify_branch(
    scope: &Scope<'_>,
    index: NodeIndex,
    rules: &[crate::BranchRule],
    default: Option<&str>,
    options: VerifyOptions,
    out: &mut Vec<Diagnostic>,
) {
    let pipeline = scope.pipeline;
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
        check_condition(scope, &rule.condition, rule.span, options, out);
        check_condition_exprs(&rule.condition, &ports, rule.span, out, 0);
    }
}

fn check_condition(
    scope: &Scope<'_>,
    condition: &Condition,
    span: Span,
    options: VerifyOptions,
    out: &mut Vec<Diagnostic>,
) {
    match condition {
        Condition::Compare { lhs, rhs, .. } => {
            check_binding(scope, lhs, span, options, out);
            check_binding(scope, rhs, span, options, out);
        }
        Condition::And(items) | Condition::Or(items) => {
            for c in items {
                check_condition(scope, c, span, options, out);
            }
        }
        Condition::Not(inner) => check_condition(scope, inner, span, options, out),
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
            Diagnostic::error("F0211", format!("malformed expression: {problem}"))
                .with_primary(span, "in this binding"),
        );
    }
    for port in e.ports() {
        if !ports.contains(&port) {
            out.push(
                Diagnostic::error(
                    "F0211",
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
    scope: &Scope<'_>,
    binding: &Binding,
    span: Span,
    options: VerifyOptions,
    out: &mut Vec<Diagnostic>,
) {
    match binding {
        Binding::Literal(value) => check_inputs_named(value, span, out),
        Binding::Expr(_) => {}
        Binding::Parameter(name) => {
            if !scope.params.contains(name.as_str()) {
                out.push(
                    Diagnostic::error("F0203", format!("parameter `{name}` is not declared"))
                        .with_primary(span, "used here"),
                );
            }
        }
        Binding::StepOutput { step, port, .. } => match scope.step(step) {
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
        Binding::Artifact { name, producer } => {
            if name.is_empty()
                || name.chars().any(char::is_control)
                || !is_valid_identifier(producer)
            {
                out.push(
                    Diagnostic::error(
                        "F0203",
                        format!(
                            "artifact `{}` from pipeline `{}` is not an artifact name and a pipeline",
                            name.escape_debug(),
                            producer.escape_debug()
                        ),
                    )
                    .with_primary(span, "used here"),
                );
            }
        }
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
