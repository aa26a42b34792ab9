//! The resource configuration of a code location: every `Definitions(resources={...})`
//! (a dict literal, a variable, `{**a, **b}`, `a | b`, across the location's modules)
//! read into key → class and keyword configuration, with `EnvVar("X")` and
//! `os.environ` reads kept as environment variables.

use std::collections::BTreeMap;

use ferry_diagnostics::Span;
use ferry_ir::Value;
use ferry_python::ast::{Expr, Operator, Stmt};
use ferry_python::{CallInfo, ParsedModule, Scope};

/// How one configuration field of a resource gets its value.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Literal(Value),
    /// Read from this environment variable when the step runs.
    Env(String),
    /// An expression ferry cannot carry into the step (an object, a call).
    Other,
}

/// A resource object as the Definitions build it.
#[derive(Debug, Clone)]
pub struct ResourceSpec {
    /// The class name as written; `None` for a legacy `@resource` function or a
    /// factory.
    pub class_name: Option<String>,
    pub fields: Vec<(String, FieldValue)>,
    pub span: Span,
}

struct Reader<'l, 'a> {
    modules: &'l [(&'a ParsedModule, &'a Scope<'a>)],
    out: BTreeMap<String, ResourceSpec>,
}

fn module_assignment<'a>(body: &'a [Stmt], name: &str) -> Option<&'a Expr> {
    body.iter().rev().find_map(|s| match s {
        Stmt::Assign(a)
            if a.targets
                .iter()
                .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == name)) =>
        {
            Some(&*a.value)
        }
        Stmt::AnnAssign(a) if matches!(&*a.target, Expr::Name(n) if n.id.as_str() == name) => {
            a.value.as_deref()
        }
        _ => None,
    })
}

/// `os.environ["X"]`, `os.environ.get("X", ...)`, `os.getenv("X", ...)`,
/// `EnvVar("X")`, `EnvVar.int("X")`.
fn env_var(module: &ParsedModule, scope: &Scope<'_>, e: &Expr) -> Option<String> {
    let literal = |e: &Expr| match e {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        _ => None,
    };
    match e {
        Expr::Subscript(sub)
            if scope.qualified_name(&sub.value).as_deref() == Some("os.environ") =>
        {
            literal(&sub.slice)
        }
        Expr::Call(_) => {
            let call = CallInfo::of(module, scope, e)?;
            match call.callee.as_deref()? {
                "os.environ.get"
                | "os.getenv"
                | "dagster.EnvVar"
                | "dagster.EnvVar.int"
                | "dagster.EnvVar.get_value" => literal(call.args.first()?),
                _ => None,
            }
        }
        _ => None,
    }
}

