//! One module per step under `steps/`: the `@step` function with typed inputs, named
//! outputs, retry and cache settings, and a body that does what the source step did —
//! or, for constructs ZenML cannot express, raises NotImplementedError and says why.

use std::collections::BTreeSet;
use std::fmt::Write;

use ferry_diagnostics::Diagnostic;
use ferry_ir::{Binding, IntegrationPattern, MappingClass, Segment, Step, StepKind};

use crate::names::{Plan, PlannedStep};
use crate::python::{self, Expr, comment, doc_text};
use crate::source_map::{Builder, line_count};
use crate::types;

/// One function parameter of a step.
struct Param {
    name: String,
    annotation: String,
    default: Option<String>,
    /// Statement to run first, e.g. applying a projection.
    prelude: Option<String>,
    todo: Option<String>,
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
];

/// The Python parameter name of a step input. Bodies carried over from the source keep
/// their names; generated bodies rename inputs that would clash with their locals.
pub fn param_name(step: &Step, input: &str) -> String {
    if !matches!(step.kind, StepKind::Python { .. }) && BODY_LOCALS.contains(&input) {
        format!("{input}_value")
    } else {
        input.to_string()
    }
}

fn params(planned: &PlannedStep, plan: &Plan) -> Vec<Param> {
    planned
        .step
        .inputs
        .iter()
        .map(|input| match &input.binding {
            Binding::StepOutput {
                step,
                port,
                projection,
            } => {
                let ty = plan
                    .get(&planned.pipeline_key, step)
                    .and_then(|p| p.step.output(port))
                    .map_or("Any", |o| types::port(o.ty));
                let prelude = (!projection.is_empty()).then(|| {
                    let name = param_name(planned.step, &input.name);
                    let whole = format!("{name}{}", python_projection(projection));
                    let lines = python::assignment(4, &name, &whole);
                    if lines.iter().all(|l| l.len() + 4 <= python::LINE_WIDTH) {
                        lines.join("\n    ")
                    } else {
                        // One subscript a statement: ruff would split the chain oddly.
                        projection
                            .iter()
                            .flat_map(|seg| {
                                python::assignment(
                                    4,
                                    &name,
                                    &format!(
                                        "{name}{}",
                                        python_projection(std::slice::from_ref(seg))
                                    ),
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("\n    ")
                    }
                });
                Param {
                    name: param_name(planned.step, &input.name),
                    annotation: ty.to_string(),
                    default: None,
                    prelude,
                    todo: None,
                }
            }
            Binding::Parameter(p) => {
                let ty = planned
                    .pipeline
                    .param(p)
                    .map_or("Any", |p| types::param(p.ty));
                Param {
                    name: param_name(planned.step, &input.name),
                    annotation: ty.to_string(),
                    default: None,
                    prelude: None,
                    todo: None,
                }
            }
            Binding::Literal(v) => Param {
                name: param_name(planned.step, &input.name),
                annotation: types::literal(v).to_string(),
                default: Some(python::value(v, &|n| n.to_string()).flat()),
                prelude: None,
                todo: None,
            },
            Binding::Unresolved(ph) => Param {
                name: param_name(planned.step, &input.name),
                annotation: "Any".into(),
                default: Some("None".into()),
                prelude: None,
                todo: Some(format!(
                    "`{}` could not be traced to the step that produces it; pass it in.",
                    ph.text
                )),
            },
            Binding::Expr(c) => Param {
                name: param_name(planned.step, &input.name),
                annotation: "Any".into(),
                default: Some("None".into()),
                prelude: None,
                todo: Some(format!(
                    "`{}` is computed at run time and not rendered yet; pass it in.",
                    c.text
                )),
            },
        })
        .collect()
}

pub fn python_projection(projection: &[Segment]) -> String {
    projection
        .iter()
        .map(|s| match s {
            Segment::Key(k) => format!("[{}]", python::string(k)),
            Segment::Index(i) => format!("[{i}]"),
        })
        .collect()
}

fn return_annotation(step: &Step) -> String {
    let annotated: Vec<String> = step
        .outputs
        .iter()
        .map(|o| {
            format!(
                "Annotated[{}, {}]",
                types::port(o.ty),
                python::string(&o.name)
            )
        })
        .collect();
    match annotated.len() {
        0 => "None".into(),
        1 => annotated[0].clone(),
        _ => format!("tuple[{}]", annotated.join(", ")),
    }
}

fn decorator(step: &Step, notes: &mut Vec<String>) -> Expr {
    let mut args = Vec::new();
    let side_effects = step.kind.has_side_effects();
    let cache_off = match step.cache.enabled {
        Some(enabled) => !enabled,
        None => side_effects,
    };
    if cache_off {
        args.push((Some("enable_cache".to_string()), Expr::atom("False")));
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
        let max_retries = retry.max_attempts;
        if max_retries >= 1 {
            args.push((
                Some("retry".to_string()),
                Expr::call(
                    "StepRetryConfig",
                    vec![
                        (
                            Some("max_retries".into()),
                            Expr::atom(max_retries.to_string()),
                        ),
                        (
                            Some("delay".into()),
                            Expr::atom(retry.interval_seconds.to_string()),
                        ),
                        (Some("backoff".into()), Expr::atom(backoff.to_string())),
                    ],
                ),
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
        Expr::atom("step")
    } else {
        Expr::call("step", args)
    }
}

/// The body statements (without indentation) and the imports they need.
fn body(step: &Step, imports: &mut BTreeSet<&'static str>) -> Vec<String> {
    if step.mapping.class == MappingClass::Absent {
        let message = format!(
            "{} has no ZenML equivalent: {}",
            step.mapping.construct,
            if step.mapping.note.is_empty() {
                "redesign this step"
            } else {
                &step.mapping.note
            }
        );
        return raise_with("NotImplementedError", &message);
    }
    let input = |n: &str| param_name(step, n);
    let returns = |expr: &str| -> Vec<String> {
        if step.outputs.is_empty() {
            Vec::new()
        } else {
            vec![format!("return {expr}")]
        }
    };
    match &step.kind {
        StepKind::Python { body, .. } => body.lines().map(str::to_string).collect(),
        StepKind::Fail { error, cause } => {
            imports.insert("from steps.errors import PipelineFailedError");
            let call = Expr::call(
                "PipelineFailedError",
                vec![
                    (
                        Some("error".into()),
                        Expr::atom(error.as_deref().map_or("None".into(), python::string)),
                    ),
                    (
                        Some("cause".into()),
                        Expr::atom(cause.as_deref().map_or("None".into(), python::string)),
                    ),
                ],
            );
            call.render(4, "raise ", "")
                .lines()
                .map(|l| l[4..].to_string())
                .collect()
        }
        StepKind::Transform { template } if !step.outputs.is_empty() => {
            python::value(template, &input)
                .render(4, "return ", "")
                .lines()
                .map(|l| l[4..].to_string())
                .collect()
        }
        StepKind::Transform { .. } => Vec::new(),
        StepKind::Wait { seconds, until } => {
            imports.insert("import time");
            let mut lines = Vec::new();
            match (seconds, until) {
                (Some(Binding::Literal(v)), _) => {
                    lines.push(format!("time.sleep({})", python::value(v, &input).flat()))
                }
                (Some(_), _) => lines.push("time.sleep(float(seconds))".into()),
                (None, Some(_)) => {
                    imports.insert("from datetime import UTC, datetime");
                    lines.push("target = datetime.fromisoformat(str(until))".into());
                    lines.push(
                        "time.sleep(max(0.0, (target - datetime.now(UTC)).total_seconds()))".into(),
                    );
                }
                (None, None) => {}
            }
            lines
        }
        StepKind::ServiceCall {
            service,
            action,
            pattern,
            request,
            ..
        } => {
            imports.insert("import boto3");
            let mut lines = render_assignment("request", &python::value(request, &input));
            lines.push(format!(
                "client = boto3.client({})",
                python::string(service)
            ));
            let keep = !step.outputs.is_empty()
                || matches!(
                    pattern,
                    IntegrationPattern::Sync | IntegrationPattern::Sync2
                );
            lines.push(format!(
                "{}client.{}(**request)",
                if keep { "response = " } else { "" },
                snake_case(action)
            ));
            if matches!(
                pattern,
                IntegrationPattern::Sync | IntegrationPattern::Sync2
            ) && let Some((waiter, key)) = sagemaker_waiter(service, action)
            {
                lines.push(format!(
                    "waiter = client.get_waiter({})",
                    python::string(waiter)
                ));
                lines.push(format!(
                    "waiter.wait({key}=request[{}])",
                    python::string(key)
                ));
            } else if matches!(
                pattern,
                IntegrationPattern::Sync | IntegrationPattern::Sync2
            ) {
                lines.push(format!(
                    "# Migration note: `.sync` waited for the {service} job to finish; this returns once it started"
                ));
            }
            lines.extend(returns("response"));
            lines
        }
        StepKind::Lambda {
            function, payload, ..
        } => {
            imports.insert("import boto3");
            imports.insert("import json");
            let mut lines = render_assignment("payload", &python::value(payload, &input));
            lines.push(format!(
                "{}boto3.client(\"lambda\").invoke(",
                if step.outputs.is_empty() {
                    ""
                } else {
                    "response = "
                }
            ));
            lines.push(format!("    FunctionName={},", python::string(function)));
            lines.push("    Payload=json.dumps(payload).encode(),".into());
            lines.push(")".into());
            if !step.outputs.is_empty() {
                lines.push("result = {".into());
                lines.push(
                    "    \"Payload\": json.loads(response[\"Payload\"].read() or b\"null\"),"
                        .into(),
                );
                lines.push("    \"StatusCode\": response[\"StatusCode\"],".into());
                lines.push("}".into());
                lines.extend(returns("result"));
            }
            lines
        }
        StepKind::Script { command, .. } => {
            imports.insert("import subprocess");
            let argv = Expr::List(
                command
                    .iter()
                    .map(|c| Expr::atom(python::string(c)))
                    .collect(),
            );
            let mut lines = render_assignment("command", &argv);
            lines.push(format!(
                "{}subprocess.run(command, check=True, capture_output=True, text=True)",
                if step.outputs.is_empty() {
                    ""
                } else {
                    "completed = "
                }
            ));
            lines.extend(returns("completed.stdout"));
            lines
        }
        StepKind::Job { job, config } => {
            let mut lines = render_assignment("job_config", &python::value(config, &input));
            let message =
                format!("launch the {job} job with the SageMaker SDK using this configuration");
            lines.extend(
                Expr::call(
                    "NotImplementedError",
                    vec![
                        (None, Expr::atom(python::string(&message))),
                        (None, Expr::atom("job_config")),
                    ],
                )
                .render(4, "raise ", "")
                .lines()
                .map(|l| l[4..].to_string()),
            );
            lines
        }
        StepKind::Activity { arn } => raise_with(
            "NotImplementedError",
            &format!("activity {arn} needs a worker; redesign as a step"),
        ),
        StepKind::Opaque { construct, .. } => raise_with(
            "NotImplementedError",
            &format!("{construct} is not translated"),
        ),
        StepKind::Branch { .. }
        | StepKind::Succeed
        | StepKind::Map { .. }
        | StepKind::Parallel { .. } => Vec::new(),
    }
}

/// `raise Exc("message")`, wrapped like ruff format wraps it.
fn raise_with(exception: &str, message: &str) -> Vec<String> {
    Expr::call(exception, vec![(None, Expr::atom(python::string(message)))])
        .render(4, "raise ", "")
        .lines()
        .map(|l| l[4..].to_string())
        .collect()
}

/// `name = expr` as it will sit in a function body (indented by 4).
fn render_assignment(name: &str, expr: &Expr) -> Vec<String> {
    expr.render(4, &format!("{name} = "), "")
        .lines()
        .map(|l| l[4..].to_string())
        .collect()
}

/// boto3 method names are the snake_case of the API action.
pub fn snake_case(action: &str) -> String {
    ferry_ir::naming::to_identifier(action)
}

/// The boto3 waiter that `.sync` waits on, for the SageMaker jobs that have one.
fn sagemaker_waiter(service: &str, action: &str) -> Option<(&'static str, &'static str)> {
    if service != "sagemaker" {
        return None;
    }
    Some(match action {
        "createProcessingJob" => ("processing_job_completed_or_stopped", "ProcessingJobName"),
        "createTrainingJob" => ("training_job_completed_or_stopped", "TrainingJobName"),
        "createTransformJob" => ("transform_job_completed_or_stopped", "TransformJobName"),
        "createEndpoint" => ("endpoint_in_service", "EndpointName"),
        _ => return None,
    })
}

/// Emit `steps/<name>.py`, or `None` for steps that are control flow.
pub fn emit(
    planned: &PlannedStep,
    plan: &Plan,
    map: &mut Builder,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    if !planned.has_module() {
        return None;
    }
    let step = planned.step;
    let file = format!("steps/{}.py", planned.py_name);
    let mut imports: BTreeSet<&'static str> = BTreeSet::new();
    let mut notes: Vec<String> = Vec::new();
    let decorator = decorator(step, &mut notes);
    let body_lines = body(step, &mut imports);
    let carried: Vec<String> = match &step.kind {
        StepKind::Python { imports, .. } => imports.clone(),
        _ => Vec::new(),
    };
    let mut params = params(planned, plan);
    // Python needs parameters without defaults first; calls use keywords.
    params.sort_by_key(|p| p.default.is_some());
    let ret = return_annotation(step);

    let mut out = String::new();
    let _ = writeln!(
        out,
        "\"\"\"Step `{}`: {} (from {}).\"\"\"",
        doc_text(&step.display_name),
        doc_text(&step.mapping.construct),
        doc_text(&map.location(step.span))
    );
    out.push('\n');
    let uses_any = params.iter().any(|p| p.annotation.contains("Any")) || ret.contains("Any");
    let mut lines: Vec<String> = imports
        .iter()
        .map(|i| i.to_string())
        .chain(carried)
        .collect();
    match (uses_any, !step.outputs.is_empty()) {
        (true, true) => lines.push("from typing import Annotated, Any".into()),
        (true, false) => lines.push("from typing import Any".into()),
        (false, true) => lines.push("from typing import Annotated".into()),
        (false, false) => {}
    }
    lines.push("from zenml import step".into());
    if step.retry.first().is_some_and(|r| r.max_attempts >= 1) {
        lines.push("from zenml.config import StepRetryConfig".into());
    }
    out.push_str(&crate::imports::block(&lines));
    out.push_str("\n\n");
    let start = line_count(&out) + 1;
    match step.mapping.class {
        MappingClass::Direct => {}
        MappingClass::Approximate => {
            let _ = writeln!(
                out,
                "# Migration note: {}",
                comment(&approximate_note(step))
            );
        }
        MappingClass::Absent => {
            let _ = writeln!(out, "# TODO(migration): {}", comment(&absent_note(step)));
            let mut d = Diagnostic::warning(
                "F0701",
                format!("`{}` ({}) has no ZenML equivalent; the generated step raises NotImplementedError", step.display_name, step.mapping.construct),
            )
            .with_primary(step.span, "this construct")
            .with_help(if step.mapping.note.is_empty() { "redesign this step by hand".to_string() } else { step.mapping.note.clone() });
            if let Some(flag) = step.mapping.flag {
                d = d.with_flag(flag);
            }
            diagnostics.push(d);
        }
    }
    for note in step.notes.iter().chain(&notes) {
        let _ = writeln!(out, "# Migration note: {}", comment(note));
    }
    out.push_str(&decorator.render(0, "@", ""));
    let signature_params: Vec<String> = params
        .iter()
        .map(|p| match &p.default {
            Some(d) => format!("{}: {} = {d}", p.name, p.annotation),
            None => format!("{}: {}", p.name, p.annotation),
        })
        .collect();
    let one_line = format!(
        "def {}({}) -> {ret}:",
        planned.py_name,
        signature_params.join(", ")
    );
    // Laid out as ruff format does: parameters one per line, and a long tuple of
    // outputs one per line, both with magic trailing commas.
    let annotated: Vec<String> = step
        .outputs
        .iter()
        .map(|o| {
            format!(
                "Annotated[{}, {}]",
                types::port(o.ty),
                python::string(&o.name)
            )
        })
        .collect();
    let close = |head: &str| -> String {
        if head.len() + ret.len() < python::LINE_WIDTH || annotated.len() < 2 {
            format!("{head}{ret}:\n")
        } else {
            let items: String = annotated.iter().map(|a| format!("    {a},\n")).collect();
            format!("{head}tuple[\n{items}]:\n")
        }
    };
    if one_line.len() <= python::LINE_WIDTH {
        let _ = writeln!(out, "{one_line}");
    } else if signature_params.is_empty() {
        out.push_str(&close(&format!("def {}() -> ", planned.py_name)));
    } else {
        let _ = writeln!(out, "def {}(", planned.py_name);
        for p in &signature_params {
            let _ = writeln!(out, "    {p},");
        }
        out.push_str(&close(") -> "));
    }
    let _ = writeln!(
        out,
        "    \"\"\"{}.\"\"\"",
        doc_text(&format!(
            "Migrated from {} `{}`",
            step.mapping.construct, step.display_name
        ))
        .trim_end_matches('.')
    );
    for p in &params {
        if let Some(todo) = &p.todo {
            let _ = writeln!(out, "    # TODO(migration): {}", comment(todo));
        }
        if let Some(prelude) = &p.prelude {
            let _ = writeln!(out, "    {prelude}");
        }
    }
    // ruff format puts a blank line between a docstring and a nested definition.
    if body_lines
        .first()
        .is_some_and(|l| l.starts_with("def ") || l.starts_with("class ") || l.starts_with('@'))
        && params
            .iter()
            .all(|p| p.prelude.is_none() && p.todo.is_none())
    {
        out.push('\n');
    }
    let body_start = line_count(&out) + 1;
    if body_lines.is_empty() && params.iter().all(|p| p.prelude.is_none()) {
        // The docstring is the whole body.
    }
    for line in &body_lines {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "    {line}");
        }
    }
    let end = line_count(&out);
    map.record(
        &file,
        start,
        end,
        step.span,
        format!("step {}", step.display_name),
    );
    if let StepKind::Python { body_span, .. } = &step.kind {
        map.record(
            &file,
            body_start,
            end,
            *body_span,
            format!("body of {}", step.display_name),
        );
    }
    Some(out)
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

fn absent_note(step: &Step) -> String {
    let flag = step
        .mapping
        .flag
        .map(|f| format!("{} ", f.as_str()))
        .unwrap_or_default();
    format!(
        "{flag}UNSUPPORTED -- {} has no ZenML equivalent. {}",
        step.mapping.construct,
        if step.mapping.note.is_empty() {
            "Redesign this step."
        } else {
            &step.mapping.note
        }
    )
}

/// `steps/__init__.py`: re-exports every step function.
pub fn init_module(plan: &Plan) -> String {
    let mut out = String::from("\"\"\"Migrated steps, one module each.\"\"\"\n\n");
    let mut names: Vec<&str> = plan
        .steps
        .iter()
        .filter(|s| s.has_module())
        .map(|s| s.py_name.as_str())
        .collect();
    // ruff's RUF022 wants a natural sort (`step_2` before `step_10`).
    names.sort_by_key(|n| natural_key(n));
    let lines: Vec<String> = names
        .iter()
        .map(|n| format!("from steps.{n} import {n}"))
        .collect();
    if !lines.is_empty() {
        out.push_str(&crate::imports::block(&lines));
        out.push('\n');
    }
    let all = Expr::List(
        names
            .iter()
            .map(|n| Expr::atom(python::string(n)))
            .collect(),
    );
    out.push_str(&all.render(0, "__all__ = ", ""));
    out
}

pub fn errors_module() -> String {
    "\"\"\"Errors raised by migrated steps.\"\"\"\n\n\nclass PipelineFailedError(RuntimeError):\n    \"\"\"A Fail state / FailStep of the source workflow was reached.\"\"\"\n\n    def __init__(self, error: str | None = None, cause: str | None = None) -> None:\n        super().__init__(f\"{error}: {cause}\")\n        self.error = error\n        self.cause = cause\n".to_string()
}

/// Sort key that compares runs of digits by value.
pub fn natural_key(s: &str) -> Vec<(u8, u64, String)> {
    let mut out = Vec::new();
    let mut digits = String::new();
    let mut text = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !text.is_empty() {
                out.push((1, 0, std::mem::take(&mut text)));
            }
            digits.push(c);
        } else {
            if !digits.is_empty() {
                out.push((
                    0,
                    digits.parse().unwrap_or(u64::MAX),
                    std::mem::take(&mut digits),
                ));
            }
            text.push(c);
        }
    }
    if !text.is_empty() {
        out.push((1, 0, text));
    }
    if !digits.is_empty() {
        out.push((0, digits.parse().unwrap_or(u64::MAX), digits));
    }
    out
}
