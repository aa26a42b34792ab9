use std::collections::BTreeMap;

use ferry_diagnostics::{Diagnostic, FileId, MigrationFlag, Span};
use nom::Parser;

use super::lex::{
    PResult, TextError, cut_fail, expect, fail, ident, kw, list, name, number, peek_kw, punct,
    python_text, skip_ws, span, string, unsigned,
};
use crate::{
    Binding, BranchRule, CachePolicy, Catch, Channel, CompareOp, Condition, ContainerJob,
    Dependency, Edge, EdgeKind, Frontend, Input, IntegrationPattern, JobKind, Launch, Mapping,
    MappingClass, ModelRegistration, Output, ParamType, Parameter, Pipeline, Placeholder,
    PlaceholderKind, PortType, Program, ProjectFile, PropertyFileSpec, Resource, ResultDir,
    RetryPolicy, Segment, SourceRef, Step, StepKind, Trigger, TriggerKind, Value, Workflow,
};

const MAX_DEPTH: usize = 64;

/// Parse the text form. Errors are diagnostics with spans into `file`.
pub fn parse(text: &str, file: FileId) -> Result<Workflow, Vec<Diagnostic>> {
    match workflow(text) {
        Ok((rest, wf)) => {
            let rest = skip_ws(rest);
            if rest.is_empty() {
                Ok(wf)
            } else {
                Err(vec![diagnostic(
                    text,
                    file,
                    TextError {
                        at: rest,
                        expected: "a `pipeline`, `trigger`, `resource` or `model` item".into(),
                        code: "F0101",
                        len: 0,
                    },
                )])
            }
        }
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(vec![diagnostic(text, file, e)]),
        Err(nom::Err::Incomplete(_)) => Err(vec![Diagnostic::error(
            "F0101",
            "IR text ends unexpectedly",
        )]),
    }
}

fn diagnostic(text: &str, file: FileId, e: TextError<'_>) -> Diagnostic {
    let offset = text.len() - e.at.len();
    let token_len = if e.len > 0 {
        e.len
    } else {
        e.at.chars().next().map_or(0, char::len_utf8)
    };
    let span = Span::new(file, offset, offset + token_len);
    let message = match e.code {
        "F0102" => format!("IR text nests deeper than {MAX_DEPTH} levels"),
        "F0103" | "F0104" | "F0214" => format!("IR text: {}", e.expected),
        _ => format!("IR text does not parse: expected {}", e.expected),
    };
    let label = if e.code == "F0101" {
        format!("expected {}", e.expected)
    } else if e.code == "F0104" {
        "not a Python identifier".to_string()
    } else if e.code == "F0214" {
        "too deep to read".to_string()
    } else {
        "here".to_string()
    };
    Diagnostic::error(e.code, message)
        .with_primary(span, label)
        .with_help("the grammar is in ir-spec/grammar.md")
}

pub(super) fn deeper(i: &str, depth: usize) -> PResult<'_, usize> {
    if depth >= MAX_DEPTH {
        cut_fail(i, "F0102", "less nesting")
    } else {
        Ok((i, depth + 1))
    }
}

