//! Op jobs: a pipeline of the ops a `@job`/`@graph` body calls, wired by the values
//! passed between them, with DynamicOut `.map`/`.collect` fan-outs.

use std::collections::BTreeMap;

use ferry_diagnostics::Diagnostic;
use ferry_ir::naming::Namer;
use ferry_ir::{
    Binding, EdgeKind, Input, Mapping, Output, ParamType, Parameter, Pipeline, Placeholder,
    PlaceholderKind, PortType, Step, StepKind, Value,
};
use ferry_python::FunctionInfo;
use ferry_python::ast::{Expr, Stmt};

use crate::collect::{DefKind, Definition, reference};
use crate::lower::{Builder, is_context};

/// An op job: steps for the ops its body calls, wired by the values passed between them.
pub(crate) fn op_job(
    b: &mut Builder,
    job: &crate::collect::OpJob,
    pipeline_name: &str,
) -> Pipeline {
    let mut pipeline = Pipeline::new(pipeline_name, job.name.clone(), job.span);
    pipeline.notes.push(format!(
        "boundary: op job `{}` is its own pipeline",
        job.name
    ));
    let ops: BTreeMap<String, &Definition> = b
        .location
        .definitions
        .iter()
        .filter(|d| d.kind == DefKind::Op)
        .map(|d| (d.def.name.id.to_string(), d))
        .collect();
    let mut names = Namer::new();
    let mut vars: BTreeMap<String, (petgraph::stable_graph::NodeIndex, String)> = BTreeMap::new();
    for stmt in &job.def.body {
        let (target, value) = match stmt {
            Stmt::Assign(a) => (a.targets.first().and_then(reference), &*a.value),
            Stmt::Expr(e) => (None, &*e.value),
            Stmt::Return(r) => match &r.value {
                Some(v) => (None, &**v),
                None => continue,
            },
            _ => {
                b.diagnostics.push(
                    Diagnostic::warning("F0505", "this statement of the job body is not followed")
                        .with_primary(job.module.span(stmt), "not an op call"),
                );
                continue;
            }
        };
        if let Some(node) = call_op(b, &mut pipeline, &ops, &mut names, &mut vars, job, value, 0)
            && let Some(t) = target
        {
            vars.insert(t, node);
        }
    }
    pipeline
}

