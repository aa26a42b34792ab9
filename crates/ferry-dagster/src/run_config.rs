//! A job's run configuration as written (`@job(config=...)`, `graph.to_job(config=...)`,
//! `define_asset_job(config=...)`): the `ops` section, a dict or `RunConfig(ops=...)`
//! holding dicts or Config objects, read into op name → (field, value) so each step's
//! config parameters get their values in the job's configs/*.yaml.

use std::collections::BTreeMap;

use ferry_diagnostics::Diagnostic;
use ferry_ir::Value;
use ferry_python::ast::Expr;
use ferry_python::{CallInfo, ParsedModule, Scope};

pub type RunConfig = BTreeMap<String, Vec<(String, Value)>>;

/// Read `expr` (the `config=` of job `job`); what cannot be read is reported (F0501)
/// and left to the config classes' defaults.
pub fn read(
    module: &ParsedModule,
    scope: &Scope<'_>,
    expr: &Expr,
    job: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> RunConfig {
    let mut out = RunConfig::new();
    let ok = match CallInfo::of(module, scope, expr) {
        Some(call) if call.callee.as_deref() == Some("dagster.RunConfig") => {
            match call.arg(0, "ops") {
                None => true,
                Some(Expr::Dict(d)) => d.items.iter().all(|item| {
                    let Some(Expr::StringLiteral(op)) = item.key.as_ref() else {
                        return false;
                    };
                    match config_object(module, scope, &item.value) {
                        Some(fields) => {
                            out.insert(op.value.to_str().to_string(), fields);
                            true
                        }
                        None => false,
                    }
                }),
                Some(_) => false,
            }
        }
        _ => match ferry_python::fold(module, scope, expr) {
            Ok(Value::Object(sections)) => ops_section(&sections, &mut out),
            _ => false,
        },
    };
    if !ok {
        diagnostics.push(
            Diagnostic::warning(
                "F0501",
                format!("the run configuration of job `{job}` is not read"),
            )
            .with_primary(module.span(expr), "this config")
            .with_help(
                "the steps' config parameters keep their defaults; set them in configs/*.yaml",
            ),
        );
    }
    out
}

/// `{"ops": {"op": {"config": {...}}}}`; other sections (resources, execution) are the
/// Definitions' business and are left alone.
fn ops_section(sections: &[(String, Value)], out: &mut RunConfig) -> bool {
    let Some((_, ops)) = sections.iter().find(|(k, _)| k == "ops") else {
        return true;
    };
    let Value::Object(ops) = ops else {
        return false;
    };
    for (op, section) in ops {
        let Value::Object(section) = section else {
            return false;
        };
        match section.iter().find(|(k, _)| k == "config") {
            Some((_, Value::Object(fields))) => {
                out.insert(op.clone(), fields.clone());
            }
            Some(_) => return false,
            None => {}
        }
    }
    true
}

/// The fields of a Config object `MyConfig(a=1)` or a dict `{"config": {...}}`/`{...}`.
fn config_object(
    module: &ParsedModule,
    scope: &Scope<'_>,
    expr: &Expr,
) -> Option<Vec<(String, Value)>> {
    if let Expr::Call(c) = expr {
        if !c.arguments.args.is_empty() {
            return None;
        }
        return c
            .arguments
            .keywords
            .iter()
            .map(|k| {
                let name = k.arg.as_ref()?.id.to_string();
                let value = ferry_python::fold(module, scope, &k.value).ok()?;
                Some((name, value))
            })
            .collect();
    }
    match ferry_python::fold(module, scope, expr).ok()? {
        Value::Object(fields) => match fields.iter().find(|(k, _)| k == "config") {
            Some((_, Value::Object(inner))) => Some(inner.clone()),
            _ => Some(fields),
        },
        _ => None,
    }
}
