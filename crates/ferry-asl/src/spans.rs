//! Byte offsets inside a decoded string value mapped back to the file: a JSON string's
//! escapes (`\n`, `\u00e9`, surrogate pairs) make decoded and written offsets differ.
//! When the written form cannot be matched (some YAML scalars), every offset maps to
//! the whole value's span, which is still a correct, if wider, label.

use ferry_diagnostics::Span;

pub struct StringSpans {
    span: Span,
    /// (decoded offset, file offset) of each decoded character, then the end.
    marks: Option<Vec<(usize, usize)>>,
}

impl StringSpans {
    /// For the string `decoded` written at `span` of `source`.
    pub fn new(source: &str, span: Span, decoded: &str) -> StringSpans {
        let (start, end) = (span.start as usize, span.end as usize);
        let marks = source.get(start..end).and_then(|raw| {
            Self::json(raw, start, decoded).or_else(|| Self::plain(raw, start, decoded))
        });
        StringSpans { span, marks }
    }

    fn json(raw: &str, base: usize, decoded: &str) -> Option<Vec<(usize, usize)>> {
        let body = raw.strip_prefix('"')?.strip_suffix('"')?;
        let mut marks = Vec::new();
        let mut out = String::new();
        let mut chars = body.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            marks.push((out.len(), base + 1 + at));
            if c != '\\' {
                out.push(c);
                continue;
            }
            let (_, e) = chars.next()?;
            match e {
                'u' => {
                    let hex: String = (0..4)
                        .filter_map(|_| chars.next().map(|(_, h)| h))
                        .collect();
                    let first = u32::from_str_radix(&hex, 16).ok()?;
                    let code = if (0xD800..0xDC00).contains(&first) {
                        // The low surrogate's `\uXXXX` follows.
                        let tail: String = (0..6)
                            .filter_map(|_| chars.next().map(|(_, h)| h))
                            .collect();
                        let second = u32::from_str_radix(tail.strip_prefix("\\u")?, 16).ok()?;
                        0x10000 + ((first - 0xD800) << 10) + (second.wrapping_sub(0xDC00) & 0x3FF)
                    } else {
                        first
                    };
                    out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                }
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                other => out.push(other),
            }
        }
        marks.push((out.len(), base + 1 + body.len()));
        (out == decoded).then_some(marks)
    }

    fn plain(raw: &str, base: usize, decoded: &str) -> Option<Vec<(usize, usize)>> {
        let at = raw.find(decoded)?;
        let mut marks: Vec<(usize, usize)> = decoded
            .char_indices()
            .map(|(n, _)| (n, base + at + n))
            .collect();
        marks.push((decoded.len(), base + at + decoded.len()));
        Some(marks)
    }

    fn file_offset(&self, decoded: usize) -> Option<usize> {
        let marks = self.marks.as_ref()?;
        let i = marks.partition_point(|(d, _)| *d <= decoded);
        marks.get(i.checked_sub(1)?).map(|(_, f)| *f)
    }

    /// The file span of decoded bytes `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        match (self.file_offset(start), self.file_offset(end.max(start))) {
            (Some(s), Some(e)) => Span::new(self.span.file, s, e.max(s)),
            _ => self.span,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_diagnostics::FileId;

    #[test]
    fn maps_through_escapes() {
        let source = r#"{"a": "{% 'x\n\u00e9' & $y %}"}"#;
        let start = source.find("\"{%").unwrap();
        let span = Span::new(FileId(0), start, source.len() - 1);
        let decoded = "{% 'x\n\u{e9}' & $y %}";
        let m = StringSpans::new(source, span, decoded);
        let y = decoded.find("$y").unwrap();
        let s = m.span(y, y + 2);
        assert_eq!(&source[s.start as usize..s.end as usize], "$y");
        let e = decoded.find('\u{e9}').unwrap();
        let s = m.span(e, e + 2);
        assert_eq!(&source[s.start as usize..s.end as usize], "\\u00e9");
    }

    #[test]
    fn plain_scalars_and_fallback() {
        let source = "Key: {% $x %}\n";
        let span = Span::new(FileId(0), 5, 13);
        let m = StringSpans::new(source, span, "{% $x %}");
        let s = m.span(3, 5);
        assert_eq!(&source[s.start as usize..s.end as usize], "$x");
        let other = StringSpans::new(source, span, "something else");
        assert_eq!(other.span(0, 1), span);
    }
}
