//! Where the string literals of some statements are, and how to rewrite one that spans
//! several lines into an equal one-line literal (for consumers that indent every line).

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{
    BytesLiteral, FString, InterpolatedStringElement, Stmt, StringLiteral, TString,
};
use ruff_text_size::{Ranged, TextRange};

use crate::Edit;

/// One string token (a part of an implicitly concatenated string is its own token).
#[derive(Debug, Clone)]
pub struct StringPart {
    pub range: TextRange,
    pub raw: bool,
    /// f-strings and t-strings: the ranges of their `{...}` replacement fields.
    pub fields: Vec<TextRange>,
}

#[derive(Default)]
struct Collector {
    parts: Vec<StringPart>,
}

impl<'a> Visitor<'a> for Collector {
    fn visit_string_literal(&mut self, s: &'a StringLiteral) {
        self.parts.push(StringPart {
            range: s.range,
            raw: s.flags.prefix().is_raw(),
            fields: Vec::new(),
        });
    }
    fn visit_bytes_literal(&mut self, s: &'a BytesLiteral) {
        self.parts.push(StringPart {
            range: s.range,
            raw: s.flags.prefix().is_raw(),
            fields: Vec::new(),
        });
    }
    fn visit_f_string(&mut self, f: &'a FString) {
        self.parts.push(StringPart {
            range: f.range,
            raw: f.flags.prefix().is_raw(),
            fields: fields(f.elements.iter()),
        });
        visitor::walk_f_string(self, f);
    }
    fn visit_t_string(&mut self, t: &'a TString) {
        self.parts.push(StringPart {
            range: t.range,
            raw: t.flags.prefix().is_raw(),
            fields: fields(t.elements.iter()),
        });
        visitor::walk_t_string(self, t);
    }
}

fn fields<'a>(elements: impl Iterator<Item = &'a InterpolatedStringElement>) -> Vec<TextRange> {
    elements
        .filter_map(|e| match e {
            InterpolatedStringElement::Interpolation(i) => Some(i.range()),
            InterpolatedStringElement::Literal(_) => None,
        })
        .collect()
}

/// Every string token of `body`, in source order (tokens nested in f-string fields
/// included, after their f-string).
pub fn string_parts(body: &[Stmt]) -> Vec<StringPart> {
    let mut c = Collector::default();
    c.visit_body(body);
    c.parts
        .sort_by_key(|p| (p.range.start(), std::cmp::Reverse(p.range.end())));
    c.parts
}

/// Whether the line starting at `offset` begins inside a string token (its text then
/// belongs to the literal and must not be re-indented).
pub fn inside_string(parts: &[StringPart], offset: ruff_text_size::TextSize) -> bool {
    parts
        .iter()
        .any(|p| p.range.start() < offset && offset < p.range.end())
}

/// An edit turning the multi-line string token `part` of `text` into an equal literal on
/// one line: a newline becomes the escape `\n` (`\r` likewise), a backslash-newline
/// continuation disappears, a newline inside an f-string field becomes a space. `None`
/// when that is impossible: raw strings (no escapes there) and newlines inside strings
/// nested in a field.
pub fn flatten(text: &str, part: &StringPart, nested: &[StringPart]) -> Option<Edit> {
    if part.raw {
        return None;
    }
    let start = part.range.start().to_usize();
    let token = text.get(start..part.range.end().to_usize())?;
    let mut out = String::with_capacity(token.len() + 8);
    let bytes = token.as_bytes();
    let mut i = 0;
    while i < token.len() {
        let c = bytes[i];
        if c != b'\n' && c != b'\r' {
            let ch = token[i..].chars().next()?;
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        let newline_len = if c == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        let absolute = ruff_text_size::TextSize::try_from(start + i).ok()?;
        let in_field = part.fields.iter().any(|f| f.contains(absolute));
        if in_field {
            if nested
                .iter()
                .filter(|n| n.range != part.range)
                .any(|n| n.range.start() < absolute && absolute < n.range.end())
            {
                return None;
            }
            out.push(' ');
        } else {
            let backslashes = out.bytes().rev().take_while(|b| *b == b'\\').count();
            if backslashes % 2 == 1 {
                out.pop();
            } else {
                out.push_str(if newline_len == 2 {
                    "\\r\\n"
                } else if c == b'\r' {
                    "\\r"
                } else {
                    "\\n"
                });
            }
        }
        i += newline_len;
    }
    Some(Edit::replace(part.range, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_diagnostics::SourceMap;

    fn parts_of(text: &str) -> (crate::ParsedModule, Vec<StringPart>) {
        let mut sources = SourceMap::new();
        let file = sources.add("m.py", text);
        let (module, diags) = crate::parse(&sources, file).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        let parts = string_parts(module.body());
        (module, parts)
    }

    #[test]
    fn flattened_literals_keep_their_value() {
        let text = "a = \"\"\"x\n  y\\\nz\"\"\"\nb = f'''{1 +\n2}\n'''\nc = r'''r\n'''\n";
        let (module, parts) = parts_of(text);
        assert_eq!(parts.len(), 3);
        let a = flatten(&module.text, &parts[0], &parts).unwrap();
        assert_eq!(a.replacement, "\"\"\"x\\n  yz\"\"\"");
        let b = flatten(&module.text, &parts[1], &parts).unwrap();
        assert_eq!(b.replacement, "f'''{1 + 2}\\n'''");
        assert!(flatten(&module.text, &parts[2], &parts).is_none());
        assert!(inside_string(&parts, ruff_text_size::TextSize::new(9)));
        assert!(!inside_string(&parts, ruff_text_size::TextSize::new(0)));
    }
}
