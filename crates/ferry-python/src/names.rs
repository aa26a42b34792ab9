//! Free names with Python's scoping rules: which names a function body, a module-level
//! statement or a whole module reads that it does not bind itself.
//!
//! Scopes: parameters and every local binding (assignment targets, augmented, annotated
//! and walrus targets, `for`, `with ... as`, `except ... as`, imports, `def`, `class`,
//! match captures, `del`) make a name local to its function for the whole body;
//! comprehensions and lambdas are scopes of their own (a walrus inside a comprehension
//! binds in the enclosing function); a class body's names are not visible to the
//! functions nested in it; `global` sends a name to the module, `nonlocal` to the
//! enclosing function. Decorators, defaults, base classes and a comprehension's first
//! iterable are evaluated in the enclosing scope. At module (and class) level a use
//! must come after a binding, in the order Python runs the code; function bodies run
//! later and see every module binding — the same model as ruff's F821.

use std::collections::{BTreeMap, BTreeSet};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{
    Comprehension, ExceptHandler, Expr, ExprContext, Parameters, Pattern, Stmt, StmtFunctionDef,
};
use ruff_text_size::{Ranged, TextRange};

/// The Python minor version builtins are checked against (the generated projects need
/// Python 3.12 or later).
pub const PYTHON_MINOR: u8 = 12;

/// Whether `name` is a builtin or a module's magic global (`__file__`, `__name__`...).
pub fn is_builtin(name: &str) -> bool {
    ruff_python_stdlib::builtins::is_python_builtin(name, PYTHON_MINOR, false)
        || ruff_python_stdlib::builtins::python_magic_globals(PYTHON_MINOR).any(|g| g == name)
}

/// `Literal` / `Annotated` heads of subscripted annotations.
fn annotation_head(value: &Expr) -> Option<&str> {
    match value {
        Expr::Name(n) => Some(n.id.as_str()),
        Expr::Attribute(a) => Some(a.attr.as_str()),
        _ => None,
    }
}

/// Names read but not bound, each with the ranges of its uses in source order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FreeNames {
    uses: BTreeMap<String, Vec<TextRange>>,
}

impl FreeNames {
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.uses.keys().map(String::as_str)
    }
    pub fn uses(&self, name: &str) -> &[TextRange] {
        self.uses.get(name).map_or(&[], Vec::as_slice)
    }
    pub fn contains(&self, name: &str) -> bool {
        self.uses.contains_key(name)
    }
    pub fn is_empty(&self) -> bool {
        self.uses.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[TextRange])> {
        self.uses.iter().map(|(n, u)| (n.as_str(), u.as_slice()))
    }
    /// Without the builtins (what ruff's F821 reports of a module).
    pub fn without_builtins(mut self) -> Self {
        self.uses.retain(|n, _| !is_builtin(n));
        self
    }
    /// Record one more use (code that stays around the analysed body, such as a
    /// parameter annotation a front end turns into a runtime object).
    pub fn insert(&mut self, name: &str, range: TextRange) {
        self.add(name, range);
    }
    /// Keep only the uses `keep` accepts (uses a front end rewrote away are dropped);
    /// names left without uses disappear.
    pub fn retain_uses(&mut self, keep: impl Fn(&str, TextRange) -> bool) {
        for (name, uses) in self.uses.iter_mut() {
            uses.retain(|r| keep(name, *r));
        }
        self.uses.retain(|_, uses| !uses.is_empty());
    }
    fn add(&mut self, name: &str, range: TextRange) {
        let uses = self.uses.entry(name.to_string()).or_default();
        uses.push(range);
        uses.sort_by_key(|r| r.start());
    }
}

/// The names a function body reads from outside: not parameters, not bound in the body.
/// Decorators, defaults and annotations of the function itself are not included.
pub fn body_free_names(parameters: &Parameters, body: &[Stmt]) -> FreeNames {
    let mut a = Analyzer::default();
    a.push(Kind::Module);
    a.push(Kind::Function);
    a.bind_parameters(parameters);
    a.visit_body(body);
    a.pop();
    let sentinel = a.frames.pop().unwrap_or_default();
    let mut free = FreeNames::default();
    for (name, range, _, _) in sentinel.child_free {
        free.add(&name, range);
    }
    free
}

