//! The only ways text from the input reaches emitted Python: string literals through
//! [`string`], comments through [`comment`], docstring text through [`doc_text`].
//! Identifiers come from `ferry_ir::naming`. Together they make sure no input string
//! can end a literal, a comment or a docstring early.

use std::fmt::Write;

use ferry_ir::Value;

/// A Python string literal for `s`, quoted the way `ruff format` would quote it
/// (double quotes unless that needs more escapes than single quotes).
pub fn string(s: &str) -> String {
    let doubles = s.matches('"').count();
    let singles = s.matches('\'').count();
    let quote = if doubles > singles { '\'' } else { '"' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_unsafe_unicode(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Invisible or line-breaking characters that would confuse a reader or a tool.
fn is_unsafe_unicode(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// Text safe inside a `#` comment: one line, no control characters.
pub fn comment(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_control() || is_unsafe_unicode(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text safe inside a `"""` docstring: like a comment, and without backslashes or
/// double quotes (which could end the docstring or form escapes).
pub fn doc_text(s: &str) -> String {
    comment(s).replace('\\', "/").replace('"', "'")
}

/// A Python expression for a literal value. `input` maps a [`Value::Input`] to the
/// Python variable holding that input.
pub fn value(v: &Value, input: &dyn Fn(&str) -> String) -> Expr {
    match v {
        Value::Null => Expr::atom("None"),
        Value::Bool(true) => Expr::atom("True"),
        Value::Bool(false) => Expr::atom("False"),
        Value::Number(n) => Expr::atom(number(n)),
        Value::String(s) => Expr::atom(string(s)),
        Value::Input(name) => Expr::atom(input(name)),
        Value::Array(items) => Expr::List(items.iter().map(|i| value(i, input)).collect()),
        Value::Object(fields) => Expr::Dict(
            fields
                .iter()
                .map(|(k, v)| (Expr::atom(string(k)), value(v, input)))
                .collect(),
        ),
    }
}

/// JSON number text as a Python literal (`1E5` → `1e5`; `-0` stays).
fn number(n: &str) -> String {
    n.replace('E', "e")
}

/// `target = rhs` laid out like ruff format for a statement at `indent` spaces. The
/// lines come back without that indentation, for callers that indent themselves.
pub fn assignment(indent: usize, target: &str, rhs: &str) -> Vec<String> {
    Expr::atom(rhs)
        .render(indent, &format!("{target} = "), "")
        .lines()
        .map(|l| l[indent.min(l.len() - l.trim_start().len())..].to_string())
        .collect()
}

/// A Python expression laid out the way `ruff format` lays it out: on one line when it
/// fits, otherwise one element per line with a trailing comma (which ruff keeps).
#[derive(Debug, Clone)]
pub enum Expr {
    Atom(String),
    Call(String, Vec<(Option<String>, Expr)>),
    List(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
}

pub const LINE_WIDTH: usize = 88;

impl Expr {
    pub fn atom(s: impl Into<String>) -> Self {
        Expr::Atom(s.into())
    }

    pub fn call(f: impl Into<String>, args: Vec<(Option<String>, Expr)>) -> Self {
        Expr::Call(f.into(), args)
    }

    pub fn flat(&self) -> String {
        match self {
            Expr::Atom(s) => s.clone(),
            Expr::Call(f, args) => format!(
                "{f}({})",
                args.iter()
                    .map(|(k, v)| match k {
                        Some(k) => format!("{k}={}", v.flat()),
                        None => v.flat(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Expr::List(items) => format!(
                "[{}]",
                items.iter().map(Expr::flat).collect::<Vec<_>>().join(", ")
            ),
            Expr::Dict(items) => format!(
                "{{{}}}",
                items
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k.flat(), v.flat()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// Render after `prefix` (already on the line) at `indent`, followed by `suffix`.
    pub fn render(&self, indent: usize, prefix: &str, suffix: &str) -> String {
        let flat = self.flat();
        let pad = " ".repeat(indent);
        let fits = indent + prefix.len() + flat.chars().count() + suffix.len() <= LINE_WIDTH;
        let empty_call = matches!(self, Expr::Call(_, args) if args.is_empty());
        if fits {
            return format!("{pad}{prefix}{flat}{suffix}\n");
        }
        if let Expr::Atom(atom) = self {
            // ruff wraps a long right-hand side in parentheses when that makes it fit.
            // A trailing subscript is split by ruff instead, so callers avoid those.
            return if prefix.ends_with("= ")
                && !atom.ends_with(']')
                && indent + 4 + atom.chars().count() <= LINE_WIDTH
            {
                format!("{pad}{prefix}(\n{pad}    {atom}\n{pad}){suffix}\n")
            } else {
                format!("{pad}{prefix}{flat}{suffix}\n")
            };
        }
        if empty_call {
            // Nothing to split inside `f()`: ruff wraps the right-hand side instead.
            return if prefix.ends_with("= ") {
                format!("{pad}{prefix}(\n{pad}    {flat}\n{pad}){suffix}\n")
            } else {
                format!("{pad}{prefix}{flat}{suffix}\n")
            };
        }
        if let Expr::Call(f, _) = self
            && prefix.ends_with("= ")
            && indent + prefix.len() + f.len() + 1 > LINE_WIDTH
        {
            // Even `target = f(` is too long: ruff wraps the right-hand side.
            return format!(
                "{pad}{prefix}(\n{}{pad}){suffix}\n",
                self.render(indent + 4, "", "")
            );
        }
        let inner = indent + 4;
        let (open, close, items): (String, &str, Vec<(String, &Expr)>) = match self {
            Expr::Atom(_) => unreachable!("atoms always render flat"),
            Expr::Call(f, args) => (
                format!("{f}("),
                ")",
                args.iter()
                    .map(|(k, v)| (k.as_ref().map(|k| format!("{k}=")).unwrap_or_default(), v))
                    .collect(),
            ),
            Expr::List(items) => (
                "[".into(),
                "]",
                items.iter().map(|v| (String::new(), v)).collect(),
            ),
            Expr::Dict(items) => (
                "{".into(),
                "}",
                items
                    .iter()
                    .map(|(k, v)| (format!("{}: ", k.flat()), v))
                    .collect(),
            ),
        };
        let mut out = format!("{pad}{prefix}{open}\n");
        for (head, item) in items {
            out.push_str(&item.render(inner, &head, ","));
        }
        let _ = writeln!(out, "{pad}{close}{suffix}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_cannot_escape() {
        assert_eq!(string("a\"b"), "'a\"b'");
        assert_eq!(string("it's"), "\"it's\"");
        assert_eq!(string("\"\"\"\\n\0"), "'\"\"\"\\\\n\\x00'");
        assert_eq!(string("x\u{202e}y\n"), "\"x\\u202ey\\n\"");
        assert_eq!(comment("a\nb\r\u{2028}c  # d"), "a b c # d");
        assert_eq!(doc_text("\"\"\" \\"), "''' /");
    }

    #[test]
    fn long_expressions_explode_with_trailing_commas() {
        let e = Expr::Dict(
            (0..12)
                .map(|i| {
                    (
                        Expr::atom(string(&format!("key{i}"))),
                        Expr::atom(i.to_string()),
                    )
                })
                .collect(),
        );
        let text = e.render(0, "x = ", "");
        assert!(text.starts_with("x = {\n    \"key0\": 0,\n"), "{text}");
        assert!(text.ends_with("}\n"));
    }
}