fn workflow(i: &str) -> PResult<'_, Workflow> {
    let (i, _) = expect(kw("workflow"), "`workflow`")(i)?;
    let (i, wf_name) = string(i)?;
    let (i, _) = expect(kw("frontend"), "`frontend`")(i)?;
    let (i, fe) = ident(i)?;
    let Some(frontend) = Frontend::parse(fe) else {
        return cut_fail(i, "F0101", "a front end: asl, sagemaker, dagster or ir");
    };
    let mut wf = Workflow::new(wf_name, frontend);
    let mut i = i;
    loop {
        if let Ok((rest, _)) = kw("source")(i) {
            let (rest, file) = unsigned::<u32>(rest)?;
            let (rest, path) = string(rest)?;
            wf.sources.push(SourceRef {
                file: FileId(file),
                path,
            });
            i = rest;
        } else if peek_kw(i, "pipeline") {
            let (rest, p) = pipeline(i, 0)?;
            wf.pipelines.push(p);
            i = rest;
        } else if let Ok((rest, _)) = kw("trigger")(i) {
            let (rest, t) = trigger(rest)?;
            wf.triggers.push(t);
            i = rest;
        } else if let Ok((rest, _)) = kw("resource")(i) {
            let (rest, r_name) = string(rest)?;
            let (rest, kind) = string(rest)?;
            let (rest, config) = value(rest, 0)?;
            let (rest, s) = span(rest)?;
            let (rest, m) = mapping(rest)?;
            wf.resources.push(Resource {
                name: r_name,
                kind,
                config,
                span: s,
                mapping: m,
            });
            i = rest;
        } else if let Ok((rest, _)) = kw("model")(i) {
            let (rest, m_name) = string(rest)?;
            let (rest, _) = kw("step")(rest)?;
            let (rest, step) = string(rest)?;
            let (rest, _) = kw("approval")(rest)?;
            let (rest, approval) = opt_string(rest)?;
            let (rest, s) = span(rest)?;
            let (rest, m) = mapping(rest)?;
            wf.models.push(ModelRegistration {
                name: m_name,
                step,
                approval,
                span: s,
                mapping: m,
            });
            i = rest;
        } else if let Ok((rest, _)) = kw("file")(i) {
            let (rest, path) = string(rest)?;
            let (rest, what) = string(rest)?;
            let (rest, verbatim) = match kw("verbatim")(rest) {
                Ok((rest, _)) => (rest, true),
                Err(_) => (rest, false),
            };
            let (rest, s) = span(rest)?;
            let (rest, text) = if path.ends_with(".py") {
                python_text(rest)?
            } else {
                string(rest)?
            };
            wf.files.push(ProjectFile {
                path,
                what,
                text,
                span: s,
                verbatim,
            });
            i = rest;
        } else if let Ok((rest, _)) = kw("dependency")(i) {
            let (rest, distribution) = string(rest)?;
            let (rest, import) = string(rest)?;
            let (rest, s) = span(rest)?;
            wf.dependencies.push(Dependency {
                distribution,
                import,
                span: s,
            });
            i = rest;
        } else {
            return Ok((i, wf));
        }
    }
}

fn trigger(i: &str) -> PResult<'_, Trigger> {
    let (i, t_name) = string(i)?;
    let (i, kind) = if let Ok((i, _)) = kw("schedule")(i) {
        let (i, cron) = string(i)?;
        let (i, _) = kw("tz")(i)?;
        let (i, timezone) = opt_string(i)?;
        (i, TriggerKind::Schedule { cron, timezone })
    } else if let Ok((i, _)) = kw("interval")(i) {
        let (i, seconds) = unsigned::<u64>(i)?;
        (i, TriggerKind::Interval { seconds })
    } else if let Ok((i, _)) = kw("sensor")(i) {
        let (i, description) = string(i)?;
        (i, TriggerKind::Sensor { description })
    } else {
        return fail(skip_ws(i), "`schedule`, `interval` or `sensor`");
    };
    let (i, _) = punct("->")(i)?;
    let (i, pipeline) = string(i)?;
    let (i, s) = span(i)?;
    let (i, m) = mapping(i)?;
    Ok((
        i,
        Trigger {
            name: t_name,
            kind,
            pipeline,
            span: s,
            mapping: m,
        },
    ))
}

pub(super) fn opt_string(i: &str) -> PResult<'_, Option<String>> {
    if let Ok((rest, _)) = kw("none")(i) {
        return Ok((rest, None));
    }
    let (rest, s) = expect(string, "a string or `none`")(i)?;
    Ok((rest, Some(s)))
}

fn mapping(i: &str) -> PResult<'_, Mapping> {
    let (i, class) = ident(i)?;
    let class = match class {
        "direct" => MappingClass::Direct,
        "approximate" => MappingClass::Approximate,
        "absent" => MappingClass::Absent,
        _ => return cut_fail(i, "F0101", "a mapping class: direct, approximate or absent"),
    };
    let (i, construct) = string(i)?;
    let (i, note) = string(i)?;
    let (i, flag) = if let Ok((i, _)) = kw("flag")(i) {
        let (i, f) = ident(i)?;
        let flag = match f {
            "HIGH" => MigrationFlag::High,
            "MEDIUM" => MigrationFlag::Medium,
            "LOW" => MigrationFlag::Low,
            _ => return cut_fail(i, "F0101", "a flag: HIGH, MEDIUM or LOW"),
        };
        (i, Some(flag))
    } else {
        (i, None)
    };
    Ok((
        i,
        Mapping {
            construct,
            class,
            note,
            flag,
        },
    ))
}

