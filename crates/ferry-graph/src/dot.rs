use std::fmt::Write;

use ferry_ir::{EdgeKind, MappingClass, Pipeline, StepKind, Workflow};

use crate::label::{branch_condition, edge_label, parameter_line, step_label};

/// Graphviz DOT: one cluster per pipeline, nested clusters for Map/Parallel regions.
pub fn to_dot(workflow: &Workflow) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quote(&workflow.name));
    out.push_str("  rankdir=TB;\n  compound=true;\n  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for (i, pipeline) in workflow.pipelines.iter().enumerate() {
        cluster(&mut out, pipeline, &format!("p{i}"), 1);
    }
    out.push_str("}\n");
    out
}

fn cluster(out: &mut String, pipeline: &Pipeline, prefix: &str, depth: usize) {
    let pad = "  ".repeat(depth);
    let title = if pipeline.dynamic {
        format!("{} (dynamic)", pipeline.display_name)
    } else {
        pipeline.display_name.clone()
    };
    let _ = writeln!(
        out,
        "{pad}subgraph {} {{",
        quote(&format!("cluster_{prefix}"))
    );
    let _ = writeln!(
        out,
        "{pad}  label={};",
        quote(&format!("pipeline {}: {title}", pipeline.name))
    );
    if !pipeline.params.is_empty() {
        let lines: Vec<String> = pipeline.params.iter().map(parameter_line).collect();
        let _ = writeln!(
            out,
            "{pad}  {} [shape=note, fillcolor=lightyellow, label={}];",
            quote(&format!("{prefix}_params")),
            quote(&format!("parameters\n{}", lines.join("\n")))
        );
    }
    for index in pipeline.step_indices() {
        let step = &pipeline.graph[index];
        let id = format!("{prefix}_n{}", index.index());
        let shape = match step.kind {
            StepKind::Branch { .. } => "diamond",
            StepKind::Fail { .. } => "octagon",
            StepKind::Succeed => "doubleoctagon",
            StepKind::Map { .. } | StepKind::Parallel { .. } => "box3d",
            _ => "box",
        };
        let fill = match step.mapping.class {
            MappingClass::Direct => "white",
            MappingClass::Approximate => "lightgoldenrod1",
            MappingClass::Absent => "lightpink",
        };
        let _ = writeln!(
            out,
            "{pad}  {} [shape={shape}, fillcolor={fill}, label={}];",
            quote(&id),
            quote(&step_label(step))
        );
        let regions = step.kind.regions();
        for (r, region) in regions.into_iter().enumerate() {
            let region_prefix = format!("{id}_r{r}");
            cluster(out, region, &region_prefix, depth + 1);
            if let Some(first) = region.step_indices().next() {
                let _ = writeln!(
                    out,
                    "{pad}  {} -> {} [style=dotted, lhead={}];",
                    quote(&id),
                    quote(&format!("{region_prefix}_n{}", first.index())),
                    quote(&format!("cluster_{region_prefix}"))
                );
            }
        }
    }
    for edge in pipeline.graph.edge_indices() {
        let Some((a, b)) = pipeline.graph.edge_endpoints(edge) else {
            continue;
        };
        let kind = &pipeline.graph[edge].kind;
        let condition = match kind {
            EdgeKind::Branch { label } => branch_condition(&pipeline.graph[a], label),
            _ => None,
        };
        let mut attrs = Vec::new();
        if let Some(label) = edge_label(kind, condition) {
            attrs.push(format!("label={}", quote(&label)));
        }
        match kind {
            EdgeKind::Data { .. } => attrs.push("color=steelblue, fontcolor=steelblue".into()),
            EdgeKind::Error(_) => attrs.push("style=dashed, color=red, fontcolor=red".into()),
            EdgeKind::Branch { .. } => attrs.push("penwidth=1.5".into()),
            EdgeKind::Order => {}
        }
        let _ = writeln!(
            out,
            "{pad}  {} -> {} [{}];",
            quote(&format!("{prefix}_n{}", a.index())),
            quote(&format!("{prefix}_n{}", b.index())),
            attrs.join(", ")
        );
    }
    let _ = writeln!(out, "{pad}}}");
}

/// A DOT double-quoted string. Backslashes are doubled so that no escape sequence of
/// DOT (`\l`, `\N`, ...) can be formed from input text; newlines become `\n`.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoting_neutralises_hostile_text() {
        assert_eq!(super::quote("a\"b\\l\nc\u{1}"), "\"a\\\"b\\\\l\\nc \"");
    }
}
