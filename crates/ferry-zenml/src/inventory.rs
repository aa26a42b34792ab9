//! `ferry-inventory.json`: what the source defines, per pipeline (steps, data and order
//! edges, parameters, schedule, branch and handler shape), taken from the IR, and what
//! each source construct became, taken from the emission record the report is built
//! from. The generated tests (`project_tests.rs`) check the project against it: the
//! inventory says what the source had, ZenML's own compilation says what the project
//! has, so a back end that drops an edge fails the structure test.

use std::collections::{BTreeMap, BTreeSet};

use ferry_ir::{EdgeKind, Pipeline, StepKind, TriggerKind, Workflow};
use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;
use serde_json::{Value as Json, json};

use crate::configs::config_paths;
use crate::context::Context;
use crate::names::{Plan, region_key};
use crate::record::{Disposition, Entry};

/// The inventory's format marker; the generated tests refuse any other.
pub const FORMAT: &str = "ferry-inventory/1";

/// A literal wait longer than this keeps a pipeline out of the smoke run.
const LONGEST_SMOKE_WAIT_SECONDS: f64 = 10.0;

/// `files`: every generated path; `verbatim`: the user's files kept as written.
pub fn emit(
    workflow: &Workflow,
    plan: &Plan,
    cx: &Context,
    files: &BTreeSet<String>,
    verbatim: &BTreeSet<String>,
    parity_against: Option<&str>,
) -> String {
    let pipelines: Vec<Json> = (0..workflow.pipelines.len())
        .map(|i| pipeline(workflow, plan, cx, i))
        .collect();
    let constructs: Vec<Json> = cx.record.entries.iter().map(|e| construct(cx, e)).collect();
    let modules: Vec<Json> = files
        .iter()
        .filter(|p| !verbatim.contains(*p) && !p.starts_with("tests/"))
        .filter_map(|p| module_name(p))
        .map(Json::from)
        .collect();
    let dependencies: Vec<Json> = crate::project_files::dependencies(cx)
        .iter()
        .map(|d| {
            let imports: Vec<String> = crate::distributions::imports_of(d).into_iter().collect();
            json!({"distribution": d, "imports": imports})
        })
        .collect();
    let mut root = json!({
        "format": FORMAT,
        "workflow": workflow.name,
        "frontend": workflow.frontend.as_str(),
        "sources": workflow.sources.iter().map(|s| s.path.clone()).collect::<Vec<_>>(),
        "modules": modules,
        "dependencies": dependencies,
        "pipelines": pipelines,
        "constructs": constructs,
    });
    if workflow.frontend == ferry_ir::Frontend::Dagster {
        root["parity"] = crate::parity::inventory(workflow, plan, parity_against);
    }
    let mut text = serde_json::to_string_pretty(&root).unwrap_or_default();
    text.push('\n');
    text
}

/// `steps/train.py` → `steps.train`; `None` for a path that is not an importable module.
fn module_name(path: &str) -> Option<String> {
    let stem = path.strip_suffix(".py")?;
    let mut parts: Vec<&str> = stem.split('/').collect();
    if parts.last() == Some(&"__init__") {
        parts.pop();
    }
    let ok = !parts.is_empty()
        && parts
            .iter()
            .all(|p| crate::code::is_python_identifier(p) && !p.starts_with('.'));
    ok.then(|| parts.join("."))
}

/// The report row an inventory line points at.
pub fn row(cx: &Context, e: &Entry) -> String {
    let at = e.marker.as_ref().map_or_else(
        || cx.location(e.span),
        |(file, line)| format!("{file}:{line}"),
    );
    let table = if e.disposition.is_flagged() {
        "Flagged for Review"
    } else {
        "Translated"
    };
    format!(
        "MIGRATION_REPORT.md, {table}: {} -> {} ({at})",
        e.construct,
        e.disposition.as_str()
    )
}

fn construct(cx: &Context, e: &Entry) -> Json {
    json!({
        "construct": e.construct,
        "kind": format!("{:?}", e.kind).to_lowercase(),
        "target": e.target,
        "disposition": disposition_key(e.disposition),
        "issue": e.issue,
        "source": cx.location(e.span),
        "generated": e.marker.as_ref().map(|(f, l)| format!("{f}:{l}")),
        "code": e.code,
        "row": row(cx, e),
    })
}

fn disposition_key(d: Disposition) -> &'static str {
    match d {
        Disposition::Translated => "translated",
        Disposition::Approximate => "with_note",
        Disposition::StandIn => "stand_in",
        Disposition::Placeholder => "placeholder",
        Disposition::Dropped => "dropped",
    }
}

/// Whether a record entry belongs to one of `files` (its target or its marker).
fn concerns(e: &Entry, files: &BTreeSet<String>) -> bool {
    e.marker.as_ref().is_some_and(|(f, _)| files.contains(f))
        || files.iter().any(|f| e.target.contains(&format!("`{f}`")))
}

