//! MIGRATION_REPORT.md, built from the emission record (what each construct became)
//! and the findings of every phase, with the sections the seeds' report template gives
//! for the source's front end. Every `# TODO(migration):` in the code is one row of
//! Flagged for Review that names its `file:line`; every MEDIUM or HIGH finding has a
//! row; "Every construct was translated" is written only when nothing is flagged.

use std::fmt::Write;

use ferry_diagnostics::{Diagnostic, MigrationFlag, Severity};
use ferry_ir::{Frontend, TriggerKind, Workflow};

use crate::context::Context;
use crate::names::Plan;
use crate::record::{Disposition, Entry, EntryKind};
use crate::{EmitOptions, Target};

/// Text safe in a Markdown table cell or list item.
pub fn cell(s: &str) -> String {
    s.replace(['\n', '\r'], " ").replace('|', "\\|")
}

/// Rows for findings of earlier phases that carry a MEDIUM/HIGH flag and have no row
/// of their own yet (matched by code and primary span).
pub fn finding_entries(cx: &Context, findings: &[Diagnostic]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for d in findings.iter().chain(&cx.diagnostics) {
        let Some(flag) = d.flag else { continue };
        if flag < MigrationFlag::Medium || d.severity == Severity::Note {
            continue;
        }
        let span = d.primary_span().unwrap_or_default();
        let covered = cx
            .record
            .entries
            .iter()
            .chain(&out)
            .any(|e| e.span == span && e.code.as_deref() == Some(d.code.as_str()));
        if covered {
            continue;
        }
        let e = Entry::new(
            EntryKind::Finding,
            d.message.clone(),
            "see the diagnostic",
            Disposition::Dropped,
            span,
        )
        .issue(d.message.clone())
        .redesign(d.help.clone().unwrap_or_else(|| "redesign by hand".into()))
        .severity(Some(flag))
        .code(&d.code);
        out.push(e);
    }
    out
}

fn frontend_label(f: Frontend) -> &'static str {
    match f {
        Frontend::Sagemaker => "SageMaker",
        Frontend::Dagster => "Dagster",
        Frontend::Asl => "Step Functions",
        Frontend::Ir => "ferry IR",
    }
}

