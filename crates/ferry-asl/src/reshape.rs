//! What a state's reshaping fields do to the abstract document: ResultSelector
//! (JSONPath) and Output (JSONata) templates, whose fields are paths into the raw
//! result or the input. A consumer then projects into the producer's raw result at
//! the right place, whether or not the back end applies the reshaping itself.

use std::collections::BTreeMap;

use ferry_ir::{Expr, PathStep, Segment, Var};

use crate::dataflow::Abs;
use crate::doc::{Kind, Node};
use crate::jsonata;
use crate::paths::{Root, Seg, parse_path};

const MAX_DEPTH: usize = 64;

fn has_dynamic_keys(node: &Node, depth: usize) -> bool {
    depth > MAX_DEPTH
        || node
            .fields()
            .iter()
            .any(|(k, v)| k.text.ends_with(".$") || has_dynamic_keys(v, depth + 1))
        || node.items().iter().any(|i| has_dynamic_keys(i, depth + 1))
}

/// A JSONPath payload template (ResultSelector) evaluated over `raw`.
pub fn template_abs(node: &Node, raw: &Abs, depth: usize) -> Abs {
    if depth > MAX_DEPTH {
        return Abs::Unknown("the template nests too deeply".into());
    }
    match &node.kind {
        Kind::Object(fields) => {
            let mut out = Vec::with_capacity(fields.len());
            for (key, value) in fields {
                let (name, v) = match key.text.strip_suffix(".$") {
                    Some(bare) => {
                        let read = value
                            .as_str()
                            .and_then(parse_path)
                            .filter(|p| p.root == Root::Input)
                            .and_then(|p| {
                                p.segs
                                    .iter()
                                    .map(|s| match s {
                                        Seg::Key(k) => Some(Segment::Key(k.clone())),
                                        Seg::Index(i) => Some(Segment::Index(*i)),
                                        Seg::Dynamic => None,
                                    })
                                    .collect::<Option<Vec<_>>>()
                            });
                        let v = match read {
                            Some(segs) => raw.get(&segs),
                            None => Abs::Unknown(
                                "a computed ResultSelector field (intrinsic, context or dynamic path)"
                                    .into(),
                            ),
                        };
                        (bare.to_string(), v)
                    }
                    None => (key.text.clone(), template_abs(value, raw, depth + 1)),
                };
                out.push((name, v));
            }
            Abs::object(out, None)
        }
        _ if has_dynamic_keys(node, depth) => {
            Abs::Unknown("a template array with computed fields".into())
        }
        _ => Abs::Lit(node.to_value()),
    }
}

/// A JSONata `Output` (or any JSONata template) evaluated over the state's input and
/// result. `result_mapped` is set for results that are arrays (Map, Parallel), over
/// which JSONata field steps map rather than look up.
pub fn output_abs(
    node: &Node,
    input: &Abs,
    result: Option<&Abs>,
    result_mapped: bool,
    vars: &BTreeMap<String, Abs>,
    depth: usize,
) -> Abs {
    if depth > MAX_DEPTH {
        return Abs::Unknown("the template nests too deeply".into());
    }
    match &node.kind {
        Kind::String(s) => match jsonata::template_body(s) {
            None => Abs::Lit(node.to_value()),
            Some((body, _)) => match jsonata::parse_expression(body) {
                Ok(e) => expr_abs(&e, input, result, result_mapped, vars),
                Err(_) => Abs::Unknown("the JSONata Output expression is not translated".into()),
            },
        },
        Kind::Object(fields) => Abs::object(
            fields.iter().map(|(k, v)| {
                (
                    k.text.clone(),
                    output_abs(v, input, result, result_mapped, vars, depth + 1),
                )
            }),
            None,
        ),
        Kind::Array(items) => {
            let values: Vec<Abs> = items
                .iter()
                .map(|i| output_abs(i, input, result, result_mapped, vars, depth + 1))
                .collect();
            if values.iter().all(|v| matches!(v, Abs::Lit(_))) {
                Abs::Lit(node.to_value())
            } else {
                Abs::Unknown("an Output array with computed items".into())
            }
        }
        _ => Abs::Lit(node.to_value()),
    }
}

fn expr_abs(
    e: &Expr,
    input: &Abs,
    result: Option<&Abs>,
    result_mapped: bool,
    vars: &BTreeMap<String, Abs>,
) -> Abs {
    let (var, steps): (&Var, &[PathStep]) = match e {
        Expr::Var(v) => (v, &[]),
        Expr::Path { base, steps } => match base.as_ref() {
            Expr::Var(v) => (v, steps),
            _ => return Abs::Unknown("a computed Output expression".into()),
        },
        Expr::String(s) => return Abs::Lit(ferry_ir::Value::String(s.clone())),
        Expr::Number(n) => return Abs::Lit(ferry_ir::Value::Number(n.clone())),
        Expr::Bool(b) => return Abs::Lit(ferry_ir::Value::Bool(*b)),
        Expr::Null => return Abs::Lit(ferry_ir::Value::Null),
        _ => return Abs::Unknown("a computed Output expression".into()),
    };
    let Some(segs) = steps
        .iter()
        .map(|s| match s {
            PathStep::Field(f) => Some(Segment::Key(f.clone())),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
    else {
        return Abs::Unknown("an Output path with predicates or wildcards".into());
    };
    match var {
        Var::Input => input.get(&segs),
        Var::Result => match result {
            Some(_) if result_mapped && !segs.is_empty() => {
                Abs::Unknown("a field path over an array result (JSONata maps it)".into())
            }
            Some(r) => r.get(&segs),
            None => Abs::Unknown("`$states.result` is not available here".into()),
        },
        Var::Variable(v) => match vars.get(v) {
            Some(abs) => abs.get(&segs),
            None => Abs::Unknown(format!("`${v}` is not assigned before this state")),
        },
        _ => Abs::Unknown("an Output reading the context or an error".into()),
    }
}
