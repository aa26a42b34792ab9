use std::collections::{BTreeMap, BTreeSet};

use ruff_python_ast::{Expr, Stmt, StmtClassDef, StmtFunctionDef};
use ruff_text_size::TextRange;

/// What a name is bound to in one scope.
#[derive(Debug, Clone, Copy)]
pub enum SymbolKind<'a> {
    /// `import a.b as c` / `from a import b as c`; the qualified name is in
    /// [`Symbol::qualified`]. `import a.b` without alias binds `a` to `a`.
    Import,
    /// `name = value` (also the value of an annotated assignment).
    Assign(&'a Expr),
    Function(&'a StmtFunctionDef),
    Class(&'a StmtClassDef),
}

/// One binding of a name, in source order.
#[derive(Debug, Clone)]
pub struct Symbol<'a> {
    pub name: String,
    pub kind: SymbolKind<'a>,
    /// For imports: the fully-qualified name bound (`from x import y as z` → `x.y`).
    pub qualified: Option<String>,
    pub range: TextRange,
}

/// The symbol table of one statement list: a module body or a function body. Only
/// top-level statements of that list bind names (plus the bodies of `if`/`try`/`with`
/// blocks, whose bindings Python also puts in the same scope).
#[derive(Debug, Clone, Default)]
pub struct Scope<'a> {
    /// Dotted name of the module this scope belongs to (for relative imports and for
    /// the qualified names of local definitions).
    pub module: String,
    /// Whether the module is a package `__init__` (relative imports start there).
    pub is_package: bool,
    symbols: BTreeMap<String, Vec<Symbol<'a>>>,
    /// Names whose container value the body changes in place (`crate::mutation`).
    mutated: BTreeSet<String>,
    parent: Option<&'a Scope<'a>>,
}

const MAX_BLOCK_DEPTH: usize = 32;

impl<'a> Scope<'a> {
    /// The scope of a module body.
    pub fn module(module: impl Into<String>, body: &'a [Stmt]) -> Self {
        Self::module_or_package(module, false, body)
    }

    /// The scope of a package's `__init__` body.
    pub fn package(module: impl Into<String>, body: &'a [Stmt]) -> Self {
        Self::module_or_package(module, true, body)
    }

    fn module_or_package(module: impl Into<String>, is_package: bool, body: &'a [Stmt]) -> Self {
        let mut scope = Scope {
            module: module.into(),
            is_package,
            symbols: BTreeMap::new(),
            mutated: crate::mutation::mutated_names(body),
            parent: None,
        };
        scope.collect(body, 0);
        scope
    }

    /// The scope of a function body nested in `parent`; names not bound here are looked
    /// up in `parent`.
    pub fn nested(parent: &'a Scope<'a>, body: &'a [Stmt]) -> Self {
        let mut scope = Scope {
            module: parent.module.clone(),
            is_package: parent.is_package,
            symbols: BTreeMap::new(),
            mutated: crate::mutation::mutated_names(body),
            parent: Some(parent),
        };
        scope.collect(body, 0);
        scope
    }

    fn bind(
        &mut self,
        name: &str,
        kind: SymbolKind<'a>,
        qualified: Option<String>,
        range: TextRange,
    ) {
        self.symbols
            .entry(name.to_string())
            .or_default()
            .push(Symbol {
                name: name.to_string(),
                kind,
                qualified,
                range,
            });
    }

