//! Verifier rules for the runtime bindings of carried Python steps (F0202, F0212):
//! names are identifiers unique among the step's inputs and bindings, every name a
//! binding reads exists, and each kind's fields are well formed.

use std::collections::BTreeSet;

use ferry_diagnostics::Diagnostic;

use crate::verify::is_valid_identifier;
use crate::{FieldSource, RuntimeKind, Step, StepKind, Value};

fn problem(out: &mut Vec<Diagnostic>, step: &Step, span: crate::Span, message: String) {
    let span = if span.is_detached() { step.span } else { span };
    out.push(Diagnostic::error("F0212", message).with_primary(span, "runtime binding"));
}

fn dotted(module: &str) -> bool {
    !module.is_empty() && module.split('.').all(is_valid_identifier)
}

fn has_input_reference(v: &Value) -> bool {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Input(_) => return true,
            Value::Array(items) => stack.extend(items),
            Value::Object(fields) => stack.extend(fields.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    false
}

/// Check the runtime bindings of one step.
pub(crate) fn verify_step_runtime(step: &Step, out: &mut Vec<Diagnostic>) {
    if step.runtime.is_empty() {
        return;
    }
    if !matches!(step.kind, StepKind::Python { .. }) {
        problem(
            out,
            step,
            step.span,
            format!(
                "step `{}` is not a python step but declares runtime bindings",
                step.name
            ),
        );
        return;
    }
    let mut names: BTreeSet<&str> = step.inputs.iter().map(|i| i.name.as_str()).collect();
    for b in &step.runtime {
        if !is_valid_identifier(&b.name) {
            out.push(
                Diagnostic::error(
                    "F0202",
                    format!(
                        "runtime binding name {} is not a valid Python identifier",
                        crate::text::quote(&b.name)
                    ),
                )
                .with_primary(b.span, "declared here"),
            );
        } else if !names.insert(b.name.as_str()) {
            out.push(
                Diagnostic::error(
                    "F0202",
                    format!(
                        "runtime binding `{}` of step `{}` is declared twice (or is also an input)",
                        b.name, step.name
                    ),
                )
                .with_primary(b.span, "declared here"),
            );
        }
    }
    let generators = step
        .runtime
        .iter()
        .filter(|b| matches!(b.kind, RuntimeKind::Generator { .. }))
        .count();
    if generators > 1 {
        problem(
            out,
            step,
            step.span,
            format!("step `{}` declares its body a generator twice", step.name),
        );
    }
    for b in &step.runtime {
        for read in b.kind.reads() {
            if !names.contains(read) || read == b.name {
                problem(
                    out,
                    step,
                    b.span,
                    format!(
                        "runtime binding `{}` reads `{read}`, which is neither an input nor another binding of step `{}`",
                        b.name, step.name
                    ),
                );
            }
        }
        match &b.kind {
            RuntimeKind::Config { default, value, .. }
                if default.iter().chain(value).any(has_input_reference) =>
            {
                problem(
                    out,
                    step,
                    b.span,
                    format!("configuration value of `{}` refers to an input", b.name),
                );
            }
            RuntimeKind::Object {
                module,
                class,
                fields,
            } => {
                if !dotted(module) || !is_valid_identifier(class) {
                    problem(
                        out,
                        step,
                        b.span,
                        format!(
                            "object `{}` names class `{}` of module `{}`, which are not Python names",
                            b.name,
                            class.escape_debug(),
                            module.escape_debug()
                        ),
                    );
                }
                let mut seen = BTreeSet::new();
                for f in fields {
                    let literal_ok = match &f.source {
                        FieldSource::Literal(v) => !has_input_reference(v),
                        FieldSource::Env(var) => !var.is_empty() && !var.contains(['\0', '=']),
                        FieldSource::Name(_) => true,
                    };
                    if !is_valid_identifier(&f.field)
                        || !seen.insert(f.field.as_str())
                        || !literal_ok
                    {
                        problem(
                            out,
                            step,
                            b.span,
                            format!(
                                "field `{}` of object `{}` is not a keyword argument with a constant, environment variable or name",
                                f.field.escape_debug(),
                                b.name
                            ),
                        );
                    }
                }
            }
            RuntimeKind::PartitionKey { dimensions, .. } => {
                let unique: BTreeSet<&String> = dimensions.iter().collect();
                if unique.len() != dimensions.len() || dimensions.iter().any(String::is_empty) {
                    problem(
                        out,
                        step,
                        b.span,
                        format!(
                            "partition key `{}` has empty or repeated dimensions",
                            b.name
                        ),
                    );
                }
            }
            RuntimeKind::PartitionWindow { format, .. } if format.is_empty() => problem(
                out,
                step,
                b.span,
                format!("partition window `{}` has no key format", b.name),
            ),
            RuntimeKind::Generator { outputs, .. } => {
                for o in outputs {
                    if step.output(o).is_none() {
                        problem(
                            out,
                            step,
                            b.span,
                            format!(
                                "generator `{}` yields output `{o}`, which step `{}` does not declare",
                                b.name, step.name
                            ),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}
