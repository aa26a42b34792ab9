//! The code location's helpers the carried steps need, as project files: one support
//! module per original module (the union of what every step needs, carried once, at
//! the original package path), Dagster decorators stripped, Dagster-only imports
//! dropped, Dagster base classes of config and resource classes made plain pydantic
//! models, loggers made standard-library loggers, and whatever else of Dagster's API
//! they use replaced by a stand-in that raises when used (F0507). The third-party
//! packages they and the steps import become the workflow's dependencies.

use std::collections::BTreeMap;

use ferry_diagnostics::{Diagnostic, MigrationFlag, Span};
use ferry_ir::naming::Namer;
use ferry_ir::{Dependency, ProjectFile};
use ferry_python::ast::Stmt;
use ferry_python::{Closure, Edit, Import, Location, Ranged, Scope, TextRange};

use crate::chains::{Chain, Position, chains_in};
use crate::rewrite::normalise;

/// Dagster base classes that are pydantic models: carried classes derive from
/// `pydantic.BaseModel` instead.
const PYDANTIC_BASES: &[&str] = &[
    "dagster.Config",
    "dagster.PermissiveConfig",
    "dagster.ConfigurableResource",
];

const STAND_IN: &str = "class NotMigrated:
    \"\"\"Stand-in for Dagster runtime API ferry did not translate: using it raises.\"\"\"

    def __init__(self, construct: str) -> None:
        self.construct = construct

    def __call__(self, *args: object, **kwargs: object) -> object:
        raise NotImplementedError(f\"{self.construct} was not migrated from Dagster\")

    def __getattr__(self, name: str) -> object:
        raise NotImplementedError(f\"{self.construct} was not migrated from Dagster\")";

struct ModuleEdits {
    edits: Vec<Edit>,
    imports: Vec<Import>,
    stand_in: Option<String>,
}

fn rewrite_chain(
    chain: &Chain<'_>,
    q: &str,
    stand_in: &mut dyn FnMut() -> String,
    out: &mut ModuleEdits,
) -> bool {
    let whole = chain.range();
    let import = |module: &str| Import::Module {
        module: module.into(),
        asname: None,
    };
    if chain.position == Position::BaseClass {
        if PYDANTIC_BASES.contains(&q) {
            out.edits.push(Edit::replace(whole, "pydantic.BaseModel"));
            out.imports.push(import("pydantic"));
            return true;
        }
        out.edits.push(Edit::replace(whole, "object"));
        return false;
    }
    if chain.position == Position::Annotation {
        // The whole annotation: `Ctx | OtherCtx` becomes one `object`.
        let range = chain.annotation.unwrap_or(whole);
        if !out.edits.iter().any(|e| e.range == range) {
            out.edits.push(Edit::replace(range, "object"));
        }
        return true;
    }
    let api = q.strip_prefix("dagster.").unwrap_or(q);
    match (api, chain.call) {
        ("get_dagster_logger", Some(call)) => {
            out.edits
                .push(Edit::replace(call.range(), "logging.getLogger(__name__)"));
            out.imports.push(import("logging"));
            true
        }
        ("file_relative_path", Some(call))
            if call.arguments.args.len() == 2 && call.arguments.keywords.is_empty() =>
        {
            let (a, b) = (&call.arguments.args[0], &call.arguments.args[1]);
            let r = call.range();
            out.edits.push(Edit::replace(
                TextRange::new(r.start(), a.range().start()),
                "os.path.join(os.path.dirname(",
            ));
            out.edits.push(Edit::replace(
                TextRange::new(a.range().end(), b.range().start()),
                "), ",
            ));
            out.edits
                .push(Edit::replace(TextRange::new(b.range().end(), r.end()), ")"));
            out.imports.push(import("os"));
            true
        }
        ("AssetCheckSeverity.WARN", _) => {
            out.edits.push(Edit::replace(whole, "\"WARN\""));
            true
        }
        ("AssetCheckSeverity.ERROR", _) => {
            out.edits.push(Edit::replace(whole, "\"ERROR\""));
            true
        }
        _ => {
            let name = stand_in();
            out.edits.push(Edit::replace(
                whole,
                // `q` is a dotted path of identifiers: a plain string literal.
                format!("{name}(\"{q}\")"),
            ));
            false
        }
    }
}

/// The support modules of `closure` as project files, with the dependencies of every
/// external import they or the steps make (`step_imports`).
pub fn files(
    location: &Location<'_>,
    closure: &Closure,
    step_imports: &[(Import, Span)],
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<ProjectFile>, Vec<Dependency>) {
    let mut files = Vec::new();
    let mut deps: BTreeMap<String, (String, Span)> = BTreeMap::new();
    let add_dep = |import: &Import, span: Span, deps: &mut BTreeMap<String, (String, Span)>| {
        let module = match import {
            Import::Module { module, .. } => Some(module.as_str()),
            Import::From {
                level: 0,
                module: Some(m),
                ..
            } => Some(m.as_str()),
            _ => None,
        };
        let Some(module) = module else { return };
        let top = module.split('.').next().unwrap_or(module);
        if closure
            .support
            .iter()
            .any(|s| s.module == top || s.module.starts_with(&format!("{top}.")))
            || crate::carry::is_dagster(top)
        {
            return;
        }
        // By distribution: one top-level module (`google`) can come from several.
        if let Some(d) = import.distribution() {
            deps.entry(d).or_insert((top.to_string(), span));
        }
    };
    for (i, span) in step_imports {
        add_dep(i, *span, &mut deps);
    }
    let span = step_imports.first().map(|(_, s)| *s).unwrap_or_default();
    for i in &closure.nested_external {
        add_dep(i, span, &mut deps);
    }
    for m in &closure.support {
        let Some(full) = location.full_name(&m.module) else {
            continue;
        };
        let Some((parsed, _)) = location.module(full) else {
            continue;
        };
        let scope = if m.path.ends_with("__init__.py") {
            Scope::package(full, parsed.body())
        } else {
            Scope::module(full, parsed.body())
        };
        let stripped = closure.stripped.get(full).cloned().unwrap_or_default();
        let mut out = ModuleEdits {
            edits: Vec::new(),
            imports: Vec::new(),
            stand_in: None,
        };
        // `from __future__ import annotations` changes how the carried code runs.
        for stmt in parsed.body() {
            if let Stmt::ImportFrom(i) = stmt
                && i.module
                    .as_ref()
                    .is_some_and(|m| m.as_str() == "__future__")
            {
                out.imports.extend(ferry_python::imports_from(i));
            }
        }
        let mut namer: Option<Namer> = None;
        for &index in &m.statements {
            let Some(stmt) = parsed.body().get(index) else {
                continue;
            };
            for call in crate::resource_context::calls(stmt, &scope) {
                if let Some((edit, imports)) = crate::resource_context::rewrite(&call) {
                    out.edits.push(edit);
                    out.imports.extend(imports);
                    continue;
                }
                let name = stand_in_name(&mut out.stand_in, &mut namer, parsed.body());
                out.edits.push(Edit::replace(
                    call.range,
                    format!("{name}(\"dagster.ConfigurableResource.get_resource_context\")"),
                ));
                diagnostics.push(
                    Diagnostic::warning(
                        "F0507",
                        format!(
                            "the resource context in `{}`, carried as a support module, is used for more than its logger",
                            m.path
                        ),
                    )
                    .with_primary(parsed.span(&call.range), "Dagster runtime API")
                    .with_flag(MigrationFlag::Medium)
                    .with_help("ferry translates the context's `log` only; the support module keeps a stand-in that raises NotImplementedError when used; replace it by hand"),
                );
            }
            let (free, _) = ferry_python::statement_free_names(stmt);
            for chain in chains_in(stmt) {
                if !free.uses(chain.root).contains(&chain.root_range())
                    || stripped
                        .iter()
                        .any(|s| s.contains_range(chain.root_range()))
                {
                    continue;
                }
                let Some(q) = scope.qualified_name(chain.prefixes[chain.attrs.len()]) else {
                    continue;
                };
                let q = normalise(&q);
                if !location.is_framework(&q, &crate::carry::is_dagster) {
                    continue;
                }
                let mut stand_in = || stand_in_name(&mut out.stand_in, &mut namer, parsed.body());
                let mut local = ModuleEdits {
                    edits: Vec::new(),
                    imports: Vec::new(),
                    stand_in: None,
                };
                let lowered = rewrite_chain(&chain, &q, &mut stand_in, &mut local);
                for e in local.edits {
                    if !out
                        .edits
                        .iter()
                        .any(|o| o.range.contains_range(e.range) || e.range.contains_range(o.range))
                    {
                        out.edits.push(e);
                    }
                }
                out.imports.extend(local.imports);
                if !lowered {
                    diagnostics.push(
                        Diagnostic::warning(
                            "F0507",
                            format!(
                                "`{q}` in `{}`, carried as a support module, is Dagster runtime API ferry does not translate",
                                m.path
                            ),
                        )
                        .with_primary(parsed.span(&chain.range()), "Dagster runtime API")
                        .with_flag(MigrationFlag::Medium)
                        .with_help("the support module keeps a stand-in that raises NotImplementedError when used; replace it by hand"),
                    );
                }
            }
        }
        let prelude = match &out.stand_in {
            Some(name) if name == "NotMigrated" => STAND_IN.to_string(),
            Some(name) => STAND_IN.replacen("class NotMigrated:", &format!("class {name}:"), 1),
            None => String::new(),
        };
        out.imports.sort();
        out.imports.dedup();
        match closure.support_text_with(location, m, out.edits, &out.imports, &prelude) {
            Ok(text) => {
                crate::carry::report_strings(parsed, &text.inexact, diagnostics);
                files.push(ProjectFile {
                    path: m.path.clone(),
                    what: format!("support module `{}`", m.module),
                    text: text.text,
                    span: m.span,
                    verbatim: false,
                });
            }
            Err(e) => diagnostics.push(
                Diagnostic::warning(
                    "F0508",
                    format!("support module `{}` could not be carried: {e:?}", m.module),
                )
                .with_primary(m.span, "this module"),
            ),
        }
        let imports: Vec<Import> = m.imports.iter().chain(&out.imports).cloned().collect();
        for i in &imports {
            add_dep(i, m.span, &mut deps);
        }
    }
    let dependencies = deps
        .into_iter()
        .map(|(distribution, (import, span))| Dependency {
            distribution,
            import,
            span,
        })
        .collect();
    (files, dependencies)
}

/// The module's stand-in class name, chosen once per module and free of every name the
/// module uses (the namer is built on first need).
fn stand_in_name(
    stand_in: &mut Option<String>,
    namer: &mut Option<Namer>,
    body: &[Stmt],
) -> String {
    stand_in
        .get_or_insert_with(|| {
            namer
                .get_or_insert_with(|| {
                    let names = crate::chains::all_names(body);
                    Namer::with_reserved(names.iter().map(String::as_str))
                })
                .fresh("NotMigrated")
        })
        .clone()
}
