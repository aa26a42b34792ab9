//! Lays every generated module out with ruff's own formatter (in process, the crate
//! family pinned in Cargo.toml), so the project is `ruff format --check` clean by
//! construction, and carries the source-map ranges and TODO markers of the
//! unformatted text over to the formatted lines through the formatter's source map.

use ruff_formatter::printer::SourceMapGeneration;
use ruff_python_ast::PythonVersion;
use ruff_python_formatter::{PyFormatOptions, format_module_source};

use crate::record::Entry;
use crate::writer::Unformatted;

/// A laid-out module.
#[derive(Debug)]
pub struct Formatted {
    pub text: String,
    /// (first line, last line, source span, what), 1-based inclusive lines.
    pub ranges: Vec<(usize, usize, ferry_diagnostics::Span, String)>,
    /// Report entries with the 1-based line of their `# TODO(migration):` marker.
    pub markers: Vec<(usize, Entry)>,
}

/// The generated text does not parse: a bug in ferry, never a written file.
#[derive(Debug)]
pub struct SyntaxError {
    pub message: String,
    /// 1-based line in the unformatted text.
    pub line: usize,
    pub text: String,
}

/// The options `ruff format` uses for the generated project: its pyproject.toml sets
/// `line-length = 88` and `requires-python = ">=3.12"` and nothing else.
pub fn options() -> PyFormatOptions {
    PyFormatOptions::default().with_target_version(PythonVersion::PY312)
}

/// Format any Python source with the options of the generated projects (for the test
/// that keeps the formatter crates and the pinned ruff CLI in step).
pub fn format_python(source: &str) -> Result<String, String> {
    format_module_source(source, options())
        .map(|p| p.into_code())
        .map_err(|e| e.to_string())
}

/// Formatted texts of modules without marks or markers (the run-time helper), by text.
static PLAIN: std::sync::LazyLock<crate::memo::Memo<Option<String>>> =
    std::sync::LazyLock::new(crate::memo::Memo::new);

pub fn format(module: Unformatted) -> Result<Formatted, SyntaxError> {
    if module.marks.is_empty() && module.markers.is_empty() {
        let text = PLAIN.get(&module.text, || {
            format_module_source(&module.text, options())
                .ok()
                .map(|p| p.into_code())
        });
        if let Some(text) = text.as_ref() {
            return Ok(Formatted {
                text: text.clone(),
                ranges: Vec::new(),
                markers: Vec::new(),
            });
        }
    }
    let options = options().with_source_map_generation(SourceMapGeneration::Enabled);
    let printed = match format_module_source(&module.text, options) {
        Ok(p) => p,
        Err(e) => {
            let offset = e.range().map_or(0, |r| r.start().to_usize());
            return Err(SyntaxError {
                message: e.to_string(),
                line: line_of(&module.text, offset),
                text: module.text,
            });
        }
    };
    let mut points: Vec<(usize, usize)> = printed
        .sourcemap()
        .iter()
        .map(|m| (m.source.to_usize(), m.dest.to_usize()))
        .collect();
    points.sort_unstable();
    let text = printed.into_code();
    let line_starts = line_starts(&text);
    let dest_line = |offset: usize| match line_starts.binary_search(&offset) {
        Ok(i) => i + 1,
        Err(i) => i,
    };
    // The first formatted position at or after `offset`, and the last at or before.
    let after = |offset: usize| {
        let i = points.partition_point(|&(s, _)| s < offset);
        points.get(i).map(|&(_, d)| d)
    };
    let before = |offset: usize| {
        let i = points.partition_point(|&(s, _)| s <= offset);
        i.checked_sub(1).map(|i| points[i].1)
    };
    let mut ranges = Vec::new();
    for mark in module.marks {
        // The mark ends after a newline; its last token ends before it.
        let last = mark.end.saturating_sub(1);
        if let (Some(start), Some(end)) = (after(mark.start), before(last)) {
            let (first, last) = (
                dest_line(start),
                dest_line(end.saturating_sub(1).max(start)),
            );
            ranges.push((first, last.max(first), mark.span, mark.what));
        }
    }
    let markers = module
        .markers
        .into_iter()
        .map(|m| (after(m.offset).map_or(1, dest_line), m.entry))
        .collect();
    Ok(Formatted {
        text,
        ranges,
        markers,
    })
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::{Code, py};
    use crate::record::{Disposition, Entry, EntryKind};
    use crate::writer::Writer;
    use ferry_diagnostics::{FileId, Span};

    #[test]
    fn ranges_follow_the_formatter() {
        let mut w = Writer::new();
        w.line(py!("import os"));
        w.blank();
        let start = w.offset();
        w.open(py!("def f(a, b)"));
        w.todo(
            "wire it",
            Entry::new(
                EntryKind::Step,
                "x",
                "y",
                Disposition::StandIn,
                Span::new(FileId(0), 0, 1),
            ),
        );
        let items: Vec<Code> = (0..30)
            .map(|i| Code::str_lit(&format!("item{i}")))
            .collect();
        w.line(py!("return {}", Code::list(items)));
        w.close();
        w.mark(start, Span::new(FileId(0), 0, 1), "f");
        let formatted = format(w.finish()).expect("parses");
        assert!(
            formatted.text.starts_with("import os\n\n\ndef f(a, b):\n"),
            "{}",
            formatted.text
        );
        let total = formatted.text.lines().count();
        assert_eq!(formatted.ranges.len(), 1);
        let (first, last, _, _) = &formatted.ranges[0];
        assert_eq!((*first, *last), (4, total));
        assert_eq!(formatted.markers[0].0, 5);
    }

    #[test]
    fn syntax_errors_are_reported() {
        let mut w = Writer::new();
        w.line(py!("x = ("));
        assert!(format(w.finish()).is_err());
    }
}
