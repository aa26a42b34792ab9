//! Carrying a function (or module-level statements) over as text: located through the
//! AST, edited like ruff applies fixes, re-indented line by line outside string tokens,
//! so comments and literals stay byte-exact and the docstring stays first.

use ferry_diagnostics::Span;
use ruff_python_ast::{Decorator, Expr, Stmt, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange};

use crate::{
    Edit, EditError, FreeNames, Layout, ParamInfo, ParsedModule, Reindented, body_free_names,
    reindent, string_parts,
};

/// A function ready to be re-emitted elsewhere.
#[derive(Debug, Clone)]
pub struct CarriedFunction<'a> {
    pub name: &'a str,
    pub def: &'a StmtFunctionDef,
    pub params: Vec<ParamInfo<'a>>,
    pub decorators: Vec<&'a Decorator>,
    /// The docstring literal exactly as written (its inner lines untouched).
    pub docstring: Option<&'a str>,
    /// The body after the docstring: statements and the comments between and after
    /// them, re-indented to the requested layout, edits applied.
    pub body_text: String,
    /// What the body reads from outside (parameters and locals excluded).
    pub free_names: FreeNames,
    pub span: Span,
    /// The original text the body came from.
    pub body_span: Span,
    /// String literals rewritten or left inexact by the layout (see [`Reindented`]).
    pub flattened: Vec<TextRange>,
    pub inexact: Vec<TextRange>,
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

fn is_comment_or_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// The indentation of the line `offset` is on, if only whitespace precedes it there.
fn indentation_before(text: &str, offset: usize) -> Option<&str> {
    let ls = line_start(text, offset);
    let before = &text[ls..offset];
    before.trim().is_empty().then_some(before)
}

/// After the last statement: the rest of its line (a trailing comment) and the comment
/// lines that follow at least as indented as the body.
fn extend_end(text: &str, end: usize, indent: &str) -> usize {
    let mut end = line_end(text, end);
    if indent.is_empty() {
        return end;
    }
    let mut probe = end;
    while probe < text.len() {
        let next = line_end(text, probe);
        let line = &text[probe..next];
        if line.trim().is_empty() {
            probe = next;
            continue;
        }
        if line.starts_with(indent) && line.trim_start().starts_with('#') {
            probe = next;
            end = next;
            continue;
        }
        break;
    }
    end
}

/// Before the first statement: comment lines above it, after `floor`.
fn extend_start(text: &str, start: usize, floor: usize) -> usize {
    let mut start = start;
    while start > floor && start > 0 {
        let prev = line_start(text, start - 1);
        if prev < floor || !is_comment_or_blank(&text[prev..start]) {
            break;
        }
        start = prev;
    }
    // No leading blank lines.
    while start < text.len() {
        let next = line_end(text, start);
        if next >= text.len() || !text[start..next].trim().is_empty() {
            break;
        }
        start = next;
    }
    start
}

/// The docstring of a body: a first statement that is a plain string literal.
pub fn docstring_of(body: &[Stmt]) -> Option<&Expr> {
    match body.first()? {
        Stmt::Expr(e) if matches!(&*e.value, Expr::StringLiteral(_)) => Some(&e.value),
        _ => None,
    }
}

