//! Name binding of one Python module, as pyflakes and ruff's F821/F811/F822/F823 see
//! it: scopes (module, class, function, lambda, comprehension), bindings with the offset
//! at which they take effect, and loads resolved after the whole module is bound, with
//! function bodies deferred (they run after the module is executed).

use std::collections::{BTreeMap, BTreeSet};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext, Stmt};
use ruff_text_size::Ranged;

/// A binding problem at a byte offset of the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub offset: usize,
    pub name: String,
    pub kind: FindingKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingKind {
    /// A name read that nothing binds (F821).
    Undefined,
    /// A local read before its first assignment while an outer scope binds it (F823).
    UndefinedLocal,
    /// An import or definition rebound before anything read it (F811), in the same
    /// scope or by a binding of a nested function; `previous` is its offset.
    RedefinedUnused { previous: usize },
    /// A name listed in `__all__` that the module does not bind (F822).
    UndefinedExport,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Class,
    Function,
    Comprehension,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BindKind {
    Import,
    Definition,
    Parameter,
    Other,
}

#[derive(Debug, Clone)]
struct Binding {
    offset: usize,
    kind: BindKind,
    /// The conditional statements (if/try/match/while/for arms) around the binding.
    forks: Vec<(usize, usize)>,
}

#[derive(Debug)]
struct Scope {
    kind: ScopeKind,
    parent: Option<usize>,
    bindings: BTreeMap<String, Vec<Binding>>,
    globals: BTreeSet<String>,
    nonlocals: BTreeSet<String>,
    star_import: bool,
}

struct Load {
    scope: usize,
    name: String,
    offset: usize,
    /// Inside a string annotation: resolved once its scope is complete (as ruff does),
    /// not at the point it is written.
    deferred: bool,
}

struct Binder {
    scopes: Vec<Scope>,
    current: usize,
    loads: Vec<Load>,
    /// Where bindings made by the statement being visited take effect.
    bind_at: usize,
    bind_kind: BindKind,
    forks: Vec<(usize, usize)>,
    /// Parsed string annotations, kept alive for the visitor.
    annotation_depth: usize,
    exports: Vec<(usize, String)>,
    /// Starts of the comprehensions being visited: a walrus inside one binds in the
    /// enclosing scope as of the comprehension (its element is evaluated after it).
    comprehension_starts: Vec<usize>,
}

/// Check the names of a parsed module.
pub fn check(module: &ast::ModModule) -> Vec<Finding> {
    let mut binder = Binder {
        scopes: vec![Scope::new(ScopeKind::Module, None)],
        current: 0,
        loads: Vec::new(),
        bind_at: 0,
        bind_kind: BindKind::Other,
        forks: Vec::new(),
        annotation_depth: 0,
        exports: Vec::new(),
        comprehension_starts: Vec::new(),
    };
    binder.visit_body(&module.body);
    binder.resolve()
}

impl Scope {
    fn new(kind: ScopeKind, parent: Option<usize>) -> Self {
        Scope {
            kind,
            parent,
            bindings: BTreeMap::new(),
            globals: BTreeSet::new(),
            nonlocals: BTreeSet::new(),
            star_import: false,
        }
    }

    fn binds(&self, name: &str, before: Option<usize>) -> bool {
        self.bindings
            .get(name)
            .is_some_and(|bs| bs.iter().any(|b| before.is_none_or(|o| b.offset <= o)))
    }
}

impl Binder {
    fn push_scope(&mut self, kind: ScopeKind) -> usize {
        self.scopes.push(Scope::new(kind, Some(self.current)));
        let previous = self.current;
        self.current = self.scopes.len() - 1;
        previous
    }

    fn bind(&mut self, name: &str, offset: usize, kind: BindKind) {
        let mut scope = self.current;
        if self.scopes[scope].globals.contains(name) {
            scope = 0;
        }
        let binding = Binding {
            offset: if scope == self.current { offset } else { 0 },
            kind,
            forks: self.forks.clone(),
        };
        self.scopes[scope]
            .bindings
            .entry(name.to_string())
            .or_default()
            .push(binding);
    }

    fn load(&mut self, name: &str, offset: usize) {
        self.loads.push(Load {
            scope: self.current,
            name: name.to_string(),
            offset,
            deferred: false,
        });
    }

    fn with_bind<F: FnOnce(&mut Self)>(&mut self, at: usize, kind: BindKind, f: F) {
        let saved = (self.bind_at, self.bind_kind);
        self.bind_at = at;
        self.bind_kind = kind;
        f(self);
        (self.bind_at, self.bind_kind) = saved;
    }

    fn visit_parameters_outside(&mut self, parameters: &ast::Parameters) {
        // Defaults and annotations are evaluated where the function is defined.
        for p in parameters.iter() {
            if let Some(default) = p.default() {
                self.visit_expr(default);
            }
            if let Some(annotation) = p.annotation() {
                self.visit_annotation(annotation);
            }
        }
    }

    fn bind_parameters(&mut self, parameters: &ast::Parameters) {
        for p in parameters.iter() {
            let name = p.name();
            self.bind(name.as_str(), name.start().to_usize(), BindKind::Parameter);
        }
    }

    fn fork<F: FnOnce(&mut Self)>(&mut self, statement: usize, arm: usize, f: F) {
        self.forks.push((statement, arm));
        f(self);
        self.forks.pop();
    }

    fn comprehension(
        &mut self,
        start: usize,
        generators: &[ast::Comprehension],
        elements: &[&Expr],
    ) {
        // The first iterable is evaluated in the enclosing scope.
        if let Some(first) = generators.first() {
            self.visit_expr(&first.iter);
        }
        let previous = self.push_scope(ScopeKind::Comprehension);
        self.comprehension_starts.push(start);
        for (i, g) in generators.iter().enumerate() {
            if i > 0 {
                self.visit_expr(&g.iter);
            }
            self.with_bind(g.target.end().to_usize(), BindKind::Other, |b| {
                b.visit_expr(&g.target)
            });
            for condition in &g.ifs {
                self.visit_expr(condition);
            }
        }
        for e in elements {
            self.visit_expr(e);
        }
        self.comprehension_starts.pop();
        self.current = previous;
    }

    fn resolve(self) -> Vec<Finding> {
        let builtins: BTreeSet<&str> = ruff_python_stdlib::builtins::python_builtins(12, false)
            .chain(ruff_python_stdlib::builtins::python_magic_globals(12))
            .collect();
        let mut findings = Vec::new();
        // Ordered loads that read each binding, for the F811 check.
        let mut used: BTreeSet<(usize, String, usize)> = BTreeSet::new();
        for load in &self.loads {
            match self.lookup(load, &builtins, &mut used) {
                Lookup::Found | Lookup::Suppressed => {}
                Lookup::Missing => findings.push(Finding {
                    offset: load.offset,
                    name: load.name.clone(),
                    kind: FindingKind::Undefined,
                }),
                Lookup::BeforeAssignment => findings.push(Finding {
                    offset: load.offset,
                    name: load.name.clone(),
                    kind: FindingKind::UndefinedLocal,
                }),
            }
        }
        findings.extend(self.redefinitions(&used));
        for (offset, name) in &self.exports {
            if !self.scopes[0].binds(name, None) && !self.scopes[0].star_import {
                findings.push(Finding {
                    offset: *offset,
                    name: name.clone(),
                    kind: FindingKind::UndefinedExport,
                });
            }
        }
        findings.sort_by(|a, b| (a.offset, &a.name).cmp(&(b.offset, &b.name)));
        findings.dedup();
        findings
    }

    fn lookup(
        &self,
        load: &Load,
        builtins: &BTreeSet<&str>,
        used: &mut BTreeSet<(usize, String, usize)>,
    ) -> Lookup {
        let name = load.name.as_str();
        let mut scope = Some(load.scope);
        // While no function boundary was crossed, only bindings made before the load
        // count (the code runs top to bottom); function bodies run later and see all.
        let mut ordered = !load.deferred;
        let mut skip_classes = false;
        let mut first = true;
        while let Some(s) = scope {
            let sc = &self.scopes[s];
            let visible = !(skip_classes && sc.kind == ScopeKind::Class);
            if visible {
                if sc.kind == ScopeKind::Function && sc.globals.contains(name) {
                    return self.module_lookup(name, builtins);
                }
                if sc.kind == ScopeKind::Function && sc.nonlocals.contains(name) {
                    scope = sc.parent;
                    ordered = false;
                    skip_classes = true;
                    first = false;
                    continue;
                }
                match sc.kind {
                    ScopeKind::Function | ScopeKind::Comprehension => {
                        if let Some(bs) = sc.bindings.get(name) {
                            let before =
                                load.deferred || bs.iter().any(|b| b.offset <= load.offset);
                            let parameter = bs.iter().any(|b| b.kind == BindKind::Parameter);
                            if first
                                && sc.kind == ScopeKind::Function
                                && !before
                                && !parameter
                                && self.enclosing_binds(s, name)
                            {
                                return Lookup::BeforeAssignment;
                            }
                            return Lookup::Found;
                        }
                    }
                    ScopeKind::Module | ScopeKind::Class => {
                        let limit = ordered.then_some(load.offset);
                        if sc.binds(name, limit) {
                            if ordered && let Some(bs) = sc.bindings.get(name) {
                                if let Some(b) = bs
                                    .iter()
                                    .filter(|b| b.offset <= load.offset)
                                    .max_by_key(|b| b.offset)
                                {
                                    used.insert((s, name.to_string(), b.offset));
                                }
                            } else if let Some(bs) = sc.bindings.get(name)
                                && let Some(b) = bs.iter().max_by_key(|b| b.offset)
                            {
                                used.insert((s, name.to_string(), b.offset));
                            }
                            return Lookup::Found;
                        }
                        if sc.star_import {
                            return Lookup::Suppressed;
                        }
                        if sc.kind == ScopeKind::Class
                            && first
                            && matches!(name, "__module__" | "__qualname__")
                        {
                            return Lookup::Found;
                        }
                    }
                }
            }
            if matches!(sc.kind, ScopeKind::Function) {
                ordered = false;
            }
            if matches!(sc.kind, ScopeKind::Function | ScopeKind::Comprehension) {
                skip_classes = true;
            }
            if name == "__class__" && sc.kind == ScopeKind::Class {
                return Lookup::Found;
            }
            first = false;
            scope = sc.parent;
        }
        if builtins.contains(name) {
            Lookup::Found
        } else {
            Lookup::Missing
        }
    }

    fn module_lookup(&self, name: &str, builtins: &BTreeSet<&str>) -> Lookup {
        let module = &self.scopes[0];
        if module.binds(name, None) || builtins.contains(name) {
            Lookup::Found
        } else if module.star_import {
            Lookup::Suppressed
        } else {
            Lookup::Missing
        }
    }

    fn enclosing_binds(&self, scope: usize, name: &str) -> bool {
        let mut s = self.scopes[scope].parent;
        while let Some(i) = s {
            if self.scopes[i].kind != ScopeKind::Class && self.scopes[i].binds(name, None) {
                return true;
            }
            s = self.scopes[i].parent;
        }
        false
    }

    /// F811: an import or definition replaced before any ordered load read it, in its
    /// own scope; or an unused module-level import that a function binding shadows.
    fn redefinitions(&self, used: &BTreeSet<(usize, String, usize)>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let is_used = |scope: usize, name: &str, offset: usize| {
            used.contains(&(scope, name.to_string(), offset))
        };
        for (s, scope) in self.scopes.iter().enumerate() {
            for (name, bindings) in &scope.bindings {
                let mut sorted: Vec<&Binding> = bindings.iter().collect();
                sorted.sort_by_key(|b| b.offset);
                for pair in sorted.windows(2) {
                    let (old, new) = (pair[0], pair[1]);
                    if matches!(old.kind, BindKind::Import | BindKind::Definition)
                        && matches!(new.kind, BindKind::Import | BindKind::Definition)
                        && old.forks == new.forks
                        && !self.read_between(s, name, old.offset, new.offset)
                    {
                        findings.push(Finding {
                            offset: new.offset,
                            name: name.clone(),
                            kind: FindingKind::RedefinedUnused {
                                previous: old.offset,
                            },
                        });
                    }
                }
                if scope.kind == ScopeKind::Function
                    && let Some(imports) = self.scopes[0].bindings.get(name)
                    && let Some(import) = imports.iter().find(|b| b.kind == BindKind::Import)
                    && !is_used(0, name, import.offset)
                    && !self.read_anywhere(name)
                {
                    for b in bindings {
                        findings.push(Finding {
                            offset: b.offset,
                            name: name.clone(),
                            kind: FindingKind::RedefinedUnused {
                                previous: import.offset,
                            },
                        });
                    }
                }
            }
        }
        findings
    }

    fn read_between(&self, scope: usize, name: &str, from: usize, to: usize) -> bool {
        self.loads.iter().any(|l| {
            l.name == name
                && l.offset >= from
                && l.offset < to
                && self.chain_reaches(l.scope, scope)
        })
    }

    /// Whether some load anywhere resolves to the module-level binding of `name`.
    fn read_anywhere(&self, name: &str) -> bool {
        self.loads.iter().any(|l| {
            l.name == name && {
                let mut s = Some(l.scope);
                let mut reaches_module = true;
                while let Some(i) = s {
                    if i != 0 && self.scopes[i].binds(name, None) {
                        reaches_module = false;
                        break;
                    }
                    s = self.scopes[i].parent;
                }
                reaches_module
            }
        })
    }

    fn chain_reaches(&self, from: usize, to: usize) -> bool {
        let mut s = Some(from);
        while let Some(i) = s {
            if i == to {
                return true;
            }
            s = self.scopes[i].parent;
        }
        false
    }

    fn string_annotation(&mut self, literal: &ast::ExprStringLiteral) {
        let text = literal.value.to_str();
        if let Ok(parsed) = ruff_python_parser::parse_expression(text) {
            // Offsets inside the string are approximate: the string's start.
            let saved = self.loads.len();
            self.annotation_depth += 1;
            self.visit_expr(parsed.expr());
            self.annotation_depth -= 1;
            let at = literal.start().to_usize();
            for load in &mut self.loads[saved..] {
                load.offset = at;
                load.deferred = true;
            }
        }
    }
}

enum Lookup {
    Found,
    Missing,
    BeforeAssignment,
    /// A star import may bind it (ruff reports F405 instead).
    Suppressed,
}

/// `Annotated[T, metadata...]` and `Literal[...]` hold values, not types, after (or
/// instead of) their first argument.
fn subscript_head(value: &Expr) -> Option<&str> {
    match value {
        Expr::Name(n) => Some(n.id.as_str()),
        Expr::Attribute(a) => Some(a.attr.as_str()),
        _ => None,
    }
}

impl<'a> Visitor<'a> for Binder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let end = stmt.end().to_usize();
        match stmt {
            Stmt::FunctionDef(f) => {
                for d in &f.decorator_list {
                    self.visit_decorator(d);
                }
                self.visit_parameters_outside(&f.parameters);
                if let Some(returns) = &f.returns {
                    self.visit_annotation(returns);
                }
                self.bind(f.name.as_str(), end, BindKind::Definition);
                let previous = self.push_scope(ScopeKind::Function);
                if let Some(tp) = &f.type_params {
                    self.with_bind(0, BindKind::Other, |b| b.visit_type_params(tp));
                }
                self.bind_parameters(&f.parameters);
                let saved_forks = std::mem::take(&mut self.forks);
                self.visit_body(&f.body);
                self.forks = saved_forks;
                self.current = previous;
            }
            Stmt::ClassDef(c) => {
                for d in &c.decorator_list {
                    self.visit_decorator(d);
                }
                if let Some(arguments) = &c.arguments {
                    self.visit_arguments(arguments);
                }
                let previous = self.push_scope(ScopeKind::Class);
                if let Some(tp) = &c.type_params {
                    self.with_bind(0, BindKind::Other, |b| b.visit_type_params(tp));
                }
                let saved_forks = std::mem::take(&mut self.forks);
                self.visit_body(&c.body);
                self.forks = saved_forks;
                self.current = previous;
                self.bind(c.name.as_str(), end, BindKind::Definition);
            }
            Stmt::Import(i) => {
                for alias in &i.names {
                    let bound = match &alias.asname {
                        Some(a) => a.as_str(),
                        None => alias.name.as_str().split('.').next().unwrap_or_default(),
                    };
                    self.bind(bound, end, BindKind::Import);
                }
            }
            Stmt::ImportFrom(i) => {
                for alias in &i.names {
                    if alias.name.as_str() == "*" {
                        self.scopes[self.current].star_import = true;
                    } else {
                        let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                        self.bind(bound.as_str(), end, BindKind::Import);
                    }
                }
            }
            Stmt::Global(g) => {
                for n in &g.names {
                    self.scopes[self.current].globals.insert(n.to_string());
                }
            }
            Stmt::Nonlocal(n) => {
                for name in &n.names {
                    self.scopes[self.current].nonlocals.insert(name.to_string());
                }
            }
            Stmt::Assign(a) => {
                self.visit_expr(&a.value);
                if self.current == 0
                    && let [Expr::Name(target)] = a.targets.as_slice()
                    && target.id.as_str() == "__all__"
                    && let Expr::List(ast::ExprList { elts, .. })
                    | Expr::Tuple(ast::ExprTuple { elts, .. }) = a.value.as_ref()
                {
                    for e in elts {
                        if let Expr::StringLiteral(s) = e {
                            self.exports
                                .push((s.start().to_usize(), s.value.to_string()));
                        }
                    }
                }
                self.with_bind(end, BindKind::Other, |b| {
                    for t in &a.targets {
                        b.visit_expr(t);
                    }
                });
            }
            Stmt::AugAssign(a) => {
                self.visit_expr(&a.value);
                self.with_bind(end, BindKind::Other, |b| b.visit_expr(&a.target));
            }
            Stmt::AnnAssign(a) => {
                self.visit_annotation(&a.annotation);
                if let Some(value) = &a.value {
                    self.visit_expr(value);
                    self.with_bind(end, BindKind::Other, |b| b.visit_expr(&a.target));
                } else if !matches!(a.target.as_ref(), Expr::Name(_)) {
                    self.visit_expr(&a.target);
                }
            }
            Stmt::For(f) => {
                self.visit_expr(&f.iter);
                let at = stmt.start().to_usize();
                self.fork(at, 0, |b| {
                    b.with_bind(f.target.end().to_usize(), BindKind::Other, |b| {
                        b.visit_expr(&f.target)
                    });
                    b.visit_body(&f.body);
                });
                self.fork(at, 1, |b| b.visit_body(&f.orelse));
            }
            Stmt::While(w) => {
                self.visit_expr(&w.test);
                let at = stmt.start().to_usize();
                self.fork(at, 0, |b| b.visit_body(&w.body));
                self.fork(at, 1, |b| b.visit_body(&w.orelse));
            }
            Stmt::If(i) => {
                self.visit_expr(&i.test);
                let at = stmt.start().to_usize();
                self.fork(at, 0, |b| b.visit_body(&i.body));
                for (n, clause) in i.elif_else_clauses.iter().enumerate() {
                    if let Some(test) = &clause.test {
                        self.visit_expr(test);
                    }
                    self.fork(at, n + 1, |b| b.visit_body(&clause.body));
                }
            }
            Stmt::Try(t) => {
                let at = stmt.start().to_usize();
                self.fork(at, 0, |b| b.visit_body(&t.body));
                for (n, handler) in t.handlers.iter().enumerate() {
                    let ast::ExceptHandler::ExceptHandler(h) = handler;
                    if let Some(ty) = &h.type_ {
                        self.visit_expr(ty);
                    }
                    self.fork(at, n + 1, |b| {
                        if let Some(name) = &h.name {
                            b.bind(name.as_str(), name.end().to_usize(), BindKind::Other);
                        }
                        b.visit_body(&h.body);
                    });
                }
                let n = t.handlers.len() + 1;
                self.fork(at, n, |b| b.visit_body(&t.orelse));
                self.visit_body(&t.finalbody);
            }
            Stmt::With(w) => {
                for item in &w.items {
                    self.visit_expr(&item.context_expr);
                    if let Some(vars) = &item.optional_vars {
                        self.with_bind(vars.end().to_usize(), BindKind::Other, |b| {
                            b.visit_expr(vars)
                        });
                    }
                }
                self.visit_body(&w.body);
            }
            Stmt::Match(m) => {
                self.visit_expr(&m.subject);
                let at = stmt.start().to_usize();
                for (n, case) in m.cases.iter().enumerate() {
                    self.fork(at, n, |b| {
                        b.with_bind(case.pattern.end().to_usize(), BindKind::Other, |b| {
                            b.visit_pattern(&case.pattern)
                        });
                        if let Some(guard) = &case.guard {
                            b.visit_expr(guard);
                        }
                        b.visit_body(&case.body);
                    });
                }
            }
            Stmt::TypeAlias(t) => {
                self.with_bind(end, BindKind::Other, |b| b.visit_expr(&t.name));
                self.visit_expr(&t.value);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_pattern(&mut self, pattern: &'a ast::Pattern) {
        let at = self.bind_at;
        match pattern {
            ast::Pattern::MatchAs(p) => {
                if let Some(inner) = &p.pattern {
                    self.visit_pattern(inner);
                }
                if let Some(name) = &p.name {
                    self.bind(name.as_str(), at, BindKind::Other);
                }
            }
            ast::Pattern::MatchStar(p) => {
                if let Some(name) = &p.name {
                    self.bind(name.as_str(), at, BindKind::Other);
                }
            }
            ast::Pattern::MatchMapping(p) => {
                visitor::walk_pattern(self, pattern);
                if let Some(rest) = &p.rest {
                    self.bind(rest.as_str(), at, BindKind::Other);
                }
            }
            _ => visitor::walk_pattern(self, pattern),
        }
    }

    fn visit_type_param(&mut self, type_param: &'a ast::TypeParam) {
        let name = match type_param {
            ast::TypeParam::TypeVar(t) => &t.name,
            ast::TypeParam::TypeVarTuple(t) => &t.name,
            ast::TypeParam::ParamSpec(t) => &t.name,
        };
        self.bind(name.as_str(), 0, BindKind::Other);
        visitor::walk_type_param(self, type_param);
    }

    fn visit_annotation(&mut self, expr: &'a Expr) {
        self.annotation_depth += 1;
        self.visit_expr(expr);
        self.annotation_depth -= 1;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(n) => match n.ctx {
                ExprContext::Load | ExprContext::Del => {
                    self.load(n.id.as_str(), n.start().to_usize())
                }
                ExprContext::Store => {
                    let at = if self.comprehension_starts.is_empty() {
                        self.bind_at.max(n.end().to_usize())
                    } else {
                        self.bind_at
                    };
                    self.bind(n.id.as_str(), at, self.bind_kind)
                }
                ExprContext::Invalid => {}
            },
            Expr::Named(n) => {
                self.visit_expr(&n.value);
                // The target binds in the nearest scope that is not a comprehension.
                let saved = self.current;
                while self.scopes[self.current].kind == ScopeKind::Comprehension {
                    match self.scopes[self.current].parent {
                        Some(p) => self.current = p,
                        None => break,
                    }
                }
                let at = self
                    .comprehension_starts
                    .first()
                    .copied()
                    .unwrap_or(n.end().to_usize());
                self.with_bind(at, BindKind::Other, |b| b.visit_expr(&n.target));
                self.current = saved;
            }
            Expr::Lambda(l) => {
                if let Some(parameters) = &l.parameters {
                    for p in parameters.iter() {
                        if let Some(default) = p.default() {
                            self.visit_expr(default);
                        }
                    }
                }
                let previous = self.push_scope(ScopeKind::Function);
                if let Some(parameters) = &l.parameters {
                    self.bind_parameters(parameters);
                }
                self.visit_expr(&l.body);
                self.current = previous;
            }
            Expr::ListComp(c) => self.comprehension(c.start().to_usize(), &c.generators, &[&c.elt]),
            Expr::SetComp(c) => self.comprehension(c.start().to_usize(), &c.generators, &[&c.elt]),
            Expr::Generator(c) => {
                self.comprehension(c.start().to_usize(), &c.generators, &[&c.elt])
            }
            Expr::DictComp(c) => {
                let mut elements: Vec<&Expr> = c.key.iter().map(|k| k.as_ref()).collect();
                elements.push(&c.value);
                self.comprehension(c.start().to_usize(), &c.generators, &elements)
            }
            Expr::StringLiteral(s) if self.annotation_depth > 0 => self.string_annotation(s),
            Expr::Subscript(s) if self.annotation_depth > 0 => {
                self.visit_expr(&s.value);
                match subscript_head(&s.value) {
                    Some("Literal") => {}
                    Some("Annotated") => {
                        let elements: Vec<&Expr> = match s.slice.as_ref() {
                            Expr::Tuple(t) => t.elts.iter().collect(),
                            other => vec![other],
                        };
                        if let Some(first) = elements.first() {
                            self.visit_expr(first);
                        }
                        // Metadata after the type is plain values.
                        let depth = std::mem::take(&mut self.annotation_depth);
                        for e in elements.iter().skip(1) {
                            self.visit_expr(e);
                        }
                        self.annotation_depth = depth;
                    }
                    _ => self.visit_expr(&s.slice),
                }
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(source: &str) -> Vec<(String, FindingKind)> {
        let parsed = ruff_python_parser::parse_module(source).expect("parses");
        check(parsed.syntax())
            .into_iter()
            .map(|f| (f.name, f.kind))
            .collect()
    }

    fn undefined(source: &str) -> Vec<String> {
        findings(source)
            .into_iter()
            .filter(|(_, k)| *k == FindingKind::Undefined)
            .map(|(n, _)| n)
            .collect()
    }

    #[test]
    fn string_annotations_are_deferred() {
        assert_eq!(
            undefined(
                "class A:\n    def make(self) -> \"A\":\n        return self\nx: \"B\" = 1\nclass B:\n    pass\n"
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            undefined("def f() -> \"Missing\":\n    pass\n"),
            ["Missing"]
        );
    }

    #[test]
    fn scopes_resolve_like_python() {
        assert_eq!(
            undefined("import os\nprint(os.sep, len([]))\n"),
            Vec::<String>::new()
        );
        assert_eq!(
            undefined("def f():\n    return g()\ndef g():\n    return 1\n"),
            Vec::<String>::new()
        );
        assert_eq!(undefined("print(x)\nx = 1\n"), vec!["x"]);
        assert_eq!(
            undefined("def f(a, *b, c=1, **d):\n    return a, b, c, d, e\n"),
            vec!["e"]
        );
        assert_eq!(
            undefined("class A:\n    x = 1\n    def f(self):\n        return x\n"),
            vec!["x"]
        );
        assert_eq!(
            undefined("class A:\n    x = 1\n    y = [x for _ in range(3)]\n"),
            vec!["x"]
        );
        assert_eq!(
            undefined("class A:\n    x = [1]\n    y = [i for i in x]\n"),
            Vec::<String>::new()
        );
        assert_eq!(
            undefined("[y for x in range(3) if (y := x)]\nprint(y)\n"),
            Vec::<String>::new()
        );
        assert_eq!(undefined("f = lambda a: a + b\n"), vec!["b"]);
        assert_eq!(
            undefined("try:\n    pass\nexcept ValueError as e:\n    print(e)\n"),
            Vec::<String>::new()
        );
        assert_eq!(
            undefined("with open('x') as (a, b):\n    print(a, b)\n"),
            Vec::<String>::new()
        );
        assert_eq!(
            undefined(
                "match 1:\n    case {'k': v, **rest}:\n        print(v, rest)\n    case [a, *others] if a:\n        print(others)\n"
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            undefined("def f():\n    global g\n    g = 1\ndef h():\n    return g\n"),
            Vec::<String>::new()
        );
        assert_eq!(
            undefined("from x import *\nprint(anything)\n"),
            Vec::<String>::new()
        );
        assert_eq!(
            undefined("def f(a: 'Missing') -> 'int':\n    return a\n"),
            vec!["Missing"]
        );
        assert_eq!(
            undefined(
                "from typing import Annotated\ndef f() -> Annotated[int, 'not a name']:\n    return 1\n"
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            undefined("print(__file__, __name__)\n"),
            Vec::<String>::new()
        );
        assert_eq!(undefined("x: int\nprint(x)\n"), vec!["x"]);
        assert_eq!(
            undefined("for i in range(3):\n    pass\nelse:\n    print(i)\n"),
            Vec::<String>::new()
        );
        assert_eq!(
            undefined(
                "def outer():\n    v = 1\n    def inner():\n        nonlocal v\n        v += 1\n    return inner\n"
            ),
            Vec::<String>::new()
        );
    }

    #[test]
    fn redefinitions_and_exports() {
        let f = findings("from steps import train\ndef p(train: str) -> None:\n    print(train)\n");
        assert!(
            matches!(f.as_slice(), [(n, FindingKind::RedefinedUnused { .. })] if n == "train"),
            "{f:?}"
        );
        let f = findings("import os\nimport os\nprint(os)\n");
        assert!(
            matches!(f.as_slice(), [(_, FindingKind::RedefinedUnused { .. })]),
            "{f:?}"
        );
        assert!(findings("try:\n    import json\nexcept ImportError:\n    import simplejson as json\nprint(json)\n").is_empty());
        let f = findings("__all__ = ['a', 'b']\na = 1\n");
        assert_eq!(f, vec![("b".to_string(), FindingKind::UndefinedExport)]);
        let f = findings("x = 1\ndef f():\n    print(x)\n    x = 2\n");
        assert_eq!(f, vec![("x".to_string(), FindingKind::UndefinedLocal)]);
    }
}
