use ferry_ir::{EdgeKind, Pipeline, Workflow};
use serde_json::{Value, json};

use crate::label::{edge_label, parameter_line, step_label};

/// A plain node/edge list per pipeline, for tools that draw graphs themselves.
pub fn to_json(workflow: &Workflow) -> String {
    let pipelines: Vec<Value> = workflow.pipelines.iter().map(pipeline).collect();
    let doc = json!({ "workflow": workflow.name, "frontend": workflow.frontend.as_str(), "pipelines": pipelines });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn pipeline(p: &Pipeline) -> Value {
    let nodes: Vec<Value> = p
        .steps()
        .map(|s| {
            let regions: Vec<Value> = s.kind.regions().into_iter().map(pipeline).collect();
            json!({
                "id": s.name,
                "name": s.display_name,
                "kind": s.kind.keyword(),
                "mapping": s.mapping.class.as_str(),
                "label": step_label(s),
                "regions": regions,
            })
        })
        .collect();
    let edges: Vec<Value> = p
        .edges()
        .map(|(a, b, e)| {
            let kind = match &e.kind {
                EdgeKind::Data { .. } => "data",
                EdgeKind::Order => "order",
                EdgeKind::Branch { .. } => "branch",
                EdgeKind::Error(_) => "error",
            };
            json!({ "from": a.name, "to": b.name, "kind": kind, "label": edge_label(&e.kind, None) })
        })
        .collect();
    json!({
        "name": p.name,
        "dynamic": p.dynamic,
        "parameters": p.params.iter().map(parameter_line).collect::<Vec<_>>(),
        "nodes": nodes,
        "edges": edges,
    })
}