fn pipeline(i: &str, depth: usize) -> PResult<'_, Pipeline> {
    let (i, depth) = deeper(i, depth)?;
    let (i, _) = expect(kw("pipeline"), "`pipeline`")(i)?;
    let (i, p_name) = name(i)?;
    let (i, display) = string(i)?;
    let (i, s) = span(i)?;
    let (mut i, _) = punct("{")(i)?;
    let mut p = Pipeline::new(p_name, display, s);
    let mut index = BTreeMap::new();
    loop {
        if let Ok((rest, _)) = punct("}")(i) {
            return Ok((rest, p));
        } else if let Ok((rest, _)) = kw("dynamic")(i) {
            p.dynamic = true;
            i = rest;
        } else if let Ok((rest, _)) = kw("entry")(i) {
            let (rest, e) = name(rest)?;
            p.entry = Some(e);
            i = rest;
        } else if let Ok((rest, _)) = kw("note")(i) {
            let (rest, n) = string(rest)?;
            p.notes.push(n);
            i = rest;
        } else if let Ok((rest, _)) = kw("param")(i) {
            let (rest, param) = parameter(rest)?;
            p.params.push(param);
            i = rest;
        } else if peek_kw(i, "step") {
            let at = skip_ws(i);
            let (rest, st) = step(i, depth)?;
            if index.contains_key(&st.name) {
                return cut_fail(at, "F0103", format!("step `{}` is declared twice", st.name));
            }
            let key = st.name.clone();
            index.insert(key, p.add_step(st));
            i = rest;
        } else if let Ok((rest, _)) = kw("edge")(i) {
            let at = skip_ws(rest);
            let (rest, from) = name(rest)?;
            let (rest, _) = punct("->")(rest)?;
            let (rest, to) = name(rest)?;
            let (Some(&a), Some(&b)) = (index.get(&from), index.get(&to)) else {
                return cut_fail(
                    at,
                    "F0103",
                    format!("edge between unknown steps `{from}` -> `{to}`"),
                );
            };
            let (rest, kind) = edge_kind(rest)?;
            let (rest, s) = span(rest)?;
            p.graph.add_edge(a, b, Edge { kind, span: s });
            i = rest;
        } else {
            return fail(
                skip_ws(i),
                "`step`, `edge`, `param`, `entry`, `dynamic`, `note` or `}`",
            );
        }
    }
}

fn edge_kind(i: &str) -> PResult<'_, EdgeKind> {
    if let Ok((i, _)) = kw("order")(i) {
        return Ok((i, EdgeKind::Order));
    }
    if let Ok((i, _)) = kw("data")(i) {
        let (i, from_port) = name(i)?;
        let (i, _) = punct("->")(i)?;
        let (i, to_port) = name(i)?;
        return Ok((i, EdgeKind::Data { from_port, to_port }));
    }
    if let Ok((i, _)) = kw("branch")(i) {
        let (i, label) = string(i)?;
        return Ok((i, EdgeKind::Branch { label }));
    }
    if let Ok((i, _)) = kw("error")(i) {
        let (i, errors) = list(i, string)?;
        let (i, _) = kw("result_path")(i)?;
        let (i, result_path) = opt_string(i)?;
        let (i, s) = span(i)?;
        return Ok((
            i,
            EdgeKind::Error(Catch {
                errors,
                result_path,
                span: s,
            }),
        ));
    }
    fail(skip_ws(i), "an edge kind: order, data, branch or error")
}

fn parameter(i: &str) -> PResult<'_, Parameter> {
    let (i, p_name) = name(i)?;
    let (i, _) = punct(":")(i)?;
    let (i, ty) = ident(i)?;
    let Some(ty) = ParamType::parse(ty) else {
        return cut_fail(
            i,
            "F0101",
            "a parameter type: string, integer, float, boolean or json",
        );
    };
    let (i, default) = if let Ok((i, _)) = punct("=")(i) {
        let (i, v) = value(i, 0)?;
        (i, Some(v))
    } else {
        (i, None)
    };
    let (i, s) = span(i)?;
    let (i, m) = mapping(i)?;
    Ok((
        i,
        Parameter {
            name: p_name,
            ty,
            default,
            span: s,
            mapping: m,
        },
    ))
}

fn port_type(i: &str) -> PResult<'_, PortType> {
    let (rest, t) = ident(i)?;
    match PortType::parse(t) {
        Some(t) => Ok((rest, t)),
        None => cut_fail(
            skip_ws(i),
            "F0101",
            "a port type: dataset, model, metrics, json, scalar, uri or unknown",
        ),
    }
}

