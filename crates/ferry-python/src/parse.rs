use ferry_diagnostics::{Diagnostic, FileId, SourceMap, Span};
use ruff_python_ast::{ModModule, PySourceType, Stmt};
use ruff_text_size::Ranged;

/// One parsed Python file: its (possibly partial) syntax tree, file id and text.
#[derive(Debug, Clone)]
pub struct ParsedModule {
    pub file: FileId,
    pub text: String,
    pub module: ModModule,
}

impl ParsedModule {
    pub fn body(&self) -> &[Stmt] {
        &self.module.body
    }

    pub fn span(&self, node: &impl Ranged) -> Span {
        span_of(self.file, node)
    }

    /// The exact source text of a node.
    pub fn text_of(&self, node: &impl Ranged) -> &str {
        let range = node.range();
        self.text
            .get(range.start().to_usize()..range.end().to_usize())
            .unwrap_or("")
    }
}

/// The byte span of any ruff node in `file`.
pub fn span_of(file: FileId, node: &impl Ranged) -> Span {
    let range = node.range();
    Span::new(file, range.start().to_usize(), range.end().to_usize())
}

/// Parse `file` of `sources`. Syntax errors become F0401 diagnostics; the parser's
/// recovered tree is returned anyway so callers still see the well-formed parts.
/// `None` only when `file` is not in `sources`.
pub fn parse(sources: &SourceMap, file: FileId) -> Option<(ParsedModule, Vec<Diagnostic>)> {
    let source = sources.get(file)?;
    let oversized = crate::guard::oversized_lines(&source.text);
    let mut diagnostics: Vec<Diagnostic> = oversized
        .iter()
        .map(|range| {
            Diagnostic::error(
                "F0402",
                "this statement nests too deeply (or is too long) to be read safely; it is skipped",
            )
            .with_primary(Span::new(file, range.start, range.end), "skipped")
        })
        .collect();
    let text = if oversized.is_empty() {
        source.text.clone()
    } else {
        crate::guard::blank(&source.text, &oversized)
    };
    let parsed = ruff_python_parser::parse_unchecked_source(&text, PySourceType::Python);
    diagnostics.extend(parsed.errors().iter().map(|error| {
        Diagnostic::error("F0401", format!("Python syntax error: {}", error.error))
            .with_primary(span_of(file, &error.location), "here")
    }));
    let module = ParsedModule {
        file,
        text,
        module: parsed.into_syntax(),
    };
    Some((module, diagnostics))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_reported_and_partial_tree_kept() {
        let mut sources = SourceMap::new();
        let file = sources.add("bad.py", "x = 1\ny = (\nz = 3\n");
        let (module, diagnostics) = parse(&sources, file).unwrap();
        assert!(!diagnostics.is_empty());
        assert!(diagnostics.iter().all(|d| d.code == "F0401"));
        assert!(!module.body().is_empty());
        assert_eq!(module.text_of(&module.body()[0]), "x = 1");
    }
}
