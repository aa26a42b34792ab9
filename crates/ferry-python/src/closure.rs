//! Semantic closure of carried code over a code location: every free name resolved
//! through the module's scope and the location's modules (relative imports, `__init__`
//! re-exports, `from x import *`), classified, and the location's own definitions it
//! needs collected transitively into support modules that mirror the original layout.
//!
//! The caller says which qualified names belong to the framework being migrated away
//! from (a predicate); this module knows no framework.

use std::collections::{BTreeMap, BTreeSet};

use ferry_diagnostics::Span;
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::imports::{Import, distribution_for, imports_in};
use crate::{FreeNames, ParsedModule, is_builtin, module_name_for_path, statement_free_names};

mod nested;

/// How many re-export hops a lookup follows (import cycles end there).
const MAX_HOPS: usize = 24;

/// What a free name refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Builtin,
    /// A module outside the location; `distribution` is `None` for the standard library.
    External {
        import: Import,
        distribution: Option<String>,
    },
    /// A framework name (the caller's predicate said so): to be lowered, not kept.
    Framework {
        qualified: String,
    },
    /// A definition of the location: module (canonical name) and name there.
    Local {
        module: String,
        name: String,
    },
    /// A module of the location used as an object (`from . import helpers`).
    LocalModule {
        module: String,
    },
    Unresolved {
        reason: String,
    },
}

/// One free name of the carried code with its uses.
#[derive(Debug, Clone)]
pub struct ResolvedName {
    pub name: String,
    pub resolution: Resolution,
    pub uses: Vec<Span>,
}

/// A module of the generated project holding carried definitions.
#[derive(Debug, Clone)]
pub struct SupportModule {
    /// Canonical dotted name (`my_pkg.utils.io`).
    pub module: String,
    /// Path mirroring the original layout under the project's import root
    /// (`my_pkg/utils/io.py`).
    pub path: String,
    pub imports: Vec<Import>,
    /// The carried top-level statements (indices into the original module body).
    pub statements: Vec<usize>,
    /// Names it defines that carried code uses.
    pub names: BTreeSet<String>,
    /// Span of the original module.
    pub span: Span,
}

/// A framework name used by carried code, at the use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkUse {
    /// The qualified name through the imports, with the attribute chain after it
    /// (`dg.MaterializeResult` → `dagster.MaterializeResult`).
    pub qualified: String,
    /// The use as written, with its attribute chain (`dg.MaterializeResult`).
    pub written: String,
    pub span: Span,
}

/// Everything carried code needs.
#[derive(Debug, Clone, Default)]
pub struct Closure {
    /// The free names of the root code, resolved.
    pub names: Vec<ResolvedName>,
    /// Imports the root code needs: external ones as written, and `from <support module>
    /// import <name>` for the location's definitions.
    pub imports: Vec<Import>,
    pub support: Vec<SupportModule>,
    /// Distributions of the external imports (for pyproject dependencies).
    pub distributions: BTreeSet<String>,
    /// Framework uses in the root and the support code.
    pub framework: Vec<FrameworkUse>,
    /// Names nothing binds, in the root and the support code, with why.
    pub unresolved: Vec<(String, Span, String)>,
    /// Location modules used as objects (`helpers.f()` after `from . import helpers`),
    /// at the uses; support-module mode imports them, inline mode cannot.
    pub module_objects: Vec<(String, Span)>,
    /// Decorator ranges stripped from carried definitions (framework decorators), by
    /// module.
    pub stripped: BTreeMap<String, Vec<TextRange>>,
    /// Imports nested in carried function bodies that import the location's
    /// definitions through a re-export, rewritten to the defining module: edits by
    /// module (full dotted name, the root's included).
    pub nested_edits: BTreeMap<String, Vec<crate::Edit>>,
    /// Third-party imports nested in carried function bodies (for dependencies).
    pub nested_external: BTreeSet<Import>,
}

struct LocModule<'a> {
    parsed: &'a ParsedModule,
    path: String,
    canonical: String,
    is_package: bool,
    /// name → indices of the top-level statements binding it.
    bindings: BTreeMap<String, Vec<usize>>,
    /// Absolute modules of `from m import *`.
    star: Vec<String>,
}

/// The modules of one code location.
#[derive(Default)]
pub struct Location<'a> {
    modules: BTreeMap<String, LocModule<'a>>,
}

fn absolute(current: &str, is_package: bool, level: u32, module: Option<&str>) -> Option<String> {
    if level == 0 {
        return module.map(str::to_string);
    }
    let mut parts: Vec<&str> = current.split('.').filter(|p| !p.is_empty()).collect();
    let pops = if is_package { level - 1 } else { level } as usize;
    if pops > parts.len() {
        return None;
    }
    parts.truncate(parts.len() - pops);
    if let Some(m) = module {
        parts.push(m);
    }
    Some(parts.join("."))
}

