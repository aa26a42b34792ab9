//! MIGRATION_REPORT.md with every section the seeds list; each row names the original
//! `file:line`. A section without rows says so instead of disappearing.

use std::fmt::Write;

use ferry_diagnostics::{MigrationFlag, SourceMap};
use ferry_ir::{Mapping, MappingClass, StepKind, TriggerKind, Workflow};

use crate::names::Plan;
use crate::source_map::location;
use crate::{EmitOptions, Target};

/// Text safe in a Markdown table cell.
pub fn cell(s: &str) -> String {
    s.replace(['\n', '\r'], " ").replace('|', "\\|")
}

struct Row {
    construct: String,
    target: String,
    mapping: Mapping,
    source: String,
}

fn rows(workflow: &Workflow, plan: &Plan, sources: &SourceMap) -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, p) in workflow.pipelines.iter().enumerate() {
        rows.push(Row {
            construct: format!("pipeline `{}`", p.display_name),
            target: format!(
                "`pipelines/{}.py`{}",
                plan.pipeline_names[i],
                if p.dynamic { " (dynamic)" } else { "" }
            ),
            mapping: Mapping::direct("workflow"),
            source: location(sources, p.span),
        });
        for param in &p.params {
            rows.push(Row {
                construct: format!("parameter `{}`", param.name),
                target: format!("typed pipeline parameter ({})", param.ty.as_str()),
                mapping: param.mapping.clone(),
                source: location(sources, param.span),
            });
        }
    }
    for s in &plan.steps {
        let target = if s.has_module() {
            format!("`steps/{}.py`", s.py_name)
        } else {
            match s.step.kind {
                StepKind::Branch { .. } => "if/elif/else in the pipeline function".into(),
                StepKind::Succeed => "end of the pipeline function".into(),
                _ => "loop in the pipeline function".into(),
            }
        };
        rows.push(Row {
            construct: format!("{} `{}`", s.step.mapping.construct, s.step.display_name),
            target,
            mapping: s.step.mapping.clone(),
            source: location(sources, s.step.span),
        });
        for r in &s.step.retry {
            rows.push(Row {
                construct: format!("Retry on `{}`", s.step.display_name),
                target: "StepRetryConfig".into(),
                mapping: Mapping::approximate(
                    "Retry",
                    "no error-type filter, max delay or jitter; backoff rounded to an integer",
                ),
                source: location(sources, r.span),
            });
        }
    }
    for t in &workflow.triggers {
        rows.push(Row {
            construct: format!("trigger `{}`", t.name),
            target: "Schedule / external trigger".into(),
            mapping: t.mapping.clone(),
            source: location(sources, t.span),
        });
    }
    for r in &workflow.resources {
        rows.push(Row {
            construct: format!("{} `{}`", r.kind, r.name),
            target: "stack component / step code".into(),
            mapping: r.mapping.clone(),
            source: location(sources, r.span),
        });
    }
    for m in &workflow.models {
        rows.push(Row {
            construct: format!("model `{}`", m.name),
            target: "ZenML Model Control Plane".into(),
            mapping: m.mapping.clone(),
            source: location(sources, m.span),
        });
    }
    rows
}

