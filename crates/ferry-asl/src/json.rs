//! A JSON reader that keeps what serde_json throws away: a byte span for every value
//! and key, the exact text of numbers, and every duplicate key. Nesting is bounded and
//! the reader uses an explicit stack, so deep input cannot overflow the call stack.

use std::collections::HashMap;

use ferry_diagnostics::{Diagnostic, FileId, Span};

use crate::doc::{Key, Kind, Node};

pub const MAX_DEPTH: usize = 256;

enum Frame {
    Array {
        start: usize,
        items: Vec<Node>,
    },
    Object {
        start: usize,
        fields: Vec<(Key, Node)>,
        pending: Option<Key>,
        /// Position of each key in `fields`, built once the object is big enough for a
        /// linear scan per key to matter (duplicate detection stays linear overall).
        index: Option<HashMap<String, usize>>,
    },
}

/// Objects with fewer fields look for a duplicate key by scanning.
const SCAN_FIELDS: usize = 16;

/// The position of an earlier field named `key`, remembering `key` at the position it
/// is about to take.
fn earlier_key(
    fields: &[(Key, Node)],
    index: &mut Option<HashMap<String, usize>>,
    key: &str,
) -> Option<usize> {
    if index.is_none() && fields.len() < SCAN_FIELDS {
        return fields.iter().position(|(k, _)| k.text == key);
    }
    let index = index.get_or_insert_with(|| {
        let mut map = HashMap::with_capacity(fields.len() * 2);
        for (i, (k, _)) in fields.iter().enumerate() {
            map.entry(k.text.clone()).or_insert(i);
        }
        map
    });
    match index.get(key) {
        Some(&i) => Some(i),
        None => {
            index.insert(key.to_string(), fields.len());
            None
        }
    }
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    file: FileId,
}

impl Reader<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn error(&self, at: usize, message: impl Into<String>, label: &str) -> Diagnostic {
        let end = (at
            + self.text[at.min(self.text.len())..]
                .chars()
                .next()
                .map_or(0, char::len_utf8))
        .min(self.text.len());
        Diagnostic::error("F0301", message)
            .with_primary(self.span(at, end.max(at)), label.to_string())
    }

    fn string(&mut self) -> Result<(String, Span), Diagnostic> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let Some(c) = rest.chars().next() else {
                return Err(self.error(start, "unterminated string", "this string never ends"));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok((out, self.span(start, self.pos)));
                }
                '\\' => {
                    let esc_at = self.pos;
                    self.pos += 1;
                    let Some(e) = self.text[self.pos..].chars().next() else {
                        return Err(self.error(esc_at, "unterminated escape", "escape"));
                    };
                    self.pos += e.len_utf8();
                    match e {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let first = self.hex4(esc_at)?;
                            let code = if (0xD800..0xDC00).contains(&first)
                                && self.text[self.pos..].starts_with("\\u")
                            {
                                self.pos += 2;
                                let second = self.hex4(esc_at)?;
                                0x10000
                                    + ((first - 0xD800) << 10)
                                    + (second.wrapping_sub(0xDC00) & 0x3FF)
                            } else {
                                first
                            };
                            out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            return Err(self.error(
                                esc_at,
                                format!("invalid escape `\\{e}`"),
                                "not a JSON escape",
                            ));
                        }
                    }
                }
                c if (c as u32) < 0x20 => {
                    return Err(self.error(
                        self.pos,
                        "raw control character in a string",
                        "escape it as \\u00XX",
                    ));
                }
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    fn hex4(&mut self, esc_at: usize) -> Result<u32, Diagnostic> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.chars().all(|c| c.is_ascii_hexdigit()));
        let Some(digits) = digits else {
            return Err(self.error(esc_at, "`\\u` needs four hex digits", "here"));
        };
        self.pos += 4;
        Ok(u32::from_str_radix(digits, 16).unwrap_or(0xFFFD))
    }

    fn number(&mut self) -> Result<Node, Diagnostic> {
        let start = self.pos;
        let b = self.bytes;
        let mut p = self.pos;
        if b.get(p) == Some(&b'-') {
            p += 1;
        }
        let int_start = p;
        while b.get(p).is_some_and(u8::is_ascii_digit) {
            p += 1;
        }
        let valid_int = p > int_start && !(b[int_start] == b'0' && p - int_start > 1);
        if !valid_int {
            return Err(self.error(
                start,
                "invalid number",
                "expected digits (no leading zeros)",
            ));
        }
        if b.get(p) == Some(&b'.') {
            p += 1;
            let frac = p;
            while b.get(p).is_some_and(u8::is_ascii_digit) {
                p += 1;
            }
            if p == frac {
                return Err(self.error(start, "invalid number", "expected digits after `.`"));
            }
        }
        if matches!(b.get(p), Some(b'e' | b'E')) {
            p += 1;
            if matches!(b.get(p), Some(b'+' | b'-')) {
                p += 1;
            }
            let exp = p;
            while b.get(p).is_some_and(u8::is_ascii_digit) {
                p += 1;
            }
            if p == exp {
                return Err(self.error(start, "invalid number", "expected exponent digits"));
            }
        }
        self.pos = p;
        Ok(Node {
            kind: Kind::Number(self.text[start..p].to_string()),
            span: self.span(start, p),
        })
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Node, Diagnostic> {
        let start = self.pos;
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(Node {
                kind,
                span: self.span(start, self.pos),
            })
        } else {
            Err(self.error(start, "expected a JSON value", "not a value"))
        }
    }
}

