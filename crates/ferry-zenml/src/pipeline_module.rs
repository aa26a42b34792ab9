//! One module per pipeline under `pipelines/`: an ASCII DAG in the docstring and the
//! `@pipeline` function (dynamic when the IR says so).

use ferry_ir::{EdgeKind, Pipeline, Workflow};

use crate::code::{Code, Ident, py};
use crate::context::Context;
use crate::control::Body;
use crate::imports::Imports;
use crate::names::Plan;
use crate::record::{Disposition, Entry, EntryKind};
use crate::types;
use crate::writer::{Unformatted, Writer};

/// The ASCII picture of a pipeline's edges.
pub fn ascii_dag(pipeline: &Pipeline) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (from, to, edge) in pipeline.edges() {
        let arrow = match &edge.kind {
            EdgeKind::Order => "-->".to_string(),
            EdgeKind::Data { from_port, .. } => format!("--{from_port}-->"),
            EdgeKind::Branch { label } => {
                format!("--[{}]-->", ferry_ir::naming::to_identifier(label))
            }
            EdgeKind::Error(_) => "-(error)->".to_string(),
        };
        let line = format!("[{}] {arrow} [{}]", from.name, to.name);
        if seen.insert(line.clone()) {
            lines.push(line);
        }
    }
    let connected: std::collections::BTreeSet<&str> = pipeline
        .edges()
        .flat_map(|(a, b, _)| [a.name.as_str(), b.name.as_str()])
        .collect();
    for s in pipeline.steps() {
        if !connected.contains(s.name.as_str()) {
            lines.push(format!("[{}]", s.name));
        }
    }
    lines
}

fn signature(pipeline: &Pipeline) -> Vec<Code> {
    pipeline
        .params
        .iter()
        .map(|p| {
            let name = Ident::new(&p.name);
            match &p.default {
                Some(v) => py!("{}: {} = {}", name, types::param(p.ty), Code::constant(v)),
                None => py!("{}: {} | None = None", name, types::param(p.ty)),
            }
        })
        .collect()
}

const UNRESOLVED_HELPER: &str = "def unresolved(reference: str) -> None:
    \"\"\"A value the source read that ferry could not trace; wire it by hand.\"\"\"
    raise NotImplementedError(f\"unresolved reference: {{reference}}\")";

const LOOKUP_HELPER: &str = "def lookup(value: Any, *path: str | int) -> Any:
    \"\"\"The value at `path` inside `value`, or None where a part is missing.\"\"\"
    for part in path:
        in_dict = isinstance(value, dict) and part in value
        in_list = isinstance(value, list) and isinstance(part, int)
        if not (in_dict or (in_list and part < len(value))):
            return None
        value = value[part]
    return value";

const TIMESTAMP_HELPER: &str = "def is_timestamp(value: object) -> bool:
    \"\"\"ASL IsTimestamp: an RFC 3339 string.\"\"\"
    try:
        datetime.fromisoformat(str(value).replace(\"Z\", \"+00:00\"))
    except ValueError:
        return False
    return True";

pub fn emit(workflow: &Workflow, index: usize, plan: &Plan, cx: &mut Context) -> Unformatted {
    let pipeline = &workflow.pipelines[index];
    let py_name = Ident::new(&plan.pipeline_names[index]);
    let key = index.to_string();
    let file = format!("pipelines/{}.py", py_name.as_str());

    let mut body = Body::new(
        plan,
        pipeline,
        &key,
        pipeline.params.iter().map(|p| p.name.clone()),
    );
    for p in &pipeline.params {
        body.bind_param(&key, &p.name, Ident::new(&p.name));
    }
    body.emit_pipeline(pipeline, &key);
    body.flush_pending();
    cx.diagnostics.append(&mut body.diagnostics);
    let needs = std::mem::take(&mut body.needs);
    let statements = body.w;

    let mut imports = Imports::new();
    imports.from("zenml", "pipeline");
    if needs.fnmatch {
        imports.import("fnmatch");
    }
    if needs.asl_runtime {
        crate::computed::use_runtime(&mut imports, cx);
    }
    if needs.timestamp_helper {
        imports.from("datetime", "datetime");
    }
    let uses_any = needs.lookup_helper
        || pipeline
            .params
            .iter()
            .any(|p| types::param(p.ty).as_str().contains("Any"));
    if uses_any {
        imports.from("typing", "Any");
    }
    let functions: Vec<String> = if pipeline.dynamic {
        plan.modules_under(&key)
            .map(|s| s.py_name.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    } else {
        needs.step_functions.iter().cloned().collect()
    };
    for f in &functions {
        imports.import_generated("steps", &Ident::new(f));
    }
    if needs.artifact_client {
        imports.from("zenml.client", "Client");
    }
    if needs.pipeline_failed_error {
        imports.from("steps.errors", "PipelineFailedError");
    }

    let mut w = Writer::new();
    let mut details = vec!["DAG:".to_string()];
    details.extend(ascii_dag(pipeline).into_iter().map(|l| format!("    {l}")));
    w.lines(&Code::docstring_block(
        &format!(
            "Pipeline `{}`, migrated by ferry from {}.",
            pipeline.display_name,
            cx.location(pipeline.span)
        ),
        &details,
    ));
    w.blank();
    cx.import_block(&mut w, &imports);
    for (needed, helper) in [
        (needs.unresolved_helper, UNRESOLVED_HELPER),
        (needs.lookup_helper, LOOKUP_HELPER),
        (needs.timestamp_helper, TIMESTAMP_HELPER),
    ] {
        if needed {
            w.blank();
            w.blank();
            w.lines(&Code::template(helper, &[]));
        }
    }
    w.blank();
    w.blank();
    let start = w.offset();
    for note in &pipeline.notes {
        w.note(note);
    }
    if pipeline.dynamic {
        w.note("data-dependent control flow makes this a dynamic pipeline (experimental in ZenML; not schedulable on the SageMaker orchestrator)");
        let depends = Code::list(functions.iter().map(|f| Ident::new(f).code()));
        w.line(py!("@pipeline(dynamic=True, depends_on={})", depends));
    } else {
        w.line(py!("@pipeline"));
    }
    w.open(py!(
        "def {}({}) -> None",
        py_name,
        Code::join(signature(pipeline), ", ")
    ));
    w.line(Code::docstring(&format!(
        "{}.",
        pipeline.display_name.trim_end_matches('.')
    )));
    if pipeline.graph.node_count() == 0 {
        // ZenML refuses to compile a pipeline without steps; say so where it fails.
        w.todo(
            "this pipeline has no steps (ZenML refuses to run it): add the steps the source ran here",
            Entry::new(
                EntryKind::Control,
                format!("steps of pipeline `{}`", pipeline.display_name),
                format!("`{file}`"),
                Disposition::Dropped,
                pipeline.span,
            )
            .issue("nothing of the source became a step of this pipeline; its findings say why"),
        );
    }
    w.append(statements);
    w.close();
    w.mark(
        start,
        pipeline.span,
        format!("pipeline {}", pipeline.display_name),
    );
    cx.record.push(
        Entry::new(
            EntryKind::Pipeline,
            format!("pipeline `{}`", pipeline.display_name),
            format!(
                "`{file}`{}",
                if pipeline.dynamic { " (dynamic)" } else { "" }
            ),
            if pipeline.dynamic {
                Disposition::Approximate
            } else {
                Disposition::Translated
            },
            pipeline.span,
        )
        .issue(if pipeline.dynamic {
            "data-dependent control flow runs as Python in a dynamic pipeline"
        } else {
            ""
        }),
    );
    w.finish()
}
