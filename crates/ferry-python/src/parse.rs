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
    let mut diagnostics = nul_bytes(file, &source.text);
    let oversized = ferry_ir::python_nesting::oversized_lines(&source.text);
    diagnostics.extend(oversized.iter().map(|range| {
        Diagnostic::error(
            "F0402",
            "this statement nests too deeply (or is too long) to be read safely; it is skipped",
        )
        .with_primary(Span::new(file, range.start, range.end), "skipped")
    }));
    let mut text = if oversized.is_empty() {
        source.text.clone()
    } else {
        ferry_ir::python_nesting::blank(&source.text, &oversized)
    };
    if text.contains('\0') {
        // Read the rest of the file as if each NUL were a space (spans stay valid); the
        // F0409 error already keeps the input from being compiled.
        text = text.replace('\0', " ");
    }
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

/// CPython refuses a source file holding a NUL byte ("source code cannot contain null
/// bytes"), so ferry does too (F0409): one error at the first NUL, counting the others.
fn nul_bytes(file: FileId, text: &str) -> Vec<Diagnostic> {
    let Some(first) = text.find('\0') else {
        return Vec::new();
    };
    let count = text.bytes().filter(|&b| b == 0).count();
    let mut d = Diagnostic::error(
        "F0409",
        "Python source contains a NUL byte, which Python refuses to read",
    )
    .with_primary(Span::new(file, first, first + 1), "NUL byte")
    .with_help("remove the NUL byte(s); in a string literal write `\\0` instead");
    if count > 1 {
        d = d.with_note(format!("the file holds {count} NUL bytes in all"));
    }
    vec![d]
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

    #[test]
    fn nul_bytes_are_an_error_at_the_byte() {
        let mut sources = SourceMap::new();
        let file = sources.add("nul.py", "x = 1\ny = '\0'\0\n");
        let (module, diagnostics) = parse(&sources, file).unwrap();
        let nul: Vec<_> = diagnostics.iter().filter(|d| d.code == "F0409").collect();
        assert_eq!(nul.len(), 1, "{diagnostics:?}");
        assert_eq!(nul[0].labels[0].span, Span::new(file, 11, 12));
        assert!(!module.text.contains('\0'));
    }
}
