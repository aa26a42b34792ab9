//! Re-indenting a region of source by edits: every line that starts outside a string
//! token gets its leading whitespace replaced; lines that start inside a string token
//! (triple-quoted strings, f-strings) are part of the literal and stay byte-exact.
//! Comments are ordinary lines here, so their text is never touched either.

use ruff_text_size::{TextRange, TextSize};

use crate::strings::{StringPart, flatten};
use crate::{Edit, EditError};

/// Where carried text will sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout<'s> {
    /// Exactly at this indentation (e.g. `"    "` for a function body).
    Indent(&'s str),
    /// At column 0, for a consumer that will prefix this string to every non-empty line
    /// (the current back end does so with 4 spaces). A multi-line string whose inner
    /// lines would change is rewritten to an equal one-line literal.
    LinePrefix(&'s str),
}

/// Carried text and what happened to its string literals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reindented {
    pub text: String,
    /// String tokens rewritten to one line (value unchanged, spelling changed).
    pub flattened: Vec<TextRange>,
    /// String tokens whose inner lines a [`Layout::LinePrefix`] consumer will indent
    /// (raw strings spanning lines that start left of the prefix): their value changes.
    pub inexact: Vec<TextRange>,
}

fn leading_ws(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t', '\x0c']).len()
}

fn line_at(text: &str, start: usize) -> &str {
    let rest = &text[start..];
    match rest.find('\n') {
        Some(i) => rest[..i].trim_end_matches('\r'),
        None => rest,
    }
}

fn at(offset: usize) -> TextSize {
    TextSize::try_from(offset).unwrap_or_default()
}

