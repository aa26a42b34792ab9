//! Payload templates (Parameters, Arguments): `.$` fields and `{% %}` strings become
//! step inputs read through `Value::Input`; `${Name}` substitutions are filled or
//! declared.

use ferry_ir::naming::Namer;
use ferry_ir::{BinaryOp, Binding, Computed, Expr, Input, PortType, Span, Step, Value, Var};

use crate::dataflow::Abs;
use crate::doc::{Kind, Node};
use crate::lower::{MachineLowering, is_jsonata};
use crate::trace::{Available, Ports};

impl MachineLowering<'_, '_> {
    /// Turn a Parameters/Arguments template into a request value whose `.$` fields
    /// read step inputs; the inputs are added to `step`.
    #[allow(clippy::too_many_arguments)] // the recursion carries its whole context
    pub(crate) fn template(
        &mut self,
        node: &Node,
        doc: &Abs,
        step: &mut Step,
        namer: &mut Namer,
        prefix: &str,
        jsonata: bool,
        depth: usize,
    ) -> Value {
        if depth > 64 {
            return node.to_value();
        }
        match &node.kind {
            Kind::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(key, value)| {
                        let path_name = if prefix.is_empty() {
                            key.text.trim_end_matches(".$").to_string()
                        } else {
                            format!("{prefix}_{}", key.text.trim_end_matches(".$"))
                        };
                        if let Some(bare) = key.text.strip_suffix(".$")
                            && !jsonata
                            && let Some(text) = value.as_str()
                        {
                            let mut ports = Ports::default();
                            let binding = self
                                .path_binding(text, doc, &mut ports, namer, &path_name, value.span);
                            step.inputs.extend(ports.into_inputs(value.span));
                            let name = namer.fresh(&path_name);
                            step.inputs.push(Input {
                                name: name.clone(),
                                ty: PortType::Unknown,
                                binding,
                                span: value.span,
                            });
                            (bare.to_string(), Value::Input(name))
                        } else {
                            (
                                key.text.clone(),
                                self.template(
                                    value,
                                    doc,
                                    step,
                                    namer,
                                    &path_name,
                                    jsonata,
                                    depth + 1,
                                ),
                            )
                        }
                    })
                    .collect(),
            ),
            Kind::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.template(i, doc, step, namer, prefix, jsonata, depth + 1))
                    .collect(),
            ),
            Kind::String(s) if jsonata && is_jsonata(s) => {
                let prefix = if prefix.is_empty() {
                    "expression"
                } else {
                    prefix
                };
                let mut ports = Ports::default();
                let binding = self.jsonata_binding(
                    node,
                    s,
                    doc,
                    &Available::default(),
                    &mut ports,
                    namer,
                    prefix,
                );
                if let Binding::Literal(v) = binding {
                    return v;
                }
                step.inputs.extend(ports.into_inputs(node.span));
                let name = namer.fresh(prefix);
                step.inputs.push(Input {
                    name: name.clone(),
                    ty: PortType::Unknown,
                    binding,
                    span: node.span,
                });
                Value::Input(name)
            }
            Kind::String(text) if text.contains("${") => {
                self.substitute_into(text, node.span, step, namer, prefix)
            }
            _ => self.substitute(node),
        }
    }

    /// A string of a request with `${Name}` substitutions: filled ones become text;
    /// the others read their pipeline parameter through an input of the step, and a
    /// string mixing text and substitutions is computed from them at run time.
    pub(crate) fn substitute_into(
        &mut self,
        text: &str,
        span: Span,
        step: &mut Step,
        namer: &mut Namer,
        prefix: &str,
    ) -> Value {
        let pieces = self.substitution_pieces(text, span);
        if !pieces.iter().any(|p| matches!(p, Piece::Param(_))) {
            return Value::String(
                pieces
                    .into_iter()
                    .map(|p| match p {
                        Piece::Text(t) => t,
                        Piece::Param(_) => String::new(),
                    })
                    .collect(),
            );
        }
        let mut parts: Vec<Expr> = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Text(t) if !t.is_empty() => parts.push(Expr::String(t)),
                Piece::Text(_) => {}
                Piece::Param(param) => {
                    let input = parameter_input(step, namer, &param, span);
                    parts.push(Expr::Var(Var::Port(input)));
                }
            }
        }
        if let [Expr::Var(Var::Port(only))] = parts.as_slice() {
            return Value::Input(only.clone());
        }
        let expr = parts
            .into_iter()
            .reduce(|lhs, rhs| Expr::Binary {
                op: BinaryOp::Concat,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            })
            .unwrap_or(Expr::String(String::new()));
        let name = namer.fresh(if prefix.is_empty() { "text" } else { prefix });
        step.inputs.push(Input {
            name: name.clone(),
            ty: PortType::Scalar,
            binding: Binding::Expr(Box::new(Computed {
                expr,
                text: text.to_string(),
                span,
            })),
            span,
        });
        Value::Input(name)
    }

    /// `text` as literal pieces and the pipeline parameters of unfilled substitutions.
    fn substitution_pieces(&mut self, text: &str, span: Span) -> Vec<Piece> {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            literal.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                literal.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            match self.cx.substitutions.get(name) {
                Some(v) => literal.push_str(v),
                None if !name.is_empty() => {
                    self.cx.substitution_param(name, span);
                    pieces.push(Piece::Text(std::mem::take(&mut literal)));
                    let param = self
                        .cx
                        .substitution_param_name(name)
                        .unwrap_or_else(|| name.to_string());
                    pieces.push(Piece::Param(param));
                }
                None => literal.push_str(&rest[start..start + 3 + end]),
            }
            rest = &after[end + 1..];
        }
        literal.push_str(rest);
        pieces.push(Piece::Text(literal));
        pieces
    }

    /// A literal with `${Name}` substitutions filled or declared (where no step reads
    /// the value, e.g. a Pass `Result`: the text stays as written).
    pub(crate) fn substitute(&mut self, node: &Node) -> Value {
        if let Kind::String(s) = &node.kind
            && s.contains("${")
        {
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                out.push_str(&rest[..start]);
                let after = &rest[start + 2..];
                match after.find('}') {
                    Some(end) => {
                        let name = &after[..end];
                        match self.cx.substitutions.get(name) {
                            Some(v) => out.push_str(v),
                            None => {
                                self.cx.substitution_param(name, node.span);
                                out.push_str(&rest[start..start + 3 + end]);
                            }
                        }
                        rest = &after[end + 1..];
                    }
                    None => {
                        out.push_str(&rest[start..]);
                        rest = "";
                    }
                }
            }
            out.push_str(rest);
            return Value::String(out);
        }
        node.to_value()
    }
}

enum Piece {
    Text(String),
    /// The pipeline parameter a substitution became.
    Param(String),
}

/// The input of `step` that reads pipeline parameter `param` (one per parameter).
fn parameter_input(step: &mut Step, namer: &mut Namer, param: &str, span: Span) -> String {
    if let Some(existing) = step
        .inputs
        .iter()
        .find(|i| matches!(&i.binding, Binding::Parameter(p) if p == param))
    {
        return existing.name.clone();
    }
    let name = namer.fresh(param);
    step.inputs.push(Input {
        name: name.clone(),
        ty: PortType::Scalar,
        binding: Binding::Parameter(param.to_string()),
        span,
    });
    name
}
