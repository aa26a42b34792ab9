//! `self.get_resource_context()` in the methods of a carried `ConfigurableResource`
//! class. The class becomes a plain pydantic model (support.rs), which has no such
//! method: left alone, the call would fail with AttributeError when the step runs and
//! nothing would say so. What a resource reads of its context in practice is the
//! logger, so a context used only for `.log` becomes a namespace holding a
//! standard-library logger; any other use is reported (F0507) and keeps a stand-in
//! that raises NotImplementedError.

use ferry_python::ast::visitor::{self, Visitor};
use ferry_python::ast::{Expr, Stmt};
use ferry_python::{Edit, Import, Ranged, Scope, TextRange};

use crate::rewrite::normalise;

/// Dagster resource base classes whose instances have `get_resource_context()`.
const RESOURCE_BASES: &[&str] = &["dagster.ConfigurableResource"];

/// The replacement of a context used only for its logger.
const LOG_CONTEXT: &str = "types.SimpleNamespace(log=logging.getLogger(__name__))";

/// One `self.get_resource_context()` call of a resource method.
pub struct ContextCall {
    pub range: TextRange,
    /// Whether the context is used for its logger only.
    pub log_only: bool,
}

/// Every `self.get_resource_context()` call in the methods of `stmt`, when `stmt` is a
/// class deriving from a Dagster resource base.
pub fn calls(stmt: &Stmt, scope: &Scope<'_>) -> Vec<ContextCall> {
    let Stmt::ClassDef(class) = stmt else {
        return Vec::new();
    };
    let is_resource = class.bases().iter().any(|b| {
        scope
            .qualified_name(b)
            .is_some_and(|q| RESOURCE_BASES.contains(&normalise(&q).as_str()))
    });
    if !is_resource {
        return Vec::new();
    }
    let mut out = Vec::new();
    for s in &class.body {
        let Stmt::FunctionDef(f) = s else { continue };
        let Some(receiver) = f
            .parameters
            .posonlyargs
            .iter()
            .chain(&f.parameters.args)
            .next()
            .map(|p| p.parameter.name.as_str())
        else {
            continue;
        };
        let mut finder = Finder {
            receiver,
            calls: Vec::new(),
            log_receivers: Vec::new(),
            names: Vec::new(),
            log_names: Vec::new(),
            bound: Vec::new(),
        };
        for st in &f.body {
            finder.visit_stmt(st);
        }
        for call in &finder.calls {
            // Used directly as `self.get_resource_context().log`, or bound to a name
            // every read of which is `name.log`.
            let log_only = finder.log_receivers.contains(call)
                || finder.bound.iter().any(|(name, r)| {
                    r == call
                        && finder.names.iter().filter(|n| n == &name).count()
                            == finder.log_names.iter().filter(|n| n == &name).count()
                        && finder.bound.iter().filter(|(n, _)| n == name).count() == 1
                });
            out.push(ContextCall {
                range: *call,
                log_only,
            });
        }
    }
    out
}

/// The edit and imports of one call: the logger namespace, or `None` when the call
/// must keep a stand-in.
pub fn rewrite(call: &ContextCall) -> Option<(Edit, Vec<Import>)> {
    call.log_only.then(|| {
        let import = |module: &str| Import::Module {
            module: module.into(),
            asname: None,
        };
        (
            Edit::replace(call.range, LOG_CONTEXT),
            vec![import("logging"), import("types")],
        )
    })
}

struct Finder<'r> {
    receiver: &'r str,
    /// Ranges of the `receiver.get_resource_context()` calls.
    calls: Vec<TextRange>,
    /// Calls whose value is read only for `.log` right away.
    log_receivers: Vec<TextRange>,
    /// Every read of a plain name, and those that are `name.log`.
    names: Vec<String>,
    log_names: Vec<String>,
    /// `name = receiver.get_resource_context()`.
    bound: Vec<(String, TextRange)>,
}

impl Finder<'_> {
    fn context_call(&self, e: &Expr) -> Option<TextRange> {
        let Expr::Call(call) = e else { return None };
        let Expr::Attribute(attr) = &*call.func else {
            return None;
        };
        (attr.attr.as_str() == "get_resource_context"
            && call.arguments.args.is_empty()
            && call.arguments.keywords.is_empty()
            && matches!(&*attr.value, Expr::Name(n) if n.id.as_str() == self.receiver))
        .then(|| call.range())
    }
}

impl<'a> Visitor<'a> for Finder<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::Assign(a) = stmt
            && let [Expr::Name(target)] = a.targets.as_slice()
            && let Some(call) = self.context_call(&a.value)
        {
            self.bound.push((target.id.to_string(), call));
        }
        // A nested function or class has its own receiver: its calls are not this
        // method's, but its reads of the bound names still count.
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Some(call) = self.context_call(expr) {
            self.calls.push(call);
        }
        if let Expr::Attribute(attr) = expr
            && attr.attr.as_str() == "log"
        {
            if let Some(call) = self.context_call(&attr.value) {
                self.log_receivers.push(call);
            }
            if let Expr::Name(n) = &*attr.value {
                self.log_names.push(n.id.to_string());
            }
        }
        if let Expr::Name(n) = expr
            && n.ctx.is_load()
        {
            self.names.push(n.id.to_string());
        }
        visitor::walk_expr(self, expr);
    }
}