fn pipeline(workflow: &Workflow, plan: &Plan, cx: &Context, index: usize) -> Json {
    let p = &workflow.pipelines[index];
    let key = index.to_string();
    let name = &plan.pipeline_names[index];
    let (dev, _) = config_paths(workflow, plan, index);
    let module_file = format!("pipelines/{name}.py");

    let mut steps = Vec::new();
    let mut fails = Vec::new();
    for n in p.step_indices() {
        let step = &p.graph[n];
        let Some(planned) = plan.get(&key, &step.name).filter(|s| s.has_module()) else {
            continue;
        };
        let upstream: BTreeSet<String> = upstream(plan, &key, p, n);
        let file = format!("steps/{}.py", planned.py_name);
        let disposition = cx
            .record
            .steps()
            .find(|e| e.target == format!("`{file}`"))
            .map_or("translated", |e| disposition_key(e.disposition));
        if let StepKind::Fail { error, .. } = &step.kind {
            fails.push(json!({"function": planned.py_name, "error": error}));
        }
        steps.push(json!({
            "function": planned.py_name,
            "source": step.display_name,
            "construct": step.mapping.construct,
            "kind": step.kind.keyword(),
            "upstream": upstream.into_iter().collect::<Vec<_>>(),
            "disposition": disposition,
        }));
    }
    let functions: BTreeSet<String> = plan
        .modules_under(&key)
        .map(|s| s.py_name.clone())
        .collect();
    let mut branches = Vec::new();
    let mut handlers = Vec::new();
    shape(plan, p, &key, &mut branches, &mut handlers);

    let edges: Vec<Json> = p
        .edges()
        .map(|(a, b, e)| {
            let (kind, label) = match &e.kind {
                EdgeKind::Data { from_port, to_port } => {
                    ("data", Some(format!("{from_port} -> {to_port}")))
                }
                EdgeKind::Order => ("order", None),
                EdgeKind::Branch { label } => ("branch", Some(label.clone())),
                EdgeKind::Error(_) => ("error", None),
            };
            json!({"from": a.name, "to": b.name, "kind": kind, "label": label})
        })
        .collect();
    let parameters: Vec<Json> = p
        .params
        .iter()
        .map(|param| {
            json!({
                "name": param.name,
                "type": param.ty.as_str(),
                "default": param.default.as_ref().map(ferry_ir::text::print_value),
            })
        })
        .collect();
    let schedule: Vec<Json> = workflow
        .triggers
        .iter()
        .filter(|t| t.pipeline == p.name)
        .map(|t| {
            let (kind, value) = match &t.kind {
                TriggerKind::Schedule { cron, timezone } => (
                    "cron",
                    match timezone {
                        Some(tz) => format!("{cron} ({tz})"),
                        None => cron.clone(),
                    },
                ),
                TriggerKind::Interval { seconds } => ("interval_seconds", seconds.to_string()),
                TriggerKind::Sensor { description } => ("sensor", description.clone()),
            };
            json!({"name": t.name, "kind": kind, "value": value, "mapping": t.mapping.class.as_str()})
        })
        .collect();

    // Files whose flagged rows concern this pipeline.
    let mut own: BTreeSet<String> = functions.iter().map(|f| format!("steps/{f}.py")).collect();
    own.insert(module_file.clone());
    let stand_ins: Vec<Json> = cx
        .record
        .entries
        .iter()
        .filter(|e| {
            matches!(
                e.disposition,
                Disposition::StandIn | Disposition::Placeholder
            )
        })
        .filter(|e| concerns(e, &own))
        .map(|e| {
            let function = plan
                .modules_under(&key)
                .find(|s| e.target == format!("`steps/{}.py`", s.py_name))
                .filter(|_| e.disposition == Disposition::StandIn)
                .map(|s| s.py_name.clone());
            json!({"function": function, "row": row(cx, e)})
        })
        .collect();
    let smoke = smoke(plan, &key, &stand_ins);

    json!({
        "name": name,
        "source": p.display_name,
        "module": format!("pipelines.{name}"),
        "config": dev,
        "dynamic": p.dynamic,
        "parameters": parameters,
        "schedule": schedule,
        "steps": steps,
        "functions": functions.into_iter().collect::<Vec<_>>(),
        "edges": edges,
        "branches": branches,
        "handlers": handlers,
        "fails": fails,
        "stand_ins": stand_ins,
        "smoke": smoke,
    })
}

