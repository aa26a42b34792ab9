//! ConditionStep: conditions → IR conditions (operands become inputs of the branch
//! step), `if_steps`/`else_steps` → `then`/`else` branch edges.

use ferry_diagnostics::Diagnostic;
use ferry_ir::{Binding, BranchRule, CompareOp, Condition, EdgeKind, PortType, Value};
use ferry_python::CallInfo;
use ferry_python::ast::Expr;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::lower::{Lowerer, MAX_DEPTH};
use crate::steps::{FollowUp, StepBuilder};
use crate::values::Thing;

impl<'a> Lowerer<'a> {
    pub fn condition_step(
        &mut self,
        builder: &mut StepBuilder,
        info: &CallInfo<'a>,
        follow_up: &mut FollowUp<'a>,
    ) {
        let mut conditions = Vec::new();
        if let Some(list) = info.keyword("conditions") {
            for element in self.list_elements(list, "conditions") {
                if let Some(condition) = self.condition(builder, element, 0) {
                    conditions.push(condition);
                }
            }
        }
        let condition = match conditions.len() {
            0 => {
                self.diagnostics.push(
                    Diagnostic::warning("F0416", "ConditionStep without conditions ferry can read")
                        .with_primary(info.span, "always takes `then`"),
                );
                Condition::Compare {
                    lhs: Binding::Literal(Value::Bool(true)),
                    op: CompareOp::Eq,
                    rhs: Binding::Literal(Value::Bool(true)),
                }
            }
            1 => conditions.remove(0),
            _ => Condition::And(conditions),
        };
        follow_up.rules = Some(vec![BranchRule {
            label: "then".into(),
            condition,
            span: info.span,
        }]);
        if let Some(steps) = info.keyword("if_steps") {
            follow_up.if_steps = self.list_elements(steps, "if_steps");
        }
        if let Some(steps) = info.keyword("else_steps") {
            follow_up.else_steps = self.list_elements(steps, "else_steps");
        }
        self.pipeline.dynamic = true;
    }

    fn condition(
        &mut self,
        builder: &mut StepBuilder,
        expr: &'a Expr,
        depth: usize,
    ) -> Option<Condition> {
        if depth > MAX_DEPTH {
            self.diagnostics.push(
                Diagnostic::warning("F0416", "condition nests too deeply")
                    .with_primary(self.span(expr), "here"),
            );
            return None;
        }
        let Thing::SagemakerObject(call, class) = self.classify(expr) else {
            self.diagnostics.push(
                Diagnostic::warning("F0416", "not a SageMaker condition ferry can read")
                    .with_primary(self.span(expr), "condition"),
            );
            return None;
        };
        let info = self.call_info_of(call);
        let op = match class.as_str() {
            "ConditionEquals" => Some(CompareOp::Eq),
            "ConditionGreaterThan" => Some(CompareOp::Gt),
            "ConditionGreaterThanOrEqualTo" => Some(CompareOp::Ge),
            "ConditionLessThan" => Some(CompareOp::Lt),
            "ConditionLessThanOrEqualTo" => Some(CompareOp::Le),
            _ => None,
        };
        if let Some(op) = op {
            let lhs = info.arg(0, "left").map(|e| self.operand(builder, e));
            let rhs = info.arg(1, "right").map(|e| self.operand(builder, e));
            return match (lhs, rhs) {
                (Some(lhs), Some(rhs)) => Some(Condition::Compare { lhs, op, rhs }),
                _ => {
                    self.diagnostics.push(
                        Diagnostic::warning("F0416", format!("`{class}` needs `left` and `right`"))
                            .with_primary(info.span, "incomplete condition"),
                    );
                    None
                }
            };
        }
        match class.as_str() {
            "ConditionIn" => {
                let value = info.arg(0, "value").map(|e| self.operand(builder, e))?;
                let values = info.arg(1, "in_values")?;
                let rhs = match self.follow(values) {
                    Expr::List(list) => {
                        let mut items = Vec::new();
                        for element in &list.elts {
                            match self.classify(element) {
                                Thing::Const(v) => items.push(v),
                                _ => {
                                    self.diagnostics.push(
                                        Diagnostic::warning(
                                            "F0416",
                                            "`ConditionIn` values must be constants for ferry",
                                        )
                                        .with_primary(self.span(element), "computed value"),
                                    );
                                    return None;
                                }
                            }
                        }
                        Binding::Literal(Value::Array(items))
                    }
                    _ => self.operand(builder, values),
                };
                Some(Condition::Compare {
                    lhs: value,
                    op: CompareOp::In,
                    rhs,
                })
            }
            "ConditionNot" => {
                let inner = info.arg(0, "expression")?;
                self.condition(builder, inner, depth + 1)
                    .map(|c| Condition::Not(Box::new(c)))
            }
            "ConditionOr" => {
                let list = info.arg(0, "conditions")?;
                let mut items = Vec::new();
                for element in self.list_elements(list, "conditions") {
                    items.push(self.condition(builder, element, depth + 1)?);
                }
                Some(Condition::Or(items))
            }
            _ => {
                self.diagnostics.push(
                    Diagnostic::warning("F0416", format!("`{class}` is not a SageMaker condition"))
                        .with_primary(info.span, "condition"),
                );
                None
            }
        }
    }