/// Re-indent `region` of `text` from `from_indent` to `layout`, applying `edits` (in
/// `text` coordinates, inside `region`) in the same pass. Lines of a replacement after
/// its first get the indentation of the line the edit starts on.
pub fn reindent(
    text: &str,
    region: std::ops::Range<usize>,
    from_indent: &str,
    layout: Layout<'_>,
    parts: &[StringPart],
    mut edits: Vec<Edit>,
) -> Result<Reindented, EditError> {
    let (start, end) = (region.start, region.end.min(text.len()));
    if start > end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return Err(EditError::OutOfBounds(TextRange::new(at(start), at(end))));
    }
    crate::check_edits(text, &mut edits)?;
    if let Some(e) = edits
        .iter()
        .find(|e| e.range.start().to_usize() < start || e.range.end().to_usize() > end)
    {
        return Err(EditError::OutOfBounds(e.range));
    }
    let mut line_starts = vec![start];
    line_starts.extend(
        text[start..end]
            .match_indices('\n')
            .map(|(i, _)| start + i + 1)
            .filter(|&i| i < end),
    );
    let is_line_start = start == 0 || text.as_bytes().get(start - 1) == Some(&b'\n');
    let (to_indent, prefix) = match layout {
        Layout::Indent(i) => (i, ""),
        Layout::LinePrefix(p) => ("", p),
    };
    let outer_part = |offset: usize| {
        parts
            .iter()
            .filter(|p| p.range.start().to_usize() < offset && offset < p.range.end().to_usize())
            .min_by_key(|p| p.range.start())
    };
    let touches_edit = |from: usize, to: usize| {
        edits.iter().any(|e| {
            let (s, t) = (e.range.start().to_usize(), e.range.end().to_usize());
            // An empty probe still collides with an edit that covers or starts at it.
            s < to.max(from + 1) && from < t
        })
    };
    let mut result = Reindented::default();
    let mut flattened: Vec<TextRange> = Vec::new();
    let mut indentation: Vec<Edit> = Vec::new();
    let mut flat_edits: Vec<Edit> = Vec::new();
    for (n, &ls) in line_starts.iter().enumerate() {
        let line = line_at(text, ls);
        let ws = leading_ws(line);
        if let Some(part) = outer_part(ls) {
            if prefix.is_empty() || line.is_empty() || flattened.contains(&part.range) {
                continue;
            }
            // The consumer leaves empty lines alone: a line that would end up empty
            // must keep its prefix itself.
            if line.starts_with(prefix) && line.len() > prefix.len() {
                if !touches_edit(ls, ls + prefix.len()) {
                    indentation.push(Edit::delete(TextRange::new(at(ls), at(ls + prefix.len()))));
                }
                continue;
            }
            let (ps, pe) = (part.range.start().to_usize(), part.range.end().to_usize());
            match flatten(text, part, parts) {
                Some(edit) if !touches_edit(ps, pe) => {
                    // Lines of this token already handled keep their prefix edits out.
                    indentation.retain(|e| !part.range.contains_range(e.range));
                    flattened.push(part.range);
                    flat_edits.push(edit);
                }
                _ => {
                    if !result.inexact.contains(&part.range) {
                        result.inexact.push(part.range);
                    }
                }
            }
            continue;
        }
        if n == 0 && !is_line_start {
            if !to_indent.is_empty() {
                indentation.push(Edit::insert(at(ls), to_indent));
            }
            continue;
        }
        if touches_edit(ls, ls + ws) {
            continue;
        }
        let blank = line.trim().is_empty();
        let relative = line[..ws].strip_prefix(from_indent).unwrap_or("");
        let new = if blank {
            String::new()
        } else {
            format!("{to_indent}{relative}")
        };
        if new != line[..ws] {
            indentation.push(Edit::replace(TextRange::new(at(ls), at(ls + ws)), new));
        }
    }
    // Multi-line replacements continue at the indentation of their first line.
    for e in &mut edits {
        if !e.replacement.contains('\n') {
            continue;
        }
        let s = e.range.start().to_usize();
        let ls = text[..s].rfind('\n').map_or(0, |i| i + 1).max(start);
        let ws = leading_ws(line_at(text, ls));
        let relative = text[ls..ls + ws].strip_prefix(from_indent).unwrap_or("");
        e.replacement = e
            .replacement
            .replace('\n', &format!("\n{to_indent}{relative}"));
    }
    edits.extend(indentation);
    edits.extend(flat_edits);
    let shifted: Vec<Edit> = edits
        .into_iter()
        .map(|e| {
            Edit::replace(
                TextRange::new(e.range.start() - at(start), e.range.end() - at(start)),
                e.replacement,
            )
        })
        .collect();
    result.text = crate::apply_edits(&text[start..end], shifted)?;
    flattened.sort_by_key(|r| r.start());
    result.flattened = flattened;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_diagnostics::SourceMap;

    fn body_region(text: &str) -> (crate::ParsedModule, Vec<StringPart>) {
        let mut sources = SourceMap::new();
        let file = sources.add("m.py", text);
        let (module, diags) = crate::parse(&sources, file).unwrap();
        assert!(diags.is_empty());
        let parts = crate::string_parts(module.body());
        (module, parts)
    }

    #[test]
    fn code_moves_strings_and_comments_do_not() {
        let text = "def f():\n    x = '''a\nb'''\n# col0\n    if x:\n        return 1\n";
        let (m, parts) = body_region(text);
        let region = 9..text.len();
        let out = reindent(
            &m.text,
            region.clone(),
            "    ",
            Layout::Indent("        "),
            &parts,
            vec![],
        )
        .unwrap();
        assert_eq!(
            out.text,
            "        x = '''a\nb'''\n        # col0\n        if x:\n            return 1\n"
        );
        let out = reindent(
            &m.text,
            region,
            "    ",
            Layout::LinePrefix("    "),
            &parts,
            vec![],
        )
        .unwrap();
        assert_eq!(out.text, "x = '''a\\nb'''\n# col0\nif x:\n    return 1\n");
        assert_eq!(out.flattened.len(), 1);
    }

    #[test]
    fn prefixed_lines_of_strings_stay_exact() {
        let text = "def f():\n    s = \"\"\"\n    keep\n\n    \"\"\"\n";
        let (m, parts) = body_region(text);
        let out = reindent(
            &m.text,
            9..text.len(),
            "    ",
            Layout::LinePrefix("    "),
            &parts,
            vec![],
        )
        .unwrap();
        assert_eq!(out.text, "s = \"\"\"\nkeep\n\n\"\"\"\n");
        assert!(out.flattened.is_empty() && out.inexact.is_empty());
    }

    #[test]
    fn edits_apply_with_the_reindentation() {
        let text = "def f():\n    a = old(1)\n    return a\n";
        let (m, parts) = body_region(text);
        let old = text.find("old").unwrap();
        let edit = Edit::replace(TextRange::new(at(old), at(old + 3)), "new");
        let out = reindent(
            &m.text,
            9..text.len(),
            "    ",
            Layout::Indent(""),
            &parts,
            vec![edit],
        )
        .unwrap();
        assert_eq!(out.text, "a = new(1)\nreturn a\n");
    }
}
