use ferry_diagnostics::Span;
use ruff_python_ast::{Expr, StmtFunctionDef};
use ruff_text_size::Ranged;

use crate::ParsedModule;

/// One parameter of a function definition.
#[derive(Debug, Clone)]
pub struct ParamInfo<'a> {
    pub name: &'a str,
    /// The annotation as written (`int`, `pd.DataFrame`).
    pub annotation: Option<&'a str>,
    pub default: Option<&'a Expr>,
    pub span: Span,
}

/// What a back end needs to carry a function over: signature, decorators and body.
#[derive(Debug, Clone)]
pub struct FunctionInfo<'a> {
    pub name: &'a str,
    pub def: &'a StmtFunctionDef,
    pub params: Vec<ParamInfo<'a>>,
    /// `*args` / `**kwargs` parameters, which have no static shape.
    pub variadic: Vec<Span>,
    pub decorators: Vec<&'a Expr>,
    pub returns: Option<&'a str>,
    /// The body's statements, dedented to column 0, without the `def` line.
    pub body: String,
    /// From the start of the first body line to the end of the last statement.
    pub body_span: Span,
    pub span: Span,
}

impl<'a> FunctionInfo<'a> {
    pub fn of(module: &'a ParsedModule, def: &'a StmtFunctionDef) -> Self {
        let params = def
            .parameters
            .posonlyargs
            .iter()
            .chain(def.parameters.args.iter())
            .chain(def.parameters.kwonlyargs.iter())
            .map(|p| ParamInfo {
                name: p.parameter.name.id.as_str(),
                annotation: p.parameter.annotation.as_deref().map(|a| module.text_of(a)),
                default: p.default.as_deref(),
                span: module.span(p),
            })
            .collect();
        let variadic = def
            .parameters
            .vararg
            .iter()
            .chain(def.parameters.kwarg.iter())
            .map(|p| module.span(&**p))
            .collect();
        let (body, body_span) = match (def.body.first(), def.body.last()) {
            (Some(first), Some(last)) => {
                let start = line_start(&module.text, first.range().start().to_usize());
                let end = last.range().end().to_usize();
                let text = module.text.get(start..end).unwrap_or("");
                (dedent(text), Span::new(module.file, start, end))
            }
            _ => (String::new(), module.span(def)),
        };
        FunctionInfo {
            name: def.name.id.as_str(),
            def,
            params,
            variadic,
            decorators: def.decorator_list.iter().map(|d| &d.expression).collect(),
            returns: def.returns.as_deref().map(|r| module.text_of(r)),
            body,
            body_span,
            span: module.span(def),
        }
    }
}

fn line_start(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// Remove the common leading whitespace of all non-blank lines (like Python's
/// `textwrap.dedent`); blank lines become empty.
pub fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if !line.trim().is_empty() {
            out.push_str(line.get(indent..).unwrap_or(line.trim_start()));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_diagnostics::SourceMap;
    use ruff_python_ast::Stmt;

    #[test]
    fn body_is_dedented_with_span() {
        let text = "class K:\n    @deco\n    def f(a: int, b=2, *rest) -> str:\n        x = a\n\n        return str(x + b)\n";
        let mut sources = SourceMap::new();
        let file = sources.add("m.py", text);
        let (module, _) = crate::parse(&sources, file).unwrap();
        let Stmt::ClassDef(class) = &module.body()[0] else {
            panic!()
        };
        let Stmt::FunctionDef(def) = &class.body[0] else {
            panic!()
        };
        let info = FunctionInfo::of(&module, def);
        assert_eq!(info.body, "x = a\n\nreturn str(x + b)\n");
        assert_eq!(
            sources.snippet(info.body_span),
            Some("        x = a\n\n        return str(x + b)")
        );
        assert_eq!(info.params.len(), 2);
        assert_eq!(info.params[0].annotation, Some("int"));
        assert!(info.params[1].default.is_some());
        assert_eq!(info.variadic.len(), 1);
        assert_eq!(info.returns, Some("str"));
        assert_eq!(info.decorators.len(), 1);
    }
}