fn step(i: &str, depth: usize) -> PResult<'_, Step> {
    let (i, _) = kw("step")(i)?;
    let (i, s_name) = name(i)?;
    let (i, display) = string(i)?;
    let (i, s) = span(i)?;
    let (i, _) = punct("{")(i)?;
    let (i, _) = expect(kw("kind"), "`kind`")(i)?;
    let (i, kind) = step_kind(i, depth)?;
    let (i, _) = expect(kw("mapping"), "`mapping`")(i)?;
    let (mut i, m) = mapping(i)?;
    let mut st = Step::new(s_name, display, s, kind, m);
    loop {
        if let Ok((rest, _)) = punct("}")(i) {
            return Ok((rest, st));
        } else if let Ok((rest, _)) = kw("in")(i) {
            let (rest, in_name) = name(rest)?;
            let (rest, _) = punct(":")(rest)?;
            let (rest, ty) = port_type(rest)?;
            let (rest, _) = punct("=")(rest)?;
            let (rest, b) = binding(rest, depth)?;
            let (rest, sp) = span(rest)?;
            st.inputs.push(Input {
                name: in_name,
                ty,
                binding: b,
                span: sp,
            });
            i = rest;
        } else if let Ok((rest, _)) = kw("out")(i) {
            let (rest, out_name) = name(rest)?;
            let (rest, _) = punct(":")(rest)?;
            let (rest, ty) = port_type(rest)?;
            let (rest, sp) = span(rest)?;
            st.outputs.push(Output {
                name: out_name,
                ty,
                span: sp,
            });
            i = rest;
        } else if let Ok((rest, _)) = kw("retry")(i) {
            let (rest, r) = retry(rest)?;
            st.retry.push(r);
            i = rest;
        } else if let Ok((rest, _)) = kw("cache")(i) {
            let (rest, enabled) = if let Ok((r, _)) = kw("none")(rest) {
                (r, None)
            } else {
                let (r, b) = boolean(rest)?;
                (r, Some(b))
            };
            let (rest, _) = kw("expire")(rest)?;
            let (rest, expire_after) = opt_string(rest)?;
            st.cache = CachePolicy {
                enabled,
                expire_after,
            };
            i = rest;
        } else if let Ok((rest, _)) = kw("hint")(i) {
            let (rest, key) = string(rest)?;
            let (rest, _) = punct("=")(rest)?;
            let (rest, v) = value(rest, depth)?;
            st.hints.insert(key, v);
            i = rest;
        } else if let Ok((rest, _)) = kw("timeout")(i) {
            let (rest, t) = unsigned::<u32>(rest)?;
            st.timeout_seconds = Some(t);
            i = rest;
        } else if let Ok((rest, _)) = kw("heartbeat")(i) {
            let (rest, t) = unsigned::<u32>(rest)?;
            st.heartbeat_seconds = Some(t);
            i = rest;
        } else if let Ok((rest, _)) = kw("note")(i) {
            let (rest, n) = string(rest)?;
            st.notes.push(n);
            i = rest;
        } else if let Ok((rest, _)) = kw("runtime")(i) {
            let (rest, b) = super::runtime::parse_binding(rest, depth)?;
            st.runtime.push(b);
            i = rest;
        } else {
            return fail(
                skip_ws(i),
                "`in`, `out`, `retry`, `cache`, `hint`, `timeout`, `heartbeat`, `note`, `runtime` or `}`",
            );
        }
    }
}

fn retry(i: &str) -> PResult<'_, RetryPolicy> {
    let (i, errors) = list(i, string)?;
    let (i, _) = kw("attempts")(i)?;
    let (i, max_attempts) = unsigned::<u32>(i)?;
    let (i, _) = kw("interval")(i)?;
    let (i, interval_seconds) = unsigned::<u32>(i)?;
    let (i, _) = kw("backoff")(i)?;
    let (i, backoff_rate) = string(i)?;
    let (i, max_delay_seconds) = match kw("max_delay")(i) {
        Ok((i, _)) => {
            let (i, d) = unsigned::<u32>(i)?;
            (i, Some(d))
        }
        Err(_) => (i, None),
    };
    let (i, jitter) = match kw("jitter")(i) {
        Ok((i, _)) => {
            let (i, j) = string(i)?;
            (i, Some(j))
        }
        Err(_) => (i, None),
    };
    let (i, s) = span(i)?;
    Ok((
        i,
        RetryPolicy {
            errors,
            max_attempts,
            interval_seconds,
            backoff_rate,
            max_delay_seconds,
            jitter,
            span: s,
        },
    ))
}

