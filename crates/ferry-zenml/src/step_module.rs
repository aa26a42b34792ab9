//! One module per step under `steps/`: the `@step` function with typed inputs, named
//! outputs, retry and cache settings, and a body that does what the source step did
//! (`step_body.rs`) — or, for constructs ZenML cannot express, raises and says why.

use ferry_diagnostics::Diagnostic;
use ferry_ir::{Binding, MappingClass, Segment, Step, StepKind};

use crate::code::{Code, Ident, py};
use crate::context::Context;
use crate::imports::Imports;
use crate::names::{Plan, PlannedStep};
use crate::record::{Disposition, Entry, EntryKind};
use crate::step_body::{self, BodyKind};
use crate::types;
use crate::writer::{Unformatted, Writer};

/// One function parameter of a step.
struct Param {
    name: Ident,
    annotation: Code,
    default: Option<Code>,
    /// Statement to run first, e.g. applying a projection.
    prelude: Option<Code>,
    /// An input nobody could trace: a TODO and a report row.
    unresolved: Option<(String, ferry_diagnostics::Span)>,
    /// Computed in the step from its other inputs instead of passed in.
    computed: Option<Code>,
}

/// Locals the generated bodies use; an input with one of these names is renamed.
const BODY_LOCALS: &[&str] = &[
    "request",
    "client",
    "response",
    "waiter",
    "payload",
    "result",
    "command",
    "completed",
    "job_config",
    "target",
    "step",
    "job_spec",
    "results",
    "rt",
];

/// The Python parameter name of a step input. Bodies carried over from the source keep
/// their names; generated bodies rename inputs that would clash with their locals.
pub fn param_name(step: &Step, input: &str) -> Ident {
    if !matches!(step.kind, StepKind::Python { .. }) && BODY_LOCALS.contains(&input) {
        Ident::new(&format!("{input}_value"))
    } else {
        Ident::new(input)
    }
}

fn params(planned: &PlannedStep, plan: &Plan, imports: &mut Imports) -> Vec<Param> {
    let step = planned.step;
    step.inputs
        .iter()
        .map(|input| {
            let name = param_name(step, &input.name);
            let mut param = Param {
                name: name.clone(),
                annotation: Code::text("Any"),
                default: None,
                prelude: None,
                unresolved: None,
                computed: None,
            };
            match &input.binding {
                Binding::StepOutput {
                    step: producer,
                    port,
                    projection,
                } => {
                    param.annotation = plan
                        .get(&planned.pipeline_key, producer)
                        .and_then(|p| p.step.output(port))
                        .map_or(Code::text("Any"), |o| types::port(o.ty));
                    if !projection.is_empty() {
                        param.prelude =
                            Some(py!("{} = {}{}", name, name, projection_code(projection)));
                    }
                }
                Binding::Parameter(p) => {
                    let source = planned.pipeline.param(p);
                    param.annotation = source.map_or(Code::text("Any"), |p| types::param(p.ty));
                    // A parameter without a default is `None` unless the run passes it;
                    // the step must accept that (a step that needs the value fails where
                    // it uses it, as the source would without it).
                    if source.is_some_and(|p| p.default.is_none()) {
                        if param.annotation.as_str() != "Any" {
                            param.annotation = py!("{} | None", param.annotation);
                        }
                        param.default = Some(Code::text("None"));
                    }
                }
                Binding::Literal(v) => {
                    param.annotation = types::literal(v);
                    param.default = Some(Code::constant(v));
                }
                Binding::Unresolved(ph) => {
                    param.default = Some(Code::text("None"));
                    param.unresolved = Some((ph.text.clone(), ph.span));
                }
                // Passed by the pipeline from the artifact store: a required input.
                Binding::Artifact { .. } => {}
                Binding::Expr(c) => {
                    param.computed = Some(crate::computed::step_input(step, &name, c))
                }
            }
            if param.computed.is_none() && param.annotation.as_str().contains("Any") {
                imports.from("typing", "Any");
            }
            param
        })
        .collect()
}