pub fn emit(
    workflow: &Workflow,
    plan: &Plan,
    sources: &SourceMap,
    options: &EmitOptions,
) -> String {
    let rows = rows(workflow, plan, sources);
    let count = |c: MappingClass| rows.iter().filter(|r| r.mapping.class == c).count();
    let mut out = format!(
        "# Migration Report: {} -> ZenML project `{}`\n\n",
        cell(&workflow.name),
        ferry_ir::naming::to_identifier(&workflow.name)
    );
    out.push_str("## Summary\n\n");
    let files: Vec<String> = workflow
        .sources
        .iter()
        .map(|s| format!("`{}`", cell(&s.path)))
        .collect();
    let _ = writeln!(
        out,
        "- **Source**: {} workflow {}",
        workflow.frontend.as_str(),
        files.join(", ")
    );
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
    let _ = writeln!(
        out,
        "- **Constructs migrated**: {} direct, {} approximate, {} flagged\n",
        count(MappingClass::Direct),
        count(MappingClass::Approximate),
        count(MappingClass::Absent)
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
            "| {} | kept as {} pipeline(s) | the source defines no separate triggers, jobs, partitions or failure domains |",
            plan.pipeline_names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            workflow.pipelines.len()
        );
    }

    table(
        &mut out,
        "Direct Translations",
        "| Source Construct | ZenML Equivalent | Source | Notes |",
        rows.iter()
            .filter(|r| r.mapping.class == MappingClass::Direct),
        |r| {
            format!(
                "| {} | {} | `{}` | {} |",
                cell(&r.construct),
                r.target,
                cell(&r.source),
                cell(&r.mapping.note)
            )
        },
    );
    table(
        &mut out,
        "Approximate Translations",
        "| Source Construct | ZenML Equivalent | Source | What Changed |",
        rows.iter()
            .filter(|r| r.mapping.class == MappingClass::Approximate),
        |r| {
            format!(
                "| {} | {} | `{}` | {} |",
                cell(&r.construct),
                r.target,
                cell(&r.source),
                cell(&r.mapping.note)
            )
        },
    );
    let flagged: Vec<&Row> = rows
        .iter()
        .filter(|r| r.mapping.class == MappingClass::Absent || r.mapping.flag.is_some())
        .collect();
    table(
        &mut out,
        "Flagged for Review",
        "| Source Pattern | Severity | Issue | Suggested Redesign | Source |",
        flagged.iter().copied(),
        |r| {
            let severity = r.mapping.flag.unwrap_or(MigrationFlag::Medium).as_str();
            format!(
                "| {} | {severity} | no ZenML equivalent for {} | {} | `{}` |",
                cell(&r.construct),
                cell(&r.mapping.construct),
                cell(if r.mapping.note.is_empty() {
                    "redesign by hand"
                } else {
                    &r.mapping.note
                }),
                cell(&r.source)
            )
        },
    );

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

    out.push_str("## IO / Storage Migration\n\n");
    list_resources(
        &mut out,
        workflow,
        sources,
        |k| k.contains("io") || k.contains("storage"),
        "No IO managers or storage resources in the source: step outputs are ZenML artifacts in the active artifact store.",
    );
    out.push_str("## Partition / Backfill Strategy\n\n");
    list_resources(
        &mut out,
        workflow,
        sources,
        |k| k.contains("partition"),
        "The source is not partitioned.",
    );

    out.push_str("## Scheduling\n\n");
    if workflow.triggers.is_empty() {
        out.push_str("- **Original**: no schedule or trigger in the source (started on demand).\n- **Migrated**: run `python run.py` on demand.\n\n");
    } else {
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
                cell(&location(sources, t.span))
            );
            let _ = writeln!(
                out,
                "  - **Migrated**: {} — {}",
                t.mapping.class.as_str(),
                cell(&t.mapping.note)
            );
        }
        out.push_str("- **Note**: SageMaker orchestrator supports cron / interval / one-time schedules (6-field AWS cron), but dynamic pipelines cannot be scheduled there; the local stack cannot schedule.\n\n");
    }
    out.push_str("## Automation and Scheduling Gaps\n\n");
    let sensors: Vec<_> = workflow
        .triggers
        .iter()
        .filter(|t| matches!(t.kind, TriggerKind::Sensor { .. }))
        .collect();
    if sensors.is_empty() {
        out.push_str("No sensors or event-driven automation in the source.\n\n");
    } else {
        for t in sensors {
            let _ = writeln!(out, "- `{}`: {}", cell(&t.name), cell(&t.mapping.note));
        }
        out.push('\n');
    }

    out.push_str("## Limitations and Key Differences\n\n");
    let dynamic: Vec<&String> = workflow
        .pipelines
        .iter()
        .zip(&plan.pipeline_names)
        .filter(|(p, _)| p.dynamic)
        .map(|(_, n)| n)
        .collect();
    if !dynamic.is_empty() {
        let _ = writeln!(
            out,
            "- Dynamic pipelines ({}): data-dependent branches and error handlers run as Python control flow; dynamic pipelines are experimental in ZenML and cannot be scheduled on the SageMaker orchestrator.",
            dynamic
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if plan.steps.iter().any(|s| !s.step.retry.is_empty()) {
        out.push_str("- Retries: StepRetryConfig retries on every exception, with an integer backoff and no maximum delay or jitter.\n");
    }
    out.push_str("- Data passes between steps as versioned ZenML artifacts instead of JSON state, S3 URIs or placeholders resolved by the source orchestrator.\n");
    out.push_str("- Steps with side effects (service calls, failures, registration) are not cached, so a re-run repeats them.\n\n");

    out.push_str("## What's NOT Migrated\n\n");
    let absent: Vec<&Row> = rows
        .iter()
        .filter(|r| r.mapping.class == MappingClass::Absent)
        .collect();
    if absent.is_empty() {
        out.push_str("Every construct was translated directly or approximately.\n\n");
    } else {
        for r in absent {
            let _ = writeln!(
                out,
                "- {} (`{}`): {}",
                cell(&r.construct),
                cell(&r.source),
                cell(&r.mapping.note)
            );
        }
        out.push('\n');
    }
    out.push_str("## What You Get for Free After Migration\n\n- **Artifact lineage and versioning**\n- **Step caching**\n- **Stack abstraction**: the same code on the local stack, SageMaker or Kubernetes\n- **Experiment tracker integrations**\n- **Model Control Plane**\n- **Service connectors**\n\n");
    out.push_str("## Recommended Next Steps\n\n1. Review every row of Flagged for Review and each `# TODO(migration):` in the code.\n2. Run `python run.py` on the local stack, then with `--config` pointing at the prod configuration on the target stack.\n3. Run the `zenml-quick-wins` skill and install the ZenML docs MCP server.\n4. Use `zenml-pipeline-authoring` for deeper customization.\n");
    out
}

fn table<'r>(
    out: &mut String,
    title: &str,
    header: &str,
    rows: impl Iterator<Item = &'r Row>,
    line: impl Fn(&Row) -> String,
) {
    let _ = writeln!(out, "## {title}\n");
    let columns = header.matches('|').count() - 1;
    let _ = writeln!(out, "{header}\n|{}", "---|".repeat(columns));
    let mut empty = true;
    for r in rows {
        empty = false;
        let _ = writeln!(out, "{}", line(r));
    }
    if empty {
        let _ = writeln!(out, "| none |{}", " |".repeat(columns - 1));
    }
    out.push('\n');
}

fn list_resources(
    out: &mut String,
    workflow: &Workflow,
    sources: &SourceMap,
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
            cell(&location(sources, r.span)),
            r.mapping.class.as_str(),
            cell(&r.mapping.note)
        );
    }
    out.push('\n');
}