pub fn emit(workflow: &Workflow, plan: &Plan, cx: &Context, options: &EmitOptions) -> String {
    let record = &cx.record;
    let label = frontend_label(workflow.frontend);
    let mut out = format!(
        "# Migration Report: {} -> ZenML project `{}`\n\n## Summary\n\n",
        cell(&workflow.name),
        ferry_ir::naming::to_identifier(&workflow.name)
    );
    let files: Vec<String> = workflow
        .sources
        .iter()
        .map(|s| format!("`{}`", cell(&s.path)))
        .collect();
    let _ = writeln!(out, "- **Source**: {label} workflow {}", files.join(", "));
    let _ = writeln!(
        out,
        "- **Target**: ZenML pipelines {} ({} target)",
        plan.pipeline_names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", "),
        if options.target == Target::Sagemaker {
            "SageMaker"
        } else {
            "portable/local"
        }
    );
    let steps: Vec<&Entry> = record.steps().collect();
    let count = |d: Disposition| steps.iter().filter(|e| e.disposition == d).count();
    let _ = writeln!(
        out,
        "- **Steps migrated**: {} step functions: {} direct, {} approximate, {} flagged (stand-ins that raise)",
        steps.len(),
        count(Disposition::Translated),
        count(Disposition::Approximate),
        count(Disposition::StandIn)
    );
    let flagged: Vec<&Entry> = record.flagged().collect();
    let _ = writeln!(
        out,
        "- **Constructs**: {} direct, {} approximate, {} flagged for review\n",
        record.count(Disposition::Translated),
        record.count(Disposition::Approximate),
        flagged.len()
    );

    out.push_str(
        "## Pipeline Boundary Decisions\n\n| Pipeline | Decision | Reason |\n|---|---|---|\n",
    );
    let mut any = false;
    for (i, p) in workflow.pipelines.iter().enumerate() {
        for note in p.notes.iter().filter_map(|n| n.strip_prefix("boundary: ")) {
            any = true;
            let _ = writeln!(
                out,
                "| `{}` | separate pipeline | {} |",
                plan.pipeline_names[i],
                cell(note)
            );
        }
    }
    if !any {
        let _ = writeln!(
            out,
            "| {} | kept as {} pipeline(s) | the source defines no separate triggers, jobs, partitions or failure domains |\n",
            plan.pipeline_names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            workflow.pipelines.len()
        );
    } else {
        out.push('\n');
    }

    table(
        &mut out,
        "Direct Translations",
        &format!("| {label} Construct | ZenML Equivalent | Source | Notes |"),
        record.with(Disposition::Translated).map(|e| {
            format!(
                "| {} | {} | `{}` | {} |",
                cell(&e.construct),
                e.target,
                cell(&cx.location(e.span)),
                cell(&e.issue)
            )
        }),
    );
    table(
        &mut out,
        "Approximate Translations",
        &format!("| {label} Construct | ZenML Equivalent | Source | What Changed |"),
        record.with(Disposition::Approximate).map(|e| {
            format!(
                "| {} | {} | `{}` | {} |",
                cell(&e.construct),
                e.target,
                cell(&cx.location(e.span)),
                cell(&e.issue)
            )
        }),
    );
    table(
        &mut out,
        "Flagged for Review",
        &format!(
            "| {label} Pattern | Severity | Issue | Suggested Redesign | Source | Generated | Finding |"
        ),
        flagged.iter().map(|e| {
            format!(
                "| {} | {} | {}: {} | {} | `{}` | {} | {} |",
                cell(&e.construct),
                e.severity.unwrap_or(MigrationFlag::Medium).as_str(),
                e.disposition.as_str(),
                cell(&e.issue),
                cell(if e.redesign.is_empty() {
                    "redesign by hand"
                } else {
                    &e.redesign
                }),
                cell(&cx.location(e.span)),
                e.marker
                    .as_ref()
                    .map_or("-".to_string(), |(f, l)| format!("`{f}:{l}`")),
                e.code.as_deref().unwrap_or("-")
            )
        }),
    );

    let hints = plan.steps.iter().any(|s| !s.step.hints.is_empty());
    let aws = matches!(workflow.frontend, Frontend::Sagemaker | Frontend::Asl);
    if aws || (workflow.frontend == Frontend::Ir && hints) {
        out.push_str("## SageMaker Runtime Mapping\n\n| Step | Native concern | Value | ZenML equivalent |\n|---|---|---|---|\n");
        let mut hints = 0;
        for s in &plan.steps {
            for (k, v) in &s.step.hints {
                hints += 1;
                let target = if options.target == Target::Sagemaker {
                    "`SagemakerOrchestratorSettings` in configs/*prod*.yaml"
                } else {
                    "not used on the portable target; kept here for reference"
                };
                let _ = writeln!(
                    out,
                    "| `{}` | {} | `{}` | {target} |",
                    s.py_name,
                    cell(k),
                    cell(&ferry_ir::text::print_value(v))
                );
            }
        }
        if hints == 0 {
            out.push_str("| - | none | - | the source carries no runtime settings |\n");
        }
        out.push('\n');
    }
    if workflow.frontend == Frontend::Dagster {
        out.push_str("## IO / Storage Migration\n\n");
        list_resources(
            &mut out,
            workflow,
            cx,
            |k| k.contains("io") || k.contains("storage"),
            "No IO managers or storage resources in the source: step outputs are ZenML artifacts in the active artifact store.",
        );
        out.push_str("## Partition / Backfill Strategy\n\n");
        list_resources(
            &mut out,
            workflow,
            cx,
            |k| k.contains("partition"),
            "The source is not partitioned.",
        );
        out.push_str("## Automation and Scheduling Gaps\n\n");
        scheduling(&mut out, workflow, cx);
        out.push_str("## Important Behavioral Differences\n\n");
        out.push_str("- Assets are not steps: each asset's compute body became a `@step` whose output artifact carries the asset's name; asset selection and materialization semantics are expressed by pipeline boundaries.\n");
        let kinds: Vec<&str> = workflow.resources.iter().map(|r| r.kind.as_str()).collect();
        if kinds.iter().any(|k| k.contains("io")) {
            out.push_str("- IO managers are not just materializers: data-access logic they held belongs in explicit source/sink steps.\n");
        }
        if kinds.iter().any(|k| k.contains("partition")) {
            out.push_str("- A partition key is only the label: partition mappings, backfills and freshness rules must be rebuilt explicitly.\n");
        }
        if workflow
            .triggers
            .iter()
            .any(|t| matches!(t.kind, TriggerKind::Sensor { .. }))
        {
            out.push_str("- Sensors become external triggers, not steps that wait forever.\n");
        }
        out.push('\n');
    } else {
        out.push_str("## Scheduling\n\n");
        scheduling(&mut out, workflow, cx);
        out.push_str("## Limitations and Key Differences\n\n");
        let dynamic: Vec<String> = workflow
            .pipelines
            .iter()
            .zip(&plan.pipeline_names)
            .filter(|(p, _)| p.dynamic)
            .map(|(_, n)| format!("`{n}`"))
            .collect();
        if !dynamic.is_empty() {
            let _ = writeln!(
                out,
                "- Dynamic pipelines ({}): data-dependent branches and error handlers run as Python control flow; dynamic pipelines are experimental in ZenML and cannot be scheduled on the SageMaker orchestrator.",
                dynamic.join(", ")
            );
        }
        if plan.steps.iter().any(|s| !s.step.retry.is_empty()) {
            out.push_str("- Retries: StepRetryConfig retries on every exception, with an integer backoff and no maximum delay or jitter.\n");
        }
        out.push_str("- Data passes between steps as versioned ZenML artifacts instead of JSON state, S3 URIs or placeholders resolved by the source orchestrator.\n");
        out.push_str("- Steps with side effects (service calls, failures, registration) are not cached, so a re-run repeats them.\n\n");
    }

    out.push_str("## What's NOT Migrated\n\n");
    if record.complete() {
        out.push_str("Every construct was translated directly or approximately.\n\n");
    } else {
        for e in &flagged {
            let _ = writeln!(
                out,
                "- {} (`{}`): {} — {}",
                cell(&e.construct),
                cell(&cx.location(e.span)),
                e.disposition.as_str(),
                cell(&e.issue)
            );
        }
        out.push('\n');
    }
    out.push_str("## What You Get for Free After Migration\n\n- **Artifact lineage and versioning**\n- **Step caching**\n- **Stack abstraction**: the same code on the local stack, SageMaker or Kubernetes\n- **Experiment tracker integrations**\n- **Model Control Plane**\n- **Service connectors**\n\n");
    crate::next_steps::emit(&mut out, workflow, &flagged, label);
    out
}