/// `["a"][0]` for a projection.
pub fn projection_code(projection: &[Segment]) -> Code {
    Code::join(
        projection.iter().map(|s| match s {
            Segment::Key(k) => py!("[{}]", Code::str_lit(k)),
            Segment::Index(i) => py!("[{}]", Code::int(*i)),
        }),
        "",
    )
}

fn return_annotation(step: &Step, imports: &mut Imports, target: crate::Target) -> Code {
    let annotated: Vec<Code> = step
        .outputs
        .iter()
        .map(|o| {
            let ty = match &step.kind {
                StepKind::Container(job) => crate::container_jobs::output_type(job, o, target),
                _ => types::port(o.ty),
            };
            py!("Annotated[{}, {}]", ty, Code::str_lit(&o.name))
        })
        .collect();
    if !annotated.is_empty() {
        imports.from("typing", "Annotated");
    }
    if annotated.iter().any(|a| a.as_str().contains("Any")) {
        imports.from("typing", "Any");
    }
    match annotated.len() {
        0 => Code::text("None"),
        1 => annotated.into_iter().next().unwrap_or_default(),
        _ => py!("tuple[{}]", Code::join(annotated, ", ")),
    }
}

fn decorator(step: &Step, notes: &mut Vec<String>, imports: &mut Imports) -> Code {
    let mut args = Vec::new();
    let side_effects = step.kind.has_side_effects();
    let cache_off = match step.cache.enabled {
        Some(enabled) => !enabled,
        None => side_effects,
    };
    if cache_off {
        args.push(Code::text("enable_cache=False"));
    } else if step.cache.enabled == Some(true) && side_effects {
        notes.push(
            "the source caches this step although it has side effects; a cache hit skips them"
                .into(),
        );
    }
    if let Some(expire) = &step.cache.expire_after {
        notes.push(format!(
            "cache expiry `{expire}` has no ZenML equivalent; cached results never expire"
        ));
    }
    if let Some(retry) = step.retry.first() {
        let backoff = retry
            .backoff_rate
            .parse::<f64>()
            .map(|b| b.round().max(1.0) as u64)
            .unwrap_or(1);
        if retry.max_attempts >= 1 {
            imports.from("zenml.config", "StepRetryConfig");
            args.push(py!(
                "retry=StepRetryConfig(max_retries={}, delay={}, backoff={})",
                Code::int(retry.max_attempts),
                Code::int(retry.interval_seconds),
                Code::int(backoff)
            ));
        }
        let mut lost = Vec::new();
        if !retry.errors.is_empty() && !retry.errors.iter().any(|e| e == "States.ALL") {
            lost.push(format!(
                "only errors {} were retried",
                retry.errors.join(", ")
            ));
        }
        if retry
            .backoff_rate
            .parse::<f64>()
            .is_ok_and(|b| b.fract() != 0.0)
        {
            lost.push(format!("backoff rate {} rounded", retry.backoff_rate));
        }
        if retry.max_delay_seconds.is_some() {
            lost.push("MaxDelaySeconds".into());
        }
        if retry.jitter.is_some() {
            lost.push("jitter".into());
        }
        if step.retry.len() > 1 {
            lost.push(format!(
                "{} retriers merged into the first",
                step.retry.len()
            ));
        }
        if !lost.is_empty() {
            notes.push(format!(
                "retry kept as StepRetryConfig; lost: {}",
                lost.join("; ")
            ));
        }
    }
    if args.is_empty() {
        Code::text("@step")
    } else {
        py!("@step({})", Code::join(args, ", "))
    }
}