/// The names a module-level statement reads from the module scope (for a `def`: its
/// decorators, defaults and annotations plus its body's free names; for a `class`: its
/// bases, decorators and class body), and the names it binds there.
pub fn statement_free_names(stmt: &Stmt) -> (FreeNames, BTreeSet<String>) {
    let mut a = Analyzer::default();
    a.push(Kind::Function);
    a.visit_stmt(stmt);
    let bound = a.frames.last().map(|f| f.bound.clone()).unwrap_or_default();
    let mut free = FreeNames::default();
    let frame = a.frames.pop().unwrap_or_default();
    for (name, range, _, _) in frame.uses.into_iter().chain(frame.child_free) {
        free.add(&name, range);
    }
    (free, bound)
}

/// The names a whole module reads and never binds (before the use, at module level).
/// Builtins are included; see [`FreeNames::without_builtins`]. A module with a
/// `from x import *` has none (any name may come from it), as in ruff's F821.
pub fn module_free_names(body: &[Stmt]) -> FreeNames {
    let mut a = Analyzer::default();
    a.push(Kind::Module);
    a.visit_body(body);
    let frame = a.frames.pop().unwrap_or_default();
    let mut free = FreeNames::default();
    let mut frame = frame;
    if frame.star {
        // Like ruff: with a star import, nothing is known to be undefined (F405).
        return FreeNames::default();
    }
    let uses = std::mem::take(&mut frame.uses);
    let child_free = std::mem::take(&mut frame.child_free);
    for (name, range, seq, deferred) in uses.into_iter().chain(child_free) {
        let resolved = if frame.bound_at.contains_key(&name) {
            frame.bound_at_step(&name, seq, deferred)
        } else {
            a.module_globals.contains(&name)
        };
        if !resolved {
            free.add(&name, range);
        }
    }
    free
}

