use serde::{Deserialize, Serialize};

/// Index of a file in a [`crate::SourceMap`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub struct FileId(pub u32);

/// A half-open byte range `start..end` in one source file.
///
/// Byte offsets, never character offsets: front ends whose parsers count characters
/// convert before building a span.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { file, start, end }
    }

    /// A span that points nowhere in particular; used for synthesised constructs.
    pub const fn detached() -> Self {
        Span {
            file: FileId(u32::MAX),
            start: 0,
            end: 0,
        }
    }

    pub fn is_detached(&self) -> bool {
        self.file.0 == u32::MAX
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both; `self` wins when files differ.
    pub fn cover(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}
