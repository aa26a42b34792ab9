//! Every import of a generated module must name a module (and a name in it) that the
//! project contains, a standard-library module, or a package that the project's
//! declared dependencies provide.

use std::collections::{BTreeMap, BTreeSet};

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

/// The modules of a project and the names each binds at its top level.
pub struct ModuleIndex {
    /// Dotted module name → top-level names (None: a star import makes it open).
    modules: BTreeMap<String, Option<BTreeSet<String>>>,
    /// Dotted names of packages (folders holding modules).
    packages: BTreeSet<String>,
}

impl ModuleIndex {
    /// The index of a project's `.py` modules, each with its top-level names (None: a
    /// star import makes it open, or it does not parse).
    pub fn new<'a>(files: impl IntoIterator<Item = (&'a str, Option<BTreeSet<String>>)>) -> Self {
        let mut modules = BTreeMap::new();
        let mut packages = BTreeSet::new();
        for (path, names) in files {
            let Some(name) = module_name(path) else {
                continue;
            };
            let parts: Vec<&str> = name.split('.').collect();
            let is_init = path.ends_with("/__init__.py");
            let package_depth = if is_init {
                parts.len()
            } else {
                parts.len() - 1
            };
            for depth in 1..=package_depth {
                packages.insert(parts[..depth].join("."));
            }
            modules.insert(name, names);
        }
        ModuleIndex { modules, packages }
    }

    fn is_first_party(&self, top: &str) -> bool {
        self.modules.contains_key(top) || self.packages.contains(top)
    }

    fn exists(&self, module: &str) -> bool {
        self.modules.contains_key(module) || self.packages.contains(module)
    }

    /// Whether `name` can be imported from `module` (a binding or a submodule).
    fn provides(&self, module: &str, name: &str) -> bool {
        let submodule = format!("{module}.{name}");
        if self.exists(&submodule) {
            return true;
        }
        match self.modules.get(module) {
            Some(None) => true,
            Some(Some(names)) => names.contains(name),
            // A namespace package without __init__.py binds nothing but submodules.
            None => false,
        }
    }
}

/// `steps/train.py` → `steps.train`; `steps/__init__.py` → `steps`.
fn module_name(path: &str) -> Option<String> {
    let stem = path.strip_suffix(".py")?;
    let stem = stem.strip_suffix("/__init__").unwrap_or(stem);
    Some(stem.replace('/', "."))
}

/// The names a module binds at its top level, outside functions and classes.
pub(super) fn top_level_names(body: &[Stmt]) -> Option<BTreeSet<String>> {
    let mut names = BTreeSet::new();
    let mut open = false;
    collect_top_level(body, &mut names, &mut open);
    (!open).then_some(names)
}

fn collect_top_level(body: &[Stmt], names: &mut BTreeSet<String>, open: &mut bool) {
    for stmt in body {
        match stmt {
            Stmt::FunctionDef(f) => {
                names.insert(f.name.to_string());
            }
            Stmt::ClassDef(c) => {
                names.insert(c.name.to_string());
            }
            Stmt::Import(i) => {
                for a in &i.names {
                    let bound = a.asname.as_ref().map_or_else(
                        || a.name.split('.').next().unwrap_or_default().to_string(),
                        |n| n.to_string(),
                    );
                    names.insert(bound);
                }
            }
            Stmt::ImportFrom(i) => {
                for a in &i.names {
                    if a.name.as_str() == "*" {
                        *open = true;
                    }
                    names.insert(a.asname.as_ref().unwrap_or(&a.name).to_string());
                }
            }
            Stmt::Assign(a) => a.targets.iter().for_each(|t| target_names(t, names)),
            Stmt::AnnAssign(a) => target_names(&a.target, names),
            Stmt::AugAssign(a) => target_names(&a.target, names),
            Stmt::For(f) => {
                target_names(&f.target, names);
                collect_top_level(&f.body, names, open);
                collect_top_level(&f.orelse, names, open);
            }
            Stmt::While(w) => {
                collect_top_level(&w.body, names, open);
                collect_top_level(&w.orelse, names, open);
            }
            Stmt::If(i) => {
                collect_top_level(&i.body, names, open);
                for c in &i.elif_else_clauses {
                    collect_top_level(&c.body, names, open);
                }
            }
            Stmt::With(w) => {
                for item in &w.items {
                    if let Some(v) = &item.optional_vars {
                        target_names(v, names);
                    }
                }
                collect_top_level(&w.body, names, open);
            }
            Stmt::Try(t) => {
                collect_top_level(&t.body, names, open);
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    collect_top_level(&h.body, names, open);
                }
                collect_top_level(&t.orelse, names, open);
                collect_top_level(&t.finalbody, names, open);
            }
            Stmt::TypeAlias(t) => target_names(&t.name, names),
            _ => {}
        }
    }
}

