//! Payload templates (Parameters, Arguments): `.$` fields and `{% %}` strings become
//! step inputs read through `Value::Input`; `${Name}` substitutions are filled or
//! declared.

use ferry_ir::naming::Namer;
use ferry_ir::{Binding, Input, PortType, Step, Value};

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
            _ => self.substitute(node),
        }
    }

    /// A literal with `${Name}` substitutions filled or declared.
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
