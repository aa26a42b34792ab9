//! Carrying an asset/op body into its step: the body on the AST (ferry-python's
//! `CarriedFunction`), its free names resolved over the code location, the location's
//! constants, helpers and classes it needs carried along (inline, ahead of the body,
//! until the IR can hold support modules), third-party imports kept, Dagster names
//! reported where they are used.

use std::collections::BTreeSet;

use ferry_diagnostics::{Diagnostic, Span};
use ferry_python::{CarriedFunction, Layout};

use crate::collect::Definition;

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
    top == "dagster" || INTEGRATIONS.contains(&top)
}

/// A body ready for `StepKind::Python`.
pub struct Carried {
    /// Carried helpers, at column 0 (the back end indents them token by token).
    pub helpers: String,
    pub docstring: Option<String>,
    pub body: String,
    pub imports: Vec<String>,
    pub body_span: Span,
    /// Distributions of the third-party imports (for pyproject, once the IR has them).
    pub distributions: BTreeSet<String>,
}

/// Carry `def`'s body at indentation `indent` (strings and comments exact); `lowered`
/// are Dagster names the caller lowers itself (not reported).
pub fn carry(
    location: &ferry_python::Location<'_>,
    def: &Definition,
    indent: &str,
    lowered: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
) -> Carried {
    let module = def.module;
    let carried = match CarriedFunction::carry(module, def.def, Vec::new(), Layout::Indent(indent))
    {
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
                helpers: String::new(),
                docstring: None,
                body: "raise NotImplementedError(\"body not carried\")\n".into(),
                imports: Vec::new(),
                body_span: def.span,
                distributions: BTreeSet::new(),
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
    let Some(full) = location.module_of_file(module.file) else {
        return Carried {
            helpers: String::new(),
            docstring,
            body: carried.body_text,
            imports: Vec::new(),
            body_span: carried.body_span,
            distributions: BTreeSet::new(),
        };
    };
    let closure = location.closure(full, &carried.free_names, &is_dagster);
    let mut reported: BTreeSet<String> = BTreeSet::new();
    for use_ in &closure.framework {
        if lowered.iter().any(|l| use_.qualified == *l) {
            continue;
        }
        // One finding per name and step, at the first use.
        if !reported.insert(use_.qualified.clone()) {
            continue;
        }
        diagnostics.push(
            Diagnostic::warning(
                "F0507",
                format!(
                    "`{}` ({}) in the carried code of `{}` is Dagster runtime API, which is not translated yet",
                    use_.written, use_.qualified, def.key
                ),
            )
            .with_primary(use_.span, "Dagster name")
            .with_help("the generated step does not import Dagster; replace this use with its ZenML equivalent"),
        );
    }
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
            .with_help("define or import it in the generated step"),
        );
    }
    let inline = match closure.inline(location, Layout::Indent("")) {
        Ok(i) => i,
        Err(e) => {
            diagnostics.push(
                Diagnostic::warning(
                    "F0508",
                    format!("the helpers of `{}` could not be carried: {e:?}", def.key),
                )
                .with_primary(def.span, "this definition"),
            );
            ferry_python::Inline::default()
        }
    };
    report_strings(module, &inline.strings.inexact, diagnostics);
    for (name, modules) in &inline.collisions {
        diagnostics.push(
            Diagnostic::warning(
                "F0508",
                format!(
                    "`{name}` is defined in both `{}`; the carried code of `{}` keeps the first",
                    modules.join("` and `"),
                    def.key
                ),
            )
            .with_primary(def.span, "this definition"),
        );
    }
    for (m, span) in &closure.module_objects {
        diagnostics.push(
            Diagnostic::warning(
                "F0508",
                format!("module `{m}` of the code location is used as an object in the carried code of `{}`; it is not carried", def.key),
            )
            .with_primary(*span, "module used here")
            .with_help("import the names it uses from the module instead"),
        );
    }
    Carried {
        helpers: inline.text,
        docstring,
        body: carried.body_text,
        imports: inline
            .imports
            .iter()
            .map(ferry_python::Import::render)
            .collect(),
        body_span: carried.body_span,
        distributions: closure.distributions,
    }
}

fn report_strings(
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
