//! Expressions bound to the data flow: every read of the state input, the context
//! object or an intrinsic's path inside a translated expression (JSONata, JSONPath,
//! intrinsic call) is traced to the state that produced it and becomes an input port
//! of the step; what remains is a [`Binding::Expr`] over those ports. A read that
//! cannot be traced makes the whole value an unresolved placeholder (F0317), as before.

use ferry_diagnostics::{Diagnostic, Span};
use ferry_ir::naming::Namer;
use ferry_ir::{
    Binding, Computed, Expr, Func, Input, PathStep, Placeholder, PlaceholderKind, PortType,
    Segment, Selector, Value, Var,
};

use crate::dataflow::{Abs, Origin};
use crate::doc::Node;
use crate::jsonata;
use crate::lower::{MachineLowering, RESULT};
use crate::paths::{Arg, Intrinsic};
use crate::spans::StringSpans;

/// How deeply assembled objects are rebuilt before the value counts as untraceable.
const ASSEMBLY_DEPTH: usize = 16;

/// The ports one binding (or one branch step) collects.
#[derive(Default)]
pub struct Ports {
    pub inputs: Vec<(String, Binding)>,
}

impl Ports {
    fn add(&mut self, namer: &mut Namer, prefix: &str, binding: Binding) -> String {
        if let Some((name, _)) = self.inputs.iter().find(|(_, b)| *b == binding) {
            return name.clone();
        }
        // Short names: the field the value is for (the generated code's parameter).
        let short = prefix.rsplit('_').next().unwrap_or(prefix);
        let name = namer.fresh(&format!("{short}_in"));
        self.inputs.push((name.clone(), binding));
        name
    }

    /// The collected ports as step inputs.
    pub fn into_inputs(self, span: Span) -> Vec<Input> {
        self.inputs
            .into_iter()
            .map(|(name, binding)| Input {
                name,
                ty: PortType::Unknown,
                binding,
                span,
            })
            .collect()
    }
}

/// What `$states.result` / `$states.errorOutput` are where the expression is evaluated.
#[derive(Default, Clone)]
pub struct Available {
    pub result: Option<Binding>,
}

/// A value read statically: its binding and the path still to apply at run time.
pub(crate) struct Read {
    pub(crate) binding: Binding,
    pub(crate) rest: Vec<Segment>,
}

fn segment_steps(rest: &[Segment]) -> Vec<PathStep> {
    rest.iter()
        .map(|s| match s {
            Segment::Key(k) => PathStep::Field(k.clone()),
            Segment::Index(i) => PathStep::Filter(Expr::Number(i.to_string())),
        })
        .collect()
}

fn segment_selectors(rest: &[Segment]) -> Vec<Selector> {
    rest.iter()
        .map(|s| match s {
            Segment::Key(k) => Selector::Field(k.clone()),
            Segment::Index(i) => Selector::Index(*i),
        })
        .collect()
}

impl MachineLowering<'_, '_> {
    /// The value of the state input at `segs`: the longest object-assembled prefix, then
    /// the producer. JSONata keeps the rest as run-time steps (it maps over arrays);
    /// JSONPath's definite steps are plain lookups and go into the projection.
    pub(crate) fn read(
        &mut self,
        doc: &Abs,
        segs: &[Segment],
        jsonata: bool,
        span: Span,
    ) -> Result<Read, String> {
        let mut k = 0;
        loop {
            match doc.get(&segs[..k]) {
                Abs::Obj(..) if k < segs.len() => k += 1,
                Abs::Obj(..) => {
                    return Err("the value is an object assembled by earlier states".into());
                }
                Abs::From(Origin::Step(step), mut projection) => {
                    let rest = if jsonata {
                        segs[k..].to_vec()
                    } else {
                        projection.extend(segs[k..].iter().cloned());
                        Vec::new()
                    };
                    return Ok(Read {
                        binding: Binding::StepOutput {
                            step,
                            port: RESULT.into(),
                            projection,
                        },
                        rest,
                    });
                }
                Abs::From(Origin::Input, mut p) => match &self.region_input {
                    None => {
                        // Execution input fields are pipeline parameters (per field).
                        let take = if jsonata {
                            (k + usize::from(p.is_empty())).min(segs.len())
                        } else {
                            segs.len()
                        };
                        p.extend(segs[k..take].iter().cloned());
                        let name = self.cx.input_param(&p, span);
                        return Ok(Read {
                            binding: Binding::Parameter(name),
                            rest: segs[take..].to_vec(),
                        });
                    }
                    Some(region) => {
                        p.extend(segs[k..].iter().cloned());
                        return Ok(Read {
                            binding: Binding::Parameter(region.clone()),
                            rest: p,
                        });
                    }
                },
                Abs::Lit(v) => {
                    return Ok(Read {
                        binding: Binding::Literal(v),
                        rest: segs[k..].to_vec(),
                    });
                }
                Abs::Unknown(why) => return Err(why),
            }
        }
    }

