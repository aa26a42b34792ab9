//! Branch conditions as Python expressions. Loaded artifacts go into locals first
//! (statements emitted before the `if`), so a condition reads plain values.

use ferry_ir::text::print_binding_short;
use ferry_ir::{Binding, CompareOp, Condition, Segment, Step, Value};

use crate::code::{Code, Ident, py};
use crate::control::Body;
use crate::step_module::projection_code;

impl Body<'_, '_> {
    /// A Python expression for a condition operand.
    fn operand(&mut self, key: &str, b: &Binding, safe: bool, user: &Step) -> Code {
        match b {
            Binding::StepOutput {
                step,
                port,
                projection,
            } => {
                let source = self.output_var(key, step, port);
                let base = match projection.last() {
                    Some(Segment::Key(k)) => ferry_ir::naming::to_identifier(k),
                    _ => format!("{step}_value"),
                };
                let local = Ident::new(&self.namer.fresh(&base));
                let value = if safe && !projection.is_empty() {
                    self.needs.lookup_helper = true;
                    let mut args = vec![py!("{}.load()", source)];
                    args.extend(projection.iter().map(|s| match s {
                        Segment::Key(k) => Code::str_lit(k),
                        Segment::Index(i) => Code::int(*i),
                    }));
                    Code::call(Code::text("lookup"), args)
                } else {
                    py!("{}.load(){}", source, projection_code(projection))
                };
                self.prelude.push(py!("{} = {}", local, value));
                local.code()
            }
            Binding::Parameter(p) => self.param_var(key, p).code(),
            Binding::Literal(v) => Code::constant(v),
            Binding::Unresolved(ph) => self.unresolved(&ph.text, ph.span, &user.display_name),
            Binding::Expr(_) | Binding::Artifact { .. } => {
                let value = self.binding_value(key, b, user);
                let local = Ident::new(&self.namer.fresh(&format!("{}_value", user.name)));
                self.prelude.push(py!("{} = {}", local, value));
                local.code()
            }
        }
    }

    pub(crate) fn condition(&mut self, key: &str, c: &Condition, user: &Step) -> Code {
        match c {
            Condition::Compare { lhs, op, rhs } => {
                let safe = matches!(op, CompareOp::IsNull | CompareOp::IsPresent);
                let l = self.operand(key, lhs, safe, user);
                let positive = !matches!(rhs, Binding::Literal(Value::Bool(false)));
                let test = |t: Code| if positive { t } else { py!("not ({})", t) };
                match op {
                    CompareOp::Eq => py!("{} == {}", l, self.operand(key, rhs, false, user)),
                    CompareOp::Ne => py!("{} != {}", l, self.operand(key, rhs, false, user)),
                    CompareOp::Lt => py!("{} < {}", l, self.operand(key, rhs, false, user)),
                    CompareOp::Le => py!("{} <= {}", l, self.operand(key, rhs, false, user)),
                    CompareOp::Gt => py!("{} > {}", l, self.operand(key, rhs, false, user)),
                    CompareOp::Ge => py!("{} >= {}", l, self.operand(key, rhs, false, user)),
                    CompareOp::In => py!("{} in {}", l, self.operand(key, rhs, false, user)),
                    CompareOp::Matches => {
                        self.needs.fnmatch = true;
                        py!(
                            "fnmatch.fnmatchcase(str({}), {})",
                            l,
                            self.operand(key, rhs, false, user)
                        )
                    }
                    CompareOp::IsNull => test(py!("{} is None", l)),
                    CompareOp::IsPresent => test(py!("{} is not None", l)),
                    CompareOp::IsNumeric => test(py!(
                        "isinstance({}, (int, float)) and not isinstance({}, bool)",
                        l,
                        l
                    )),
                    CompareOp::IsString => test(py!("isinstance({}, str)", l)),
                    CompareOp::IsBoolean => test(py!("isinstance({}, bool)", l)),
                    CompareOp::IsTimestamp => {
                        self.needs.timestamp_helper = true;
                        test(py!("is_timestamp({})", l))
                    }
                }
            }
            Condition::And(items) => {
                let parts: Vec<Code> = items
                    .iter()
                    .map(|c| py!("({})", self.condition(key, c, user)))
                    .collect();
                Code::join(parts, " and ")
            }
            Condition::Or(items) => {
                let parts: Vec<Code> = items
                    .iter()
                    .map(|c| py!("({})", self.condition(key, c, user)))
                    .collect();
                Code::join(parts, " or ")
            }
            Condition::Not(inner) => match inner.as_ref() {
                // `not (a == b)` reads better, and ruff asks for it, as `a != b`.
                Condition::Compare {
                    lhs,
                    op: op @ (CompareOp::Eq | CompareOp::Ne),
                    rhs,
                } => {
                    let inverted = if *op == CompareOp::Eq {
                        CompareOp::Ne
                    } else {
                        CompareOp::Eq
                    };
                    self.condition(
                        key,
                        &Condition::Compare {
                            lhs: lhs.clone(),
                            op: inverted,
                            rhs: rhs.clone(),
                        },
                        user,
                    )
                }
                other => py!("not ({})", self.condition(key, other, user)),
            },
            Condition::Expr { language, text } => self.unresolved(
                &format!("{language}: {text}"),
                user.span,
                &user.display_name,
            ),
        }
    }
}

/// The condition text as the source wrote it, for comments.
pub fn describe(c: &Condition) -> String {
    match c {
        Condition::Compare { lhs, op, rhs } => format!(
            "{} {} {}",
            print_binding_short(lhs),
            op.as_str(),
            print_binding_short(rhs)
        ),
        Condition::And(i) => i.iter().map(describe).collect::<Vec<_>>().join(" and "),
        Condition::Or(i) => i.iter().map(describe).collect::<Vec<_>>().join(" or "),
        Condition::Not(i) => format!("not {}", describe(i)),
        Condition::Expr { text, .. } => text.clone(),
    }
}

/// Every binding a condition reads.
pub fn bindings(c: &Condition, f: &mut dyn FnMut(&Binding)) {
    match c {
        Condition::Compare { lhs, rhs, .. } => {
            f(lhs);
            f(rhs);
        }
        Condition::And(items) | Condition::Or(items) => {
            items.iter().for_each(|i| bindings(i, f));
        }
        Condition::Not(inner) => bindings(inner, f),
        Condition::Expr { .. } => {}
    }
}