fn table(out: &mut String, title: &str, header: &str, rows: impl Iterator<Item = String>) {
    let _ = writeln!(out, "## {title}\n");
    let columns = header.matches('|').count() - 1;
    let _ = writeln!(out, "{header}\n|{}", "---|".repeat(columns));
    let mut empty = true;
    for r in rows {
        empty = false;
        let _ = writeln!(out, "{r}");
    }
    if empty {
        let _ = writeln!(out, "| none |{}", " |".repeat(columns - 1));
    }
    out.push('\n');
}

fn scheduling(out: &mut String, workflow: &Workflow, cx: &Context) {
    if workflow.triggers.is_empty() {
        out.push_str("- **Original**: no schedule, sensor or trigger in the source (started on demand).\n- **Migrated**: run `python run.py` on demand.\n\n");
        return;
    }
    for t in &workflow.triggers {
        let what = match &t.kind {
            TriggerKind::Schedule { cron, timezone } => format!(
                "cron `{}`{}",
                cell(cron),
                timezone
                    .as_ref()
                    .map(|z| format!(" ({})", cell(z)))
                    .unwrap_or_default()
            ),
            TriggerKind::Interval { seconds } => format!("every {seconds} s"),
            TriggerKind::Sensor { description } => format!("sensor: {}", cell(description)),
        };
        let _ = writeln!(
            out,
            "- **Original**: `{}` on `{}`, {what} (`{}`)",
            cell(&t.name),
            cell(&t.pipeline),
            cell(&cx.location(t.span))
        );
        let _ = writeln!(
            out,
            "  - **Migrated**: {} — {}",
            t.mapping.class.as_str(),
            cell(&t.mapping.note)
        );
    }
    out.push_str("- **Note**: the SageMaker orchestrator supports cron / interval / one-time schedules (6-field AWS cron), but dynamic pipelines cannot be scheduled there; the local stack cannot schedule. Dagster sensors, cursors and declarative automation have no 1:1 ZenML equivalent.\n\n");
}

fn list_resources(
    out: &mut String,
    workflow: &Workflow,
    cx: &Context,
    kind: impl Fn(&str) -> bool,
    none: &str,
) {
    let items: Vec<_> = workflow
        .resources
        .iter()
        .filter(|r| kind(&r.kind))
        .collect();
    if items.is_empty() {
        let _ = writeln!(out, "{none}\n");
        return;
    }
    for r in items {
        let _ = writeln!(
            out,
            "- {} `{}` (`{}`): {} — {}",
            cell(&r.kind),
            cell(&r.name),
            cell(&cx.location(r.span)),
            r.mapping.class.as_str(),
            cell(&r.mapping.note)
        );
    }
    out.push('\n');
}
