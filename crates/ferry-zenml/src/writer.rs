//! Builds one Python module as lines of [`Code`] at an indentation depth, remembering
//! which byte ranges came from which source construct and where each
//! `# TODO(migration):` marker was written, so that after ruff's formatter has laid the
//! module out the source map and the report still point at the right lines.

use ferry_diagnostics::Span;
use ruff_python_ast::token::TokenKind;
use ruff_text_size::Ranged;

use crate::code::{Code, Fragment, comment_text};
use crate::record::Entry;

/// A byte range of the unformatted module generated from a source construct.
#[derive(Debug, Clone)]
pub struct Mark {
    pub start: usize,
    pub end: usize,
    pub span: Span,
    pub what: String,
}

/// A report entry whose `# TODO(migration):` marker sits at `offset`.
#[derive(Debug, Clone)]
pub struct Marker {
    pub offset: usize,
    pub entry: Entry,
}

#[derive(Debug, Default)]
pub struct Writer {
    text: String,
    depth: usize,
    marks: Vec<Mark>,
    markers: Vec<Marker>,
    /// Per open block: whether a statement (not only comments) was written in it, and
    /// where its header starts.
    blocks: Vec<(bool, usize)>,
    /// Whether any statement was written at all.
    wrote_statement: bool,
}

/// What a finished module hands to the layout step.
#[derive(Debug, Default)]
pub struct Unformatted {
    pub text: String,
    pub marks: Vec<Mark>,
    pub markers: Vec<Marker>,
}

impl Writer {
    pub fn new() -> Self {
        Self::default()
    }

    fn pad(&mut self) {
        for _ in 0..self.depth {
            self.text.push_str("    ");
        }
    }

    /// A writer for code that will be appended at `depth` (e.g. one branch arm).
    pub fn at_depth(depth: usize) -> Self {
        Writer {
            depth,
            ..Self::default()
        }
    }

