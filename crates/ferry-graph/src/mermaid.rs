use std::fmt::Write;

use ferry_ir::{EdgeKind, MappingClass, Pipeline, StepKind, Workflow};

use crate::label::{branch_condition, edge_label, parameter_line, step_label};

/// A Mermaid `flowchart TD`: one subgraph per pipeline, nested subgraphs for regions,
/// error edges dotted, approximate steps amber and absent steps red.
pub fn to_mermaid(workflow: &Workflow) -> String {
    let mut out = String::from("flowchart TD\n");
    for (i, pipeline) in workflow.pipelines.iter().enumerate() {
        subgraph(&mut out, pipeline, &format!("p{i}"), 1);
    }
    out.push_str("  classDef approximate fill:#fff3c4,stroke:#b58900\n");
    out.push_str("  classDef absent fill:#ffd6d6,stroke:#cc0000\n");
    out
}

fn subgraph(out: &mut String, pipeline: &Pipeline, prefix: &str, depth: usize) {
    let pad = "  ".repeat(depth);
    let title = if pipeline.dynamic {
        format!("pipeline {} (dynamic)", pipeline.name)
    } else {
        format!("pipeline {}", pipeline.name)
    };
    let _ = writeln!(out, "{pad}subgraph {prefix}[{}]", quote(&title));
    let _ = writeln!(out, "{pad}  direction TB");
    if !pipeline.params.is_empty() {
        let lines: Vec<String> = pipeline.params.iter().map(parameter_line).collect();
        let _ = writeln!(
            out,
            "{pad}  {prefix}_params[/{}/]",
            quote(&format!("parameters\n{}", lines.join("\n")))
        );
    }
    for index in pipeline.step_indices() {
        let step = &pipeline.graph[index];
        let id = format!("{prefix}_n{}", index.index());
        let label = quote(&step_label(step));
        let node = match step.kind {
            StepKind::Branch { .. } => format!("{id}{{{label}}}"),
            StepKind::Fail { .. } | StepKind::Succeed => format!("{id}([{label}])"),
            StepKind::Map { .. } | StepKind::Parallel { .. } => format!("{id}[[{label}]]"),
            _ => format!("{id}[{label}]"),
        };
        let _ = writeln!(out, "{pad}  {node}");
        match step.mapping.class {
            MappingClass::Direct => {}
            MappingClass::Approximate => {
                let _ = writeln!(out, "{pad}  class {id} approximate");
            }
            MappingClass::Absent => {
                let _ = writeln!(out, "{pad}  class {id} absent");
            }
        }
        let regions = step.kind.regions();
        for (r, region) in regions.into_iter().enumerate() {
            let region_prefix = format!("{id}_r{r}");
            subgraph(out, region, &region_prefix, depth + 1);
            let _ = writeln!(
                out,
                "{pad}  {id} -.->|{}| {region_prefix}",
                quote("for each")
            );
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
        let arrow = match kind {
            EdgeKind::Error(_) => "-.->",
            EdgeKind::Branch { .. } => "==>",
            _ => "-->",
        };
        let from = format!("{prefix}_n{}", a.index());
        let to = format!("{prefix}_n{}", b.index());
        match edge_label(kind, condition) {
            Some(label) => {
                let _ = writeln!(out, "{pad}  {from} {arrow}|{}| {to}", quote(&label));
            }
            None => {
                let _ = writeln!(out, "{pad}  {from} {arrow} {to}");
            }
        }
    }
    let _ = writeln!(out, "{pad}end");
}

/// A Mermaid quoted label. Characters with a meaning in Mermaid (quotes, `#`, `<`, `>`,
/// `|`, backtick, brackets) become entity codes, so input text can never end the label
/// or start markup; newlines become `<br/>`.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '[' => out.push_str("#91;"),
            ']' => out.push_str("#93;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            '\n' => out.push_str("<br/>"),
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
        assert_eq!(
            super::quote("a\"]|#<x>`\n"),
            "\"a#quot;#93;#124;#35;#lt;x#gt;#96;<br/>\""
        );
    }
}