impl<'a> Location<'a> {
    /// `files`: (path relative to the location's root, parsed module).
    pub fn new(files: &[(String, &'a ParsedModule)]) -> Self {
        let inits: BTreeSet<String> = files
            .iter()
            .filter(|(p, _)| p.ends_with("__init__.py"))
            .map(|(p, _)| {
                p.rsplit_once('/')
                    .map_or(String::new(), |(d, _)| d.to_string())
            })
            .collect();
        let mut modules = BTreeMap::new();
        for (path, parsed) in files {
            let full = module_name_for_path(path);
            let is_package = path.ends_with("__init__.py");
            // The import root: above the outermost folder of the package chain.
            let dirs: Vec<&str> = path.split('/').collect();
            let file = dirs.len().saturating_sub(1);
            let mut j = file;
            while j > 0 && inits.contains(&dirs[..j].join("/")) {
                j -= 1;
            }
            let canonical = module_name_for_path(&dirs[j..].join("/"));
            let canonical = if canonical.is_empty() {
                full.clone()
            } else {
                canonical
            };
            let mut m = LocModule {
                parsed,
                path: path.clone(),
                canonical,
                is_package,
                bindings: BTreeMap::new(),
                star: Vec::new(),
            };
            for (i, stmt) in parsed.body().iter().enumerate() {
                for name in statement_free_names(stmt).1 {
                    m.bindings.entry(name).or_default().push(i);
                }
                if let Stmt::ImportFrom(from) = stmt
                    && from.names.iter().any(|a| a.name.as_str() == "*")
                    && let Some(target) = absolute(
                        &full,
                        is_package,
                        from.level,
                        from.module.as_ref().map(|m| m.as_str()),
                    )
                {
                    m.star.push(target);
                }
            }
            modules.insert(full, m);
        }
        // Canonical names must be unique; clashes keep the full dotted path.
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for m in modules.values() {
            *seen.entry(m.canonical.clone()).or_default() += 1;
        }
        for (full, m) in modules.iter_mut() {
            if seen[&m.canonical] > 1 {
                m.canonical = full.clone();
            }
        }
        Location { modules }
    }

    /// The location module an absolute module name refers to: exact, or the shortest
    /// module whose dotted name ends with it (repository-relative paths keep folders
    /// above the import root).
    fn find(&self, absolute: &str) -> Option<&str> {
        if let Some(exact) = self.find_exact(absolute) {
            return Some(exact);
        }
        let suffix = format!(".{absolute}");
        self.modules
            .keys()
            .filter(|k| k.ends_with(&suffix))
            .min_by_key(|k| (k.len(), k.as_str()))
            .map(String::as_str)
    }

    /// The location module whose full or canonical name is exactly `absolute`.
    fn find_exact(&self, absolute: &str) -> Option<&str> {
        if let Some((k, _)) = self.modules.get_key_value(absolute) {
            return Some(k.as_str());
        }
        self.modules
            .iter()
            .find(|(_, m)| m.canonical == absolute)
            .map(|(k, _)| k.as_str())
    }

    /// Whether `top` is a top-level package of the location (some module lives in it).
    fn is_own_package(&self, top: &str) -> bool {
        let prefix = format!("{top}.");
        self.modules.iter().any(|(full, m)| {
            m.canonical == top || m.canonical.starts_with(&prefix) || full.starts_with(&prefix)
        })
    }

    /// Framework names, unless the location itself has a module of that name.
    /// Whether `qualified` names the framework's API: `framework` says so and no module
    /// of the location has the name or a prefix of it (a location's own package may
    /// share the framework's prefix, as `dagster_movies` does `dagster_`).
    pub fn is_framework(&self, qualified: &str, framework: &dyn Fn(&str) -> bool) -> bool {
        if !framework(qualified) {
            return false;
        }
        let mut prefix = qualified;
        loop {
            if self.find_exact(prefix).is_some() {
                return false;
            }
            match prefix.rsplit_once('.') {
                Some((head, _)) => prefix = head,
                None => return true,
            }
        }
    }

    /// The full dotted name of the module parsed from `file`.
    pub fn module_of_file(&self, file: ferry_diagnostics::FileId) -> Option<&str> {
        self.modules
            .iter()
            .find(|(_, m)| m.parsed.file == file)
            .map(|(k, _)| k.as_str())
    }

    /// The full dotted name of the module at `path`.
    pub fn module_of_path(&self, path: &str) -> Option<&str> {
        self.modules
            .iter()
            .find(|(_, m)| m.path == path)
            .map(|(k, _)| k.as_str())
    }

    /// Resolve `name` as seen from module `module` (full dotted name).
    pub fn resolve(
        &self,
        module: &str,
        name: &str,
        framework: &dyn Fn(&str) -> bool,
    ) -> (Resolution, Option<(String, Vec<usize>)>) {
        self.resolve_hops(module, name, framework, 0)
    }

    /// The resolution, and for a local definition its module and binding statements.
    fn resolve_hops(
        &self,
        module: &str,
        name: &str,
        framework: &dyn Fn(&str) -> bool,
        hops: usize,
    ) -> (Resolution, Option<(String, Vec<usize>)>) {
        let unresolved = |reason: String| (Resolution::Unresolved { reason }, None);
        if hops > MAX_HOPS {
            return unresolved(format!("`{name}` is re-exported in a cycle"));
        }
        let Some(m) = self.modules.get(module) else {
            return unresolved(format!(
                "module `{module}` is not part of the code location"
            ));
        };
        let Some(stmts) = m.bindings.get(name) else {
            for star in &m.star {
                if self.is_framework(star, framework) {
                    continue;
                }
                if let Some(target) = self.find(star) {
                    let target = target.to_string();
                    let found = self.resolve_hops(&target, name, framework, hops + 1);
                    if !matches!(found.0, Resolution::Unresolved { .. }) {
                        return found;
                    }
                }
            }
            if is_builtin(name) {
                return (Resolution::Builtin, None);
            }
            if let Some(star) = m
                .star
                .iter()
                .find(|s| self.find(s).is_none() && !self.is_framework(s, framework))
            {
                let import = Import::From {
                    level: 0,
                    module: Some(star.clone()),
                    name: "*".into(),
                    asname: None,
                };
                return (
                    Resolution::External {
                        import,
                        distribution: distribution_for(star),
                    },
                    None,
                );
            }
            return unresolved(format!("nothing in `{}` binds `{name}`", m.path));
        };
        let body = m.parsed.body();
        let last = stmts.last().copied().unwrap_or_default();
        let import = imports_in(&body[last])
            .into_iter()
            .rev()
            .find(|i| i.bound_name() == name);
        let Some(import) = import else {
            return (
                Resolution::Local {
                    module: m.canonical.clone(),
                    name: name.to_string(),
                },
                Some((module.to_string(), stmts.clone())),
            );
        };
        match import {
            Import::Module {
                module: target,
                asname,
            } => {
                let imported = if asname.is_some() {
                    target.clone()
                } else {
                    target.split('.').next().unwrap_or(&target).to_string()
                };
                if self.is_framework(&imported, framework) {
                    return (
                        Resolution::Framework {
                            qualified: imported,
                        },
                        None,
                    );
                }
                if let Some(local) = self.find(&imported) {
                    return (
                        Resolution::LocalModule {
                            module: self.modules[local].canonical.clone(),
                        },
                        None,
                    );
                }
                let top = target.split('.').next().unwrap_or(&target);
                if top != imported && self.is_own_package(top) {
                    return unresolved(format!(
                        "`{}` imports `{target}`, a module of the code location's own package that is not among its files",
                        m.path
                    ));
                }
                let distribution = distribution_for(&target);
                (
                    Resolution::External {
                        import: Import::Module {
                            module: target,
                            asname,
                        },
                        distribution,
                    },
                    None,
                )
            }
            Import::From {
                level,
                module: from,
                name: imported,
                asname,
            } => {
                let Some(base) = absolute(module, m.is_package, level, from.as_deref()) else {
                    return unresolved(format!(
                        "relative import of `{imported}` leaves the code location"
                    ));
                };
                let qualified = if base.is_empty() {
                    imported.clone()
                } else {
                    format!("{base}.{imported}")
                };
                if self.is_framework(&qualified, framework) || self.is_framework(&base, framework) {
                    return (Resolution::Framework { qualified }, None);
                }
                if let Some(sub) = self.find(&qualified) {
                    return (
                        Resolution::LocalModule {
                            module: self.modules[sub].canonical.clone(),
                        },
                        None,
                    );
                }
                if let Some(target) = self.find(&base) {
                    let target = target.to_string();
                    return self.resolve_hops(&target, &imported, framework, hops + 1);
                }
                let top = base.split('.').next().unwrap_or(&base);
                if self.is_own_package(top) {
                    return unresolved(format!(
                        "`{}` imports `{imported}` from `{base}`, a module of the code location's own package that is not among its files",
                        m.path
                    ));
                }
                if level > 0 {
                    return unresolved(format!(
                        "`{}` imports `{imported}` from `{base}`, which is not part of the code location",
                        m.path
                    ));
                }
                (
                    Resolution::External {
                        distribution: distribution_for(&format!("{base}.{imported}")),
                        import: Import::From {
                            level: 0,
                            module: from,
                            name: imported,
                            asname,
                        },
                    },
                    None,
                )
            }
        }
    }

    /// The closure of code in module `module` (full dotted name) whose free names are
    /// `free`. Framework decorators of carried definitions are stripped.
    pub fn closure(
        &self,
        module: &str,
        free: &FreeNames,
        framework: &dyn Fn(&str) -> bool,
    ) -> Closure {
        self.closure_of(module, free, &[], framework)
    }

    /// [`Location::closure`] of a function body `body` of module `module`: the imports
    /// nested in the body count too ([`Closure::nested_edits`] has the rewritten ones).
    pub fn closure_of_body(
        &self,
        module: &str,
        free: &FreeNames,
        body: &[Stmt],
        framework: &dyn Fn(&str) -> bool,
    ) -> Closure {
        self.closure_of(module, free, body, framework)
    }

    fn closure_of(
        &self,
        module: &str,
        free: &FreeNames,
        body: &[Stmt],
        framework: &dyn Fn(&str) -> bool,
    ) -> Closure {
        let mut out = Closure::default();
        let Some(root) = self.modules.get(module) else {
            return out;
        };
        let mut carried: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        let mut imports: BTreeMap<String, BTreeSet<Import>> = BTreeMap::new();
        let mut names: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut work: Vec<(String, usize)> = Vec::new();
        let mut root_imports = BTreeSet::new();
        for (name, ranges) in free.iter() {
            let (resolution, local) = self.resolve(module, name, framework);
            let uses: Vec<Span> = ranges.iter().map(|r| root.parsed.span(r)).collect();
            self.record(root, name, ranges, &resolution, &mut out, &mut root_imports);
            if let Some((m, stmts)) = local {
                names
                    .entry(m.clone())
                    .or_default()
                    .insert(name_in(&resolution));
                for s in stmts {
                    work.push((m.clone(), s));
                }
            }
            out.names.push(ResolvedName {
                name: name.to_string(),
                resolution,
                uses,
            });
        }
        out.imports = root_imports.into_iter().collect();
        self.nested_imports(module, body, false, framework, &mut out, &mut work);
        while let Some((m, index)) = work.pop() {
            if !carried.entry(m.clone()).or_default().insert(index) {
                continue;
            }
            let Some(lm) = self.modules.get(&m) else {
                continue;
            };
            let stmt = &lm.parsed.body()[index];
            self.nested_imports(
                &m,
                std::slice::from_ref(stmt),
                true,
                framework,
                &mut out,
                &mut work,
            );
            let stripped = self.framework_decorators(&m, stmt, framework);
            let (free, _) = statement_free_names(stmt);
            let mut these = BTreeSet::new();
            for (name, ranges) in free.iter() {
                let ranges: Vec<TextRange> = ranges
                    .iter()
                    .copied()
                    .filter(|r| !stripped.iter().any(|s| s.contains_range(*r)))
                    .collect();
                if ranges.is_empty() {
                    continue;
                }
                let (resolution, local) = self.resolve(&m, name, framework);
                self.record(lm, name, &ranges, &resolution, &mut out, &mut these);
                if let Some((lm2, stmts)) = local {
                    names
                        .entry(lm2.clone())
                        .or_default()
                        .insert(name_in(&resolution));
                    for s in stmts {
                        work.push((lm2.clone(), s));
                    }
                }
            }
            // Definitions of the same module need no import of their own.
            these.retain(
                |i| !matches!(i, Import::From { module: Some(x), .. } if *x == lm.canonical),
            );
            imports.entry(m.clone()).or_default().extend(these);
            if !stripped.is_empty() {
                out.stripped.entry(m.clone()).or_default().extend(stripped);
            }
        }
        for (m, statements) in carried {
            let lm = &self.modules[&m];
            out.support.push(SupportModule {
                module: lm.canonical.clone(),
                path: support_path(&lm.canonical, lm.is_package),
                imports: imports.remove(&m).unwrap_or_default().into_iter().collect(),
                statements: statements.into_iter().collect(),
                names: names.remove(&m).unwrap_or_default(),
                span: Span::new(lm.parsed.file, 0, lm.parsed.text.len()),
            });
        }
        out.support.sort_by(|a, b| a.module.cmp(&b.module));
        for list in out.stripped.values_mut() {
            list.sort_by_key(|r| r.start());
            list.dedup();
        }
        out.framework
            .sort_by_key(|f| (f.span.file, f.span.start, f.span.end));
        out.framework.dedup();
        out.unresolved
            .sort_by_key(|u| (u.1.file, u.1.start, u.1.end));
        out.unresolved.dedup();
        out
    }

    /// Record one resolved free name: imports, distributions, framework uses, misses.
    fn record(
        &self,
        lm: &LocModule<'_>,
        name: &str,
        ranges: &[TextRange],
        resolution: &Resolution,
        out: &mut Closure,
        imports: &mut BTreeSet<Import>,
    ) {
        match resolution {
            Resolution::Builtin => {}
            Resolution::External {
                import,
                distribution,
            } => {
                let mut import = import.clone();
                // Bind the name the code uses.
                match &mut import {
                    Import::Module { asname, module } if module.split('.').next() != Some(name) => {
                        *asname = Some(name.to_string())
                    }
                    Import::From {
                        asname, name: n, ..
                    } if n != "*" && n != name => *asname = Some(name.to_string()),
                    _ => {}
                }
                imports.insert(import);
                if let Some(d) = distribution {
                    out.distributions.insert(d.clone());
                }
            }
            Resolution::Framework { qualified } => {
                for r in ranges {
                    out.framework.push(FrameworkUse {
                        qualified: with_attributes(&lm.parsed.text, *r, qualified),
                        written: with_attributes(&lm.parsed.text, *r, name),
                        span: lm.parsed.span(r),
                    });
                }
            }
            Resolution::Local { module, name: def } => {
                imports.insert(Import::From {
                    level: 0,
                    module: Some(module.clone()),
                    name: def.clone(),
                    asname: (def != name).then(|| name.to_string()),
                });
            }
            Resolution::LocalModule { module } => {
                for r in ranges {
                    out.module_objects.push((module.clone(), lm.parsed.span(r)));
                }
                imports.insert(Import::Module {
                    module: module.clone(),
                    asname: Some(name.to_string()),
                });
            }
            Resolution::Unresolved { reason } => {
                for r in ranges {
                    out.unresolved
                        .push((name.to_string(), lm.parsed.span(r), reason.clone()));
                }
            }
        }
    }

    /// Decorators of a carried `def`/`class` that are framework names.
    fn framework_decorators(
        &self,
        module: &str,
        stmt: &Stmt,
        framework: &dyn Fn(&str) -> bool,
    ) -> Vec<TextRange> {
        let decorators = match stmt {
            Stmt::FunctionDef(d) => &d.decorator_list,
            Stmt::ClassDef(c) => &c.decorator_list,
            _ => return Vec::new(),
        };
        decorators
            .iter()
            .filter(|d| {
                let callee = match &d.expression {
                    Expr::Call(c) => &*c.func,
                    other => other,
                };
                let mut head = callee;
                while let Expr::Attribute(a) = head {
                    head = &a.value;
                }
                let Expr::Name(n) = head else { return false };
                matches!(
                    self.resolve(module, n.id.as_str(), framework).0,
                    Resolution::Framework { .. }
                )
            })
            .map(|d| d.range())
            .collect()
    }

    /// The parsed module and canonical name of a full dotted module name.
    pub fn module(&self, module: &str) -> Option<(&'a ParsedModule, &str)> {
        self.modules
            .get(module)
            .map(|m| (m.parsed, m.canonical.as_str()))
    }

    /// The full dotted name of the module with this canonical name.
    pub fn full_name(&self, canonical: &str) -> Option<&str> {
        self.modules
            .iter()
            .find(|(_, m)| m.canonical == canonical)
            .map(|(k, _)| k.as_str())
    }
}

fn name_in(resolution: &Resolution) -> String {
    match resolution {
        Resolution::Local { name, .. } => name.clone(),
        _ => String::new(),
    }
}

/// `my_pkg.utils.io` → `my_pkg/utils/io.py`; a package → `.../__init__.py`.
pub fn support_path(module: &str, is_package: bool) -> String {
    let base = module.replace('.', "/");
    if is_package {
        format!("{base}/__init__.py")
    } else {
        format!("{base}.py")
    }
}

/// `qualified` followed by the attribute chain written after the use at `range`.
fn with_attributes(text: &str, range: TextRange, qualified: &str) -> String {
    let mut out = qualified.to_string();
    let mut rest = text.get(range.end().to_usize()..).unwrap_or("");
    while let Some(after) = rest.strip_prefix('.') {
        let ident: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() {
            break;
        }
        out.push('.');
        out.push_str(&ident);
        rest = &after[ident.len()..];
    }
    out
}