    /// A read of the context object: `Execution.Input...` is the execution input (the
    /// pipeline parameters); the rest is only known at run time.
    pub(crate) fn context_read(
        &mut self,
        segs: &[Segment],
        jsonata: bool,
        span: Span,
    ) -> Option<Read> {
        let [Segment::Key(a), Segment::Key(b), tail @ ..] = segs else {
            return None;
        };
        if a != "Execution" || b != "Input" || self.region_input.is_some() {
            return None;
        }
        self.read(&Abs::input(), tail, jsonata, span).ok()
    }

    #[allow(clippy::too_many_arguments)] // the walk carries its whole context
    fn trace(
        &mut self,
        e: &mut Expr,
        doc: &Abs,
        available: &Available,
        ports: &mut Ports,
        namer: &mut Namer,
        prefix: &str,
        span: Span,
        lambdas: &mut Vec<String>,
    ) -> Result<(), (String, PlaceholderKind)> {
        let untraceable = |why: &str| Err((why.to_string(), PlaceholderKind::JsonPath));
        // Reads of a root: the root and its leading static segments.
        let root_read = match e {
            Expr::Var(v) => Some((v.clone(), Vec::new(), true, 0)),
            Expr::Path { base, steps } => match base.as_ref() {
                Expr::Var(v) => {
                    let n = steps
                        .iter()
                        .take_while(|s| matches!(s, PathStep::Field(_)))
                        .count();
                    let segs = steps[..n]
                        .iter()
                        .filter_map(|s| match s {
                            PathStep::Field(f) => Some(Segment::Key(f.clone())),
                            _ => None,
                        })
                        .collect();
                    Some((v.clone(), segs, true, n))
                }
                _ => None,
            },
            Expr::JsonPath { base, selectors } => match base.as_ref() {
                Expr::Var(v) => {
                    let n = selectors.iter().take_while(|s| s.is_definite()).count();
                    let segs = selectors[..n]
                        .iter()
                        .filter_map(|s| match s {
                            Selector::Field(f) => Some(Segment::Key(f.clone())),
                            Selector::Index(i) => Some(Segment::Index(*i)),
                            _ => None,
                        })
                        .collect();
                    Some((v.clone(), segs, false, n))
                }
                _ => None,
            },
            _ => None,
        };
        if let Some((var, segs, jsonata, consumed)) = root_read {
            // A value earlier states assembled field by field is rebuilt from its
            // fields where they are all known.
            let assembled = match &var {
                Var::Input => Some(doc.get(&segs)),
                Var::Variable(name) if !lambdas.contains(name) => {
                    self.vars.get(name).map(|abs| abs.get(&segs))
                }
                _ => None,
            };
            if let Some(whole @ Abs::Obj(..)) = assembled {
                let rebuilt = match self.assemble(&whole, ports, namer, prefix, span, 0) {
                    Ok(rebuilt) => rebuilt,
                    Err(why) => return untraceable(&why),
                };
                *e = match std::mem::replace(e, Expr::Null) {
                    Expr::Path { steps, .. } if steps.len() > consumed => Expr::Path {
                        base: Box::new(rebuilt),
                        steps: steps.into_iter().skip(consumed).collect(),
                    },
                    Expr::JsonPath { selectors, .. } if selectors.len() > consumed => {
                        Expr::JsonPath {
                            base: Box::new(rebuilt),
                            selectors: selectors.into_iter().skip(consumed).collect(),
                        }
                    }
                    _ => rebuilt,
                };
                return self.trace_children(e, doc, available, ports, namer, prefix, span, lambdas);
            }
            let read = match &var {
                Var::Input => match self.read(doc, &segs, jsonata, span) {
                    Ok(r) => Some(r),
                    Err(why) => return untraceable(&why),
                },
                Var::Context => match self.context_read(&segs, jsonata, span) {
                    Some(r) => Some(r),
                    // Run-time facts ZenML's run context has: read when the step runs.
                    None if run_context_field(&segs, self.cx.task_token) => {
                        self.context_reads = true;
                        return Ok(());
                    }
                    None => {
                        return Err((
                            "the context object is only known at run time".into(),
                            PlaceholderKind::ExecutionVariable,
                        ));
                    }
                },
                Var::Result => match &available.result {
                    Some(b) => Some(Read {
                        binding: b.clone(),
                        rest: segs.clone(),
                    }),
                    None => return untraceable("`$states.result` is not available here"),
                },
                Var::ErrorOutput => {
                    return untraceable("the error output of a caught failure is not traced");
                }
                Var::Variable(name) if !lambdas.contains(name) => {
                    match self.vars.get(name).cloned() {
                        Some(abs) => match self.read(&abs, &segs, jsonata, span) {
                            Ok(r) => Some(r),
                            Err(why) => return untraceable(&why),
                        },
                        None => {
                            return untraceable(&format!(
                                "`${name}` is not assigned before this state"
                            ));
                        }
                    }
                }
                _ => None,
            };
            if let Some(read) = read {
                let port = Box::new(Expr::Var(Var::Port(ports.add(namer, prefix, read.binding))));
                *e = match std::mem::replace(e, Expr::Null) {
                    Expr::Path { steps, .. } => {
                        let mut all = segment_steps(&read.rest);
                        all.extend(steps.into_iter().skip(consumed));
                        if all.is_empty() {
                            *port
                        } else {
                            Expr::Path {
                                base: port,
                                steps: all,
                            }
                        }
                    }
                    Expr::JsonPath { selectors, .. } => {
                        let mut all = segment_selectors(&read.rest);
                        all.extend(selectors.into_iter().skip(consumed));
                        if all.is_empty() {
                            *port
                        } else {
                            Expr::JsonPath {
                                base: port,
                                selectors: all,
                            }
                        }
                    }
                    _ if read.rest.is_empty() => *port,
                    _ => Expr::Path {
                        base: port,
                        steps: segment_steps(&read.rest),
                    },
                };
                // Filters and map steps after the static part may read more.
                return self.trace_children(e, doc, available, ports, namer, prefix, span, lambdas);
            }
        }
        self.trace_children(e, doc, available, ports, namer, prefix, span, lambdas)
    }