pub(super) fn boolean(i: &str) -> PResult<'_, bool> {
    if let Ok((i, _)) = kw("true")(i) {
        Ok((i, true))
    } else if let Ok((i, _)) = kw("false")(i) {
        Ok((i, false))
    } else {
        fail(skip_ws(i), "`true` or `false`")
    }
}

fn pattern(i: &str) -> PResult<'_, IntegrationPattern> {
    let (rest, p) = ident(i)?;
    match IntegrationPattern::parse(p) {
        Some(p) => Ok((rest, p)),
        None => cut_fail(
            skip_ws(i),
            "F0101",
            "an integration pattern: request_response, sync, sync2 or wait_for_task_token",
        ),
    }
}

fn step_kind(i: &str, depth: usize) -> PResult<'_, StepKind> {
    let at = skip_ws(i);
    let (i, word) = ident(i)?;
    match word {
        "script" => {
            let (i, _) = kw("image")(i)?;
            let (i, image) = opt_string(i)?;
            let (i, _) = kw("command")(i)?;
            let (i, command) = list(i, string)?;
            let (i, _) = kw("code")(i)?;
            let (i, code) = opt_string(i)?;
            Ok((
                i,
                StepKind::Script {
                    image,
                    command,
                    code,
                },
            ))
        }
        "job" => {
            let (i, job) = string(i)?;
            let (i, _) = kw("config")(i)?;
            let (i, config) = value(i, depth)?;
            Ok((i, StepKind::Job { job, config }))
        }
        "python" => {
            let (i, function) = string(i)?;
            let (i, body_span) = span(i)?;
            let (i, _) = kw("imports")(i)?;
            let (i, imports) = list(i, python_text)?;
            let (i, _) = kw("body")(i)?;
            let (i, body) = python_text(i)?;
            Ok((
                i,
                StepKind::Python {
                    function,
                    imports,
                    body,
                    body_span,
                },
            ))
        }
        "service" => {
            let (i, service) = string(i)?;
            let (i, action) = string(i)?;
            let (i, pattern) = pattern(i)?;
            let (i, _) = kw("request")(i)?;
            let (i, request) = value(i, depth)?;
            let (i, target) = match kw("target")(i) {
                Ok((i, _)) => {
                    let (i, t) = super::expr::parse_target(i)?;
                    (i, Some(Box::new(t)))
                }
                Err(_) => (i, None),
            };
            Ok((
                i,
                StepKind::ServiceCall {
                    service,
                    action,
                    pattern,
                    request,
                    target,
                },
            ))
        }
        "lambda" => {
            let (i, function) = string(i)?;
            let (i, pattern) = pattern(i)?;
            let (i, _) = kw("payload")(i)?;
            let (i, payload) = value(i, depth)?;
            Ok((
                i,
                StepKind::Lambda {
                    function,
                    payload,
                    pattern,
                },
            ))
        }
        "activity" => {
            let (i, arn) = string(i)?;
            Ok((i, StepKind::Activity { arn }))
        }
        "transform" => {
            let (i, template) = value(i, depth)?;
            Ok((i, StepKind::Transform { template }))
        }
        "branch" => {
            let (i, _) = kw("default")(i)?;
            let (i, default) = opt_string(i)?;
            let (mut i, _) = punct("{")(i)?;
            let mut rules = Vec::new();
            loop {
                if let Ok((rest, _)) = punct("}")(i) {
                    return Ok((rest, StepKind::Branch { rules, default }));
                }
                let (rest, _) = expect(kw("rule"), "`rule` or `}`")(i)?;
                let (rest, label) = string(rest)?;
                let (rest, s) = span(rest)?;
                let (rest, c) = condition(rest, depth)?;
                rules.push(BranchRule {
                    label,
                    condition: c,
                    span: s,
                });
                i = rest;
            }
        }
        "fail" => {
            let (i, _) = kw("error")(i)?;
            let (i, error) = opt_string(i)?;
            let (i, _) = kw("cause")(i)?;
            let (i, cause) = opt_string(i)?;
            Ok((i, StepKind::Fail { error, cause }))
        }
        "succeed" => Ok((i, StepKind::Succeed)),
        "wait" => {
            let (i, _) = kw("seconds")(i)?;
            let (i, seconds) = opt_binding(i, depth)?;
            let (i, _) = kw("until")(i)?;
            let (i, until) = opt_binding(i, depth)?;
            Ok((i, StepKind::Wait { seconds, until }))
        }
        "map" => {
            let (i, _) = kw("items")(i)?;
            let (i, items) = binding(i, depth)?;
            let (i, _) = kw("max_concurrency")(i)?;
            let (i, max_concurrency) = if let Ok((i, _)) = kw("none")(i) {
                (i, None)
            } else {
                let (i, n) = unsigned::<u32>(i)?;
                (i, Some(n))
            };
            let (i, _) = kw("distributed")(i)?;
            let (i, distributed) = boolean(i)?;
            let (i, _) = kw("config")(i)?;
            let (i, config) = value(i, depth)?;
            let (i, _) = punct("{")(i)?;
            let (i, region) = pipeline(i, depth)?;
            let (i, _) = punct("}")(i)?;
            Ok((
                i,
                StepKind::Map {
                    items,
                    region: Box::new(region),
                    max_concurrency,
                    distributed,
                    config,
                },
            ))
        }
        "parallel" => {
            let (mut i, _) = punct("{")(i)?;
            let mut branches = Vec::new();
            loop {
                if let Ok((rest, _)) = punct("}")(i) {
                    return Ok((rest, StepKind::Parallel { branches }));
                }
                let (rest, b) = pipeline(i, depth)?;
                branches.push(b);
                i = rest;
            }
        }
        "opaque" => {
            let (i, construct) = string(i)?;
            let (i, _) = kw("config")(i)?;
            let (i, config) = value(i, depth)?;
            Ok((i, StepKind::Opaque { construct, config }))
        }
        "container" => {
            let (i, job) = container(i, depth)?;
            Ok((i, StepKind::Container(Box::new(job))))
        }
        _ => cut_fail(
            at,
            "F0101",
            "a step kind: script, job, python, service, lambda, activity, transform, branch, fail, succeed, wait, map, parallel, opaque or container",
        ),
    }
}

