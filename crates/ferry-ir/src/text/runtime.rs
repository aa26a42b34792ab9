//! The text form of a step's runtime bindings (`runtime NAME KIND ... SPAN`), printed
//! and parsed here so that the step grammar stays in one place per concern.

use super::lex::{PResult, cut_fail, expect, ident, kw, list, name, punct, span, string};
use super::parse::{boolean, opt_string, value};
use super::print;
use crate::{FieldSource, ObjectField, ParamType, Period, RuntimeBinding, RuntimeKind, Value};

fn opt_value(v: &Option<Value>) -> String {
    v.as_ref().map_or("none".to_string(), print::value)
}

/// `runtime NAME KIND ... SPAN` without the leading `runtime`.
pub(super) fn print_binding(b: &RuntimeBinding) -> String {
    let head = format!("runtime {} {}", print::name(&b.name), b.kind.keyword());
    let rest = match &b.kind {
        RuntimeKind::Logger
        | RuntimeKind::StepContext
        | RuntimeKind::RecordMetadata
        | RuntimeKind::ReturnOutput
        | RuntimeKind::YieldOutput => String::new(),
        RuntimeKind::Config {
            key,
            ty,
            default,
            value,
        } => format!(
            " {} {} default {} value {}",
            print::quote(key),
            ty.as_str(),
            opt_value(default),
            opt_value(value)
        ),
        RuntimeKind::Object {
            module,
            class,
            fields,
        } => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| {
                    let source = match &f.source {
                        FieldSource::Name(n) => format!("name {}", print::name(n)),
                        FieldSource::Literal(v) => format!("literal {}", print::value(v)),
                        FieldSource::Env(var) => format!("env {}", print::quote(var)),
                    };
                    format!("{} = {source}", print::name(&f.field))
                })
                .collect();
            format!(
                " {} {} {{{}}}",
                print::quote(module),
                print::quote(class),
                if fields.is_empty() {
                    String::new()
                } else {
                    format!(" {} ", fields.join(", "))
                }
            )
        }
        RuntimeKind::CheckResult { blocking } => format!(" blocking {blocking}"),
        RuntimeKind::PartitionKey { input, dimensions } => format!(
            " {} dimensions {}",
            print::name(input),
            print::strings(dimensions)
        ),
        RuntimeKind::PartitionWindow {
            input,
            dimension,
            format,
            period,
            timezone,
        } => format!(
            " {} dimension {} format {} period {} tz {}",
            print::name(input),
            print::opt_string(dimension),
            print::quote(format),
            period.as_str(),
            print::opt_string(timezone)
        ),
        RuntimeKind::Generator { outputs, list } => {
            format!(" outputs {} list {list}", print::strings(outputs))
        }
        RuntimeKind::Unsupported { construct, help } => {
            format!(" {} {}", print::quote(construct), print::quote(help))
        }
    };
    format!("{head}{rest} {}", print::span(b.span))
}

fn opt_val(i: &str, depth: usize) -> PResult<'_, Option<Value>> {
    if let Ok((rest, _)) = kw("none")(i) {
        return Ok((rest, None));
    }
    let (rest, v) = value(i, depth)?;
    Ok((rest, Some(v)))
}

fn field(i: &str, depth: usize) -> PResult<'_, ObjectField> {
    let (i, f) = name(i)?;
    let (i, _) = punct("=")(i)?;
    let (i, source) = if let Ok((r, _)) = kw("name")(i) {
        let (r, n) = name(r)?;
        (r, FieldSource::Name(n))
    } else if let Ok((r, _)) = kw("literal")(i) {
        let (r, v) = value(r, depth)?;
        (r, FieldSource::Literal(v))
    } else if let Ok((r, _)) = kw("env")(i) {
        let (r, var) = string(r)?;
        (r, FieldSource::Env(var))
    } else {
        return super::lex::fail(i, "`name`, `literal` or `env`");
    };
    Ok((i, ObjectField { field: f, source }))
}