fn target_names(target: &Expr, names: &mut BTreeSet<String>) {
    match target {
        Expr::Name(n) => {
            names.insert(n.id.to_string());
        }
        Expr::Tuple(t) => t.elts.iter().for_each(|e| target_names(e, names)),
        Expr::List(l) => l.elts.iter().for_each(|e| target_names(e, names)),
        Expr::Starred(s) => target_names(&s.value, names),
        _ => {}
    }
}

/// Problems with the imports of the module at `path`: (offset, message).
pub fn check(
    path: &str,
    module: &ast::ModModule,
    index: &ModuleIndex,
    provided: &BTreeSet<String>,
) -> Vec<(usize, String)> {
    let mut imports = Vec::new();
    collect_imports(&module.body, &mut imports);
    let package = package_of(path);
    let mut problems = Vec::new();
    for stmt in imports {
        let offset = stmt.start().to_usize();
        match stmt {
            Stmt::Import(i) => {
                for a in &i.names {
                    if let Some(message) = check_module(a.name.as_str(), index, provided) {
                        problems.push((offset, message));
                    }
                }
            }
            Stmt::ImportFrom(i) => {
                let module =
                    match absolute(&package, i.level, i.module.as_ref().map(|m| m.as_str())) {
                        Some(m) => m,
                        None => {
                            problems.push((
                                offset,
                                format!(
                                    "relative import `{}{}` reaches above the project root",
                                    ".".repeat(i.level as usize),
                                    i.module.as_ref().map_or("", |m| m.as_str())
                                ),
                            ));
                            continue;
                        }
                    };
                if module == "__future__" {
                    continue;
                }
                if let Some(message) = check_module(&module, index, provided) {
                    problems.push((offset, message));
                    continue;
                }
                let top = module.split('.').next().unwrap_or_default();
                if i.level > 0 || index.is_first_party(top) {
                    for a in &i.names {
                        let name = a.name.as_str();
                        if name != "*" && !index.provides(&module, name) {
                            problems.push((
                                offset,
                                format!("`{module}` in the project does not define `{name}`"),
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    problems
}

fn check_module(module: &str, index: &ModuleIndex, provided: &BTreeSet<String>) -> Option<String> {
    let top = module.split('.').next().unwrap_or_default();
    if index.is_first_party(top) {
        return (!index.exists(module)).then(|| format!("the project has no module `{module}`"));
    }
    if top == "__future__"
        || ruff_python_stdlib::sys::is_known_standard_library(12, top)
        || provided.contains(top)
    {
        return None;
    }
    Some(format!(
        "`{module}` is neither a module of the project, nor standard library, nor provided by a dependency in pyproject.toml"
    ))
}

fn collect_imports<'a>(body: &'a [Stmt], out: &mut Vec<&'a Stmt>) {
    for stmt in body {
        match stmt {
            Stmt::Import(_) | Stmt::ImportFrom(_) => out.push(stmt),
            Stmt::FunctionDef(f) => collect_imports(&f.body, out),
            Stmt::ClassDef(c) => collect_imports(&c.body, out),
            Stmt::If(i) => {
                collect_imports(&i.body, out);
                for c in &i.elif_else_clauses {
                    collect_imports(&c.body, out);
                }
            }
            Stmt::Try(t) => {
                // `try: import x / except ImportError:` is how optional imports are
                // written; those are not required.
                let optional = t.handlers.iter().any(|h| {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    h.type_.as_ref().is_some_and(|ty| {
                        matches!(ty.as_ref(), Expr::Name(n) if matches!(n.id.as_str(), "ImportError" | "ModuleNotFoundError"))
                    })
                });
                if !optional {
                    collect_imports(&t.body, out);
                }
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    collect_imports(&h.body, out);
                }
                collect_imports(&t.orelse, out);
                collect_imports(&t.finalbody, out);
            }
            Stmt::With(w) => collect_imports(&w.body, out),
            Stmt::For(f) => collect_imports(&f.body, out),
            Stmt::While(w) => collect_imports(&w.body, out),
            _ => {}
        }
    }
}

/// The package a module belongs to (`steps/a.py` → `steps`; `steps/__init__.py` →
/// `steps`; `run.py` → ``).
fn package_of(path: &str) -> Vec<String> {
    let mut parts: Vec<String> = path.split('/').map(str::to_string).collect();
    parts.pop();
    parts
}

fn absolute(package: &[String], level: u32, module: Option<&str>) -> Option<String> {
    let level = level as usize;
    let mut base: Vec<&str> = package.iter().map(String::as_str).collect();
    if level > 0 {
        if level - 1 > base.len() {
            return None;
        }
        base.truncate(base.len() - (level - 1));
        if base.is_empty() && module.is_none() {
            return None;
        }
    } else {
        base.clear();
    }
    if let Some(m) = module {
        base.extend(m.split('.'));
    }
    Some(base.join("."))
}
