//! A carried body that only ever returns None says so without `return None` (what
//! ruff's RET501 and PLR1711 ask): `return None` becomes `return`, and a bare `return`
//! that ends the body is dropped. Applied as edits on the body's text.

use ruff_python_ast::statement_visitor::{StatementVisitor, walk_stmt};
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

use crate::edit::{Edit, apply_edits};

#[derive(Default)]
struct Returns<'a> {
    all: Vec<&'a ruff_python_ast::StmtReturn>,
    returns_value: bool,
}

impl<'a> StatementVisitor<'a> for Returns<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            // Nested functions and classes have returns of their own.
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::Return(r) => {
                match r.value.as_deref() {
                    None | Some(Expr::NoneLiteral(_)) => {}
                    Some(_) => self.returns_value = true,
                }
                self.all.push(r);
            }
            _ => walk_stmt(self, stmt),
        }
    }
}

/// `body` (statements at column 0) without its redundant `return None`s; the body as
/// it is when it returns a value somewhere, is a generator, or does not parse.
pub fn drop_none_returns(body: &str) -> String {
    let Ok(parsed) = ruff_python_parser::parse_module(body) else {
        return body.to_string();
    };
    let statements = &parsed.syntax().body;
    let mut returns = Returns::default();
    returns.visit_body(statements);
    if returns.returns_value || returns.all.is_empty() || body.contains("yield") {
        return body.to_string();
    }
    let last = match statements.last() {
        Some(Stmt::Return(r)) => Some(r.range()),
        _ => None,
    };
    let edits: Vec<Edit> = returns
        .all
        .iter()
        .filter(|r| r.value.is_some() || Some(r.range()) == last)
        .map(|r| {
            if Some(r.range()) == last {
                Edit::replace(r.range(), "")
            } else {
                Edit::replace(r.range(), "return")
            }
        })
        .collect();
    apply_edits(body, edits).unwrap_or_else(|_| body.to_string())
}

#[cfg(test)]
mod tests {
    use super::drop_none_returns;

    #[test]
    fn none_returns_are_dropped_or_bare() {
        assert_eq!(drop_none_returns("x = 1\nreturn None\n"), "x = 1\n\n");
        assert_eq!(
            drop_none_returns("if x:\n    return None\nprint(x)\n"),
            "if x:\n    return\nprint(x)\n"
        );
        assert_eq!(drop_none_returns("return None\n"), "\n");
        let keeps = "if x:\n    return None\nreturn 1\n";
        assert_eq!(drop_none_returns(keeps), keeps);
        let nested = "def f():\n    return 2\nreturn None\n";
        assert_eq!(drop_none_returns(nested), "def f():\n    return 2\n\n");
    }
}
