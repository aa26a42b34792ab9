//! Names whose container value a statement list changes after binding it:
//! `d[k] = v`, `del d[k]`, `d[k] += v`, `d.update(...)`, `items.append(x)`. Such a name
//! is not the literal it was bound to (`ranges = {}` filled in a loop is not `{}`), so
//! constant folding and value tracking stop at it instead of reporting a wrong value.
//! Nested function and class bodies are scopes of their own and are not searched.

use std::collections::BTreeSet;

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{Expr, Stmt};

/// Methods of the built-in containers that change them in place.
const MUTATING_METHODS: &[&str] = &[
    "update",
    "setdefault",
    "pop",
    "popitem",
    "clear",
    "append",
    "extend",
    "insert",
    "remove",
    "add",
    "discard",
    "sort",
    "reverse",
    "__setitem__",
    "__delitem__",
];

/// The names `body` mutates in place (see the module doc).
pub fn mutated_names(body: &[Stmt]) -> BTreeSet<String> {
    let mut finder = Finder::default();
    for stmt in body {
        finder.visit_stmt(stmt);
    }
    finder.names
}

#[derive(Default)]
struct Finder {
    names: BTreeSet<String>,
}

impl Finder {
    /// `d[k]` / `d.x` as an assignment or deletion target: `d` changes.
    fn target(&mut self, target: &Expr) {
        match target {
            Expr::Subscript(s) => self.base(&s.value),
            Expr::Attribute(a) => self.base(&a.value),
            Expr::Tuple(t) => t.elts.iter().for_each(|e| self.target(e)),
            Expr::List(l) => l.elts.iter().for_each(|e| self.target(e)),
            Expr::Starred(s) => self.target(&s.value),
            _ => {}
        }
    }

    fn base(&mut self, value: &Expr) {
        if let Expr::Name(name) = value {
            self.names.insert(name.id.to_string());
        }
    }
}

impl<'a> Visitor<'a> for Finder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            // Their own scopes.
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return,
            Stmt::Assign(s) => s.targets.iter().for_each(|t| self.target(t)),
            Stmt::AugAssign(s) => self.target(&s.target),
            Stmt::AnnAssign(s) => self.target(&s.target),
            Stmt::Delete(s) => s.targets.iter().for_each(|t| self.target(t)),
            Stmt::For(s) => self.target(&s.target),
            _ => {}
        }
        walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr
            && let Expr::Attribute(attr) = &*call.func
            && MUTATING_METHODS.contains(&attr.attr.id.as_str())
        {
            self.base(&attr.value);
        }
        walk_expr(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(source: &str) -> Vec<String> {
        let parsed = ruff_python_parser::parse_module(source).expect("parses");
        mutated_names(&parsed.syntax().body).into_iter().collect()
    }

    #[test]
    fn in_place_changes_are_found_in_nested_blocks() {
        let source = "ranges = {}\nfor p in params:\n    if p:\n        ranges[p] = 1\nargs = []\nargs.append('x')\ncfg = {}\ndel cfg['a']\nplain = {}\n";
        assert_eq!(names(source), ["args", "cfg", "ranges"]);
    }

    #[test]
    fn nested_functions_are_their_own_scope() {
        assert!(names("d = {}\ndef f():\n    d['x'] = 1\n").is_empty());
    }
}
