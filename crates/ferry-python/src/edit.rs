//! Source edits applied the way ruff applies fixes: a list of `(range, replacement)`
//! pairs over the original text, sorted, non-overlapping, applied in one pass.

use ruff_text_size::{TextRange, TextSize};

/// Replace `range` of the original text with `replacement` (an empty range inserts, an
/// empty replacement deletes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub replacement: String,
}

impl Edit {
    pub fn replace(range: TextRange, replacement: impl Into<String>) -> Self {
        Edit {
            range,
            replacement: replacement.into(),
        }
    }

    pub fn delete(range: TextRange) -> Self {
        Self::replace(range, "")
    }

    pub fn insert(at: TextSize, text: impl Into<String>) -> Self {
        Self::replace(TextRange::empty(at), text)
    }
}

/// Why a set of edits cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// Two edits overlap (or two insertions share a position): their ranges.
    Overlap(TextRange, TextRange),
    /// An edit lies outside the text, or splits a UTF-8 character.
    OutOfBounds(TextRange),
}

/// Sort `edits` by position and check they are applicable to a text of `len` bytes.
pub fn check_edits(text: &str, edits: &mut [Edit]) -> Result<(), EditError> {
    edits.sort_by_key(|e| (e.range.start(), e.range.end()));
    for e in edits.iter() {
        let (start, end) = (e.range.start().to_usize(), e.range.end().to_usize());
        if end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return Err(EditError::OutOfBounds(e.range));
        }
    }
    for pair in edits.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let same_insertion = a.range.is_empty() && b.range.is_empty() && a.range == b.range;
        if a.range.end() > b.range.start() || same_insertion {
            return Err(EditError::Overlap(a.range, b.range));
        }
    }
    Ok(())
}

/// Apply `edits` to `text` in one pass.
pub fn apply_edits(text: &str, mut edits: Vec<Edit>) -> Result<String, EditError> {
    check_edits(text, &mut edits)?;
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for e in &edits {
        out.push_str(&text[at..e.range.start().to_usize()]);
        out.push_str(&e.replacement);
        at = e.range.end().to_usize();
    }
    out.push_str(&text[at..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(a: u32, b: u32) -> TextRange {
        TextRange::new(TextSize::new(a), TextSize::new(b))
    }

    #[test]
    fn applies_in_one_pass_in_any_order() {
        let text = "a = f(x)\nb = 2\n";
        let edits = vec![
            Edit::replace(r(13, 14), "3"),
            Edit::delete(r(4, 5)),
            Edit::insert(TextSize::new(0), "# c\n"),
        ];
        assert_eq!(apply_edits(text, edits).unwrap(), "# c\na = (x)\nb = 3\n");
    }

    #[test]
    fn rejects_overlaps_and_bad_ranges() {
        let text = "héllo";
        assert!(matches!(
            apply_edits(text, vec![Edit::delete(r(0, 3)), Edit::delete(r(1, 4))]),
            Err(EditError::Overlap(..))
        ));
        assert!(matches!(
            apply_edits(text, vec![Edit::delete(r(0, 2))]),
            Err(EditError::OutOfBounds(_))
        ));
        assert!(matches!(
            apply_edits(text, vec![Edit::delete(r(0, 99))]),
            Err(EditError::OutOfBounds(_))
        ));
        let twice = vec![
            Edit::insert(TextSize::new(1), "x"),
            Edit::insert(TextSize::new(1), "y"),
        ];
        assert!(matches!(
            apply_edits(text, twice),
            Err(EditError::Overlap(..))
        ));
        // Adjacent edits are fine.
        let adjacent = vec![Edit::delete(r(0, 1)), Edit::insert(TextSize::new(1), "H")];
        assert_eq!(apply_edits(text, adjacent).unwrap(), "Héllo");
    }
}
