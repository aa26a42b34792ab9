//! Lexemes of the text form, as nom parsers over `&str` with a custom error that
//! remembers what was expected where.

use std::borrow::Cow;

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, digit1};
use nom::combinator::{opt, recognize};
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Parser};

use ferry_diagnostics::{FileId, Span};

/// A parse error: the remaining input where it happened and what was expected.
#[derive(Debug, Clone)]
pub struct TextError<'a> {
    pub at: &'a str,
    pub expected: Cow<'static, str>,
    pub code: &'static str,
    /// Bytes of the offending token (0: the character at `at`).
    pub len: usize,
}

impl<'a> ParseError<&'a str> for TextError<'a> {
    fn from_error_kind(input: &'a str, kind: ErrorKind) -> Self {
        TextError {
            at: input,
            expected: Cow::Owned(kind.description().to_lowercase()),
            code: "F0101",
            len: 0,
        }
    }

    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        // Report the alternative that got furthest.
        if other.at.len() <= self.at.len() {
            other
        } else {
            self
        }
    }
}

pub type PResult<'a, T> = IResult<&'a str, T, TextError<'a>>;

pub fn fail<'a, T>(at: &'a str, expected: impl Into<Cow<'static, str>>) -> PResult<'a, T> {
    Err(nom::Err::Error(TextError {
        at,
        expected: expected.into(),
        code: "F0101",
        len: 0,
    }))
}

pub fn cut_fail<'a, T>(
    at: &'a str,
    code: &'static str,
    expected: impl Into<Cow<'static, str>>,
) -> PResult<'a, T> {
    Err(nom::Err::Failure(TextError {
        at,
        expected: expected.into(),
        code,
        len: 0,
    }))
}

/// Label a parser's failure with what it was looking for.
pub fn expect<'a, T>(
    mut parser: impl Parser<&'a str, Output = T, Error = TextError<'a>>,
    what: &'static str,
) -> impl FnMut(&'a str) -> PResult<'a, T> {
    move |i: &'a str| match parser.parse(i) {
        Err(nom::Err::Error(_)) => fail(ws_only(i), what),
        other => other,
    }
}

fn ws_only(i: &str) -> &str {
    skip_ws(i)
}

/// Skip spaces, newlines and `#` comments.
pub fn skip_ws(mut i: &str) -> &str {
    loop {
        let trimmed = i.trim_start();
        if let Some(rest) = trimmed.strip_prefix('#') {
            i = rest.find('\n').map_or("", |n| &rest[n..]);
        } else {
            return trimmed;
        }
    }
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

/// A keyword: the exact word, not followed by an identifier character.
pub fn kw<'a>(word: &'static str) -> impl FnMut(&'a str) -> PResult<'a, ()> {
    move |i: &'a str| {
        let i = skip_ws(i);
        match i.strip_prefix(word) {
            Some(rest) if !rest.starts_with(is_ident_char) => Ok((rest, ())),
            _ => fail(i, format!("`{word}`")),
        }
    }
}

/// A punctuation token such as `{`, `->`, `=`.
pub fn punct<'a>(p: &'static str) -> impl FnMut(&'a str) -> PResult<'a, ()> {
    move |i: &'a str| {
        let i = skip_ws(i);
        match i.strip_prefix(p) {
            Some(rest) => Ok((rest, ())),
            None => fail(i, format!("`{p}`")),
        }
    }
}

pub fn ident(i: &str) -> PResult<'_, &str> {
    let i = skip_ws(i);
    let (rest, word) = recognize((
        take_while1(|c: char| c == '_' || c.is_ascii_alphabetic()),
        take_while(is_ident_char),
    ))
    .parse(i)
    .or_else(|_: nom::Err<TextError>| fail(i, "an identifier"))?;
    Ok((rest, word))
}

/// A double-quoted string with the escapes `\" \\ \n \r \t \u{X}`.
pub fn string(i: &str) -> PResult<'_, String> {
    let i = skip_ws(i);
    let Some(mut rest) = i.strip_prefix('"') else {
        return fail(i, "a string");
    };
    let mut out = String::new();
    loop {
        let Some(c) = rest.chars().next() else {
            return cut_fail(rest, "F0101", "a closing `\"`");
        };
        rest = &rest[c.len_utf8()..];
        match c {
            '"' => return Ok((rest, out)),
            '\\' => {
                let Some(e) = rest.chars().next() else {
                    return cut_fail(rest, "F0101", "an escape");
                };
                rest = &rest[e.len_utf8()..];
                match e {
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let Some(body) = rest.strip_prefix('{') else {
                            return cut_fail(rest, "F0101", "`{` after `\\u`");
                        };
                        let Some(end) = body.find('}') else {
                            return cut_fail(body, "F0101", "`}` closing `\\u{`");
                        };
                        let ch = u32::from_str_radix(&body[..end], 16)
                            .ok()
                            .and_then(char::from_u32);
                        let Some(ch) = ch else {
                            return cut_fail(body, "F0101", "a unicode scalar value in hex");
                        };
                        out.push(ch);
                        rest = &body[end + 1..];
                    }
                    _ => {
                        return cut_fail(
                            rest,
                            "F0101",
                            "one of the escapes \\\" \\\\ \\n \\r \\t \\u{..}",
                        );
                    }
                }
            }
            c if c.is_control() => {
                return cut_fail(
                    rest,
                    "F0101",
                    "no raw control character in a string (escape it)",
                );
            }
            c => out.push(c),
        }
    }
}