/// Emit `steps/<name>.py`, or `None` for steps that are control flow.
pub fn emit(planned: &PlannedStep, plan: &Plan, cx: &mut Context) -> Option<Unformatted> {
    if !planned.has_module() {
        return None;
    }
    let step = planned.step;
    let file = format!("steps/{}.py", planned.py_name);
    let target = format!("`{file}`");
    let construct = format!("{} `{}`", step.mapping.construct, step.display_name);
    let mut imports = Imports::new();
    imports.from("zenml", "step");
    let mut notes: Vec<String> = Vec::new();
    let decorator = decorator(step, &mut notes, &mut imports);
    let params = {
        let mut params = params(planned, plan, &mut imports);
        params.extend(
            crate::runtime::config_params(step, &mut imports)
                .into_iter()
                .map(|c| Param {
                    name: c.name,
                    annotation: c.annotation,
                    default: c.default,
                    prelude: None,
                    unresolved: None,
                    computed: None,
                }),
        );
        // Python needs parameters without defaults first; calls use keywords.
        params.sort_by_key(|p| p.default.is_some());
        params
    };
    let ret = return_annotation(step, &mut imports, cx.target);

    // The body first: it decides the imports and whether the step is a stand-in.
    let mut body = Writer::at_depth(1);
    let step_body::Body { kind, docstring } = step_body::emit(step, &mut body, &mut imports, cx);
    let runs = !matches!(kind, BodyKind::StandIn { .. });
    if runs && params.iter().any(|p| p.computed.is_some()) {
        crate::computed::use_runtime(&mut imports, cx);
    }
    let function = Ident::new(&planned.py_name);
    let mut runtime_prelude = Writer::at_depth(1);
    let mut helpers = crate::runtime::Helpers::new(step);
    crate::runtime::prelude(
        step,
        &file,
        &mut runtime_prelude,
        &mut imports,
        &mut helpers,
    );

    let mut w = Writer::new();
    w.line(Code::docstring(&format!(
        "Step `{}`: {} (from {}).",
        step.display_name,
        step.mapping.construct,
        cx.location(step.span)
    )));
    w.blank();
    cx.import_block(&mut w, &imports);
    w.blank();
    w.blank();
    let start = w.offset();
    let entry = |disposition: Disposition| {
        Entry::new(EntryKind::Step, &construct, &target, disposition, step.span)
    };
    match (&kind, step.mapping.class) {
        (BodyKind::StandIn { reason, redesign }, _) => {
            let flag = step.mapping.flag;
            let severity = flag.map(|f| format!("{} ", f.as_str())).unwrap_or_default();
            let code = if step.mapping.class == MappingClass::Absent {
                "F0701"
            } else {
                "F0710"
            };
            w.todo(
                &format!("{severity}UNSUPPORTED -- {reason}. {redesign}"),
                entry(Disposition::StandIn)
                    .issue(reason)
                    .redesign(redesign)
                    .severity(flag.or(Some(ferry_diagnostics::MigrationFlag::Medium)))
                    .code(code),
            );
            let mut d = Diagnostic::warning(
                code,
                format!(
                    "`{}` ({}) is generated as a stand-in that raises: {reason}",
                    step.display_name, step.mapping.construct
                ),
            )
            .with_primary(step.span, "this construct")
            .with_help(redesign.clone());
            if let Some(flag) = flag {
                d = d.with_flag(flag);
            }
            cx.diagnostics.push(d);
        }
        (BodyKind::Noted { note }, class) => {
            let mut issue = Vec::new();
            if class == MappingClass::Approximate {
                let approximate = approximate_note(step);
                w.note(&approximate);
                issue.push(approximate);
            }
            w.note(note);
            issue.push(note.clone());
            issue.extend(step.notes.iter().chain(&notes).cloned());
            cx.record
                .push(entry(Disposition::Approximate).issue(issue.join("; ")));
        }
        (BodyKind::Translated, MappingClass::Approximate) => {
            let note = approximate_note(step);
            w.note(&note);
            cx.record.push(entry(Disposition::Approximate).issue(note));
        }
        (BodyKind::Translated, _) => {
            let mut e = entry(Disposition::Translated).issue(step.mapping.note.clone());
            if !step.notes.is_empty() || !notes.is_empty() {
                e.disposition = Disposition::Approximate;
                e.issue = step
                    .notes
                    .iter()
                    .chain(&notes)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ");
            }
            cx.record.push(e);
        }
    }
    for note in step.notes.iter().chain(&notes) {
        w.note(note);
    }
    w.line(decorator);
    let signature: Vec<Code> = params
        .iter()
        .filter(|p| p.computed.is_none())
        .map(|p| match &p.default {
            Some(d) => py!("{}: {} = {}", p.name, p.annotation, d),
            None => py!("{}: {}", p.name, p.annotation),
        })
        .collect();
    w.open(py!(
        "def {}({}) -> {}",
        function,
        Code::join(signature, ", "),
        ret
    ));
    match docstring {
        Some(doc) => w.carried(&doc),
        None => w.line(Code::docstring(&format!(
            "Migrated from {} `{}`.",
            step.mapping.construct, step.display_name
        ))),
    }
    for p in &params {
        if let Some((text, span)) = &p.unresolved {
            w.todo(
                &format!("`{text}` could not be traced to the step that produces it; pass it in."),
                Entry::new(
                    EntryKind::Detail,
                    format!("reference `{text}` in `{}`", step.display_name),
                    format!("parameter `{}` of `{file}`", p.name.as_str()),
                    Disposition::Placeholder,
                    *span,
                )
                .issue("the value cannot be traced to the step that produces it")
                .redesign("pass the value in, or wire the producing step's output")
                .code("F0601"),
            );
        }
        if let Some(prelude) = &p.prelude {
            w.line(prelude);
        }
    }
    // Computed inputs read the ones before them (the IR verifier checks it); a
    // stand-in that raises needs none of them (a body with a note does).
    if runs {
        for p in &params {
            if let Some(computed) = &p.computed {
                w.line(computed);
            }
        }
    }
    w.append(runtime_prelude);
    let body_offset = w.offset();
    w.append(body);
    w.close();
    w.mark(start, step.span, format!("step {}", step.display_name));
    if let StepKind::Python { body_span, .. } = &step.kind {
        w.mark(
            body_offset,
            *body_span,
            format!("body of {}", step.display_name),
        );
    }
    Some(w.finish())
}