fn container(i: &str, depth: usize) -> PResult<'_, ContainerJob> {
    let at = skip_ws(i);
    let (i, word) = ident(i)?;
    let Some(kind) = JobKind::parse(word) else {
        return cut_fail(
            at,
            "F0101",
            "a job kind: processing, training, tuning, transform, create_model, register_model, quality_check or notebook",
        );
    };
    let (i, _) = punct("{")(i)?;
    let (i, _) = expect(kw("program"), "`program`")(i)?;
    let at = skip_ws(i);
    let (i, word) = ident(i)?;
    let (mut i, program) = match word {
        "script" => {
            let (i, code_dir) = string(i)?;
            let (i, entry) = string(i)?;
            let (i, interpreter) = list(i, string)?;
            (
                i,
                Program::Script {
                    code_dir,
                    entry,
                    interpreter,
                },
            )
        }
        "builtin" => {
            let (i, algorithm) = string(i)?;
            let (i, version) = string(i)?;
            (i, Program::Builtin { algorithm, version })
        }
        "image" => {
            let (i, image) = value(i, depth)?;
            (i, Program::Image { image })
        }
        "missing" => {
            let (i, expected) = string(i)?;
            (i, Program::Missing { expected })
        }
        "service" => (i, Program::Service),
        _ => {
            return cut_fail(
                at,
                "F0101",
                "a program: script, builtin, image, missing or service",
            );
        }
    };
    let mut job = ContainerJob::new(kind, program);
    while let Ok((rest, _)) = kw("channel")(i) {
        let (rest, input) = name(rest)?;
        let (rest, channel) = string(rest)?;
        let (rest, path) = string(rest)?;
        let (rest, _) = kw("content_type")(rest)?;
        let (rest, content_type) = opt_string(rest)?;
        job.channels.push(Channel {
            input,
            name: channel,
            path,
            content_type,
        });
        i = rest;
    }
    while let Ok((rest, _)) = kw("result")(i) {
        let (rest, output) = name(rest)?;
        let (rest, path) = string(rest)?;
        job.results.push(ResultDir { output, path });
        i = rest;
    }
    while let Ok((rest, _)) = kw("property_file")(i) {
        let (rest, file) = string(rest)?;
        let (rest, output) = name(rest)?;
        let (rest, result) = name(rest)?;
        let (rest, path) = string(rest)?;
        job.property_files.push(PropertyFileSpec {
            name: file,
            output,
            result,
            path,
        });
        i = rest;
    }
    if let Ok((rest, _)) = kw("arguments")(i) {
        let (rest, v) = value(rest, depth)?;
        let Value::Array(items) = v else {
            return cut_fail(rest, "F0101", "a list of arguments");
        };
        job.arguments = items;
        i = rest;
    }
    if let Ok((rest, _)) = kw("hyperparameters")(i) {
        let (rest, v) = value(rest, depth)?;
        let Value::Object(fields) = v else {
            return cut_fail(rest, "F0101", "an object of hyperparameters");
        };
        job.hyperparameters = fields;
        i = rest;
    }
    if let Ok((rest, _)) = kw("environment")(i) {
        let (rest, v) = value(rest, depth)?;
        let Value::Object(fields) = v else {
            return cut_fail(rest, "F0101", "an object of environment variables");
        };
        job.environment = fields;
        i = rest;
    }
    let (rest, _) = expect(kw("settings"), "`settings`")(i)?;
    let (rest, settings) = value(rest, depth)?;
    job.settings = settings;
    i = rest;
    if let Ok((rest, _)) = kw("launch")(i) {
        let (rest, class) = string(rest)?;
        let (rest, arguments) = value(rest, depth)?;
        let (rest, method) = string(rest)?;
        let (rest, method_arguments) = value(rest, depth)?;
        job.launch = Some(Launch {
            class,
            arguments,
            method,
            method_arguments,
        });
        i = rest;
    }
    let (i, _) = expect(punct("}"), "`}` closing the container job")(i)?;
    Ok((i, job))
}

