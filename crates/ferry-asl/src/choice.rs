//! Choice states: JSONPath rules (Variable + operator, And/Or/Not) and JSONata
//! `Condition`s become branch rules; the values they read become inputs of the branch.

use std::collections::BTreeSet;

use ferry_ir::naming::Namer;
use ferry_ir::{
    Binding, BranchRule, CompareOp, Condition, Input, Mapping, ParamType, PortType, StepKind, Value,
};

use crate::dataflow::Abs;
use crate::doc::{Kind, Node};
use crate::lower::{MachineLowering, State};
use crate::trace::{Available, Ports};

/// Where the values a rule reads go.
pub(crate) struct RuleCx<'p> {
    ports: &'p mut Ports,
    namer: &'p mut Namer,
    prefix: String,
}

impl MachineLowering<'_, '_> {
    pub(crate) fn choice(&mut self, s: &State, doc: &Abs) -> ((StepKind, Vec<Input>), Mapping) {
        let mut rules = Vec::new();
        let mut ports = Ports::default();
        let mut namer = Namer::new();
        for (i, rule) in s
            .field("Choices")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let condition = if s.jsonata {
                match rule.get("Condition") {
                    Some(
                        n @ Node {
                            kind: Kind::String(t),
                            ..
                        },
                    ) => {
                        let lhs = self.jsonata_binding(
                            n,
                            t,
                            doc,
                            &Available::default(),
                            &mut ports,
                            &mut namer,
                            &format!("case{i}"),
                        );
                        Condition::Compare {
                            lhs,
                            op: CompareOp::Eq,
                            rhs: Binding::Literal(Value::Bool(true)),
                        }
                    }
                    Some(n) => Condition::Compare {
                        lhs: Binding::Literal(n.to_value()),
                        op: CompareOp::Eq,
                        rhs: Binding::Literal(Value::Bool(true)),
                    },
                    None => Condition::Expr {
                        language: "jsonata".into(),
                        text: String::new(),
                    },
                }
            } else {
                let mut cx = RuleCx {
                    ports: &mut ports,
                    namer: &mut namer,
                    prefix: format!("case{i}"),
                };
                self.condition(rule, doc, &mut cx, 0)
            };
            rules.push(BranchRule {
                label: format!("case{i}"),
                condition,
                span: rule.span,
            });
        }
        let default = s.field("Default").map(|_| "default".to_string());
        // The branch reads each producer's result as a whole; conditions project into it.
        let span = s.node.span;
        let mut inputs: Vec<Input> = ports.into_inputs(span);
        let mut seen = BTreeSet::new();
        for r in &rules {
            collect_step_reads(&r.condition, &mut |step, port| {
                if seen.insert((step.to_string(), port.to_string())) {
                    inputs.push(Input {
                        name: format!("{step}_{port}"),
                        ty: PortType::Json,
                        binding: Binding::StepOutput {
                            step: step.to_string(),
                            port: port.to_string(),
                            projection: Vec::new(),
                        },
                        span: r.span,
                    });
                }
            });
        }
        (
            (StepKind::Branch { rules, default }, inputs),
            Mapping::approximate(
                "Choice",
                "the branch becomes Python if/elif/else on loaded artifacts in a dynamic pipeline",
            ),
        )
    }

    fn condition(&mut self, rule: &Node, doc: &Abs, cx: &mut RuleCx, depth: usize) -> Condition {
        if depth > 64 {
            return Condition::Expr {
                language: "jsonpath".into(),
                text: "nested too deeply".into(),
            };
        }
        if let Some(items) = rule.get("And") {
            return Condition::And(
                items
                    .items()
                    .iter()
                    .map(|r| self.condition(r, doc, cx, depth + 1))
                    .collect(),
            );
        }
        if let Some(items) = rule.get("Or") {
            return Condition::Or(
                items
                    .items()
                    .iter()
                    .map(|r| self.condition(r, doc, cx, depth + 1))
                    .collect(),
            );
        }
        if let Some(inner) = rule.get("Not") {
            return Condition::Not(Box::new(self.condition(inner, doc, cx, depth + 1)));
        }
        let variable = rule.get("Variable");
        let lhs = match variable.and_then(|v| v.as_str().map(|t| (t, v.span))) {
            Some((t, sp)) => self.path_binding(t, doc, cx.ports, cx.namer, &cx.prefix, sp),
            None => Binding::Literal(Value::Null),
        };
        let Some((key, value)) = rule
            .fields()
            .iter()
            .find(|(k, _)| crate::validate::is_operator(&k.text))
        else {
            return Condition::Expr {
                language: "jsonpath".into(),
                text: "no operator".into(),
            };
        };
        let (op_name, is_path) = match key.text.strip_suffix("Path") {
            Some(base) if !key.text.starts_with("Is") => (base, true),
            _ => (key.text.as_str(), false),
        };
        let rhs = if is_path {
            value
                .as_str()
                .map(|t| self.path_binding(t, doc, cx.ports, cx.namer, &cx.prefix, value.span))
                .unwrap_or(Binding::Literal(Value::Null))
        } else {
            Binding::Literal(value.to_value())
        };
        let op = match op_name {
            n if n.ends_with("Equals")
                && !n.ends_with("LessThanEquals")
                && !n.ends_with("GreaterThanEquals") =>
            {
                CompareOp::Eq
            }
            n if n.ends_with("LessThanEquals") => CompareOp::Le,
            n if n.ends_with("GreaterThanEquals") => CompareOp::Ge,
            n if n.ends_with("LessThan") => CompareOp::Lt,
            n if n.ends_with("GreaterThan") => CompareOp::Gt,
            "StringMatches" => CompareOp::Matches,
            "IsNull" => CompareOp::IsNull,
            "IsPresent" => CompareOp::IsPresent,
            "IsNumeric" => CompareOp::IsNumeric,
            "IsString" => CompareOp::IsString,
            "IsBoolean" => CompareOp::IsBoolean,
            _ => CompareOp::IsTimestamp,
        };
        // What the comparison says about a parameter's type.
        if let Binding::Parameter(p) = &lhs {
            let ty = match op_name {
                n if n.starts_with("Numeric") => Some(ParamType::Float),
                n if n.starts_with("Boolean") => Some(ParamType::Boolean),
                n if n.starts_with("String") || n.starts_with("Timestamp") => {
                    Some(ParamType::String)
                }
                // A type test needs the value as it came, not a string.
                n if n.starts_with("Is") => Some(ParamType::Json),
                _ => None,
            };
            if let Some(ty) = ty {
                self.cx.constrain_param(p, ty);
            }
        }
        Condition::Compare { lhs, op, rhs }
    }
}

fn collect_step_reads(c: &Condition, f: &mut impl FnMut(&str, &str)) {
    match c {
        Condition::Compare { lhs, rhs, .. } => {
            for b in [lhs, rhs] {
                if let Binding::StepOutput { step, port, .. } = b {
                    f(step, port);
                }
            }
        }
        Condition::And(items) | Condition::Or(items) => {
            items.iter().for_each(|i| collect_step_reads(i, f))
        }
        Condition::Not(inner) => collect_step_reads(inner, f),
        Condition::Expr { .. } => {}
    }
}