/// A binding after the `runtime` keyword.
pub(super) fn parse_binding(i: &str, depth: usize) -> PResult<'_, RuntimeBinding> {
    let (i, b_name) = name(i)?;
    let (i, keyword) = expect(ident, "a runtime kind")(i)?;
    let (i, kind) = match keyword {
        "logger" => (i, RuntimeKind::Logger),
        "context" => (i, RuntimeKind::StepContext),
        "record_metadata" => (i, RuntimeKind::RecordMetadata),
        "return_output" => (i, RuntimeKind::ReturnOutput),
        "yield_output" => (i, RuntimeKind::YieldOutput),
        "config" => {
            let (i, key) = string(i)?;
            let (i, t) = ident(i)?;
            let Some(ty) = ParamType::parse(t) else {
                return cut_fail(i, "F0101", "a parameter type");
            };
            let (i, _) = kw("default")(i)?;
            let (i, default) = opt_val(i, depth)?;
            let (i, _) = kw("value")(i)?;
            let (i, v) = opt_val(i, depth)?;
            (
                i,
                RuntimeKind::Config {
                    key,
                    ty,
                    default,
                    value: v,
                },
            )
        }
        "object" => {
            let (i, module) = string(i)?;
            let (i, class) = string(i)?;
            let (mut i, _) = punct("{")(i)?;
            let mut fields = Vec::new();
            loop {
                if let Ok((r, _)) = punct("}")(i) {
                    i = r;
                    break;
                }
                let (r, f) = field(i, depth)?;
                fields.push(f);
                if let Ok((r2, _)) = punct(",")(r) {
                    i = r2;
                } else {
                    let (r2, _) = expect(punct("}"), "`,` or `}`")(r)?;
                    i = r2;
                    break;
                }
            }
            (
                i,
                RuntimeKind::Object {
                    module,
                    class,
                    fields,
                },
            )
        }
        "check_result" => {
            let (i, _) = kw("blocking")(i)?;
            let (i, blocking) = boolean(i)?;
            (i, RuntimeKind::CheckResult { blocking })
        }
        "partition_key" => {
            let (i, input) = name(i)?;
            let (i, _) = kw("dimensions")(i)?;
            let (i, dimensions) = list(i, string)?;
            (i, RuntimeKind::PartitionKey { input, dimensions })
        }
        "partition_window" => {
            let (i, input) = name(i)?;
            let (i, _) = kw("dimension")(i)?;
            let (i, dimension) = opt_string(i)?;
            let (i, _) = kw("format")(i)?;
            let (i, format) = string(i)?;
            let (i, _) = kw("period")(i)?;
            let (i, p) = ident(i)?;
            let Some(period) = Period::parse(p) else {
                return cut_fail(i, "F0101", "a period: hourly, daily, weekly or monthly");
            };
            let (i, _) = kw("tz")(i)?;
            let (i, timezone) = opt_string(i)?;
            (
                i,
                RuntimeKind::PartitionWindow {
                    input,
                    dimension,
                    format,
                    period,
                    timezone,
                },
            )
        }
        "generator" => {
            let (i, _) = kw("outputs")(i)?;
            let (i, outputs) = list(i, string)?;
            let (i, _) = kw("list")(i)?;
            let (i, l) = boolean(i)?;
            (i, RuntimeKind::Generator { outputs, list: l })
        }
        "unsupported" => {
            let (i, construct) = string(i)?;
            let (i, help) = string(i)?;
            (i, RuntimeKind::Unsupported { construct, help })
        }
        _ => {
            return cut_fail(
                i,
                "F0101",
                "a runtime kind: logger, context, config, object, record_metadata, return_output, yield_output, check_result, partition_key, partition_window, generator or unsupported",
            );
        }
    };
    let (i, s) = span(i)?;
    Ok((
        i,
        RuntimeBinding {
            name: b_name,
            kind,
            span: s,
        },
    ))
}