/// A name: an identifier, or a string for identifiers the text form reserves (`step`,
/// `none`, ...). Every name position of the grammar becomes a Python identifier in
/// generated code, so a name that is not a valid Python identifier (or is a keyword)
/// is rejected here (F0104), at the token, whatever the verifier would say later.
pub fn name(i: &str) -> PResult<'_, String> {
    let at = skip_ws(i);
    let (rest, name) = alt((string, |i| ident(i).map(|(r, s)| (r, s.to_string()))))
        .parse(i)
        .or_else(|_| fail(at, "a name"))?;
    if !crate::verify::is_valid_identifier(&name) {
        return Err(nom::Err::Failure(TextError {
            at,
            expected: Cow::Owned(format!(
                "name {} is not a valid Python identifier (ASCII letters, digits and `_`, \
                 not starting with a digit, not a keyword)",
                super::quote(&name)
            )),
            code: "F0104",
            len: at.len() - rest.len(),
        }));
    }
    Ok((rest, name))
}

/// A string holding Python text (a step body, an import, a `.py` file): rejected at the
/// token (F0214) when one of its logical lines nests too deeply for a parser to read
/// safely, so the error points into the `.ferry` file rather than at a detached span.
pub fn python_text(i: &str) -> PResult<'_, String> {
    let at = skip_ws(i);
    let (rest, text) = string(i)?;
    if !crate::python_nesting::oversized_lines(&text).is_empty() {
        return Err(nom::Err::Failure(TextError {
            at,
            expected: Cow::Borrowed(
                "this Python text nests too deeply to be read safely (more than 100 brackets \
                 on a logical line, or a chain of more than 10,000 bytes between two commas)",
            ),
            code: "F0214",
            len: at.len() - rest.len(),
        }));
    }
    Ok((rest, text))
}

/// Number text as written: `-12`, `3.5`, `1e-3`.
pub fn number(i: &str) -> PResult<'_, &str> {
    let i = skip_ws(i);
    recognize((
        opt(char('-')),
        digit1,
        opt((char('.'), digit1)),
        opt((
            alt((char('e'), char('E'))),
            opt(alt((char('+'), char('-')))),
            digit1,
        )),
    ))
    .parse(i)
    .or_else(|_: nom::Err<TextError>| fail(i, "a number"))
}

pub fn unsigned<T: std::str::FromStr>(i: &str) -> PResult<'_, T> {
    let i = skip_ws(i);
    let (rest, digits) = digit1::<_, TextError>(i).or_else(|_| fail(i, "an unsigned integer"))?;
    match digits.parse() {
        Ok(n) => Ok((rest, n)),
        Err(_) => cut_fail(i, "F0101", "an integer in range"),
    }
}

/// `@F:S..E` or `@-` for a detached span.
pub fn span(i: &str) -> PResult<'_, Span> {
    let i = skip_ws(i);
    let Some(rest) = i.strip_prefix('@') else {
        return fail(i, "a span `@file:start..end`");
    };
    if let Some(rest) = rest.strip_prefix('-') {
        return Ok((rest, Span::detached()));
    }
    let (rest, file) = unsigned::<u32>(rest)?;
    let (rest, _) = tag(":").parse(rest)?;
    let (rest, start) = unsigned::<u32>(rest)?;
    let (rest, _) = tag("..").parse(rest)?;
    let (rest, end) = unsigned::<u32>(rest)?;
    Ok((
        rest,
        Span {
            file: FileId(file),
            start,
            end,
        },
    ))
}

/// `[ item, item ]` with a trailing comma allowed.
pub fn list<'a, T>(
    i: &'a str,
    mut item: impl FnMut(&'a str) -> PResult<'a, T>,
) -> PResult<'a, Vec<T>> {
    let (mut i, _) = punct("[")(i)?;
    let mut items = Vec::new();
    loop {
        if let Ok((rest, _)) = punct("]")(i) {
            return Ok((rest, items));
        }
        let (rest, value) = item(i)?;
        items.push(value);
        i = rest;
        match punct(",")(i) {
            Ok((rest, _)) => i = rest,
            Err(_) => {
                let (rest, _) = expect(punct("]"), "`,` or `]`")(i)?;
                return Ok((rest, items));
            }
        }
    }
}

pub fn peek_kw(i: &str, word: &'static str) -> bool {
    kw(word)(i).is_ok()
}
