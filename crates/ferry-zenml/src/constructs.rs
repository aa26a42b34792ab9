//! Record entries for the constructs that are not code of their own: pipeline
//! parameters, retries, control-flow states, triggers, resources and models. What
//! they became is decided by the IR's mapping (a parameter is always a typed pipeline
//! parameter; a sensor is never code), so the record takes it from there.

use ferry_ir::{Mapping, MappingClass, StepKind, Workflow};

use crate::context::Context;
use crate::names::Plan;
use crate::record::{Disposition, Entry, EntryKind};

fn disposition(m: &Mapping) -> Disposition {
    match m.class {
        MappingClass::Direct => Disposition::Translated,
        MappingClass::Approximate => Disposition::Approximate,
        MappingClass::Absent => Disposition::Dropped,
    }
}

fn entry(
    kind: EntryKind,
    construct: String,
    target: &str,
    m: &Mapping,
    span: ferry_diagnostics::Span,
) -> Entry {
    let mut e = Entry::new(kind, construct, target, disposition(m), span)
        .issue(m.note.clone())
        .severity(m.flag);
    if m.class == MappingClass::Absent {
        e.redesign = if m.note.is_empty() {
            "redesign by hand".into()
        } else {
            m.note.clone()
        };
    }
    e
}

pub fn record(workflow: &Workflow, plan: &Plan, cx: &mut Context) {
    for p in &workflow.pipelines {
        for param in &p.params {
            cx.record.push(entry(
                EntryKind::Parameter,
                format!("parameter `{}`", param.name),
                &format!("typed pipeline parameter ({})", param.ty.as_str()),
                &param.mapping,
                param.span,
            ));
        }
    }
    for s in &plan.steps {
        let step = s.step;
        let target = match step.kind {
            StepKind::Branch { .. } => "if/elif/else in the pipeline function",
            StepKind::Succeed => "end of the pipeline function",
            StepKind::Map { .. } => "loop in the pipeline function",
            StepKind::Parallel { .. } => "sequential blocks in the pipeline function",
            _ => "",
        };
        if !s.has_module() {
            cx.record.push(entry(
                EntryKind::Control,
                format!("{} `{}`", step.mapping.construct, step.display_name),
                target,
                &step.mapping,
                step.span,
            ));
        }
        for r in &step.retry {
            cx.record.push(entry(
                EntryKind::Detail,
                format!("Retry on `{}`", step.display_name),
                "StepRetryConfig",
                &Mapping::approximate(
                    "Retry",
                    "no error-type filter, max delay or jitter; backoff rounded to an integer",
                ),
                r.span,
            ));
        }
    }
    for t in &workflow.triggers {
        cx.record.push(entry(
            EntryKind::Trigger,
            format!("trigger `{}`", t.name),
            "Schedule / external trigger",
            &t.mapping,
            t.span,
        ));
    }
    for r in &workflow.resources {
        cx.record.push(entry(
            EntryKind::Resource,
            format!("{} `{}`", r.kind, r.name),
            "stack component / step code",
            &r.mapping,
            r.span,
        ));
    }
    for f in &workflow.files {
        cx.record.push(Entry::new(
            EntryKind::Detail,
            f.what.clone(),
            format!(
                "`{}`{}",
                f.path,
                if f.verbatim { " (as written)" } else { "" }
            ),
            Disposition::Translated,
            f.span,
        ));
    }
    for m in &workflow.models {
        cx.record.push(entry(
            EntryKind::Model,
            format!("model `{}`", m.name),
            "ZenML Model Control Plane",
            &m.mapping,
            m.span,
        ));
    }
}