    pub fn depth(&self) -> usize {
        self.depth
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Append what `other` wrote, with its marks and markers.
    pub fn append(&mut self, other: Writer) {
        let shift = self.text.len();
        self.text.push_str(&other.text);
        self.marks.extend(other.marks.into_iter().map(|m| Mark {
            start: m.start + shift,
            end: m.end + shift,
            ..m
        }));
        self.markers
            .extend(other.markers.into_iter().map(|m| Marker {
                offset: m.offset + shift,
                ..m
            }));
        if other.wrote_statement {
            self.statement_written();
        }
    }

    /// Append what `other` wrote one level deeper than this writer, one level less
    /// indented (its marks and markers move with their lines).
    pub fn append_outdented(&mut self, other: Writer) {
        let mut outdented = Writer::at_depth(other.depth.saturating_sub(1));
        // (old offset of a line start, bytes removed before it)
        let mut removed_before: Vec<(usize, usize)> = Vec::new();
        let mut removed = 0;
        let mut old = 0;
        for line in other.text.split_inclusive('\n') {
            removed_before.push((old, removed));
            let strip = if line.starts_with("    ") { 4 } else { 0 };
            outdented.text.push_str(&line[strip..]);
            removed += strip;
            old += line.len();
        }
        let map = |offset: usize| {
            let i = removed_before.partition_point(|&(start, _)| start <= offset);
            let (start, removed) = if i == 0 {
                (0, 0)
            } else {
                removed_before[i - 1]
            };
            let in_line = offset - start;
            offset
                - removed
                - in_line
                    .min(4)
                    .min(if other.text[start..].starts_with("    ") {
                        4
                    } else {
                        0
                    })
        };
        outdented.marks = other
            .marks
            .iter()
            .map(|m| Mark {
                start: map(m.start),
                end: map(m.end),
                ..m.clone()
            })
            .collect();
        outdented.markers = other
            .markers
            .into_iter()
            .map(|m| Marker {
                offset: map(m.offset),
                ..m
            })
            .collect();
        outdented.wrote_statement = other.wrote_statement;
        self.append(outdented);
    }

    fn statement_written(&mut self) {
        self.wrote_statement = true;
        if let Some((last, _)) = self.blocks.last_mut() {
            *last = true;
        }
    }

    /// One statement (or a decorator) at the current depth.
    pub fn line(&mut self, code: impl Fragment) {
        self.pad();
        code.append_to(&mut self.text);
        self.text.push('\n');
        self.statement_written();
    }

    pub fn blank(&mut self) {
        self.text.push('\n');
    }

    /// A `# text` comment line.
    pub fn comment(&mut self, text: &str) {
        self.pad();
        self.text.push_str("# ");
        self.text.push_str(&comment_text(text));
        self.text.push('\n');
    }

    /// A `# Migration note:` line.
    pub fn note(&mut self, text: &str) {
        self.comment(&format!("Migration note: {text}"));
    }

    /// A `# TODO(migration):` line and the report entry it belongs to (one each).
    pub fn todo(&mut self, text: &str, entry: Entry) {
        self.markers.push(Marker {
            offset: self.text.len(),
            entry,
        });
        self.comment(&format!("TODO(migration): {text}"));
    }

    /// `header:` and a new block; close it with [`Writer::close`].
    pub fn open(&mut self, header: impl Fragment) {
        let start = self.text.len();
        self.pad();
        header.append_to(&mut self.text);
        self.text.push_str(":\n");
        self.statement_written();
        self.depth += 1;
        self.blocks.push((false, start));
    }

    /// `header:  # comment` and a new block (for `# noqa` on the header line).
    pub fn open_commented(&mut self, header: impl Fragment, comment: &str) {
        let start = self.text.len();
        self.pad();
        header.append_to(&mut self.text);
        self.text.push_str(":  # ");
        self.text.push_str(&comment_text(comment));
        self.text.push('\n');
        self.statement_written();
        self.depth += 1;
        self.blocks.push((false, start));
    }

    /// End the innermost block (with `pass` when it holds no statement).
    pub fn close(&mut self) {
        if let Some((false, _)) = self.blocks.pop() {
            self.pad();
            self.text.push_str("pass\n");
        }
        self.depth = self.depth.saturating_sub(1);
    }

    /// End the innermost block; when nothing at all was written in it, remove its
    /// header instead (for an optional clause such as `else:`).
    pub fn close_optional(&mut self) {
        let header_end = self
            .blocks
            .last()
            .map(|&(_, start)| start + self.text[start..].find('\n').map_or(0, |i| i + 1));
        match (self.blocks.last().copied(), header_end) {
            (Some((_, start)), Some(end)) if end == self.text.len() => {
                self.text.truncate(start);
                self.blocks.pop();
                self.depth = self.depth.saturating_sub(1);
            }
            _ => self.close(),
        }
    }

    /// Several lines of ferry's own code (no multi-line strings) at the current depth.
    pub fn lines(&mut self, code: &Code) {
        for l in code.as_str().lines() {
            if l.trim().is_empty() {
                self.text.push('\n');
            } else {
                self.pad();
                self.text.push_str(l);
                self.text.push('\n');
            }
        }
        self.statement_written();
    }

    /// A block of carried user code (dedented to column 0) at the current depth. Only
    /// lines that start outside a string token are indented, so multi-line strings
    /// keep their bytes.
    pub fn carried(&mut self, code: &Code) {
        let text = code.as_str();
        if text.trim().is_empty() {
            return;
        }
        let inside_strings = multi_line_string_ranges(text);
        let mut offset = 0;
        for l in text.split_inclusive('\n') {
            let in_string = inside_strings
                .iter()
                .any(|&(start, end)| start < offset && offset < end);
            if !in_string && !l.trim().is_empty() {
                self.pad();
            }
            self.text.push_str(l);
            offset += l.len();
        }
        if !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.statement_written();
    }

    /// Where the next byte goes, for [`Writer::mark`].
    pub fn offset(&self) -> usize {
        self.text.len()
    }

    /// Record that the text from `start` to here was generated from `span`.
    pub fn mark(&mut self, start: usize, span: Span, what: impl Into<String>) {
        if span.is_detached() || start >= self.text.len() {
            return;
        }
        self.marks.push(Mark {
            start,
            end: self.text.len(),
            span,
            what: what.into(),
        });
    }

    pub fn finish(self) -> Unformatted {
        Unformatted {
            text: self.text,
            marks: self.marks,
            markers: self.markers,
        }
    }
}

/// Byte ranges of string literals (f-strings and t-strings whole) that span lines.
fn multi_line_string_ranges(text: &str) -> Vec<(usize, usize)> {
    let parsed = ruff_python_parser::parse_unchecked(
        text,
        ruff_python_parser::ParseOptions::from(ruff_python_ast::PySourceType::Python),
    );
    let mut ranges = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for token in parsed.tokens() {
        let (start, end) = (token.start().to_usize(), token.end().to_usize());
        match token.kind() {
            TokenKind::String => ranges.push((start, end)),
            TokenKind::FStringStart | TokenKind::TStringStart => open.push(start),
            TokenKind::FStringEnd | TokenKind::TStringEnd => {
                if let Some(s) = open.pop() {
                    ranges.push((s, end));
                }
            }
            _ => {}
        }
    }
    ranges.retain(|&(start, end)| text[start..end].contains('\n'));
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::py;

    #[test]
    fn blocks_get_pass_and_strings_keep_their_lines() {
        let mut w = Writer::new();
        w.open(py!("def f()"));
        w.comment("only a comment");
        w.close();
        w.open(py!("def g()"));
        w.carried(&Code::carried(
            "x = \"\"\"\nkept at column 0\n\"\"\"\nreturn x\n",
        ));
        w.close();
        let text = w.finish().text;
        assert_eq!(
            text,
            "def f():\n    # only a comment\n    pass\ndef g():\n    x = \"\"\"\nkept at column 0\n\"\"\"\n    return x\n"
        );
    }
}
