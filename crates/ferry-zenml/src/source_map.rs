//! Generated line ranges → original source locations, written as
//! `ferry-sourcemap.json` and available to the CLI for mapping findings about
//! generated code back to the source.

use std::collections::BTreeMap;

use ferry_diagnostics::{SourceMap, Span};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedRange {
    /// 1-based, inclusive.
    pub first_line: usize,
    pub last_line: usize,
    /// `path:line` of the source construct.
    pub source: String,
    pub span: Span,
    /// What the range is, e.g. `step train`.
    pub what: String,
}

#[derive(Debug, Clone, Default)]
pub struct SourceMapFile {
    pub files: BTreeMap<String, Vec<GeneratedRange>>,
}

impl SourceMapFile {
    /// The innermost source range covering `line` of a generated file.
    pub fn lookup(&self, file: &str, line: usize) -> Option<&GeneratedRange> {
        self.files
            .get(file)?
            .iter()
            .filter(|r| r.first_line <= line && line <= r.last_line)
            .min_by_key(|r| r.last_line - r.first_line)
    }

    pub fn to_json(&self) -> String {
        let files: serde_json::Map<String, serde_json::Value> = self
            .files
            .iter()
            .map(|(file, ranges)| {
                let items: Vec<_> = ranges
                    .iter()
                    .map(|r| {
                        json!({
                            "lines": [r.first_line, r.last_line],
                            "source": r.source,
                            "span": {"file": r.span.file.0, "start": r.span.start, "end": r.span.end},
                            "what": r.what,
                        })
                    })
                    .collect();
                (file.clone(), json!(items))
            })
            .collect();
        serde_json::to_string_pretty(&json!({"version": 1, "generator": "ferry", "files": files}))
            .unwrap_or_default()
            + "\n"
    }
}

pub struct Builder<'a> {
    sources: &'a SourceMap,
    map: SourceMapFile,
}

impl<'a> Builder<'a> {
    pub fn new(sources: &'a SourceMap) -> Self {
        Builder {
            sources,
            map: SourceMapFile::default(),
        }
    }

    /// `path:line` of a span, or `(synthesised)` for detached spans.
    pub fn location(&self, span: Span) -> String {
        location(self.sources, span)
    }

    pub fn record(
        &mut self,
        file: &str,
        first_line: usize,
        last_line: usize,
        span: Span,
        what: impl Into<String>,
    ) {
        if span.is_detached() || last_line < first_line {
            return;
        }
        let source = self.location(span);
        self.map
            .files
            .entry(file.to_string())
            .or_default()
            .push(GeneratedRange {
                first_line,
                last_line,
                source,
                span,
                what: what.into(),
            });
    }

    pub fn finish(self) -> SourceMapFile {
        self.map
    }
}

/// `path:line` of a span's start.
pub fn location(sources: &SourceMap, span: Span) -> String {
    if span.is_detached() {
        return "(synthesised)".into();
    }
    match (sources.get(span.file), sources.line_range(span)) {
        (Some(file), Some((line, _))) => format!("{}:{line}", file.path),
        _ => "(unknown source)".into(),
    }
}
