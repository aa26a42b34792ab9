use ferry_diagnostics::Span;
use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::Ranged;

use crate::{ParsedModule, Scope, span_of};

/// A keyword argument `name=value`.
#[derive(Debug, Clone, Copy)]
pub struct KeywordArg<'a> {
    pub name: &'a str,
    pub value: &'a Expr,
    /// Span of the whole `name=value`.
    pub span: Span,
}

/// A call with its arguments split out and its callee resolved.
#[derive(Debug, Clone)]
pub struct CallInfo<'a> {
    pub call: &'a ExprCall,
    pub span: Span,
    /// The callee's fully-qualified name through the imports (`PS(...)` with
    /// `from sagemaker.workflow.steps import ProcessingStep as PS` →
    /// `sagemaker.workflow.steps.ProcessingStep`); `None` for methods of variables and
    /// other dynamic callees.
    pub callee: Option<String>,
    /// The callee as written.
    pub callee_text: &'a str,
    pub args: Vec<&'a Expr>,
    pub keywords: Vec<KeywordArg<'a>>,
    /// Spans of `*args` / `**kwargs` arguments, which cannot be read statically.
    pub star_args: Vec<Span>,
}

impl<'a> CallInfo<'a> {
    /// `None` when `expr` is not a call.
    pub fn of(module: &'a ParsedModule, scope: &Scope<'_>, expr: &'a Expr) -> Option<Self> {
        let Expr::Call(call) = expr else { return None };
        let mut info = CallInfo {
            call,
            span: span_of(module.file, call),
            callee: scope.qualified_name(&call.func),
            callee_text: module.text_of(&*call.func),
            args: Vec::new(),
            keywords: Vec::new(),
            star_args: Vec::new(),
        };
        for arg in call.arguments.args.iter() {
            match arg {
                Expr::Starred(_) => info.star_args.push(span_of(module.file, arg)),
                _ => info.args.push(arg),
            }
        }
        for keyword in call.arguments.keywords.iter() {
            match &keyword.arg {
                Some(name) => info.keywords.push(KeywordArg {
                    name: name.id.as_str(),
                    value: &keyword.value,
                    span: span_of(module.file, keyword),
                }),
                None => info.star_args.push(span_of(module.file, keyword)),
            }
        }
        Some(info)
    }

    pub fn keyword(&self, name: &str) -> Option<&'a Expr> {
        self.keywords
            .iter()
            .find(|k| k.name == name)
            .map(|k| k.value)
    }

    /// The argument given by keyword `name` or else at position `index`.
    pub fn arg(&self, index: usize, name: &str) -> Option<&'a Expr> {
        self.keyword(name).or_else(|| self.args.get(index).copied())
    }

    /// The method name when the callee is `something.method`.
    pub fn method(&self) -> Option<&'a str> {
        match &*self.call.func {
            Expr::Attribute(attr) => Some(attr.attr.id.as_str()),
            _ => None,
        }
    }

    /// The receiver `something` when the callee is `something.method`.
    pub fn receiver(&self) -> Option<&'a Expr> {
        match &*self.call.func {
            Expr::Attribute(attr) => Some(&attr.value),
            _ => None,
        }
    }

    /// The last segment of the callee, resolved or as written (`steps.ProcessingStep`
    /// → `ProcessingStep`).
    pub fn callee_last(&self) -> &str {
        let text = self.callee.as_deref().unwrap_or(self.callee_text);
        text.rsplit('.').next().unwrap_or(text)
    }

    pub fn func_range(&self) -> ruff_text_size::TextRange {
        self.call.func.range()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_diagnostics::SourceMap;
    use ruff_python_ast::Stmt;

    #[test]
    fn extracts_arguments_and_callee() {
        let text = "from a.b import C as D\nD(1, x, *rest, name='n', **kw)\n";
        let mut sources = SourceMap::new();
        let file = sources.add("m.py", text);
        let (module, _) = crate::parse(&sources, file).unwrap();
        let scope = Scope::module("m", module.body());
        let Stmt::Expr(stmt) = &module.body()[1] else {
            panic!()
        };
        let call = CallInfo::of(&module, &scope, &stmt.value).unwrap();
        assert_eq!(call.callee.as_deref(), Some("a.b.C"));
        assert_eq!(call.callee_last(), "C");
        assert_eq!(call.args.len(), 2);
        assert_eq!(call.star_args.len(), 2);
        assert_eq!(call.keywords[0].name, "name");
        assert_eq!(sources.snippet(call.keywords[0].span), Some("name='n'"));
        assert_eq!(module.text_of(call.arg(1, "other").unwrap()), "x");
        assert_eq!(
            sources.snippet(call.span),
            Some("D(1, x, *rest, name='n', **kw)")
        );
    }
}