    fn collect(&mut self, body: &'a [Stmt], depth: usize) {
        if depth > MAX_BLOCK_DEPTH {
            return;
        }
        for stmt in body {
            match stmt {
                Stmt::Import(import) => {
                    for alias in &import.names {
                        let full = alias.name.id.to_string();
                        match &alias.asname {
                            Some(asname) => {
                                self.bind(&asname.id, SymbolKind::Import, Some(full), alias.range)
                            }
                            None => {
                                let head = full.split('.').next().unwrap_or(&full).to_string();
                                self.bind(
                                    &head,
                                    SymbolKind::Import,
                                    Some(head.clone()),
                                    alias.range,
                                );
                            }
                        }
                    }
                }
                Stmt::ImportFrom(import) => {
                    let base = self.absolute_module(
                        import.module.as_ref().map(|m| m.id.as_str()),
                        import.level,
                    );
                    for alias in &import.names {
                        if alias.name.id.as_str() == "*" {
                            continue;
                        }
                        let local = alias.asname.as_ref().unwrap_or(&alias.name);
                        let full = if base.is_empty() {
                            alias.name.id.to_string()
                        } else {
                            format!("{base}.{}", alias.name.id)
                        };
                        self.bind(&local.id, SymbolKind::Import, Some(full), alias.range);
                    }
                }
                Stmt::Assign(assign) => {
                    for target in &assign.targets {
                        if let Expr::Name(name) = target {
                            self.bind(
                                &name.id,
                                SymbolKind::Assign(&assign.value),
                                None,
                                assign.range,
                            );
                        }
                    }
                }
                Stmt::AnnAssign(assign) => {
                    if let (Expr::Name(name), Some(value)) = (&*assign.target, &assign.value) {
                        self.bind(&name.id, SymbolKind::Assign(value), None, assign.range);
                    }
                }
                Stmt::FunctionDef(def) => {
                    self.bind(&def.name.id, SymbolKind::Function(def), None, def.range)
                }
                Stmt::ClassDef(def) => {
                    self.bind(&def.name.id, SymbolKind::Class(def), None, def.range)
                }
                Stmt::If(stmt_if) => {
                    self.collect(&stmt_if.body, depth + 1);
                    for clause in &stmt_if.elif_else_clauses {
                        self.collect(&clause.body, depth + 1);
                    }
                }
                Stmt::Try(stmt_try) => {
                    self.collect(&stmt_try.body, depth + 1);
                    for handler in &stmt_try.handlers {
                        let ruff_python_ast::ExceptHandler::ExceptHandler(h) = handler;
                        self.collect(&h.body, depth + 1);
                    }
                    self.collect(&stmt_try.orelse, depth + 1);
                    self.collect(&stmt_try.finalbody, depth + 1);
                }
                Stmt::With(with) => self.collect(&with.body, depth + 1),
                _ => {}
            }
        }
    }

    /// `from ..x import y` inside module `a.b.c` → `a.x`.
    fn absolute_module(&self, module: Option<&str>, level: u32) -> String {
        if level == 0 {
            return module.unwrap_or_default().to_string();
        }
        let mut parts: Vec<&str> = self.module.split('.').filter(|p| !p.is_empty()).collect();
        let pops = if self.is_package { level - 1 } else { level };
        for _ in 0..pops {
            parts.pop();
        }
        let mut base = parts.join(".");
        if let Some(module) = module {
            if !base.is_empty() {
                base.push('.');
            }
            base.push_str(module);
        }
        base
    }

