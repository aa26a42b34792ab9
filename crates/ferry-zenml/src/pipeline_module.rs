//! One module per pipeline under `pipelines/`: an ASCII DAG in the docstring and the
//! `@pipeline` function (dynamic when the IR says so).

use std::fmt::Write;

use ferry_diagnostics::Diagnostic;
use ferry_ir::{EdgeKind, Pipeline, Workflow};

use crate::control::Body;
use crate::names::Plan;
use crate::python::{self, Expr, comment, doc_text};
use crate::source_map::{Builder, line_count};
use crate::types;

/// The ASCII picture of a pipeline's edges, safe inside a docstring.
pub fn ascii_dag(pipeline: &Pipeline) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
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
        if !lines.contains(&line) {
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

pub fn signature_params(pipeline: &Pipeline) -> Vec<String> {
    pipeline
        .params
        .iter()
        .map(|p| match &p.default {
            Some(v) => format!(
                "{}: {} = {}",
                p.name,
                types::param(p.ty),
                python::value(v, &|x| x.to_string()).flat()
            ),
            None => format!("{}: {} | None = None", p.name, types::param(p.ty)),
        })
        .collect()
}

pub fn emit(
    workflow: &Workflow,
    index: usize,
    plan: &Plan,
    map: &mut Builder,
    diagnostics: &mut Vec<Diagnostic>,
) -> String {
    let pipeline = &workflow.pipelines[index];
    let py_name = &plan.pipeline_names[index];
    let key = index.to_string();
    let file = format!("pipelines/{py_name}.py");

    let mut body = Body::new(
        plan,
        pipeline.dynamic,
        pipeline.params.iter().map(|p| p.name.clone()),
    );
    for p in &pipeline.params {
        body.bind_param(&key, &p.name, &p.name);
    }
    body.emit_pipeline(pipeline, &key, 1);
    diagnostics.append(&mut body.diagnostics);
    let needs = body.needs;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "\"\"\"Pipeline `{}`, migrated by ferry from {}.",
        doc_text(&pipeline.display_name),
        doc_text(&map.location(pipeline.span))
    );
    out.push('\n');
    out.push_str("DAG:\n");
    for line in ascii_dag(pipeline) {
        let _ = writeln!(out, "    {}", doc_text(&line));
    }
    out.push_str("\"\"\"\n\n");
    let mut std_imports = Vec::new();
    if needs.fnmatch {
        std_imports.push("import fnmatch");
    }
    if needs.timestamp_helper {
        std_imports.push("from datetime import datetime");
    }
    if needs.lookup_helper
        || pipeline
            .params
            .iter()
            .any(|p| types::param(p.ty).contains("Any"))
    {
        std_imports.push("from typing import Any");
    }
    for i in &std_imports {
        let _ = writeln!(out, "{i}");
    }
    if !std_imports.is_empty() {
        out.push('\n');
    }
    out.push_str("from zenml import pipeline\n\n");
    let functions: Vec<String> = if pipeline.dynamic {
        plan.modules_under(&key)
            .map(|s| s.py_name.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    } else {
        needs.step_functions.iter().cloned().collect()
    };
    let mut local: Vec<String> = Vec::new();
    if !functions.is_empty() {
        local.push(format!("from steps import {}", functions.join(", ")));
    }
    if needs.pipeline_failed_error {
        local.push("from steps.errors import PipelineFailedError".into());
    }
    out.push_str(&crate::imports::block(&local));
    if needs.unresolved_helper {
        out.push_str("\n\ndef unresolved(reference: str) -> None:\n");
        out.push_str("    \"\"\"A value the source read that ferry could not trace; wire it by hand.\"\"\"\n");
        out.push_str(
            "    # TODO(migration): replace each unresolved(...) call with the real value.\n",
        );
        out.push_str("    raise NotImplementedError(f\"unresolved reference: {reference}\")\n");
    }
    if needs.lookup_helper {
        out.push_str("\n\ndef lookup(value: Any, *path: str | int) -> Any:\n");
        out.push_str("    \"\"\"The value at `path` inside `value`, or None where a part is missing.\"\"\"\n");
        out.push_str("    for part in path:\n");
        out.push_str("        in_dict = isinstance(value, dict) and part in value\n");
        out.push_str("        in_list = isinstance(value, list) and isinstance(part, int)\n");
        out.push_str("        if not (in_dict or (in_list and part < len(value))):\n");
        out.push_str("            return None\n        value = value[part]\n    return value\n");
    }
    if needs.timestamp_helper {
        out.push_str("\n\ndef is_timestamp(value: object) -> bool:\n");
        out.push_str("    \"\"\"ASL IsTimestamp: an RFC 3339 string.\"\"\"\n");
        out.push_str(
            "    try:\n        datetime.fromisoformat(str(value).replace(\"Z\", \"+00:00\"))\n",
        );
        out.push_str("    except ValueError:\n        return False\n    return True\n");
    }
    out.push_str("\n\n");
    let decorator = if pipeline.dynamic {
        let depends = Expr::List(functions.iter().map(|f| Expr::atom(f.clone())).collect());
        Expr::call(
            "pipeline",
            vec![
                (Some("dynamic".into()), Expr::atom("True")),
                (Some("depends_on".into()), depends),
            ],
        )
    } else {
        Expr::atom("pipeline")
    };
    for note in &pipeline.notes {
        let _ = writeln!(out, "# Migration note: {}", comment(note));
    }
    if pipeline.dynamic {
        out.push_str("# Migration note: data-dependent control flow makes this a dynamic pipeline (experimental in ZenML; not schedulable on the SageMaker orchestrator)\n");
    }
    out.push_str(&decorator.render(0, "@", ""));
    let params = signature_params(pipeline);
    let one_line = format!("def {py_name}({}) -> None:", params.join(", "));
    if one_line.len() <= python::LINE_WIDTH {
        let _ = writeln!(out, "{one_line}");
    } else {
        let _ = writeln!(out, "def {py_name}(");
        for p in &params {
            let _ = writeln!(out, "    {p},");
        }
        out.push_str(") -> None:\n");
    }
    let _ = writeln!(
        out,
        "    \"\"\"{}.\"\"\"",
        doc_text(&pipeline.display_name).trim_end_matches('.')
    );
    let body_start = line_count(&out);
    // Dropping one unused assignment can make another one unused.
    let mut text = body.out.clone();
    loop {
        let next = drop_unused_assignments(&text);
        if next == text {
            break;
        }
        text = next;
    }
    out.push_str(&text);
    for (start, end, span, what) in needs.calls {
        map.record(
            &file,
            body_start + start,
            body_start + end,
            span,
            format!("call of {what}"),
        );
    }
    map.record(
        &file,
        1,
        line_count(&out),
        pipeline.span,
        format!("pipeline {}", pipeline.display_name),
    );
    out
}

/// Static pipelines assign every step's outputs; an output nobody reads would be an
/// unused variable, so its assignment is dropped (tuple targets become `_`).
fn drop_unused_assignments(body: &str) -> String {
    let uses = |name: &str| {
        body.match_indices(name)
            .filter(|(i, _)| {
                let before = body[..*i].chars().next_back();
                let after = body[i + name.len()..].chars().next();
                !before.is_some_and(|c| c == '_' || c.is_ascii_alphanumeric() || c == '.')
                    && !after.is_some_and(|c| c == '_' || c.is_ascii_alphanumeric())
            })
            .count()
    };
    let mut out = String::with_capacity(body.len());
    // Set while unwrapping `(\n    call()\n)` left by dropping `x = (`: the indent of
    // the opening line.
    let mut unwrapping: Option<usize> = None;
    for line in body.split_inclusive('\n') {
        if let Some(open_indent) = unwrapping {
            let indent = line.len() - line.trim_start().len();
            if line.trim() == ")" && indent == open_indent {
                unwrapping = None;
            } else {
                out.push_str(&line[4.min(indent)..]);
            }
            continue;
        }
        // An item of a parenthesised target list: `name,`.
        let item = line.trim();
        if let Some(name) = item.strip_suffix(',')
            && !name.is_empty()
            && name != "_"
            && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
            && uses(name) == 1
        {
            out.push_str(&line.replace(name, "_"));
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let rest = &line[indent..];
        let target = rest.split_once(" = ").map(|(t, _)| t).filter(|t| {
            !t.is_empty()
                && t.split(", ").all(|n| {
                    !n.is_empty() && n.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
                })
        });
        match target {
            Some(t) => {
                let names: Vec<&str> = t.split(", ").collect();
                let kept: Vec<String> = names
                    .iter()
                    .map(|n| {
                        if uses(n) > 1 {
                            n.to_string()
                        } else {
                            "_".to_string()
                        }
                    })
                    .collect();
                let value = &rest[t.len() + 3..];
                if kept.iter().all(|k| k == "_") && value.trim() == "(" {
                    unwrapping = Some(indent);
                    continue;
                }
                let is_call = value.trim_end().ends_with('(') || value.trim_end().ends_with(')');
                if kept.iter().all(|k| k == "_") && !is_call {
                    // A collected list nobody reads: drop the statement.
                    continue;
                }
                out.push_str(&line[..indent]);
                if kept.iter().all(|k| k == "_") {
                    out.push_str(value);
                } else {
                    out.push_str(&format!("{} = {value}", kept.join(", ")));
                }
            }
            None => out.push_str(line),
        }
    }
    out
}