fn opt_binding(i: &str, depth: usize) -> PResult<'_, Option<Binding>> {
    if let Ok((i, _)) = kw("none")(i) {
        return Ok((i, None));
    }
    let (i, b) = binding(i, depth)?;
    Ok((i, Some(b)))
}

fn binding(i: &str, depth: usize) -> PResult<'_, Binding> {
    if let Ok((i, _)) = kw("literal")(i) {
        let (i, v) = value(i, depth)?;
        return Ok((i, Binding::Literal(v)));
    }
    if let Ok((i, _)) = kw("param")(i) {
        let (i, p) = name(i)?;
        return Ok((i, Binding::Parameter(p)));
    }
    if let Ok((i, _)) = kw("step")(i) {
        let (i, s) = name(i)?;
        let (i, _) = nom::bytes::complete::tag(".").parse(i)?;
        let (i, port) = name(i)?;
        let (i, projection) = projection(i)?;
        return Ok((
            i,
            Binding::StepOutput {
                step: s,
                port,
                projection,
            },
        ));
    }
    if let Ok((i, _)) = kw("artifact")(i) {
        let (i, artifact) = string(i)?;
        let (i, _) = kw("from")(i)?;
        let (i, producer) = name(i)?;
        return Ok((
            i,
            Binding::Artifact {
                name: artifact,
                producer,
            },
        ));
    }
    if let Ok((i, _)) = kw("unresolved")(i) {
        let (i, k) = ident(i)?;
        let Some(kind) = PlaceholderKind::parse(k) else {
            return cut_fail(i, "F0101", "a placeholder kind");
        };
        let (i, text) = string(i)?;
        let (i, s) = span(i)?;
        let (i, flagged) = match kw("flagged")(i) {
            Ok((i, _)) => (i, true),
            Err(_) => (i, false),
        };
        return Ok((
            i,
            Binding::Unresolved(Placeholder {
                kind,
                text,
                span: s,
                flagged,
            }),
        ));
    }
    if let Ok((i, _)) = kw("expr")(i) {
        let (i, text) = string(i)?;
        let (i, s) = span(i)?;
        let (i, expr) = super::expr::parse_expr(i, depth)?;
        return Ok((
            i,
            Binding::Expr(Box::new(crate::Computed {
                expr,
                text,
                span: s,
            })),
        ));
    }
    fail(
        skip_ws(i),
        "a binding: literal, param, step, unresolved or expr",
    )
}

fn projection(mut i: &str) -> PResult<'_, Vec<Segment>> {
    let mut out = Vec::new();
    // Segments follow the port directly, without spaces.
    while let Some(rest) = i.strip_prefix('[') {
        let (rest, seg) = if rest.starts_with('"') {
            let (r, k) = string(rest)?;
            (r, Segment::Key(k))
        } else {
            let (r, n) = number(rest)?;
            let Ok(n) = n.parse::<i64>() else {
                return cut_fail(rest, "F0101", "an integer index");
            };
            (r, Segment::Index(n))
        };
        let Some(rest) = rest.strip_prefix(']') else {
            return cut_fail(rest, "F0101", "`]`");
        };
        out.push(seg);
        i = rest;
    }
    Ok((i, out))
}

