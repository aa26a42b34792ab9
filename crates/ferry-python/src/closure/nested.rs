//! Imports inside function and class bodies of carried code (`from .models import X`
//! in a function): what they import from the code location is carried like any other
//! use, and the statement is rewritten to import it from the module that defines it
//! (the re-exporting `__init__` is not carried); third-party ones are dependencies.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Stmt, StmtImportFrom};
use ruff_text_size::Ranged;

use super::{Location, Resolution, absolute};
use crate::imports::{Import, distribution_for, imports_from, imports_of};
use crate::{Closure, Edit};

/// Import statements nested in `stmts` (the statements themselves excluded when
/// `top_level_excluded`).
fn nested(stmts: &[Stmt], top_level_excluded: bool) -> Vec<&Stmt> {
    #[derive(Default)]
    struct Finder<'a>(Vec<&'a Stmt>);
    impl<'a> Visitor<'a> for Finder<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_)) {
                self.0.push(stmt);
            }
            visitor::walk_stmt(self, stmt);
        }
    }
    let mut f = Finder::default();
    for s in stmts {
        if top_level_excluded && matches!(s, Stmt::Import(_) | Stmt::ImportFrom(_)) {
            continue;
        }
        f.visit_stmt(s);
    }
    f.0
}

impl Location<'_> {
    /// Handle the nested imports of `stmts` of module `module` (full name): queue the
    /// location definitions they import, rewrite the statements that import them
    /// through a re-export, record third-party ones.
    pub(super) fn nested_imports(
        &self,
        module: &str,
        stmts: &[Stmt],
        top_level_excluded: bool,
        framework: &dyn Fn(&str) -> bool,
        out: &mut Closure,
        work: &mut Vec<(String, usize)>,
    ) {
        let Some(lm) = self.modules.get(module) else {
            return;
        };
        for stmt in nested(stmts, top_level_excluded) {
            match stmt {
                Stmt::Import(i) => {
                    for import in imports_of(i) {
                        if let Import::Module { module: m, .. } = &import
                            && self.find(m).is_none()
                            && !self.is_framework(m, framework)
                        {
                            if let Some(d) = distribution_for(m) {
                                out.distributions.insert(d);
                            }
                            out.nested_external.insert(import);
                        }
                    }
                }
                Stmt::ImportFrom(i) => {
                    self.nested_from(module, lm.is_package, i, framework, out, work)
                }
                _ => {}
            }
        }
    }

    fn nested_from(
        &self,
        module: &str,
        is_package: bool,
        stmt: &StmtImportFrom,
        framework: &dyn Fn(&str) -> bool,
        out: &mut Closure,
        work: &mut Vec<(String, usize)>,
    ) {
        let Some(base) = absolute(
            module,
            is_package,
            stmt.level,
            stmt.module.as_ref().map(|m| m.as_str()),
        ) else {
            return;
        };
        if self.is_framework(&base, framework) {
            return;
        }
        let Some(target) = self.find(&base).map(str::to_string) else {
            if stmt.level == 0 {
                for import in imports_from(stmt) {
                    if let Some(d) = import.distribution() {
                        out.distributions.insert(d);
                    }
                    out.nested_external.insert(import);
                }
            }
            return;
        };
        let canonical = self.modules[&target].canonical.clone();
        let mut lines = Vec::new();
        let mut changed = false;
        for alias in &stmt.names {
            let name = alias.name.as_str();
            let bound = alias.asname.as_ref().map_or(name, |a| a.as_str());
            if name == "*" || self.find(&format!("{base}.{name}")).is_some() {
                lines.push(None);
                continue;
            }
            let (resolution, local) = self.resolve(&target, name, framework);
            let import = match &resolution {
                Resolution::Local {
                    module: m,
                    name: def,
                } => {
                    if let Some((full, stmts)) = local {
                        for s in stmts {
                            work.push((full.clone(), s));
                        }
                    }
                    Some(Import::From {
                        level: 0,
                        module: Some(m.clone()),
                        name: def.clone(),
                        asname: (def != bound).then(|| bound.to_string()),
                    })
                }
                Resolution::External {
                    import,
                    distribution,
                } => {
                    if let Some(d) = distribution {
                        out.distributions.insert(d.clone());
                    }
                    out.nested_external.insert(import.clone());
                    Some(import.clone())
                }
                _ => None,
            };
            match import {
                Some(import) => {
                    let same = matches!(&import, Import::From { module: Some(m), name: def, .. } if *m == canonical && def == name)
                        && stmt.level == 0;
                    changed |= !same;
                    lines.push(Some(import));
                }
                None => lines.push(None),
            }
        }
        if !changed || lines.iter().any(Option::is_none) {
            return;
        }
        let text: Vec<String> = lines.into_iter().flatten().map(|i| i.render()).collect();
        out.nested_edits
            .entry(module.to_string())
            .or_default()
            .push(Edit::replace(stmt.range(), text.join("\n")));
    }
}
