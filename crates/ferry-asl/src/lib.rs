//! The Step Functions (Amazon States Language) front end: reads ASL JSON or YAML with
//! a span for every value, checks it like the service does, and lowers every state
//! type to the IR, resolving JSONPath data flow into artifact edges on the way.
//!
//! It must not depend on any other front end or on a back end, and it must never
//! panic on bad input: every problem is a coded diagnostic (F03xx) on its span.

mod bind;
mod choice;
mod codes;
mod dataflow;
mod doc;
mod json;
pub mod jsonata;
pub mod jsonpath;
mod kinds;
mod lower;
mod paths;
mod readers;
mod requests;
mod reshape;
pub mod services;
mod spans;
mod tasks;
mod templates;
mod trace;
mod validate;
mod yaml;

use std::collections::{BTreeMap, BTreeSet};

use ferry_diagnostics::{FileId, SourceMap};
use ferry_ir::{Frontend, SourceRef, Workflow};
use ferry_passes::{Lowered, Pass};

pub use codes::CODES;

/// Parse ASL JSON text into the span-carrying tree, returning only whether it parsed
/// and the findings. For benchmarks and fuzzing; `lower` is the real entry point.
pub fn parse_json_only(text: &str) -> (bool, Vec<ferry_diagnostics::Diagnostic>) {
    let (node, diagnostics) = json::parse(text, FileId(0));
    (node.is_some(), diagnostics)
}

/// An ASL intrinsic call (`States.Format('{}', $.x)`) as an expression, when it parses
/// and every path argument is a reference path.
pub fn intrinsic_expression(text: &str) -> Option<ferry_ir::Expr> {
    paths::parse_intrinsic(text).and_then(|c| trace::intrinsic_expr(&c))
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `${Name}` definition substitutions to fill (`--subst KEY=VALUE`).
    pub substitutions: BTreeMap<String, String>,
}

/// Whether `text` looks like a state machine (cheap; for input detection).
pub fn looks_like_asl(text: &str) -> bool {
    text.contains("StartAt") && text.contains("States")
}

/// ASL needs no passes of its own: data flow is resolved during lowering, where the
/// JSON state document is still at hand.
pub fn passes() -> Vec<Box<dyn Pass>> {
    Vec::new()
}

fn is_yaml(path: &str, text: &str) -> bool {
    path.ends_with(".yaml") || path.ends_with(".yml") || !text.trim_start().starts_with('{')
}

/// Lower one ASL file.
pub fn lower(sources: &SourceMap, file: FileId, options: &Options) -> Lowered {
    let Some(source) = sources.get(file) else {
        return Lowered::default();
    };
    let (document, mut diagnostics) = if is_yaml(&source.path, &source.text) {
        yaml::parse(&source.text, file)
    } else {
        json::parse(&source.text, file)
    };
    let Some(document) = document else {
        return Lowered {
            workflow: None,
            diagnostics,
        };
    };
    let before = diagnostics.len();
    validate::Checker {
        diagnostics: &mut diagnostics,
    }
    .machine(&document, false, false, &mut BTreeSet::new());
    let structural_error = diagnostics[before..]
        .iter()
        .any(|d| d.is_error() && matches!(d.code.as_str(), "F0303" | "F0305" | "F0307" | "F0320"))
        || document.get("States").is_none_or(|s| !s.is_object());
    let stem = source.path.rsplit('/').next().unwrap_or(&source.path);
    let stem = stem.split('.').next().unwrap_or(stem);
    let mut workflow = Workflow::new(stem, Frontend::Asl);
    workflow.sources.push(SourceRef {
        file,
        path: source.path.clone(),
    });
    if structural_error {
        // The shape is too broken to lower faithfully; the errors say why.
        return Lowered {
            workflow: None,
            diagnostics,
        };
    }
    let mut cx = lower::Context::new(&mut diagnostics, &options.substitutions, &source.text);
    declare_substitutions(&document, &mut cx, 0);
    let jsonata = document.get("QueryLanguage").and_then(doc::Node::as_str) == Some("JSONata");
    let name = ferry_ir::naming::to_identifier(stem);
    let display = document
        .get("Comment")
        .and_then(doc::Node::as_str)
        .unwrap_or(stem)
        .to_string();
    let mut pipeline = lower::MachineLowering {
        cx: &mut cx,
        region_input: None,
        vars: Default::default(),
        next_vars: Default::default(),
        context_reads: false,
    }
    .lower(&document, &name, &display, jsonata, 0);
    let mut params = std::mem::take(&mut cx.params);
    params.append(&mut pipeline.params);
    pipeline.params = params;
    if let Some(t) = document.get("TimeoutSeconds").and_then(doc::Node::as_u32) {
        pipeline.notes.push(format!(
            "the whole execution had a {t} s timeout in the source; ZenML pipelines have none"
        ));
    }
    workflow.pipelines.push(pipeline);
    Lowered {
        workflow: Some(workflow),
        diagnostics,
    }
}

fn declare_substitutions(node: &doc::Node, cx: &mut lower::Context, depth: usize) {
    if depth > json::MAX_DEPTH {
        return;
    }
    match &node.kind {
        doc::Kind::String(s) => {
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                let after = &rest[start + 2..];
                let Some(end) = after.find('}') else { break };
                let name = &after[..end];
                if !name.is_empty() && !cx.substitutions.contains_key(name) {
                    cx.substitution_param(name, node.span);
                }
                rest = &after[end + 1..];
            }
        }
        doc::Kind::Array(items) => items
            .iter()
            .for_each(|i| declare_substitutions(i, cx, depth + 1)),
        doc::Kind::Object(fields) => fields
            .iter()
            .for_each(|(_, v)| declare_substitutions(v, cx, depth + 1)),
        _ => {}
    }
}
