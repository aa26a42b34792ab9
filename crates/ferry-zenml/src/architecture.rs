//! pipeline_architecture.md: the architecture seed's view generated from the IR —
//! pipelines, triggers, cross-pipeline data flow, and what is not a pipeline.

use std::fmt::Write;

use ferry_ir::{Binding, PlaceholderKind, Workflow};

use crate::context::Context;
use crate::names::Plan;
use crate::report::cell;

pub fn emit(workflow: &Workflow, plan: &Plan, cx: &Context) -> String {
    let mut out = format!(
        "# Pipeline Architecture: {}\n\n## Overview\n\n",
        cell(&workflow.name)
    );
    let _ = writeln!(
        out,
        "{} pipeline(s) migrated from a {} workflow. Each pipeline is one unit of scheduling and failure; data crosses pipelines only as named artifacts.\n",
        workflow.pipelines.len(),
        workflow.frontend.as_str()
    );
    out.push_str("## Pipeline Decomposition\n\n");
    for (i, p) in workflow.pipelines.iter().enumerate() {
        let _ = writeln!(
            out,
            "### Pipeline {}: {} (`{}`)\n",
            i + 1,
            cell(&p.display_name),
            plan.pipeline_names[i]
        );
        let steps: Vec<String> = plan
            .modules_under(&i.to_string())
            .map(|s| format!("`{}`", s.py_name))
            .collect();
        let _ = writeln!(
            out,
            "- **Step functions**: {}",
            if steps.is_empty() {
                "none".into()
            } else {
                steps.join(", ")
            }
        );
        let params: Vec<String> = p
            .params
            .iter()
            .map(|x| format!("`{}: {}`", x.name, x.ty.as_str()))
            .collect();
        let _ = writeln!(
            out,
            "- **Parameters**: {}",
            if params.is_empty() {
                "none".into()
            } else {
                params.join(", ")
            }
        );
        let triggers: Vec<String> = workflow
            .triggers
            .iter()
            .filter(|t| t.pipeline == p.name)
            .map(|t| format!("`{}`", cell(&t.name)))
            .collect();
        let _ = writeln!(
            out,
            "- **Trigger**: {}",
            if triggers.is_empty() {
                "on demand (`python run.py`)".into()
            } else {
                triggers.join(", ")
            }
        );
        let _ = writeln!(
            out,
            "- **Kind**: {}",
            if p.dynamic {
                "dynamic (run-time control flow)"
            } else {
                "static"
            }
        );
        let _ = writeln!(out, "- **Source**: `{}`\n", cell(&cx.location(p.span)));
    }
    out.push_str("## Cross-Pipeline Data Flow\n\n");
    let mut flows = Vec::new();
    for (i, p) in workflow.pipelines.iter().enumerate() {
        for s in p.steps() {
            for input in &s.inputs {
                match &input.binding {
                    Binding::Unresolved(ph) if ph.kind == PlaceholderKind::AssetKey => {
                        flows.push(format!(
                            "- `{}` reads artifact `{}` (step `{}`, input `{}`): wire it by hand",
                            plan.pipeline_names[i],
                            cell(&ph.text),
                            s.name,
                            input.name
                        ));
                    }
                    Binding::Artifact { name, producer } => {
                        let producer = workflow
                            .pipelines
                            .iter()
                            .position(|q| q.name == *producer)
                            .map_or(producer.as_str(), |j| plan.pipeline_names[j].as_str());
                        flows.push(format!(
                            "- `{}` reads the latest `{}` artifact of `{}` with `Client().get_artifact_version` (step `{}`, input `{}`): run `{}` first",
                            plan.pipeline_names[i],
                            cell(name),
                            cell(producer),
                            s.name,
                            input.name,
                            cell(producer)
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
    if flows.is_empty() {
        out.push_str("None: every artifact is produced and consumed inside one pipeline.\n\n");
    } else {
        out.push_str(&flows.join("\n"));
        out.push_str("\n\n");
    }
    out.push_str("## Not-a-Pipeline Components\n\n");
    let mut none = true;
    for r in &workflow.resources {
        none = false;
        let _ = writeln!(
            out,
            "- {} `{}`: {}",
            cell(&r.kind),
            cell(&r.name),
            cell(&r.mapping.note)
        );
    }
    for m in &workflow.models {
        none = false;
        let _ = writeln!(
            out,
            "- model `{}`: registered by step `{}`; ZenML Model Control Plane",
            cell(&m.name),
            cell(&m.step)
        );
    }
    if none {
        out.push_str("None in the source.\n");
    }
    out.push_str("\n## Deferred / Future Work\n\n");
    let absent: Vec<String> = cx
        .record
        .flagged()
        .map(|e| {
            format!(
                "- {} ({}): {}",
                cell(&e.construct),
                e.disposition.as_str(),
                cell(if e.redesign.is_empty() {
                    &e.issue
                } else {
                    &e.redesign
                })
            )
        })
        .collect();
    if absent.is_empty() {
        out.push_str("Nothing deferred.\n");
    } else {
        out.push_str(&absent.join("\n"));
        out.push('\n');
    }
    out.push_str("\n## Open Questions\n\n");
    let flagged: Vec<String> = workflow
        .triggers
        .iter()
        .filter(|t| t.mapping.flag.is_some())
        .map(|t| {
            format!(
                "- How should `{}` start its pipeline? {}",
                cell(&t.name),
                cell(&t.mapping.note)
            )
        })
        .collect();
    if flagged.is_empty() {
        out.push_str("None raised by the migration.\n");
    } else {
        out.push_str(&flagged.join("\n"));
        out.push('\n');
    }
    out
}