/// The free names of a whole `def` as a module-level statement.
pub fn function_free_names(def: &StmtFunctionDef) -> FreeNames {
    statement_free_names(&Stmt::FunctionDef(def.clone())).0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Kind {
    Module,
    #[default]
    Function,
    Class,
    Comprehension,
}

/// (name, range, visit order, deferred: read when a nested function runs)
type Use = (String, TextRange, usize, bool);

#[derive(Debug, Default)]
struct Frame {
    kind: Kind,
    bound: BTreeSet<String>,
    bound_at: BTreeMap<String, Vec<usize>>,
    deleted_at: BTreeMap<String, Vec<usize>>,
    /// `from x import *` seen: any name may be bound by it.
    star: bool,
    globals: BTreeSet<String>,
    nonlocals: BTreeSet<String>,
    uses: Vec<Use>,
    /// Free names of nested scopes, to resolve against this frame's bindings.
    child_free: Vec<Use>,
}

impl Frame {
    /// Whether `name` is bound at visit step `seq`: bound before it and not deleted
    /// since (or, for code that runs later, bound anywhere).
    fn bound_at_step(&self, name: &str, seq: usize, later: bool) -> bool {
        if self.globals.contains(name) {
            return false;
        }
        let Some(at) = self.bound_at.get(name) else {
            return false;
        };
        if later {
            return true;
        }
        let Some(last) = at.iter().filter(|b| **b < seq).max() else {
            return false;
        };
        !self
            .deleted_at
            .get(name)
            .is_some_and(|d| d.iter().any(|d| *last < *d && *d < seq))
    }
}

#[derive(Default)]
struct Analyzer {
    frames: Vec<Frame>,
    seq: usize,
    /// Names assigned through `global` declarations anywhere.
    module_globals: BTreeSet<String>,
    /// Inside the body of a `try` that catches NameError: uses there are deliberate
    /// probes, not needs (ruff does not report them either).
    probing: usize,
    /// Inside an annotation: a string there is a forward reference whose names count
    /// as (deferred) uses, as they do for ruff's F821.
    annotation: usize,
}

const MAX_DEPTH: usize = 200;

impl Analyzer {
    fn push(&mut self, kind: Kind) {
        self.frames.push(Frame {
            kind,
            ..Frame::default()
        });
    }

    fn next_seq(&mut self) -> usize {
        self.seq += 1;
        self.seq
    }

    fn bind(&mut self, name: &str) {
        let seq = self.next_seq();
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        if frame.globals.contains(name) {
            self.module_globals.insert(name.to_string());
            return;
        }
        if frame.nonlocals.contains(name) {
            return;
        }
        frame.bound.insert(name.to_string());
        frame
            .bound_at
            .entry(name.to_string())
            .or_default()
            .push(seq);
    }

    /// A walrus target binds in the nearest enclosing scope that is not a comprehension.
    fn bind_walrus(&mut self, name: &str) {
        let Some(index) = self
            .frames
            .iter()
            .rposition(|f| f.kind != Kind::Comprehension)
        else {
            return;
        };
        let seq = self.next_seq();
        let frame = &mut self.frames[index];
        frame.bound.insert(name.to_string());
        frame
            .bound_at
            .entry(name.to_string())
            .or_default()
            .push(seq);
    }

    /// The names of a string annotation, used at the string's range (deferred).
    fn string_annotation(&mut self, literal: &ruff_python_ast::ExprStringLiteral) {
        #[derive(Default)]
        struct Names(Vec<String>);
        impl<'b> Visitor<'b> for Names {
            fn visit_expr(&mut self, expr: &'b Expr) {
                if let Expr::Name(n) = expr {
                    self.0.push(n.id.to_string());
                }
                visitor::walk_expr(self, expr);
            }
        }
        let Ok(parsed) = ruff_python_parser::parse_expression(literal.value.to_str()) else {
            return;
        };
        let mut names = Names::default();
        names.visit_expr(parsed.expr());
        for name in names.0 {
            let seq = self.next_seq();
            if self.probing > 0 {
                continue;
            }
            if let Some(frame) = self.frames.last_mut() {
                frame.uses.push((name, literal.range, seq, true));
            }
        }
    }

    fn use_name(&mut self, name: &str, range: TextRange) {
        let seq = self.next_seq();
        if self.probing > 0 {
            return;
        }
        if let Some(frame) = self.frames.last_mut() {
            frame.uses.push((name.to_string(), range, seq, false));
        }
    }

    fn bind_parameters(&mut self, parameters: &Parameters) {
        for p in parameters.iter() {
            self.bind(p.name().as_str());
        }
    }

    /// Close the innermost frame: what it cannot resolve goes to its parent.
    fn pop(&mut self) {
        let Some(mut frame) = self.frames.pop() else {
            return;
        };
        let uses = std::mem::take(&mut frame.uses);
        let child_free = std::mem::take(&mut frame.child_free);
        let deferred = matches!(frame.kind, Kind::Function);
        // Code runs top to bottom: a use needs a binding before it, unless it sits in
        // a nested function, which runs after the whole scope was bound.
        let bound_for = |name: &str, seq: usize, later: bool| frame.bound_at_step(name, seq, later);
        let mut unresolved = Vec::new();
        for (name, range, seq, was_deferred) in uses {
            if !bound_for(&name, seq, false) {
                unresolved.push((name, range, seq, was_deferred || deferred));
            }
        }
        for (name, range, seq, was_deferred) in child_free {
            // Class scopes are invisible to the scopes nested in them.
            let visible = frame.kind != Kind::Class && bound_for(&name, seq, was_deferred);
            if !visible {
                unresolved.push((name, range, seq, was_deferred || deferred));
            }
        }
        if let Some(parent) = self.frames.last_mut() {
            parent.child_free.extend(unresolved);
        }
    }

    fn function_like(&mut self, parameters: Option<&Parameters>, body: FunctionBody<'_>) {
        if self.frames.len() > MAX_DEPTH {
            return;
        }
        self.push(Kind::Function);
        if let Some(p) = parameters {
            self.bind_parameters(p);
        }
        match body {
            FunctionBody::Stmts(stmts) => self.visit_body(stmts),
            FunctionBody::Expr(expr) => self.visit_expr(expr),
        }
        self.pop();
    }

    fn parameter_defaults_and_annotations(&mut self, parameters: &Parameters) {
        for p in parameters.iter() {
            if let Some(default) = p.default() {
                self.visit_expr(default);
            }
            if let Some(annotation) = p.annotation() {
                self.visit_annotation(annotation);
            }
        }
    }

    fn comprehension(&mut self, generators: &[Comprehension], elements: &[&Expr]) {
        let Some((first, rest)) = generators.split_first() else {
            return;
        };
        // The first iterable runs in the enclosing scope.
        self.visit_expr(&first.iter);
        if self.frames.len() > MAX_DEPTH {
            return;
        }
        self.push(Kind::Comprehension);
        self.visit_expr(&first.target);
        for cond in &first.ifs {
            self.visit_expr(cond);
        }
        for generator in rest {
            self.visit_expr(&generator.iter);
            self.visit_expr(&generator.target);
            for cond in &generator.ifs {
                self.visit_expr(cond);
            }
        }
        for e in elements {
            self.visit_expr(e);
        }
        self.pop();
    }
}

fn catches_name_error(handlers: &[ExceptHandler]) -> bool {
    handlers.iter().any(|h| {
        let ExceptHandler::ExceptHandler(h) = h;
        let is = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "NameError");
        match h.type_.as_deref() {
            Some(Expr::Tuple(t)) => t.elts.iter().any(is),
            Some(e) => is(e),
            None => false,
        }
    })
}