    /// An expression that rebuilds the object `whole` from the values of its fields:
    /// an object constructor over ports, merged over the fields it did not set.
    fn assemble(
        &mut self,
        whole: &Abs,
        ports: &mut Ports,
        namer: &mut Namer,
        prefix: &str,
        span: Span,
        depth: usize,
    ) -> Result<Expr, String> {
        if depth > ASSEMBLY_DEPTH {
            return Err("the value is an object assembled by earlier states".into());
        }
        match whole {
            Abs::Obj(o) => {
                let (fields, rest) = (o.fields(), o.rest());
                let mut members = Vec::with_capacity(fields.size());
                for (key, value) in fields.iter() {
                    let value = self.assemble(value, ports, namer, key, span, depth + 1)?;
                    members.push((Expr::String(key.clone()), value));
                }
                let object = Expr::Object(members);
                match rest {
                    None => Ok(object),
                    Some(base) => {
                        let base = self.assemble(base, ports, namer, prefix, span, depth + 1)?;
                        Ok(Expr::Call {
                            func: Func::Merge,
                            args: vec![Expr::Array(vec![base, object])],
                        })
                    }
                }
            }
            Abs::Unknown(why) => Err(why.clone()),
            other => {
                let read = self.read(other, &[], false, span)?;
                Ok(Expr::Var(Var::Port(ports.add(namer, prefix, read.binding))))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn trace_children(
        &mut self,
        e: &mut Expr,
        doc: &Abs,
        available: &Available,
        ports: &mut Ports,
        namer: &mut Namer,
        prefix: &str,
        span: Span,
        lambdas: &mut Vec<String>,
    ) -> Result<(), (String, PlaceholderKind)> {
        let mut go = |x: &mut Expr, this: &mut Self, lambdas: &mut Vec<String>| {
            this.trace(x, doc, available, ports, namer, prefix, span, lambdas)
        };
        match e {
            Expr::Path { base, steps } => {
                go(base, self, lambdas)?;
                for s in steps {
                    if let PathStep::Filter(x) | PathStep::Map(x) = s {
                        go(x, self, lambdas)?;
                    }
                }
            }
            Expr::JsonPath { base, selectors } => {
                go(base, self, lambdas)?;
                for s in selectors {
                    if let Selector::Filter(x) = s {
                        go(x, self, lambdas)?;
                    }
                }
            }
            Expr::Unary { operand, .. } => go(operand, self, lambdas)?,
            Expr::Binary { lhs, rhs, .. } => {
                go(lhs, self, lambdas)?;
                go(rhs, self, lambdas)?;
            }
            Expr::Cond {
                test,
                then,
                otherwise,
            } => {
                go(test, self, lambdas)?;
                go(then, self, lambdas)?;
                if let Some(o) = otherwise {
                    go(o, self, lambdas)?;
                }
            }
            Expr::Array(items) => {
                for i in items {
                    go(i, self, lambdas)?;
                }
            }
            Expr::Object(fields) => {
                for (k, v) in fields {
                    go(k, self, lambdas)?;
                    go(v, self, lambdas)?;
                }
            }
            Expr::Call { args, .. } => {
                for a in args {
                    go(a, self, lambdas)?;
                }
            }
            Expr::Lambda { params, body } => {
                let n = lambdas.len();
                lambdas.extend(params.iter().cloned());
                let r = go(body, self, lambdas);
                lambdas.truncate(n);
                r?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Bind a translated expression: a literal when constant, the traced binding when
    /// it is one read, otherwise an `expr` binding whose ports are pushed to `ports`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn bind_expr(
        &mut self,
        mut expr: Expr,
        doc: &Abs,
        available: &Available,
        ports: &mut Ports,
        namer: &mut Namer,
        prefix: &str,
        text: &str,
        kind: PlaceholderKind,
        span: Span,
    ) -> Binding {
        if let Some(v) = constant(&expr) {
            return Binding::Literal(v);
        }
        let mut mine = Ports::default();
        let traced = self.trace(
            &mut expr,
            doc,
            available,
            &mut mine,
            namer,
            prefix,
            span,
            &mut Vec::new(),
        );
        if let Err((why, placeholder)) = traced {
            if placeholder != PlaceholderKind::ExecutionVariable {
                self.note_unknown(text, span, &why);
            }
            let kind = if placeholder == PlaceholderKind::ExecutionVariable {
                placeholder
            } else {
                kind
            };
            return Binding::Unresolved(Placeholder {
                kind,
                text: text.to_string(),
                span,
                flagged: false,
            });
        }
        if let Expr::Var(Var::Port(p)) = &expr
            && let Some((_, b)) = mine.inputs.iter().find(|(n, _)| n == p)
        {
            return b.clone();
        }
        ports.inputs.extend(mine.inputs);
        Binding::Expr(Box::new(Computed {
            expr,
            text: text.to_string(),
            span,
        }))
    }

    /// A `{% ... %}` string: parsed, reported when not translated, and bound.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn jsonata_binding(
        &mut self,
        node: &Node,
        text: &str,
        doc: &Abs,
        available: &Available,
        ports: &mut Ports,
        namer: &mut Namer,
        prefix: &str,
    ) -> Binding {
        let placeholder = Binding::Unresolved(Placeholder {
            kind: PlaceholderKind::Jsonata,
            text: text.to_string(),
            span: node.span,
            flagged: false,
        });
        let Some((body, offset)) = jsonata::template_body(text) else {
            return placeholder;
        };
        match jsonata::parse_expression(body) {
            Ok(expr) => self.bind_expr(
                expr,
                doc,
                available,
                ports,
                namer,
                prefix,
                text,
                PlaceholderKind::Jsonata,
                node.span,
            ),
            Err(problem) => {
                let spans = StringSpans::new(self.cx.source, node.span, text);
                let at = spans.span(offset + problem.start, offset + problem.end);
                let d = if problem.code == "F0321" {
                    Diagnostic::error(
                        "F0321",
                        format!("JSONata expression is not valid: {}", problem.message),
                    )
                    .with_primary(at, "here")
                } else {
                    Diagnostic::warning(
                        "F0322",
                        format!("JSONata expression not translated: {}", problem.message),
                    )
                    .with_primary(at, "not translated")
                    .with_help("the value stays an unresolved placeholder to wire by hand")
                };
                self.cx.diagnostics.push(d);
                placeholder
            }
        }
    }
}

/// The literal value of a constant expression.
fn constant(e: &Expr) -> Option<Value> {
    Some(match e {
        Expr::Null => Value::Null,
        Expr::Bool(b) => Value::Bool(*b),
        Expr::Number(n) => Value::Number(n.clone()),
        Expr::String(s) => Value::String(s.clone()),
        _ => return None,
    })
}

/// An intrinsic call as an expression (paths become JSONPath reads).
pub fn intrinsic_expr(call: &Intrinsic) -> Option<Expr> {
    let func = Func::from_name(&call.name)?;
    let args = call
        .args
        .iter()
        .enumerate()
        .map(|(n, a)| {
            Some(match a {
                // A Format template keeps `\{` `\}`; elsewhere they are plain braces.
                Arg::Str(s) if func == Func::StatesFormat && n == 0 => Expr::String(s.clone()),
                Arg::Str(s) => Expr::String(s.replace("\\{", "{").replace("\\}", "}")),
                Arg::Number(n) => Expr::Number(n.clone()),
                Arg::Bool(b) => Expr::Bool(*b),
                Arg::Null => Expr::Null,
                Arg::Call(inner) => intrinsic_expr(inner)?,
                Arg::Path(p) => {
                    let selectors = p
                        .segs
                        .iter()
                        .map(|s| match s {
                            crate::paths::Seg::Key(k) => Some(Selector::Field(k.clone())),
                            crate::paths::Seg::Index(i) => Some(Selector::Index(*i)),
                            crate::paths::Seg::Dynamic => None,
                        })
                        .collect::<Option<Vec<_>>>()?;
                    let root = match &p.root {
                        crate::paths::Root::Input => Var::Input,
                        crate::paths::Root::Context => Var::Context,
                        crate::paths::Root::Variable(v) => Var::Variable(v.clone()),
                    };
                    Expr::JsonPath {
                        base: Box::new(Expr::Var(root)),
                        selectors,
                    }
                }
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Expr::Call { func, args })
}

impl MachineLowering<'_, '_> {
    /// The binding of a JSONPath-mode value: a path (any JSONPath) or an intrinsic call.
    pub(crate) fn path_binding(
        &mut self,
        text: &str,
        doc: &Abs,
        ports: &mut Ports,
        namer: &mut Namer,
        prefix: &str,
        span: Span,
    ) -> Binding {
        let expr = if text.trim_start().starts_with("States.") {
            crate::paths::parse_intrinsic(text).and_then(|c| intrinsic_expr(&c))
        } else {
            crate::jsonpath::parse(text)
                .ok()
                .map(|p| crate::jsonpath::to_expr(&p))
        };
        match expr {
            Some(e) => self.bind_expr(
                e,
                doc,
                &Available::default(),
                ports,
                namer,
                prefix,
                text,
                PlaceholderKind::JsonPath,
                span,
            ),
            // The checker reported it (F0316).
            None => Binding::Unresolved(Placeholder {
                kind: PlaceholderKind::JsonPath,
                text: text.to_string(),
                span,
                flagged: false,
            }),
        }
    }
}

/// Whether `segs` (of `$$`) is a field the generated project reads from ZenML's run
/// context (`rt.context()`): the execution's id, name and start, the state machine's
/// name, the state's name and entry time, and in a `.waitForTaskToken` Task's request
/// the task token (made up by the step, which then waits for it).
fn run_context_field(segs: &[Segment], task_token: bool) -> bool {
    let [Segment::Key(object), Segment::Key(field), ..] = segs else {
        return false;
    };
    matches!(
        (object.as_str(), field.as_str()),
        ("Execution", "Id" | "Name" | "StartTime")
            | ("StateMachine", "Id" | "Name")
            | ("State", "Name" | "EnteredTime")
    ) || (task_token && object == "Task" && field == "Token")
}