    /// The last binding of `name` here, or in the enclosing scopes.
    pub fn lookup(&self, name: &str) -> Option<&Symbol<'a>> {
        match self.symbols.get(name).and_then(|all| all.last()) {
            Some(symbol) => Some(symbol),
            None => self.parent.and_then(|p| p.lookup(name)),
        }
    }

    /// The last binding of `name` that is complete before `offset` (for straight-line
    /// code that rebinds a name), falling back to enclosing scopes. A binding takes effect
    /// when its statement ends, as in Python: in `job = Config(other=job)` the inner `job`
    /// is the earlier binding, never the one being defined (which would be a cycle).
    pub fn lookup_before(
        &self,
        name: &str,
        offset: ruff_text_size::TextSize,
    ) -> Option<&Symbol<'a>> {
        let local = self
            .symbols
            .get(name)
            .and_then(|all| all.iter().rev().find(|s| s.range.end() <= offset));
        match local {
            Some(symbol) => Some(symbol),
            None => self.parent.and_then(|p| p.lookup(name)),
        }
    }

    /// Whether this scope (or an enclosing one) changes the container `name` is bound
    /// to in place after binding it: its binding's literal is not its value.
    pub fn is_mutated(&self, name: &str) -> bool {
        self.mutated.contains(name) || self.parent.is_some_and(|p| p.is_mutated(name))
    }

    /// Whether this scope itself (not a parent) binds `name`.
    pub fn binds_locally(&self, name: &str) -> bool {
        self.symbols.contains_key(name)
    }

    /// Every binding of this scope (not the parents'), by name then source order.
    pub fn symbols(&self) -> impl Iterator<Item = &Symbol<'a>> {
        self.symbols.values().flatten()
    }

    /// The fully-qualified name a name or attribute chain refers to: an imported name
    /// maps through its import (`dg.asset` with `import dagster as dg` → `dagster.asset`),
    /// a local function or class maps to `module.name`. `None` for anything else
    /// (variables, calls, subscripts).
    pub fn qualified_name(&self, expr: &Expr) -> Option<String> {
        let mut attrs = Vec::new();
        let mut current = expr;
        loop {
            match current {
                Expr::Attribute(attr) => {
                    attrs.push(attr.attr.id.as_str());
                    current = &attr.value;
                }
                Expr::Name(name) => {
                    let symbol = self.lookup(&name.id)?;
                    let mut out = match symbol.kind {
                        SymbolKind::Import => symbol.qualified.clone()?,
                        SymbolKind::Function(_) | SymbolKind::Class(_) => {
                            if self.module.is_empty() {
                                name.id.to_string()
                            } else {
                                format!("{}.{}", self.module, name.id)
                            }
                        }
                        SymbolKind::Assign(_) => return None,
                    };
                    for attr in attrs.iter().rev() {
                        out.push('.');
                        out.push_str(attr);
                    }
                    return Some(out);
                }
                _ => return None,
            }
        }
    }

    /// Whether `expr` names exactly `qualified` through this scope's imports.
    pub fn refers_to(&self, expr: &Expr, qualified: &str) -> bool {
        self.qualified_name(expr).as_deref() == Some(qualified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_diagnostics::SourceMap;

    fn parse(text: &str) -> crate::ParsedModule {
        let mut sources = SourceMap::new();
        let file = sources.add("m.py", text);
        crate::parse(&sources, file).unwrap().0
    }

    fn expr(module: &crate::ParsedModule, index: usize) -> &Expr {
        match &module.body()[index] {
            Stmt::Expr(e) => &e.value,
            Stmt::Assign(a) => &a.value,
            other => panic!("not an expression statement: {other:?}"),
        }
    }

    #[test]
    fn imports_with_aliases_resolve() {
        let m = parse(
            "import dagster as dg\nfrom sagemaker.workflow.steps import ProcessingStep as PS\nimport os.path\nfrom .helpers import make\ndg.asset\nPS\nos.path.join\nmake\nlocal_var\n",
        );
        let scope = Scope::module("pkg.pipeline", m.body());
        assert_eq!(
            scope.qualified_name(expr(&m, 4)).as_deref(),
            Some("dagster.asset")
        );
        assert_eq!(
            scope.qualified_name(expr(&m, 5)).as_deref(),
            Some("sagemaker.workflow.steps.ProcessingStep")
        );
        assert_eq!(
            scope.qualified_name(expr(&m, 6)).as_deref(),
            Some("os.path.join")
        );
        assert_eq!(
            scope.qualified_name(expr(&m, 7)).as_deref(),
            Some("pkg.helpers.make")
        );
        assert_eq!(scope.qualified_name(expr(&m, 8)), None);
    }

    #[test]
    fn definitions_and_nested_scopes() {
        let m =
            parse("import x\n@x.deco(1)\ndef f(a, b=2):\n    y = 3\n    return y\nclass C: pass\n");
        let scope = Scope::module("mod", m.body());
        let Some(Symbol {
            kind: SymbolKind::Function(def),
            ..
        }) = scope.lookup("f")
        else {
            panic!("f not bound as a function")
        };
        assert_eq!(def.decorator_list.len(), 1);
        assert!(matches!(
            scope.lookup("C").map(|s| s.kind),
            Some(SymbolKind::Class(_))
        ));
        let inner = Scope::nested(&scope, &def.body);
        assert!(matches!(
            inner.lookup("y").map(|s| s.kind),
            Some(SymbolKind::Assign(_))
        ));
        assert!(matches!(
            inner.lookup("x").map(|s| s.kind),
            Some(SymbolKind::Import)
        ));
        assert!(scope.lookup("y").is_none());
    }
}
