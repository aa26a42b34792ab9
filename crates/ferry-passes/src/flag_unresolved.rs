use ferry_diagnostics::{Diagnostic, SourceMap};
use ferry_ir::{Binding, Condition, Pipeline, StepKind, Workflow};

use crate::Pass;

/// Runs after the front ends' resolve passes: every placeholder still unresolved gets
/// an F0601 warning and is marked flagged, so nothing unresolved passes silently.
pub struct FlagUnresolved;

impl Pass for FlagUnresolved {
    fn name(&self) -> &'static str {
        "flag-unresolved"
    }

    fn resolves_placeholders(&self) -> bool {
        true
    }

    fn run(
        &self,
        workflow: &mut Workflow,
        _sources: &SourceMap,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        for pipeline in &mut workflow.pipelines {
            flag_pipeline(pipeline, diagnostics);
        }
    }
}

fn flag_pipeline(pipeline: &mut Pipeline, diagnostics: &mut Vec<Diagnostic>) {
    let indices: Vec<_> = pipeline.step_indices().collect();
    for index in indices {
        let step = &mut pipeline.graph[index];
        let step_name = step.display_name.clone();
        for input in &mut step.inputs {
            flag_binding(&mut input.binding, &step_name, diagnostics);
        }
        match &mut step.kind {
            StepKind::Branch { rules, .. } => {
                for rule in rules {
                    flag_condition(&mut rule.condition, &step_name, diagnostics);
                }
            }
            StepKind::Wait { seconds, until } => {
                for b in [seconds, until].into_iter().flatten() {
                    flag_binding(b, &step_name, diagnostics);
                }
            }
            StepKind::Map { items, region, .. } => {
                flag_binding(items, &step_name, diagnostics);
                flag_pipeline(region, diagnostics);
            }
            StepKind::Parallel { branches } => {
                for b in branches {
                    flag_pipeline(b, diagnostics);
                }
            }
            _ => {}
        }
    }
}

fn flag_condition(condition: &mut Condition, step: &str, diagnostics: &mut Vec<Diagnostic>) {
    match condition {
        Condition::Compare { lhs, rhs, .. } => {
            flag_binding(lhs, step, diagnostics);
            flag_binding(rhs, step, diagnostics);
        }
        Condition::And(items) | Condition::Or(items) => {
            for c in items {
                flag_condition(c, step, diagnostics);
            }
        }
        Condition::Not(inner) => flag_condition(inner, step, diagnostics),
        Condition::Expr { .. } => {}
    }
}

fn flag_binding(binding: &mut Binding, step: &str, diagnostics: &mut Vec<Diagnostic>) {
    if let Binding::Unresolved(placeholder) = binding
        && !placeholder.flagged
    {
        placeholder.flagged = true;
        diagnostics.push(
            Diagnostic::warning(
                "F0601",
                format!(
                    "`{}` read by step `{step}` cannot be traced to the step that produces it",
                    placeholder.text
                ),
            )
            .with_primary(placeholder.span, "unresolved reference")
            .with_help("the generated step takes it as a parameter; wire the value by hand"),
        );
    }
}