enum FunctionBody<'a> {
    Stmts(&'a [Stmt]),
    Expr(&'a Expr),
}

impl<'a> Visitor<'a> for Analyzer {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                for d in &def.decorator_list {
                    self.visit_decorator(d);
                }
                // Type parameters are visible to the annotations and the body.
                let type_params = def
                    .type_params
                    .as_deref()
                    .filter(|_| self.frames.len() <= MAX_DEPTH);
                if let Some(tp) = type_params {
                    self.push(Kind::Function);
                    for p in &tp.type_params {
                        self.bind(p.name().as_str());
                    }
                }
                self.parameter_defaults_and_annotations(&def.parameters);
                if let Some(returns) = &def.returns {
                    self.visit_annotation(returns);
                }
                self.function_like(Some(&def.parameters), FunctionBody::Stmts(&def.body));
                if type_params.is_some() {
                    self.pop();
                }
                self.bind(def.name.as_str());
            }
            Stmt::ClassDef(class) => {
                for d in &class.decorator_list {
                    self.visit_decorator(d);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                if self.frames.len() <= MAX_DEPTH {
                    self.push(Kind::Class);
                    self.visit_body(&class.body);
                    self.pop();
                }
                self.bind(class.name.as_str());
            }
            Stmt::Global(g) => {
                if let Some(frame) = self.frames.last_mut() {
                    for name in &g.names {
                        frame.globals.insert(name.to_string());
                        frame.bound.remove(name.as_str());
                    }
                }
            }
            Stmt::Nonlocal(n) => {
                if let Some(frame) = self.frames.last_mut() {
                    for name in &n.names {
                        frame.nonlocals.insert(name.to_string());
                        frame.bound.remove(name.as_str());
                    }
                }
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    match &alias.asname {
                        Some(asname) => self.bind(asname.as_str()),
                        None => {
                            let head = alias.name.split('.').next().unwrap_or_default();
                            self.bind(head);
                        }
                    }
                }
            }
            Stmt::ImportFrom(import) => {
                if import.names.iter().any(|a| a.name.as_str() == "*")
                    && let Some(frame) = self.frames.last_mut()
                {
                    frame.star = true;
                }
                for alias in &import.names {
                    if alias.name.as_str() != "*" {
                        self.bind(alias.asname.as_ref().unwrap_or(&alias.name).as_str());
                    }
                }
            }
            Stmt::Delete(del) => {
                for target in &del.targets {
                    match target {
                        Expr::Name(name) => {
                            self.use_name(name.id.as_str(), name.range);
                            let seq = self.next_seq();
                            if let Some(frame) = self.frames.last_mut() {
                                frame
                                    .deleted_at
                                    .entry(name.id.to_string())
                                    .or_default()
                                    .push(seq);
                            }
                        }
                        other => self.visit_expr(other),
                    }
                }
            }
            Stmt::AugAssign(aug) => {
                self.visit_expr(&aug.value);
                if let Expr::Name(name) = &*aug.target {
                    self.use_name(name.id.as_str(), name.range);
                    self.bind(name.id.as_str());
                } else {
                    self.visit_expr(&aug.target);
                }
            }
            Stmt::Try(t) if catches_name_error(&t.handlers) => {
                self.probing += 1;
                self.visit_body(&t.body);
                self.probing -= 1;
                for h in &t.handlers {
                    self.visit_except_handler(h);
                }
                self.visit_body(&t.orelse);
                self.visit_body(&t.finalbody);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_annotation(&mut self, expr: &'a Expr) {
        self.annotation += 1;
        visitor::walk_annotation(self, expr);
        self.annotation -= 1;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::StringLiteral(s) if self.annotation > 0 => self.string_annotation(s),
            // `Literal["a"]` holds values, `Annotated[T, meta]` a type and values.
            Expr::Subscript(sub)
                if self.annotation > 0
                    && matches!(annotation_head(&sub.value), Some("Literal" | "Annotated")) =>
            {
                self.visit_expr(&sub.value);
                let saved = std::mem::take(&mut self.annotation);
                if annotation_head(&sub.value) == Some("Annotated") {
                    let elements: Vec<&Expr> = match &*sub.slice {
                        Expr::Tuple(t) => t.elts.iter().collect(),
                        other => vec![other],
                    };
                    for (i, e) in elements.into_iter().enumerate() {
                        self.annotation = if i == 0 { saved } else { 0 };
                        self.visit_expr(e);
                    }
                } else {
                    self.visit_expr(&sub.slice);
                }
                self.annotation = saved;
            }
            Expr::Name(name) => match name.ctx {
                ExprContext::Load | ExprContext::Invalid => {
                    self.use_name(name.id.as_str(), name.range)
                }
                ExprContext::Store | ExprContext::Del => self.bind(name.id.as_str()),
            },
            Expr::Named(named) => {
                self.visit_expr(&named.value);
                match &*named.target {
                    Expr::Name(name) => self.bind_walrus(name.id.as_str()),
                    other => self.visit_expr(other),
                }
            }
            Expr::Lambda(lambda) => {
                if let Some(p) = &lambda.parameters {
                    self.parameter_defaults_and_annotations(p);
                }
                self.function_like(
                    lambda.parameters.as_deref(),
                    FunctionBody::Expr(&lambda.body),
                );
            }
            Expr::ListComp(c) => self.comprehension(&c.generators, &[&c.elt]),
            Expr::SetComp(c) => self.comprehension(&c.generators, &[&c.elt]),
            Expr::Generator(c) => self.comprehension(&c.generators, &[&c.elt]),
            Expr::DictComp(c) => {
                let mut elements: Vec<&Expr> = c.key.as_deref().into_iter().collect();
                elements.push(&c.value);
                self.comprehension(&c.generators, &elements);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_except_handler(&mut self, handler: &'a ExceptHandler) {
        let ExceptHandler::ExceptHandler(h) = handler;
        if let Some(t) = &h.type_ {
            self.visit_expr(t);
        }
        if let Some(name) = &h.name {
            self.bind(name.as_str());
        }
        self.visit_body(&h.body);
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        visitor::walk_pattern(self, pattern);
        match pattern {
            Pattern::MatchAs(p) => {
                if let Some(name) = &p.name {
                    self.bind(name.as_str());
                }
            }
            Pattern::MatchStar(p) => {
                if let Some(name) = &p.name {
                    self.bind(name.as_str());
                }
            }
            Pattern::MatchMapping(p) => {
                if let Some(rest) = &p.rest {
                    self.bind(rest.as_str());
                }
            }
            _ => {}
        }
    }
}