impl<'a> Reader<'_, 'a> {
    /// The expression a name is bound to at module level, following one import
    /// of another module of the location.
    fn resolve_name(
        &self,
        module: &'a ParsedModule,
        scope: &'a Scope<'a>,
        name: &str,
    ) -> Option<(&'a ParsedModule, &'a Scope<'a>, &'a Expr)> {
        if let Some(e) = module_assignment(module.body(), name) {
            return Some((module, scope, e));
        }
        let symbol = scope.lookup(name)?;
        if !matches!(symbol.kind, ferry_python::SymbolKind::Import) {
            return None;
        }
        let qualified = symbol.qualified.clone()?;
        let (target, leaf) = qualified.rsplit_once('.')?;
        let (m, s) = self
            .modules
            .iter()
            .filter(|(_, s)| s.module == target || s.module.ends_with(&format!(".{target}")))
            .min_by_key(|(_, s)| s.module.len())
            .copied()?;
        module_assignment(m.body(), leaf).map(|e| (m, s, e))
    }

    fn dict(&mut self, module: &'a ParsedModule, scope: &'a Scope<'a>, e: &'a Expr, depth: usize) {
        if depth > 16 {
            return;
        }
        match e {
            Expr::Dict(d) => {
                for item in &d.items {
                    match &item.key {
                        Some(Expr::StringLiteral(k)) => {
                            let key = k.value.to_str().to_string();
                            if !self.out.contains_key(&key)
                                && let Some(spec) = self.spec(module, scope, &item.value, depth + 1)
                            {
                                self.out.insert(key, spec);
                            }
                        }
                        None => self.dict(module, scope, &item.value, depth + 1),
                        _ => {}
                    }
                }
            }
            Expr::Name(n) => {
                if let Some((m, s, value)) = self.resolve_name(module, scope, n.id.as_str()) {
                    self.dict(m, s, value, depth + 1);
                }
            }
            Expr::BinOp(b) if b.op == Operator::BitOr => {
                self.dict(module, scope, &b.left, depth + 1);
                self.dict(module, scope, &b.right, depth + 1);
            }
            Expr::Subscript(sub) => {
                // `env_resources["dev"]`: the dict of that key.
                if let Expr::Name(n) = &*sub.value
                    && let Expr::StringLiteral(k) = &*sub.slice
                    && let Some((m, s, Expr::Dict(d))) =
                        self.resolve_name(module, scope, n.id.as_str())
                {
                    let key = k.value.to_str();
                    if let Some(item) = d.items.iter().find(|i| {
                        matches!(&i.key, Some(Expr::StringLiteral(s)) if s.value.to_str() == key)
                    }) {
                        self.dict(m, s, &item.value, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    fn spec(
        &self,
        module: &'a ParsedModule,
        scope: &'a Scope<'a>,
        e: &'a Expr,
        depth: usize,
    ) -> Option<ResourceSpec> {
        if depth > 16 {
            return None;
        }
        match e {
            Expr::Name(n) => {
                let (m, s, value) = self.resolve_name(module, scope, n.id.as_str())?;
                self.spec(m, s, value, depth + 1)
            }
            Expr::Call(_) => {
                let call = CallInfo::of(module, scope, e)?;
                let fields = call
                    .keywords
                    .iter()
                    .map(|k| {
                        let value = if let Some(var) = env_var(module, scope, k.value) {
                            FieldValue::Env(var)
                        } else {
                            match ferry_python::fold(module, scope, k.value) {
                                Ok(v) => FieldValue::Literal(v),
                                Err(_) => FieldValue::Other,
                            }
                        };
                        (k.name.to_string(), value)
                    })
                    .collect();
                let is_class = call
                    .callee_last()
                    .starts_with(|c: char| c.is_ascii_uppercase());
                Some(ResourceSpec {
                    class_name: is_class.then(|| call.callee_last().to_string()),
                    fields,
                    span: call.span,
                })
            }
            _ => None,
        }
    }
}

fn definitions_calls<'a>(
    module: &'a ParsedModule,
    scope: &'a Scope<'a>,
    body: &'a [Stmt],
    out: &mut Vec<&'a Expr>,
    depth: usize,
) {
    if depth > 4 {
        return;
    }
    let consider = |e: &'a Expr, out: &mut Vec<&'a Expr>| {
        if let Some(call) = CallInfo::of(module, scope, e)
            && matches!(
                call.callee.as_deref(),
                Some("dagster.Definitions" | "dagster.Definitions.merge")
            )
            && let Some(r) = call.keyword("resources")
        {
            out.push(r);
        }
    };
    for stmt in body {
        match stmt {
            Stmt::Assign(a) => consider(&a.value, out),
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    consider(v, out);
                }
            }
            Stmt::Expr(e) => consider(&e.value, out),
            Stmt::Return(r) => {
                if let Some(v) = &r.value {
                    consider(v, out);
                }
            }
            Stmt::FunctionDef(f) => definitions_calls(module, scope, &f.body, out, depth + 1),
            Stmt::If(i) => {
                definitions_calls(module, scope, &i.body, out, depth + 1);
                for clause in &i.elif_else_clauses {
                    definitions_calls(module, scope, &clause.body, out, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// Every resource key the location's Definitions configure (the first definition of
/// a key wins, in module order).
pub fn collect<'a>(
    modules: &[(&'a ParsedModule, &'a Scope<'a>)],
) -> BTreeMap<String, ResourceSpec> {
    let mut reader = Reader {
        modules,
        out: BTreeMap::new(),
    };
    for &(module, scope) in modules {
        let mut calls = Vec::new();
        definitions_calls(module, scope, module.body(), &mut calls, 0);
        for r in calls {
            reader.dict(module, scope, r, 0);
        }
    }
    reader.out
}