    /// A condition operand: constants and parameters stay as they are; runtime references
    /// also become inputs of the branch step, so the data dependency is an edge.
    fn operand(&mut self, builder: &mut StepBuilder, expr: &'a Expr) -> Binding {
        let binding = self.binding_of(expr);
        if matches!(binding, Binding::Unresolved(_) | Binding::StepOutput { .. }) {
            builder.add_input(
                "operand",
                PortType::Unknown,
                binding.clone(),
                self.span(expr),
            );
        }
        binding
    }

    /// `then`/`else` edges: one branch edge to the first step of a list; later steps
    /// that do not already follow it run after it (SageMaker would run them
    /// concurrently), noted on the branch step.
    pub fn branch_edges(&mut self, branch: NodeIndex, label: &str, steps: Vec<&'a Expr>) -> bool {
        let mut lowered: Vec<(NodeIndex, &'a Expr)> = Vec::new();
        for expr in steps {
            if let Some(index) = self.ensure_step(expr) {
                if index == branch {
                    continue;
                }
                // A fail step with a computed message starts with the step building it.
                let index = self.fail_messages.get(&index).copied().unwrap_or(index);
                lowered.push((index, expr));
            }
        }
        let Some(&(first, first_expr)) = lowered.first() else {
            return false;
        };
        let span = self.span(first_expr);
        self.pipeline.add_edge(
            branch,
            first,
            EdgeKind::Branch {
                label: label.to_string(),
            },
            span,
        );
        let mut previous = first;
        for &(index, expr) in &lowered[1..] {
            if !self.reaches(previous, index) {
                let span = self.span(expr);
                self.pipeline
                    .add_edge(previous, index, EdgeKind::Order, span);
                let display = self.pipeline.graph[branch].display_name.clone();
                let note = format!(
                    "the `{label}` steps of `{display}` run one after another here (SageMaker runs them concurrently)"
                );
                let notes = &mut self.pipeline.graph[branch].notes;
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
            previous = index;
        }
        true
    }

    /// Whether `to` runs after `from`: along edges already in the graph or along data
    /// references that `sagemaker-resolve` will turn into edges (placeholders naming a
    /// step, bindings to its outputs).
    fn reaches(&self, from: NodeIndex, to: NodeIndex) -> bool {
        let mut stack = vec![from];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if !seen.insert(n) {
                continue;
            }
            stack.extend(self.pipeline.graph.edges(n).map(|e| e.target()));
            let producer = &self.pipeline.graph[n];
            let property = format!("Steps.{}.", producer.display_name);
            let json_get = format!("JsonGet(Steps.{}.", producer.display_name);
            for candidate in self.pipeline.step_indices() {
                let reads = self.pipeline.graph[candidate]
                    .inputs
                    .iter()
                    .any(|input| match &input.binding {
                        Binding::Unresolved(p) => {
                            p.text.starts_with(&property) || p.text.starts_with(&json_get)
                        }
                        Binding::StepOutput { step, .. } => *step == producer.name,
                        _ => false,
                    });
                if reads {
                    stack.push(candidate);
                }
            }
        }
        false
    }
}
