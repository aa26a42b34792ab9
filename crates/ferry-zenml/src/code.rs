//! Python source that can only be built from pieces that cannot carry raw input text.
//!
//! A [`Code`] is made of ferry's own `&'static str` templates, identifiers ([`Ident`],
//! always a valid non-keyword Python identifier), literals escaped here ([`Code::str_lit`],
//! [`Code::value`], ...), comments and docstrings sanitised here, and, deliberately and
//! visibly, Python the user wrote ([`Code::carried`], whose text the output verifier
//! parses). There is no `From<String>`: an emitter that tries to append an input string
//! to a code line does not compile. Templates are filled at run time (`{}` slots, `{{`
//! and `}}` for braces), so Rust's inline `{name}` captures cannot smuggle text in.
//! Layout is not a concern here: code is written on as few lines as is convenient and
//! `layout.rs` formats it with ruff's formatter.

use std::fmt::Write;

use ferry_ir::Value;
use ruff_python_stdlib::identifiers::is_identifier;
use ruff_python_stdlib::keyword::is_keyword;

/// Anything that may be placed into a [`Code`] template.
pub trait Fragment: sealed::Sealed {
    fn append_to(&self, out: &mut String);
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Code {}
    impl Sealed for super::Ident {}
    impl<T: Sealed + ?Sized> Sealed for &T {}
}

impl<T: Fragment + ?Sized> Fragment for &T {
    fn append_to(&self, out: &mut String) {
        (**self).append_to(out)
    }
}

/// A fragment of generated Python source.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(String);

impl Fragment for Code {
    fn append_to(&self, out: &mut String) {
        out.push_str(&self.0)
    }
}

/// A Python identifier: valid, not a keyword.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ident(String);

impl Fragment for Ident {
    fn append_to(&self, out: &mut String) {
        out.push_str(&self.0)
    }
}

impl Ident {
    /// `name` as an identifier. Names reach the back end from `ferry_ir::naming` and
    /// the IR verifier, so they are valid; anything else is normalised by the same
    /// naming rules (identically at every use, so definitions and uses still agree).
    pub fn new(name: &str) -> Ident {
        if is_python_identifier(name) {
            Ident(name.to_string())
        } else {
            Ident(ferry_ir::naming::to_identifier(name))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn code(&self) -> Code {
        Code(self.0.clone())
    }
}

/// Whether `name` can be written as a Python name as it is.
pub fn is_python_identifier(name: &str) -> bool {
    is_identifier(name) && !is_keyword(name) && name.is_ascii()
}

/// `py!("template {} {}", a, b)`: a [`Code`] from a literal template and fragments.
macro_rules! py {
    ($template:literal) => {
        $crate::code::Code::template($template, &[])
    };
    ($template:literal, $($arg:expr),+ $(,)?) => {
        $crate::code::Code::template($template, &[$(&$arg as &dyn $crate::code::Fragment),+])
    };
}
pub(crate) use py;

impl Code {
    /// ferry's own code text.
    pub fn text(text: &'static str) -> Code {
        Code(text.to_string())
    }

    /// Fill the `{}` slots of `template` with `args` in order (`{{`/`}}` are braces).
    pub fn template(template: &'static str, args: &[&dyn Fragment]) -> Code {
        let mut out = String::with_capacity(template.len() + 16 * args.len());
        let mut args = args.iter();
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek()) {
                ('{', Some('{')) | ('}', Some('}')) => {
                    chars.next();
                    out.push(c);
                }
                ('{', Some('}')) => {
                    chars.next();
                    match args.next() {
                        Some(arg) => arg.append_to(&mut out),
                        None => panic!("code template {template:?} has more slots than arguments"),
                    }
                }
                _ => out.push(c),
            }
        }
        assert!(
            args.next().is_none(),
            "code template {template:?} has fewer slots than arguments"
        );
        Code(out)
    }

