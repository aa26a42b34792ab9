//! Attribute chains in carried code (`context.log.info`, `dg.MetadataValue.md`): each
//! maximal `name.attr.attr` chain with the call or subscript it is the target of and
//! where it sits (annotation, base class, other), found on the AST. The rewriters
//! decide what each chain becomes.

use ferry_python::Ranged;
use ferry_python::TextRange;
use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Expr, ExprCall, ExprSubscript, Stmt};

/// Where a chain is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Annotation,
    BaseClass,
    Other,
}

/// One maximal attribute chain.
#[derive(Debug, Clone)]
pub struct Chain<'a> {
    /// The root name (`context`, `dg`).
    pub root: &'a str,
    /// The attributes after the root, in order.
    pub attrs: Vec<&'a str>,
    /// `prefixes[k]` is the expression of the root and its first `k` attributes
    /// (`prefixes[0]` is the root name itself).
    pub prefixes: Vec<&'a Expr>,
    /// The call whose callee is the whole chain.
    pub call: Option<&'a ExprCall>,
    /// The subscript whose value is the whole chain.
    pub subscript: Option<&'a ExprSubscript>,
    pub position: Position,
    /// For a chain inside an annotation, the whole annotation's range.
    pub annotation: Option<TextRange>,
}

impl Chain<'_> {
    /// The range of the root and its first `k` attributes.
    pub fn prefix_range(&self, k: usize) -> TextRange {
        self.prefixes[k.min(self.prefixes.len() - 1)].range()
    }

    pub fn range(&self) -> TextRange {
        self.prefix_range(self.attrs.len())
    }

    /// The root range (the name use).
    pub fn root_range(&self) -> TextRange {
        self.prefixes[0].range()
    }
}

/// The chain rooted at a name, with its prefixes, if `expr` is one.
fn chain_of(expr: &Expr) -> Option<(&str, Vec<&str>, Vec<&Expr>)> {
    let mut prefixes = vec![expr];
    let mut attrs = Vec::new();
    let mut current = expr;
    loop {
        match current {
            Expr::Attribute(a) => {
                attrs.push(a.attr.id.as_str());
                current = &a.value;
                prefixes.push(current);
            }
            Expr::Name(n) => {
                attrs.reverse();
                prefixes.reverse();
                return Some((n.id.as_str(), attrs, prefixes));
            }
            _ => return None,
        }
    }
}

#[derive(Default)]
struct Finder<'a> {
    chains: Vec<Chain<'a>>,
    position: Vec<Position>,
    annotation: Option<TextRange>,
}

impl<'a> Finder<'a> {
    fn record(
        &mut self,
        expr: &'a Expr,
        call: Option<&'a ExprCall>,
        subscript: Option<&'a ExprSubscript>,
    ) -> bool {
        let Some((root, attrs, prefixes)) = chain_of(expr) else {
            return false;
        };
        self.chains.push(Chain {
            root,
            attrs,
            prefixes,
            call,
            subscript,
            position: self.position.last().copied().unwrap_or(Position::Other),
            annotation: self.annotation,
        });
        true
    }
}

impl<'a> Visitor<'a> for Finder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::ClassDef(class) = stmt {
            for d in &class.decorator_list {
                self.visit_decorator(d);
            }
            if let Some(arguments) = &class.arguments {
                self.position.push(Position::BaseClass);
                for base in &arguments.args {
                    self.visit_expr(base);
                }
                self.position.pop();
                for k in &arguments.keywords {
                    self.visit_keyword(k);
                }
            }
            self.visit_body(&class.body);
            return;
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_annotation(&mut self, expr: &'a Expr) {
        self.position.push(Position::Annotation);
        let outer = self.annotation.replace(expr.range());
        visitor::walk_annotation(self, expr);
        self.annotation = outer;
        self.position.pop();
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Attribute(_) | Expr::Name(_) => {
                if !self.record(expr, None, None) {
                    visitor::walk_expr(self, expr);
                }
            }
            Expr::Call(call) => {
                if !self.record(&call.func, Some(call), None) {
                    self.visit_expr(&call.func);
                }
                self.position.push(Position::Other);
                self.visit_arguments(&call.arguments);
                self.position.pop();
            }
            Expr::Subscript(sub) => {
                if !self.record(&sub.value, None, Some(sub)) {
                    self.visit_expr(&sub.value);
                }
                self.visit_expr(&sub.slice);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// Every maximal chain in `stmts`, in source order.
pub fn chains(stmts: &[Stmt]) -> Vec<Chain<'_>> {
    let mut f = Finder::default();
    for s in stmts {
        f.visit_stmt(s);
    }
    f.chains.sort_by_key(|c| c.root_range().start());
    f.chains
}

/// Every maximal chain in `stmts` and nested bodies, for one statement.
pub fn chains_in(stmt: &Stmt) -> Vec<Chain<'_>> {
    chains(std::slice::from_ref(stmt))
}

/// All names bound or read anywhere in `stmts` (to pick fresh names that cannot
/// clash with the carried code).
pub fn all_names(stmts: &[Stmt]) -> std::collections::BTreeSet<String> {
    #[derive(Default)]
    struct Names(std::collections::BTreeSet<String>);
    impl<'a> Visitor<'a> for Names {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(d) => {
                    self.0.insert(d.name.id.to_string());
                }
                Stmt::ClassDef(c) => {
                    self.0.insert(c.name.id.to_string());
                }
                Stmt::Import(i) => {
                    for a in &i.names {
                        let bound = a.asname.as_ref().unwrap_or(&a.name);
                        self.0
                            .insert(bound.as_str().split('.').next().unwrap_or("").into());
                    }
                }
                Stmt::ImportFrom(i) => {
                    for a in &i.names {
                        let bound = a.asname.as_ref().unwrap_or(&a.name);
                        self.0.insert(bound.to_string());
                    }
                }
                _ => {}
            }
            visitor::walk_stmt(self, stmt);
        }
        fn visit_parameter(&mut self, p: &'a ferry_python::ast::Parameter) {
            self.0.insert(p.name.id.to_string());
            visitor::walk_parameter(self, p);
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(n) = expr {
                self.0.insert(n.id.to_string());
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut n = Names::default();
    for s in stmts {
        n.visit_stmt(s);
    }
    n.0
}

#[cfg(test)]
mod tests {
    use ferry_diagnostics::SourceMap;

    #[test]
    fn finds_maximal_chains_with_their_calls() {
        let text = "def f(context):\n    context.log.info(dg.MetadataValue.md(x))\n    y = context.op_config[\"k\"]\n    class C(dg.Config):\n        a: dg.Foo = 1\n";
        let mut sources = SourceMap::new();
        let file = sources.add("m.py", text);
        let (module, _) = ferry_python::parse(&sources, file).unwrap();
        let ferry_python::ast::Stmt::FunctionDef(def) = &module.body()[0] else {
            panic!()
        };
        let found: Vec<String> = super::chains(&def.body)
            .iter()
            .map(|c| {
                format!(
                    "{}.{} call={} sub={} {:?}",
                    c.root,
                    c.attrs.join("."),
                    c.call.is_some(),
                    c.subscript.is_some(),
                    c.position
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                "context.log.info call=true sub=false Other",
                "dg.MetadataValue.md call=true sub=false Other",
                "x. call=false sub=false Other",
                "y. call=false sub=false Other",
                "context.op_config call=false sub=true Other",
                "dg.Config call=false sub=false BaseClass",
                "a. call=false sub=false Other",
                "dg.Foo call=false sub=false Annotation",
            ]
        );
    }
}
