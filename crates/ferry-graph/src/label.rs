//! Label text shared by the formats (what to show); each format escapes it itself.

use ferry_ir::text::print_binding_short;
use ferry_ir::{Condition, EdgeKind, MappingClass, Parameter, Step, StepKind};

pub fn step_label(step: &Step) -> String {
    let marker = match step.mapping.class {
        MappingClass::Direct => "",
        MappingClass::Approximate => " ~",
        MappingClass::Absent => " !",
    };
    let detail = match &step.kind {
        StepKind::ServiceCall {
            service,
            action,
            pattern,
            ..
        } => format!("{service}:{action} ({})", pattern.as_str()),
        StepKind::Lambda { function, .. } => format!("lambda {}", short(function, 40)),
        StepKind::Job { job, .. } => format!("job {job}"),
        StepKind::Python { function, .. } => format!("python {function}()"),
        StepKind::Fail { error, .. } => format!("fail {}", error.as_deref().unwrap_or("")),
        other => other.keyword().to_string(),
    };
    format!("{}{marker}\n{}", step.display_name, detail.trim_end())
}

pub fn edge_label(kind: &EdgeKind, branch_condition: Option<&Condition>) -> Option<String> {
    match kind {
        EdgeKind::Order => None,
        EdgeKind::Data { from_port, to_port } => Some(if from_port == to_port {
            from_port.clone()
        } else {
            format!("{from_port} -> {to_port}")
        }),
        EdgeKind::Branch { label } => Some(match branch_condition {
            Some(c) => format!("{label}: {}", short(&condition(c), 48)),
            None => label.clone(),
        }),
        EdgeKind::Error(catch) => Some(if catch.errors.is_empty() {
            "on error".to_string()
        } else {
            format!("on {}", catch.errors.join(", "))
        }),
    }
}

pub fn parameter_line(p: &Parameter) -> String {
    match &p.default {
        Some(v) => format!(
            "{}: {} = {}",
            p.name,
            p.ty.as_str(),
            short(&ferry_ir::text::print_value(v), 32)
        ),
        None => format!("{}: {}", p.name, p.ty.as_str()),
    }
}

fn condition(c: &Condition) -> String {
    match c {
        Condition::Compare { lhs, op, rhs } => {
            format!(
                "{} {} {}",
                print_binding_short(lhs),
                op.as_str(),
                print_binding_short(rhs)
            )
        }
        Condition::And(items) => items
            .iter()
            .map(condition)
            .collect::<Vec<_>>()
            .join(" and "),
        Condition::Or(items) => items.iter().map(condition).collect::<Vec<_>>().join(" or "),
        Condition::Not(inner) => format!("not {}", condition(inner)),
        Condition::Expr { text, .. } => text.clone(),
    }
}

pub fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// The condition guarding a branch edge labelled `label` out of `step`.
pub fn branch_condition<'a>(step: &'a Step, label: &str) -> Option<&'a Condition> {
    match &step.kind {
        StepKind::Branch { rules, .. } => rules
            .iter()
            .find(|r| r.label == label)
            .map(|r| &r.condition),
        _ => None,
    }
}
