//! Verifier rule for the Python text the IR carries (F0214): step bodies, their import
//! statements and the project's `.py` files must stay within the nesting that a
//! recursive-descent parser, formatter and name walk can read on a worker's stack
//! ([`crate::python_nesting`]). Front ends of Python sources blank such lines when they
//! read them (F0402), so this fires on IR written by hand, where the text arrives as is.

use ferry_diagnostics::{Diagnostic, Span};

use crate::python_nesting::{MAX_BRACKET_DEPTH, MAX_CHAIN_CODE, oversized_lines};
use crate::{Step, StepKind, Workflow};

fn too_deep(out: &mut Vec<Diagnostic>, what: String, span: Span) {
    out.push(
        Diagnostic::error(
            "F0214",
            format!("{what} nests too deeply to be read safely"),
        )
        .with_primary(span, "this Python text")
        .with_note(format!(
            "ferry reads Python whose logical lines nest at most {MAX_BRACKET_DEPTH} brackets \
                 deep and whose chains (code between two commas) are at most {MAX_CHAIN_CODE} bytes"
        ))
        .with_help("split the expression into statements"),
    );
}

pub(crate) fn verify_step_python(step: &Step, out: &mut Vec<Diagnostic>) {
    let StepKind::Python {
        imports,
        body,
        body_span,
        ..
    } = &step.kind
    else {
        return;
    };
    let span = if body_span.is_detached() {
        step.span
    } else {
        *body_span
    };
    if !oversized_lines(body).is_empty() {
        too_deep(
            out,
            format!("the Python body of step `{}`", step.name),
            span,
        );
    }
    if imports.iter().any(|i| !oversized_lines(i).is_empty()) {
        too_deep(
            out,
            format!("an import statement of step `{}`", step.name),
            span,
        );
    }
}

pub(crate) fn verify_files_python(workflow: &Workflow, out: &mut Vec<Diagnostic>) {
    for f in &workflow.files {
        if f.path.ends_with(".py") && !oversized_lines(&f.text).is_empty() {
            too_deep(
                out,
                format!("project file `{}`", f.path.escape_debug()),
                f.span,
            );
        }
    }
}