    /// Python code the user wrote, carried over from the source. The output verifier
    /// parses every module, so this cannot silently break the file; it is the only way
    /// source text becomes code, and only front ends of Python sources produce it.
    pub fn carried(text: &str) -> Code {
        // Python reads `\r\n` and `\r` as line ends (also inside strings), so LF is
        // the same program, and the one ferry's own code uses.
        Code(text.replace("\r\n", "\n").replace('\r', "\n"))
    }

    /// Python text from `expr::render`, which writes every input string through its
    /// own escaper (`expr::py_string`) and introduces only names it generates or the
    /// caller's `Env` gives it (identifiers made here).
    pub(crate) fn rendered_expression(text: String) -> Code {
        Code(text)
    }

    /// A dotted module name (`steps.train`, `.constants`), when every part is an
    /// identifier.
    pub fn dotted(module: &str) -> Option<Code> {
        let bare = module.trim_start_matches('.');
        (bare.is_empty() || bare.split('.').all(is_python_identifier))
            .then(|| Code(module.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The items separated by `separator`.
    pub fn join(items: impl IntoIterator<Item = impl Fragment>, separator: &'static str) -> Code {
        let mut out = String::new();
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                out.push_str(separator);
            }
            item.append_to(&mut out);
        }
        Code(out)
    }

    /// `f(a, k=v)`: `args` are already `a` / `k=v` fragments.
    pub fn call(function: impl Fragment, args: impl IntoIterator<Item = Code>) -> Code {
        py!("{}({})", function, Code::join(args, ", "))
    }

    /// `name=value` for a call.
    pub fn keyword(name: &Ident, value: impl Fragment) -> Code {
        py!("{}={}", name, value)
    }

    pub fn list(items: impl IntoIterator<Item = Code>) -> Code {
        py!("[{}]", Code::join(items, ", "))
    }

    pub fn dict(items: impl IntoIterator<Item = (Code, Code)>) -> Code {
        let pairs: Vec<Code> = items
            .into_iter()
            .map(|(k, v)| py!("{}: {}", k, v))
            .collect();
        py!("{{{}}}", Code::join(pairs, ", "))
    }

    /// A string literal for any text: it cannot end early, and holds no character a
    /// reader or tool would misread (controls, bidi overrides, line separators).
    pub fn str_lit(s: &str) -> Code {
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
        Code(out)
    }

    pub fn int(n: impl Into<i128>) -> Code {
        Code(n.into().to_string())
    }

    /// A JSON number as a Python literal; text that is not a JSON number becomes a
    /// `float(...)` of its string literal, which fails loudly when run instead of
    /// becoming code.
    pub fn number(n: &str) -> Code {
        if is_json_number(n) {
            Code(n.replace('E', "e"))
        } else {
            py!("float({})", Code::str_lit(n))
        }
    }

    pub fn bool(b: bool) -> Code {
        Code::text(if b { "True" } else { "False" })
    }

    /// A Python expression for an IR value; `input` renders a [`Value::Input`].
    pub fn value(v: &Value, input: &dyn Fn(&str) -> Code) -> Code {
        match v {
            Value::Null => Code::text("None"),
            Value::Bool(b) => Code::bool(*b),
            Value::Number(n) => Code::number(n),
            Value::String(s) => Code::str_lit(s),
            Value::Input(name) => input(name),
            Value::Array(items) => Code::list(items.iter().map(|i| Code::value(i, input))),
            Value::Object(fields) => Code::dict(
                fields
                    .iter()
                    .map(|(k, v)| (Code::str_lit(k), Code::value(v, input))),
            ),
            Value::Join { separator, parts } => py!(
                "{}.join([{}])",
                Code::str_lit(separator),
                Code::join(
                    parts.iter().map(|p| match p {
                        Value::String(s) => Code::str_lit(s),
                        other => py!("str({})", Code::value(other, input)),
                    }),
                    ", "
                )
            ),
            Value::Runtime(fact) => py!("execution_fact({})", Code::str_lit(fact)),
        }
    }

    /// Whether `v` reads a fact of the running execution (its code calls
    /// `execution_fact`, which the module must import).
    pub fn reads_runtime(v: &Value) -> bool {
        match v {
            Value::Runtime(_) => true,
            Value::Array(items) | Value::Join { parts: items, .. } => {
                items.iter().any(Code::reads_runtime)
            }
            Value::Object(fields) => fields.iter().any(|(_, v)| Code::reads_runtime(v)),
            _ => false,
        }
    }

    /// A literal value. Literals hold no step inputs (the IR verifier checks it).
    pub fn constant(v: &Value) -> Code {
        Code::value(v, &|_| Code::text("None"))
    }

    /// `"""text"""` on one line.
    pub fn docstring(text: &str) -> Code {
        // doc_text leaves no `"` or `\\`, so nothing can end the docstring early.
        Code(format!("\"\"\"{}\"\"\"", doc_text(text)))
    }

    /// A module docstring: a summary line, a blank line and indented detail lines, each
    /// sanitised like [`Code::docstring`].
    pub fn docstring_block(summary: &str, details: &[String]) -> Code {
        let mut out = format!("\"\"\"{}\n", doc_text(summary));
        if !details.is_empty() {
            out.push('\n');
        }
        for d in details {
            // Keep the line's indentation (a picture), sanitise the rest.
            let indent = d.len() - d.trim_start_matches(' ').len();
            out.push_str(&" ".repeat(indent));
            out.push_str(&doc_text(d));
            out.push('\n');
        }
        out.push_str("\"\"\"");
        Code(out)
    }
}

/// Invisible or line-breaking characters that would confuse a reader or a tool.
fn is_unsafe_unicode(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// Text safe inside a `#` comment: one line, no control or line-breaking characters
/// (Python ends a comment at `\n`, `\r` and form feed; editors at more).
pub fn comment_text(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_control() || is_unsafe_unicode(c) || c == '\u{0c}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text safe inside a one-line `"""` docstring: a comment's text without backslashes
/// or double quotes (which could end the docstring or form escapes).
pub fn doc_text(s: &str) -> String {
    comment_text(s).replace('\\', "/").replace('"', "'")
}

/// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(n: &str) -> bool {
    let b = n.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(c) if c.is_ascii_digit() => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_cannot_escape() {
        assert_eq!(Code::str_lit("a\"b").as_str(), "'a\"b'");
        assert_eq!(Code::str_lit("it's").as_str(), "\"it's\"");
        assert_eq!(Code::str_lit("\"\"\"\\n\0").as_str(), "'\"\"\"\\\\n\\x00'");
        assert_eq!(Code::str_lit("x\u{202e}y\n").as_str(), "\"x\\u202ey\\n\"");
        assert_eq!(comment_text("a\nb\r\u{2028}c  # d\u{0c}e"), "a b c # d e");
        assert_eq!(doc_text("\"\"\" \\"), "''' /");
        assert_eq!(
            Code::docstring("a quote\"").as_str(),
            "\"\"\"a quote'\"\"\""
        );
    }

    #[test]
    fn templates_fill_slots_in_order() {
        let a = Ident::new("a");
        let code = py!("{} = {{{}: {}}}", a, Code::str_lit("k"), Code::int(1));
        assert_eq!(code.as_str(), "a = {\"k\": 1}");
    }

    #[test]
    #[should_panic(expected = "more slots")]
    fn missing_arguments_are_a_bug() {
        let _ = Code::template("{} {}", &[&Code::int(1)]);
    }

    #[test]
    fn identifiers_are_normalised() {
        assert_eq!(Ident::new("ok_name").as_str(), "ok_name");
        assert_eq!(Ident::new("a=__import__('os')").as_str(), "a_import_os");
        assert_eq!(Ident::new("class").as_str(), "class_");
    }

    #[test]
    fn numbers() {
        assert_eq!(Code::number("1E5").as_str(), "1e5");
        assert_eq!(Code::number("-0.5").as_str(), "-0.5");
        assert_eq!(
            Code::number("1;import os").as_str(),
            "float(\"1;import os\")"
        );
    }
}