fn approximate_note(step: &Step) -> String {
    if step.mapping.note.is_empty() {
        format!(
            "{} translated with changed semantics; see MIGRATION_REPORT.md",
            step.mapping.construct
        )
    } else {
        format!("{}: {}", step.mapping.construct, step.mapping.note)
    }
}

/// `steps/__init__.py`: re-exports every step function.
pub fn init_module(plan: &Plan) -> Unformatted {
    let mut names: Vec<&str> = plan
        .steps
        .iter()
        .filter(|s| s.has_module())
        .map(|s| s.py_name.as_str())
        .collect();
    // ruff's RUF022 wants a natural sort (`step_2` before `step_10`).
    names.sort_by_key(|n| crate::imports::natural_key(n));
    let mut imports = Imports::new();
    for n in &names {
        imports.import_generated(&format!("steps.{n}"), &Ident::new(n));
    }
    let mut w = Writer::new();
    w.line(py!("\"\"\"Migrated steps, one module each.\"\"\""));
    w.blank();
    if !imports.is_empty() {
        let first_party = ["steps".to_string()].into();
        w.lines(&imports.render(&first_party));
        w.blank();
    }
    let all = Code::list(names.iter().map(|n| Code::str_lit(n)));
    w.line(py!("__all__ = {}", all));
    w.finish()
}

pub fn errors_module() -> Unformatted {
    let mut w = Writer::new();
    w.lines(&py!("\"\"\"Errors raised by migrated steps.\"\"\"


class PipelineFailedError(RuntimeError):
    \"\"\"A Fail state / FailStep of the source workflow was reached.\"\"\"

    def __init__(self, error: str | None = None, cause: str | None = None) -> None:
        super().__init__(f\"{{error}}: {{cause}}\")
        self.error = error
        self.cause = cause"));
    w.finish()
}
