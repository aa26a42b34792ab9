//! Pipeline parameters that only choose infrastructure (instance types and counts,
//! volume sizes) are runtime settings, not business parameters (the seed's
//! anti-pattern table): where a job object read one, its runtime hint already holds
//! the parameter's default as a literal (`hint_value`); a parameter nothing else reads
//! leaves the pipeline signature, with a note.

use std::collections::BTreeSet;

use ferry_ir::{Binding, Condition, StepKind};

use crate::lower::Lowerer;

impl Lowerer<'_> {
    pub fn runtime_parameters(&mut self) {
        let mut bound: BTreeSet<String> = BTreeSet::new();
        for step in self.pipeline.steps() {
            for input in &step.inputs {
                if let Binding::Parameter(p) = &input.binding {
                    bound.insert(p.clone());
                }
            }
            if let StepKind::Branch { rules, .. } = &step.kind {
                for rule in rules {
                    condition_params(&rule.condition, &mut bound, 0);
                }
            }
        }
        let runtime: Vec<String> = self.infra_params.difference(&bound).cloned().collect();
        for name in &runtime {
            let Some(param) = self.pipeline.params.iter().find(|p| &p.name == name) else {
                continue;
            };
            let value = param
                .default
                .as_ref()
                .map_or("no default".to_string(), ferry_ir::text::print_value);
            let note = format!(
                "{} only sets infrastructure: it is a runtime setting ({value}), not a pipeline parameter",
                param.mapping.construct
            );
            self.pipeline.notes.push(note);
        }
        self.pipeline.params.retain(|p| !runtime.contains(&p.name));
    }
}

fn condition_params(c: &Condition, out: &mut BTreeSet<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    match c {
        Condition::Compare { lhs, rhs, .. } => {
            for b in [lhs, rhs] {
                if let Binding::Parameter(p) = b {
                    out.insert(p.clone());
                }
            }
        }
        Condition::And(items) | Condition::Or(items) => {
            for i in items {
                condition_params(i, out, depth + 1);
            }
        }
        Condition::Not(inner) => condition_params(inner, out, depth + 1),
        Condition::Expr { .. } => {}
    }
}
