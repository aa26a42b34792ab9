use crate::{FileId, Span};

/// One input file: its display path and full text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    line_starts: Vec<usize>,
    /// Per line: whether it is ASCII, so that its columns are byte offsets (a minified
    /// file is one long line; counting characters from its start for every location
    /// would be quadratic).
    ascii_lines: Vec<bool>,
}

/// 1-based line and column (column counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let ascii_lines = line_starts
            .iter()
            .zip(line_starts.iter().skip(1).chain([&text.len()]))
            .map(|(&start, &end)| text.as_bytes()[start..end].is_ascii())
            .collect();
        SourceFile {
            path: path.into(),
            text,
            line_starts,
            ascii_lines,
        }
    }

    pub fn line_col(&self, byte: usize) -> LineCol {
        let byte = byte.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= byte) - 1;
        let start = self.line_starts[line];
        let column = if self.ascii_lines[line] {
            byte - start
        } else {
            self.text
                .get(start..byte)
                .map(|s| s.chars().count())
                .unwrap_or(byte - start)
        } + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }
}

/// Every source file of a compilation, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, path: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).expect("fewer than 2^32 files"));
        self.files.push(SourceFile::new(path, text));
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// The text a span covers, if the span is valid for this map.
    pub fn snippet(&self, span: Span) -> Option<&str> {
        self.get(span.file)?.text.get(span.range())
    }

    /// `path:line:column` of a span's start, for reports and source maps.
    pub fn location(&self, span: Span) -> Option<String> {
        let file = self.get(span.file)?;
        let lc = file.line_col(span.start as usize);
        Some(format!("{}:{}:{}", file.path, lc.line, lc.column))
    }

    /// 1-based first and last line a span covers.
    pub fn line_range(&self, span: Span) -> Option<(usize, usize)> {
        let file = self.get(span.file)?;
        let first = file.line_col(span.start as usize).line;
        let last = file
            .line_col(
                (span.end as usize)
                    .saturating_sub(1)
                    .max(span.start as usize),
            )
            .line;
        Some((first, last))
    }
}