impl<'a> CarriedFunction<'a> {
    /// Carry `def` of `module`. `edits` (in module coordinates) must lie inside the body
    /// after the docstring and must not overlap.
    pub fn carry(
        module: &'a ParsedModule,
        def: &'a StmtFunctionDef,
        edits: Vec<Edit>,
        layout: Layout<'_>,
    ) -> Result<Self, EditError> {
        let text = module.text.as_str();
        let docstring = docstring_of(&def.body);
        let rest: &[Stmt] = if docstring.is_some() {
            &def.body[1..]
        } else {
            &def.body
        };
        let header_end = def
            .returns
            .as_deref()
            .map_or(def.parameters.range.end(), |r| r.range().end())
            .to_usize();
        let floor = match docstring {
            Some(d) => line_end(text, d.range().end().to_usize()).saturating_sub(1),
            None => line_end(text, header_end).saturating_sub(1),
        };
        let (region, from_indent) = match (rest.first(), rest.last()) {
            (Some(first), Some(last)) => {
                let first_start = first.range().start().to_usize();
                let (start, indent) = match indentation_before(text, first_start) {
                    Some(indent) => (
                        extend_start(text, line_start(text, first_start), floor + 1),
                        indent,
                    ),
                    None => (first_start, ""),
                };
                let end = extend_end(text, last.range().end().to_usize(), indent);
                (start..end, indent)
            }
            _ => (0..0, ""),
        };
        let parts = string_parts(&def.body);
        let Reindented {
            mut text,
            flattened,
            inexact,
        } = if region.is_empty() {
            Reindented::default()
        } else {
            reindent(text, region.clone(), from_indent, layout, &parts, edits)?
        };
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(CarriedFunction {
            name: def.name.as_str(),
            def,
            params: crate::FunctionInfo::of(module, def).params,
            decorators: def.decorator_list.iter().collect(),
            docstring: docstring.map(|d| module.text_of(d)),
            body_text: text,
            free_names: body_free_names(&def.parameters, &def.body),
            span: module.span(def),
            body_span: Span::new(
                module.file,
                region.start,
                region.end - usize::from(module.text[..region.end].ends_with('\n')),
            ),
            flattened,
            inexact,
        })
    }
}

impl CarriedFunction<'_> {
    /// The docstring laid out like the body: its first line at the layout's
    /// indentation, its inner lines exact (or rewritten to one line for a
    /// [`Layout::LinePrefix`] consumer when they start left of the prefix).
    pub fn docstring_text(
        &self,
        module: &ParsedModule,
        layout: Layout<'_>,
    ) -> Result<Option<Reindented>, EditError> {
        let Some(doc) = docstring_of(&self.def.body) else {
            return Ok(None);
        };
        let range = doc.range();
        let text = module.text.as_str();
        let Some(indent) = indentation_before(text, range.start().to_usize()) else {
            return Ok(None);
        };
        let start = line_start(text, range.start().to_usize());
        let parts = string_parts(std::slice::from_ref(&self.def.body[0]));
        reindent(
            text,
            start..range.end().to_usize(),
            indent,
            layout,
            &parts,
            Vec::new(),
        )
        .map(Some)
    }
}

/// Carry top-level statements of `module` (with the comment lines right above each)
/// as text for a module of their own: `edits` applied, string tokens exact.
pub fn carry_statements(
    module: &ParsedModule,
    statements: &[&Stmt],
    edits: Vec<Edit>,
    layout: Layout<'_>,
) -> Result<Reindented, EditError> {
    let text = module.text.as_str();
    let mut out = Reindented::default();
    let mut edits = edits;
    for (i, stmt) in statements.iter().enumerate() {
        let range = stmt.range();
        // Comment lines above belong to the statement, up to the one before it.
        let floor = module
            .body()
            .iter()
            .map(|s| s.range().end().to_usize())
            .filter(|&e| e <= range.start().to_usize())
            .max()
            .map_or(0, |e| line_end(text, e));
        let start = extend_start(text, line_start(text, range.start().to_usize()), floor);
        let end = extend_end(text, range.end().to_usize(), "");
        let (mine, others): (Vec<Edit>, Vec<Edit>) = edits
            .into_iter()
            .partition(|e| e.range.start().to_usize() >= start && e.range.end().to_usize() <= end);
        edits = others;
        let parts = string_parts(std::slice::from_ref(*stmt));
        let piece = reindent(text, start..end, "", layout, &parts, mine)?;
        if !out.text.is_empty() {
            out.text.push_str(
                if matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_))
                    || statements
                        .get(i.wrapping_sub(1))
                        .is_some_and(|p| matches!(p, Stmt::FunctionDef(_) | Stmt::ClassDef(_)))
                {
                    // PEP 8: two blank lines around top-level definitions, one when nested.
                    if layout == Layout::Indent("") {
                        "\n\n"
                    } else {
                        "\n"
                    }
                } else {
                    ""
                },
            );
        }
        out.text.push_str(&piece.text);
        if !out.text.ends_with('\n') {
            out.text.push('\n');
        }
        out.flattened.extend(piece.flattened);
        out.inexact.extend(piece.inexact);
    }
    if let Some(e) = edits.first() {
        return Err(EditError::OutOfBounds(e.range));
    }
    Ok(out)
}