#[allow(clippy::too_many_arguments)] // the recursion carries the whole wiring state
fn call_op(
    b: &mut Builder,
    pipeline: &mut Pipeline,
    ops: &BTreeMap<String, &Definition>,
    names: &mut Namer,
    vars: &mut BTreeMap<String, (petgraph::stable_graph::NodeIndex, String)>,
    job: &crate::collect::OpJob,
    expr: &Expr,
    depth: usize,
) -> Option<(petgraph::stable_graph::NodeIndex, String)> {
    if depth > 32 {
        return None;
    }
    let Expr::Call(call) = expr else { return None };
    // `x.collect()`: the list the fan-out below produced.
    if let Expr::Attribute(attr) = &*call.func
        && attr.attr.id.as_str() == "collect"
    {
        return match &*attr.value {
            Expr::Name(n) => vars.get(n.id.as_str()).cloned(),
            other => call_op(b, pipeline, ops, names, vars, job, other, depth + 1),
        };
    }
    // `producer().map(op)`: DynamicOut fan-out, one run of `op` per item.
    if let Expr::Attribute(attr) = &*call.func
        && attr.attr.id.as_str() == "map"
        && let Some(mapped) = call.arguments.args.first().and_then(reference)
        && let Some(def) = ops.get(&mapped)
    {
        let producer = match &*attr.value {
            Expr::Name(n) => vars.get(n.id.as_str()).cloned(),
            other => call_op(b, pipeline, ops, names, vars, job, other, depth + 1),
        };
        let (from, from_step) = producer?;
        let map_name = names.fresh(&format!("{mapped}_each"));
        let mut region = Pipeline::new(
            format!("{map_name}_iteration"),
            format!("{mapped} per item"),
            job.module.span(expr),
        );
        region.params.push(Parameter {
            name: "item".into(),
            ty: ParamType::Json,
            default: None,
            span: region.span,
            mapping: Mapping::direct("DynamicOutput item"),
        });
        let mut inner = b.step(def, &mapped);
        let first = FunctionInfo::of(def.module, def.def)
            .params
            .iter()
            .find(|p| !is_context(p.name, p.annotation))
            .map(|p| p.name.to_string());
        if let Some(param) = first {
            inner.inputs.push(Input {
                name: param,
                ty: PortType::Unknown,
                binding: Binding::Parameter("item".into()),
                span: region.span,
            });
        }
        region.add_step(inner);
        let items = Binding::StepOutput {
            step: from_step,
            port: "result".into(),
            projection: Vec::new(),
        };
        let mut step = Step::new(
            map_name.clone(),
            format!("{mapped}.map"),
            job.module.span(expr),
            StepKind::Map {
                items: items.clone(),
                region: Box::new(region),
                max_concurrency: None,
                distributed: false,
                config: Value::Null,
            },
            Mapping::approximate(
                "DynamicOut/.map/.collect",
                "each item runs the op as a step in a loop of a dynamic pipeline; .collect() is the list of their outputs",
            ),
        );
        step.inputs.push(Input {
            name: "items".into(),
            ty: PortType::Json,
            binding: items,
            span: job.module.span(expr),
        });
        step.outputs.push(Output {
            name: "result".into(),
            ty: PortType::Json,
            span: job.module.span(expr),
        });
        let node = pipeline.add_step(step);
        pipeline.add_edge(
            from,
            node,
            EdgeKind::Data {
                from_port: "result".into(),
                to_port: "items".into(),
            },
            job.module.span(expr),
        );
        return Some((node, map_name));
    }
    let callee = reference(&call.func)?;
    let Some(def) = ops.get(&callee) else {
        b.diagnostics.push(
            Diagnostic::warning(
                "F0505",
                format!("`{callee}` is not an op of this code location"),
            )
            .with_primary(job.module.span(expr), "not followed"),
        );
        return None;
    };
    let step_name = names.fresh(&callee);
    let step = b.step(def, &step_name);
    let params: Vec<String> = FunctionInfo::of(def.module, def.def)
        .params
        .iter()
        // Run config and resources became runtime bindings of the step.
        .filter(|p| b.is_asset_param(p))
        .map(|p| p.name.to_string())
        .collect();
    let node = pipeline.add_step(step);
    let mut arguments: Vec<(String, &Expr)> = call
        .arguments
        .args
        .iter()
        .enumerate()
        .filter_map(|(i, a)| params.get(i).map(|p| (p.clone(), a)))
        .collect();
    arguments.extend(
        call.arguments
            .keywords
            .iter()
            .filter_map(|k| k.arg.as_ref().map(|a| (a.id.to_string(), &k.value))),
    );
    let mut inputs = Vec::new();
    for (param, arg) in arguments {
        let source = match arg {
            Expr::Name(n) => vars.get(n.id.as_str()).cloned(),
            Expr::Call(_) => call_op(b, pipeline, ops, names, vars, job, arg, depth + 1),
            _ => None,
        };
        if let Some((from, from_step)) = source {
            inputs.push(Input {
                name: param.clone(),
                ty: PortType::Unknown,
                binding: Binding::StepOutput {
                    step: from_step,
                    port: "result".into(),
                    projection: Vec::new(),
                },
                span: job.module.span(arg),
            });
            pipeline.add_edge(
                from,
                node,
                EdgeKind::Data {
                    from_port: "result".into(),
                    to_port: param,
                },
                job.module.span(arg),
            );
        }
    }
    for param in &params {
        if !inputs.iter().any(|i| &i.name == param) {
            let span = job.module.span(expr);
            b.diagnostics.push(
                Diagnostic::warning(
                    "F0505",
                    format!("input `{param}` of `{callee}` is not wired by the job body"),
                )
                .with_primary(span, "this call"),
            );
            inputs.push(Input {
                name: param.clone(),
                ty: PortType::Unknown,
                binding: Binding::Unresolved(Placeholder {
                    kind: PlaceholderKind::Other,
                    text: format!("{callee}({param})"),
                    span,
                    flagged: false,
                }),
                span,
            });
        }
    }
    pipeline.graph[node].inputs.extend(inputs);
    Some((node, step_name))
}