/// The step functions `n` runs after: the sources of its incoming edges, looking
/// through steps that are control flow rather than step functions.
fn upstream(plan: &Plan, key: &str, p: &Pipeline, n: NodeIndex) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<NodeIndex> = p
        .graph
        .edges_directed(n, Direction::Incoming)
        .map(|e| e.source())
        .collect();
    while let Some(s) = stack.pop() {
        if !seen.insert(s) {
            continue;
        }
        match plan.get(key, &p.graph[s].name) {
            Some(planned) if planned.has_module() => {
                out.insert(planned.py_name.clone());
            }
            _ => stack.extend(
                p.graph
                    .edges_directed(s, Direction::Incoming)
                    .map(|e| e.source()),
            ),
        }
    }
    out
}

/// Branches (rules and whether a default arm leads somewhere) and error handlers
/// (the guarded step function and the step its error edge leads to), regions
/// included.
fn shape(plan: &Plan, p: &Pipeline, key: &str, branches: &mut Vec<Json>, handlers: &mut Vec<Json>) {
    let function = |n: NodeIndex| -> Json {
        match plan.get(key, &p.graph[n].name) {
            Some(s) if s.has_module() => Json::from(s.py_name.clone()),
            _ => Json::Null,
        }
    };
    for n in p.step_indices() {
        let step = &p.graph[n];
        if let StepKind::Branch { rules, default } = &step.kind {
            let labels: BTreeMap<&str, NodeIndex> = p
                .graph
                .edges_directed(n, Direction::Outgoing)
                .filter_map(|e| match &e.weight().kind {
                    EdgeKind::Branch { label } => Some((label.as_str(), e.target())),
                    _ => None,
                })
                .collect();
            let default_leads = default.as_deref().is_some_and(|d| labels.contains_key(d));
            branches.push(json!({
                "step": step.display_name,
                "rules": rules.len(),
                "default": default_leads,
            }));
        }
        for e in p.graph.edges_directed(n, Direction::Outgoing) {
            if matches!(e.weight().kind, EdgeKind::Error(_)) {
                handlers.push(json!({
                    "guarded": step.display_name,
                    "guarded_function": function(n),
                    "handler": p.graph[e.target()].display_name,
                    "handler_function": function(e.target()),
                }));
            }
        }
        for (r, region) in step.kind.regions().into_iter().enumerate() {
            shape(
                plan,
                region,
                &region_key(key, n.index(), r),
                branches,
                handlers,
            );
        }
    }
}

/// What the smoke run of a pipeline expects: `run` (completes, or ends in one of the
/// source's Fail states), `xfail` (a stand-in or placeholder raises), or `skip` (a
/// step needs an external service or waits too long for a smoke run).
fn smoke(plan: &Plan, key: &str, stand_ins: &[Json]) -> Json {
    if !stand_ins.is_empty() {
        let reasons: Vec<Json> = stand_ins.iter().map(|s| s["row"].clone()).collect();
        return json!({"expect": "xfail", "reasons": reasons});
    }
    let reasons: Vec<String> = plan
        .modules_under(key)
        .filter_map(|s| external(s.step).map(|why| format!("step `{}` {why}", s.py_name)))
        .collect();
    if reasons.is_empty() {
        json!({"expect": "run", "reasons": []})
    } else {
        json!({"expect": "skip", "reasons": reasons})
    }
}

/// Why a step cannot run in a smoke run on the local stack, if it cannot.
fn external(step: &ferry_ir::Step) -> Option<String> {
    match &step.kind {
        StepKind::ServiceCall {
            service, action, ..
        } => Some(format!("calls AWS {service}:{action}")),
        StepKind::Lambda { .. } => Some("invokes an AWS Lambda function".into()),
        StepKind::Activity { .. } => Some("waits for a Step Functions activity worker".into()),
        StepKind::Job { job, .. } => Some(format!("runs a SageMaker {job} job")),
        StepKind::Script { image: Some(_), .. } => Some("runs a container image".into()),
        StepKind::Python { imports, .. }
            if imports
                .iter()
                .any(|i| i.contains("boto3") || i.contains("sagemaker")) =>
        {
            Some("uses the AWS SDK".into())
        }
        StepKind::Wait { seconds, until } => match (seconds, until) {
            (Some(ferry_ir::Binding::Literal(ferry_ir::Value::Number(n))), _)
                if n.parse::<f64>()
                    .is_ok_and(|s| s <= LONGEST_SMOKE_WAIT_SECONDS) =>
            {
                None
            }
            (None, None) => None,
            _ => Some("waits longer than a smoke run allows".into()),
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names() {
        assert_eq!(
            module_name("steps/train.py").as_deref(),
            Some("steps.train")
        );
        assert_eq!(module_name("steps/__init__.py").as_deref(), Some("steps"));
        assert_eq!(module_name("run.py").as_deref(), Some("run"));
        assert_eq!(module_name("my-dir/x.py"), None);
        assert_eq!(module_name("README.md"), None);
    }
}
