//! ASL written as YAML, read with YAML 1.2 core-schema typing (so a state named `Yes`
//! or `No` stays a string) into the same tree as JSON. saphyr reports character
//! positions; they are converted to byte offsets here, once.

use std::collections::BTreeMap;

use ferry_diagnostics::{Diagnostic, FileId, Span};
use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::doc::{Key, Kind, Node};
use crate::json::MAX_DEPTH;

struct Offsets {
    /// Byte offset of every character index.
    bytes: Vec<usize>,
}

impl Offsets {
    fn new(text: &str) -> Self {
        let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bytes.push(text.len());
        Offsets { bytes }
    }

    fn byte(&self, char_index: usize) -> usize {
        self.bytes
            .get(char_index)
            .copied()
            .unwrap_or_else(|| *self.bytes.last().unwrap_or(&0))
    }
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        fields: Vec<(Key, Node)>,
        key: Option<Node>,
    },
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn plain_scalar(text: &str) -> Kind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
        "true" | "True" | "TRUE" => return Kind::Bool(true),
        "false" | "False" | "FALSE" => return Kind::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let is_int = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit());
    let is_float = {
        let mut parts = digits.splitn(2, ['e', 'E']);
        let mantissa = parts.next().unwrap_or("");
        let exponent_ok = parts.next().is_none_or(|e| {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
        });
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        mantissa.contains('.')
            && int.chars().all(|c| c.is_ascii_digit())
            && frac.chars().all(|c| c.is_ascii_digit())
            && !(int.is_empty() && frac.is_empty())
            && exponent_ok
    };
    if is_int || is_float {
        // Keep JSON number text: no leading `+`, and `.5` becomes `0.5`.
        let sign = if text.starts_with('-') { "-" } else { "" };
        let body = if digits.starts_with('.') {
            format!("0{digits}")
        } else {
            digits.to_string()
        };
        return Kind::Number(format!("{sign}{body}"));
    }
    Kind::String(text.to_string())
}

pub fn parse(text: &str, file: FileId) -> (Option<Node>, Vec<Diagnostic>) {
    let offsets = Offsets::new(text);
    let span = |start: usize, end: usize| Span::new(file, offsets.byte(start), offsets.byte(end));
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: BTreeMap<usize, Node> = BTreeMap::new();
    let mut diagnostics = Vec::new();
    let mut root = None;
    for event in Parser::new_from_str(text) {
        let (event, s) = match event {
            Ok(e) => e,
            Err(err) => {
                let at = err.marker().index();
                diagnostics.push(
                    Diagnostic::error("F0319", format!("YAML does not parse: {}", err.info()))
                        .with_primary(span(at, at + 1), "here"),
                );
                return (None, diagnostics);
            }
        };
        let (start, end) = (s.start.index(), s.end.index());
        let node = match event {
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => continue,
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    diagnostics.push(
                        Diagnostic::error(
                            "F0318",
                            format!("the document nests deeper than {MAX_DEPTH} levels"),
                        )
                        .with_primary(span(start, start + 1), "too deep here"),
                    );
                    return (None, diagnostics);
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        start,
                        anchor,
                        items: Vec::new(),
                    }
                } else {
                    Frame::Map {
                        start,
                        anchor,
                        fields: Vec::new(),
                        key: None,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match stack.pop() {
                    Some(Frame::Seq {
                        start: s0,
                        anchor,
                        items,
                    }) => (
                        Node {
                            kind: Kind::Array(items),
                            span: span(s0, end.max(s0)),
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        start: s0,
                        anchor,
                        fields,
                        ..
                    }) => (
                        Node {
                            kind: Kind::Object(fields),
                            span: span(s0, end.max(s0)),
                        },
                        anchor,
                    ),
                    None => continue,
                };
                if anchor != 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            Event::Scalar(value, style, anchor, _) => {
                let kind = if style == ScalarStyle::Plain {
                    plain_scalar(&value)
                } else {
                    Kind::String(value.into_owned())
                };
                let node = Node {
                    kind,
                    span: span(start, end),
                };
                if anchor != 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(n) => n.clone(),
                None => {
                    diagnostics.push(
                        Diagnostic::error("F0319", "YAML alias to an unknown anchor")
                            .with_primary(span(start, end), "alias"),
                    );
                    return (None, diagnostics);
                }
            },
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { fields, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    let text = match &k.kind {
                        Kind::String(s) | Kind::Number(s) => s.clone(),
                        Kind::Bool(b) => b.to_string(),
                        Kind::Null => "null".into(),
                        _ => {
                            diagnostics.push(
                                Diagnostic::error("F0319", "a mapping key must be a scalar")
                                    .with_primary(k.span, "complex key"),
                            );
                            return (None, diagnostics);
                        }
                    };
                    if let Some((first, _)) = fields.iter().find(|(f, _)| f.text == text) {
                        diagnostics.push(
                            Diagnostic::error("F0302", format!("duplicate key `{text}`"))
                                .with_primary(k.span, "second occurrence")
                                .with_secondary(first.span, "first occurrence"),
                        );
                    }
                    fields.push((Key { text, span: k.span }, node));
                }
            },
        }
    }
    match root {
        Some(r) => (Some(r), diagnostics),
        None => {
            diagnostics.push(
                Diagnostic::error("F0319", "the YAML document is empty")
                    .with_primary(Span::new(file, 0, 0), "empty"),
            );
            (None, diagnostics)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_and_no_stay_strings_as_keys_and_spans_are_bytes() {
        let text = "StartAt: Yes\nStates:\n  Yes: {Type: Succeed}\n  Nö: {Type: Pass, Result: 1.5, On: true}\n";
        let (node, d) = parse(text, FileId(0));
        assert!(d.is_empty(), "{d:#?}");
        let node = node.unwrap();
        assert_eq!(node.get("StartAt").unwrap().as_str(), Some("Yes"));
        let states = node.get("States").unwrap();
        assert_eq!(states.fields()[0].0.text, "Yes");
        let no = states.get("Nö").unwrap();
        assert_eq!(no.get("Result").unwrap().kind, Kind::Number("1.5".into()));
        assert_eq!(no.get("On").unwrap().as_bool(), Some(true));
        let (key, _) = states.entry("Nö").unwrap();
        assert_eq!(&text[key.span.range()], "Nö");
    }

    #[test]
    fn malformed_yaml_is_a_diagnostic() {
        let (node, d) = parse("a: [1, 2\nb: {", FileId(0));
        assert!(node.is_none());
        assert_eq!(d[0].code, "F0319");
    }
}
