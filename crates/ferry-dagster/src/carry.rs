//! Carrying an asset/op body into its step: the body on the AST (ferry-python's
//! `CarriedFunction`) with Dagster's runtime API rewritten (`rewrite.rs`), its free
//! names resolved over the code location, the location's constants, helpers and
//! classes it needs collected into the closure whose support modules become project
//! files (`support.rs`), third-party imports kept.

use ferry_diagnostics::{Diagnostic, Span};
use ferry_python::{CarriedFunction, Closure, Edit, FreeNames, Import, Layout, Ranged, TextRange};

use crate::collect::Definition;
use crate::rewrite::{Env, Rewritten};

/// Dagster's own integration libraries and the community ones seen in real code
/// locations: their names are Dagster runtime API too.
const INTEGRATIONS: &[&str] = &[
    "dagster_airbyte",
    "dagster_aws",
    "dagster_azure",
    "dagster_celery",
    "dagster_census",
    "dagster_cloud",
    "dagster_databricks",
    "dagster_datahub",
    "dagster_dbt",
    "dagster_dlt",
    "dagster_docker",
    "dagster_duckdb",
    "dagster_duckdb_pandas",
    "dagster_duckdb_polars",
    "dagster_embedded_elt",
    "dagster_fivetran",
    "dagster_gcp",
    "dagster_gcp_pandas",
    "dagster_github",
    "dagster_graphql",
    "dagster_hf_datasets",
    "dagster_k8s",
    "dagster_kafka",
    "dagster_looker",
    "dagster_mlflow",
    "dagster_msteams",
    "dagster_openai",
    "dagster_pagerduty",
    "dagster_pandas",
    "dagster_pipes",
    "dagster_polars",
    "dagster_postgres",
    "dagster_powerbi",
    "dagster_pyspark",
    "dagster_ray",
    "dagster_shell",
    "dagster_slack",
    "dagster_sling",
    "dagster_slurm",
    "dagster_snowflake",
    "dagster_snowflake_pandas",
    "dagster_spark",
    "dagster_ssh",
    "dagster_tableau",
    "dagster_twilio",
    "dagster_wandb",
    "dagstermill",
];

/// Whether a qualified name belongs to Dagster or one of its integration libraries
/// (a location's own `dagster_*` package is not: the closure checks the location
/// first).
pub fn is_dagster(qualified: &str) -> bool {
    let top = qualified.split('.').next().unwrap_or(qualified);
    top == "dagster" || INTEGRATIONS.contains(&top) || top.starts_with("dagster_")
}

/// A body ready for `StepKind::Python`.
pub struct Carried {
    pub docstring: Option<String>,
    /// The body at column 0 (the back end indents it token by token).
    pub body: String,
    /// Import statements the body needs: third-party as written, and the location's
    /// definitions from their support modules.
    pub imports: Vec<Import>,
    pub body_span: Span,
    /// What the body needs from the location (merged into the project's support
    /// modules).
    pub closure: Closure,
    pub rewritten: Rewritten,
}

/// Carry `def`'s body with Dagster's runtime API lowered. `extra` are names the step
/// needs besides the body's (classes of resource and config parameters), at the
/// ranges of their uses.
pub fn carry(
    location: &ferry_python::Location<'_>,
    def: &Definition,
    env: Env<'_>,
    extra: &[(String, TextRange)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Carried {
    let module = def.module;
    let rest: &[ferry_python::ast::Stmt] = match ferry_python::docstring_of(&def.def.body) {
        Some(_) => &def.def.body[1..],
        None => &def.def.body,
    };
    let mut rewritten = crate::rewrite::rewrite(&env, rest);
    diagnostics.append(&mut rewritten.diagnostics);
    let mut free: FreeNames = env.free.clone();
    let handled = rewritten.handled.clone();
    free.retain_uses(|_, r| !handled.iter().any(|h| h.contains_range(r)));
    for (name, range) in extra {
        free.insert(name, *range);
    }
    let full = location.module_of_file(module.file).map(str::to_string);
    let closure = match &full {
        Some(full) => location.closure_of_body(full, &free, rest, &is_dagster),
        None => Closure::default(),
    };
    // A name nothing binds becomes a stand-in that raises where it is used, with the
    // diagnostic, instead of a NameError.
    let mut stand_ins: Vec<Edit> = Vec::new();
    for (name, span, reason) in &closure.unresolved {
        diagnostics.push(
            Diagnostic::warning(
                "F0506",
                format!(
                    "`{name}` in the carried code of `{}` cannot be resolved: {reason}",
                    def.key
                ),
            )
            .with_primary(*span, "undefined here")
            .with_help(
                "the generated code raises NotImplementedError there; define or import it by hand",
            ),
        );
        if span.file != module.file {
            continue;
        }
        let Some(range) = free
            .uses(name)
            .iter()
            .find(|r| r.start().to_usize() == span.start as usize)
            .copied()
        else {
            continue;
        };
        let stand_in = rewritten.stand_in(
            &format!("`{name}` ({reason})"),
            "define or import it in the generated project",
            *span,
        );
        stand_ins.push(Edit::replace(range, format!("{stand_in}()")));
    }
    for (m, span) in &closure.module_objects {
        if span.file != module.file {
            continue;
        }
        diagnostics.push(
            Diagnostic::note(
                "F0508",
                format!("module `{m}` of the code location is used as an object in the carried code of `{}`; it is imported as a support module", def.key),
            )
            .with_primary(*span, "module used here"),
        );
    }
    let mut edits = rewritten.edits.clone();
    edits.extend(stand_ins);
    // Imports inside the body that reach the location's definitions through a
    // re-export now name the defining module.
    if let Some(nested) = full.as_ref().and_then(|f| closure.nested_edits.get(f)) {
        let body_range = def.def.range();
        edits.extend(
            nested
                .iter()
                .filter(|e| body_range.contains_range(e.range))
                .cloned(),
        );
    }
    let indent = "";
    let carried = match CarriedFunction::carry(module, def.def, edits, Layout::Indent(indent)) {
        Ok(c) => c,
        Err(e) => {
            diagnostics.push(
                Diagnostic::warning(
                    "F0508",
                    format!("the body of `{}` could not be carried: {e:?}", def.key),
                )
                .with_primary(def.span, "this definition"),
            );
            return Carried {
                docstring: None,
                body: "raise NotImplementedError(\"body not carried\")\n".into(),
                imports: Vec::new(),
                body_span: def.span,
                closure: Closure::default(),
                rewritten,
            };
        }
    };
    let docstring = match carried.docstring_text(module, Layout::Indent("")) {
        Ok(Some(d)) => {
            report_strings(module, &d.inexact, diagnostics);
            Some(d.text)
        }
        _ => None,
    };
    report_strings(module, &carried.inexact, diagnostics);
    let mut imports = closure.imports.clone();
    imports.extend(rewritten.imports.iter().cloned());
    imports.sort();
    imports.dedup();
    Carried {
        docstring,
        body: carried.body_text,
        imports,
        body_span: carried.body_span,
        closure,
        rewritten,
    }
}

pub(crate) fn report_strings(
    module: &ferry_python::ParsedModule,
    inexact: &[ferry_python::TextRange],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for r in inexact {
        diagnostics.push(
            Diagnostic::warning("F0508", "this multi-line raw string gains indentation in the generated step")
                .with_primary(module.span(r), "string literal")
                .with_help("check that the extra leading spaces do not matter, or move the string to module level by hand"),
        );
    }
}