fn condition(i: &str, depth: usize) -> PResult<'_, Condition> {
    let (i, depth) = deeper(i, depth)?;
    if let Ok((i, _)) = punct("(")(i) {
        let (i, lhs) = binding(i, depth)?;
        let at = skip_ws(i);
        let (i, op) = operator(i)?;
        let Some(op) = CompareOp::parse(op) else {
            return cut_fail(at, "F0101", "a comparison operator");
        };
        let (i, rhs) = binding(i, depth)?;
        let (i, _) = punct(")")(i)?;
        return Ok((i, Condition::Compare { lhs, op, rhs }));
    }
    for (word, which) in [("and", 0), ("or", 1), ("not", 2)] {
        if let Ok((i, _)) = kw(word)(i) {
            let (mut i, _) = punct("(")(i)?;
            let mut items = Vec::new();
            loop {
                let (rest, c) = condition(i, depth)?;
                items.push(c);
                if let Ok((rest, _)) = punct(",")(rest) {
                    i = rest;
                    continue;
                }
                let (rest, _) = expect(punct(")"), "`,` or `)`")(rest)?;
                i = rest;
                break;
            }
            return Ok((
                i,
                match which {
                    0 => Condition::And(items),
                    1 => Condition::Or(items),
                    _ if items.len() == 1 => Condition::Not(Box::new(items.remove(0))),
                    _ => return cut_fail(i, "F0101", "exactly one condition inside `not(...)`"),
                },
            ));
        }
    }
    if let Ok((i, _)) = kw("expr")(i) {
        let (i, language) = string(i)?;
        let (i, text) = string(i)?;
        return Ok((i, Condition::Expr { language, text }));
    }
    fail(
        skip_ws(i),
        "a condition: `(lhs op rhs)`, and(..), or(..), not(..) or expr",
    )
}

fn operator(i: &str) -> PResult<'_, &str> {
    let i = skip_ws(i);
    for op in ["==", "!=", "<=", ">=", "<", ">"] {
        if let Some(rest) = i.strip_prefix(op) {
            return Ok((rest, op));
        }
    }
    ident(i)
}

pub(super) fn value(i: &str, depth: usize) -> PResult<'_, Value> {
    let (i, depth) = deeper(i, depth)?;
    let i = skip_ws(i);
    if let Ok((rest, _)) = kw("null")(i) {
        return Ok((rest, Value::Null));
    }
    if let Ok((rest, b)) = boolean(i) {
        return Ok((rest, Value::Bool(b)));
    }
    if i.starts_with('"') {
        let (rest, s) = string(i)?;
        return Ok((rest, Value::String(s)));
    }
    if let Some(rest) = i.strip_prefix('$') {
        let (rest, input) = name(rest)?;
        return Ok((rest, Value::Input(input)));
    }
    if let Ok((rest, _)) = kw("join")(i) {
        let (rest, separator) = string(rest)?;
        let (rest, parts) = list(rest, |x| value(x, depth))?;
        return Ok((rest, Value::Join { separator, parts }));
    }
    if let Ok((rest, _)) = kw("runtime")(i) {
        let (rest, fact) = string(rest)?;
        return Ok((rest, Value::Runtime(fact)));
    }
    if i.starts_with('[') {
        let (rest, items) = list(i, |x| value(x, depth))?;
        return Ok((rest, Value::Array(items)));
    }
    if let Some(mut rest) = i.strip_prefix('{') {
        let mut fields = Vec::new();
        loop {
            if let Ok((r, _)) = punct("}")(rest) {
                return Ok((r, Value::Object(fields)));
            }
            let (r, key) = expect(string, "a quoted key or `}`")(rest)?;
            let (r, _) = punct(":")(r)?;
            let (r, v) = value(r, depth)?;
            fields.push((key, v));
            if let Ok((r2, _)) = punct(",")(r) {
                rest = r2;
            } else {
                let (r2, _) = expect(punct("}"), "`,` or `}`")(r)?;
                return Ok((r2, Value::Object(fields)));
            }
        }
    }
    match number(i) {
        Ok((rest, n)) => Ok((rest, Value::Number(n.to_string()))),
        Err(_) => fail(
            i,
            "a value: null, true, false, a number, a string, [..] or {..}",
        ),
    }
}