/// Parse `text` as JSON. Returns the tree (when the syntax is valid) and diagnostics:
/// F0301 syntax errors, F0302 duplicate keys, F0318 excessive nesting.
pub fn parse(text: &str, file: FileId) -> (Option<Node>, Vec<Diagnostic>) {
    let mut r = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        file,
    };
    let mut diagnostics = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    if text.starts_with('\u{feff}') {
        r.pos = 3;
    }
    let root = loop {
        r.skip_ws();
        // Inside an object, read the key and colon first.
        if let Some(Frame::Object {
            pending,
            fields,
            index,
            ..
        }) = stack.last_mut()
            && pending.is_none()
        {
            match r.bytes.get(r.pos) {
                Some(b'}') if fields.is_empty() => {}
                Some(b'"') => {
                    let (key, span) = match r.string() {
                        Ok(k) => k,
                        Err(d) => return (None, vec![d]),
                    };
                    if let Some((first, _)) =
                        earlier_key(fields, index, &key).and_then(|i| fields.get(i))
                    {
                        diagnostics.push(
                            Diagnostic::error("F0302", format!("duplicate key `{key}`"))
                                .with_primary(span, "second occurrence")
                                .with_secondary(first.span, "first occurrence")
                                .with_help("JSON parsers keep only one of them silently; Step Functions tooling rejects the definition"),
                        );
                    }
                    *pending = Some(Key { text: key, span });
                    r.skip_ws();
                    if r.bytes.get(r.pos) != Some(&b':') {
                        return (
                            None,
                            vec![r.error(
                                r.pos.min(text.len()),
                                "expected `:` after an object key",
                                "expected `:`",
                            )],
                        );
                    }
                    r.pos += 1;
                    continue;
                }
                _ => {
                    return (
                        None,
                        vec![r.error(
                            r.pos.min(text.len()),
                            "expected a quoted key",
                            "expected `\"`",
                        )],
                    );
                }
            }
        }
        // A closing bracket finishes the innermost container.
        let closing = match (stack.last(), r.bytes.get(r.pos)) {
            (Some(Frame::Array { items, .. }), Some(b']')) if items.is_empty() => true,
            (
                Some(Frame::Object {
                    fields,
                    pending: None,
                    ..
                }),
                Some(b'}'),
            ) if fields.is_empty() => true,
            _ => false,
        };
        let value = if closing {
            r.pos += 1;
            match stack.pop() {
                Some(Frame::Array { start, items }) => Node {
                    kind: Kind::Array(items),
                    span: r.span(start, r.pos),
                },
                Some(Frame::Object { start, fields, .. }) => Node {
                    kind: Kind::Object(fields),
                    span: r.span(start, r.pos),
                },
                None => unreachable!("closing needs a frame"),
            }
        } else {
            let start = r.pos;
            let parsed = match r.bytes.get(r.pos) {
                Some(b'{') | Some(b'[') => {
                    if stack.len() >= MAX_DEPTH {
                        diagnostics.push(
                            Diagnostic::error(
                                "F0318",
                                format!("the document nests deeper than {MAX_DEPTH} levels"),
                            )
                            .with_primary(r.span(start, start + 1), "too deep here"),
                        );
                        return (None, diagnostics);
                    }
                    r.pos += 1;
                    stack.push(if r.bytes[start] == b'{' {
                        Frame::Object {
                            start,
                            fields: Vec::new(),
                            pending: None,
                            index: None,
                        }
                    } else {
                        Frame::Array {
                            start,
                            items: Vec::new(),
                        }
                    });
                    continue;
                }
                Some(b'"') => r.string().map(|(s, span)| Node {
                    kind: Kind::String(s),
                    span,
                }),
                Some(b'-' | b'0'..=b'9') => r.number(),
                Some(b't') => r.literal("true", Kind::Bool(true)),
                Some(b'f') => r.literal("false", Kind::Bool(false)),
                Some(b'n') => r.literal("null", Kind::Null),
                None => Err(r.error(text.len(), "unexpected end of input", "expected a value")),
                Some(_) => Err(r.error(start, "expected a JSON value", "not a value")),
            };
            match parsed {
                Ok(v) => v,
                Err(d) => {
                    diagnostics.push(d);
                    return (None, diagnostics);
                }
            }
        };
        // Attach the finished value to its parent, then read `,` or the closer.
        let mut value = Some(value);
        while let Some(frame) = stack.last_mut() {
            match frame {
                Frame::Array { items, .. } => items.push(value.take().expect("value present")),
                Frame::Object {
                    fields, pending, ..
                } => {
                    let key = pending.take().expect("key read before value");
                    fields.push((key, value.take().expect("value present")));
                }
            }
            r.skip_ws();
            let (close, what) = match frame {
                Frame::Array { .. } => (b']', "`,` or `]`"),
                Frame::Object { .. } => (b'}', "`,` or `}`"),
            };
            match r.bytes.get(r.pos) {
                Some(b',') => {
                    r.pos += 1;
                    break;
                }
                Some(&c) if c == close => {
                    r.pos += 1;
                    let done = match stack.pop() {
                        Some(Frame::Array { start, items }) => Node {
                            kind: Kind::Array(items),
                            span: r.span(start, r.pos),
                        },
                        Some(Frame::Object { start, fields, .. }) => Node {
                            kind: Kind::Object(fields),
                            span: r.span(start, r.pos),
                        },
                        None => unreachable!(),
                    };
                    value = Some(done);
                }
                _ => {
                    diagnostics.push(r.error(
                        r.pos.min(text.len()),
                        format!("expected {what}"),
                        &format!("expected {what}"),
                    ));
                    return (None, diagnostics);
                }
            }
        }
        if let Some(v) = value
            && stack.is_empty()
        {
            break v;
        }
    };
    r.skip_ws();
    if r.pos < text.len() {
        diagnostics.push(r.error(
            r.pos,
            "unexpected text after the JSON document",
            "trailing text",
        ));
        return (None, diagnostics);
    }
    (Some(root), diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Node {
        let (node, d) = parse(text, FileId(0));
        assert!(d.is_empty(), "{d:#?}");
        node.unwrap()
    }

    #[test]
    fn values_and_spans() {
        let n = ok(r#" {"a": [1, 2.50, -3e2], "b": {"c": null}, "d": "x\u00e9\n"} "#);
        let a = n.get("a").unwrap();
        assert_eq!(a.items()[1].kind, Kind::Number("2.50".into()));
        assert_eq!(
            &r#" {"a": [1, 2.50, -3e2]"#[a.span.range()],
            "[1, 2.50, -3e2]"
        );
        assert_eq!(n.get("d").unwrap().as_str(), Some("xé\n"));
        assert_eq!(ok("[]").items().len(), 0);
        assert_eq!(ok("{}").fields().len(), 0);
        assert_eq!(ok("[[], {}]").items().len(), 2);
    }

    #[test]
    fn duplicate_keys_keep_both_spans() {
        let (node, d) = parse(r#"{"a": 1, "a": 2}"#, FileId(0));
        assert!(node.is_some());
        assert_eq!(d[0].code, "F0302");
        assert_eq!(d[0].labels.len(), 2);
    }

    #[test]
    fn errors_not_panics() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "{\"a\":}",
            "01",
            "\"abc",
            "[1] x",
            "{\"a\":1,}",
            "tru",
            "\"\\q\"",
            "\"\u{1}\"",
        ] {
            let (node, d) = parse(bad, FileId(0));
            assert!(node.is_none(), "{bad}");
            assert_eq!(d.last().unwrap().code, "F0301", "{bad}");
        }
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let (node, d) = parse(&deep, FileId(0));
        assert!(node.is_none());
        assert_eq!(d[0].code, "F0318");
    }
}
