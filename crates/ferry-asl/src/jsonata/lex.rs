//! JSONata tokens, read with nom: numbers, single- and double-quoted strings with JSON
//! escapes, names (and backquoted names), `$variables`, operators, `/* comments */`.
//! Every token keeps its byte range in the expression text.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_until, take_while, take_while1};
use nom::character::complete::{char, digit1, one_of};
use nom::combinator::{opt, recognize};
use nom::{IResult, Parser};

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Number(String),
    Str(String),
    /// A field name (also `and`, `or`, `in`, `true`, `function`...: the parser decides).
    Name(String),
    /// A backquoted name: always a field name.
    Quoted(String),
    /// `$name`; `$` alone is `Var("")`, `$$` is `Var("$")`.
    Var(String),
    Op(&'static str),
    /// `/` where a value is expected: the start of a regular expression.
    Regex,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

/// A lexing problem: byte offset and message.
#[derive(Debug, Clone, PartialEq)]
pub struct LexError {
    pub at: usize,
    pub message: String,
}

const OPERATORS: &[&str] = &[
    "..", ":=", "!=", ">=", "<=", "**", "~>", ".", "[", "]", "{", "}", "(", ")", ",", "@", "#",
    ";", ":", "?", "+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "&", "!", "~",
];

fn skip(i: &str) -> Result<&str, usize> {
    let mut i = i;
    loop {
        let t = i.trim_start();
        if let Some(rest) = t.strip_prefix("/*") {
            match take_until::<_, _, nom::error::Error<&str>>("*/").parse(rest) {
                Ok((after, _)) => i = &after[2..],
                Err(_) => return Err(t.len()),
            }
        } else {
            return Ok(t);
        }
    }
}

fn number(i: &str) -> IResult<&str, &str> {
    recognize((
        alt((tag("0"), recognize((one_of("123456789"), digit1)), digit1)),
        opt((char('.'), digit1)),
        opt((one_of("eE"), opt(one_of("+-")), digit1)),
    ))
    .parse(i)
}

fn name(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| {
        !c.is_whitespace()
            && !matches!(
                c,
                '.' | '['
                    | ']'
                    | '{'
                    | '}'
                    | '('
                    | ')'
                    | ','
                    | '@'
                    | '#'
                    | ';'
                    | ':'
                    | '?'
                    | '+'
                    | '-'
                    | '*'
                    | '/'
                    | '%'
                    | '|'
                    | '='
                    | '<'
                    | '>'
                    | '^'
                    | '&'
                    | '!'
                    | '~'
                    | '$'
                    | '"'
                    | '\''
                    | '`'
            )
    })
    .parse(i)
}

/// A quoted string starting at `i` (which begins with the quote); JSON escapes.
fn string(i: &str, quote: char) -> Result<(&str, String), String> {
    let mut out = String::new();
    let mut chars = i[1..].char_indices();
    while let Some((n, c)) = chars.next() {
        if c == quote {
            return Ok((&i[1 + n + 1..], out));
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else { break };
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
                let mut hex = String::new();
                for _ in 0..4 {
                    match chars.next() {
                        Some((_, h)) if h.is_ascii_hexdigit() => hex.push(h),
                        _ => return Err("`\\u` needs four hex digits".into()),
                    }
                }
                let code = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            other => return Err(format!("unsupported escape `\\{other}`")),
        }
    }
    Err("the string is not closed".into())
}

/// Whether the previous token ends a value (so `/` and `-` are infix there).
fn ends_value(prev: Option<&Token>) -> bool {
    match prev.map(|t| &t.tok) {
        None => false,
        Some(Tok::Op(op)) => matches!(*op, ")" | "]" | "}"),
        Some(_) => true,
    }
}

/// Split an expression into tokens.
pub fn tokens(text: &str) -> Result<Vec<Token>, LexError> {
    let mut out: Vec<Token> = Vec::new();
    let mut i = text;
    loop {
        i = skip(i).map_err(|left| LexError {
            at: text.len() - left,
            message: "the comment is not closed".into(),
        })?;
        let start = text.len() - i.len();
        if i.is_empty() {
            return Ok(out);
        }
        let first = i.chars().next().unwrap_or(' ');
        let (rest, tok) = if first == '"' || first == '\'' {
            let (rest, s) = string(i, first).map_err(|message| LexError { at: start, message })?;
            (rest, Tok::Str(s))
        } else if first == '`' {
            match i[1..].find('`') {
                Some(end) => (&i[end + 2..], Tok::Quoted(i[1..end + 1].to_string())),
                None => {
                    return Err(LexError {
                        at: start,
                        message: "the backquoted name is not closed".into(),
                    });
                }
            }
        } else if first == '$' {
            let after = &i[1..];
            if let Some(rest) = after.strip_prefix('$') {
                (rest, Tok::Var("$".into()))
            } else {
                let (rest, v) = take_while::<_, _, nom::error::Error<&str>>(|c: char| {
                    c.is_alphanumeric() || c == '_'
                })
                .parse(after)
                .unwrap_or((after, ""));
                (rest, Tok::Var(v.to_string()))
            }
        } else if first.is_ascii_digit() {
            match number(i) {
                Ok((rest, n)) => (rest, Tok::Number(n.to_string())),
                Err(_) => {
                    return Err(LexError {
                        at: start,
                        message: "malformed number".into(),
                    });
                }
            }
        } else if first == '/' && !ends_value(out.last()) {
            (&i[1..], Tok::Regex)
        } else if let Some(op) = OPERATORS.iter().find(|op| i.starts_with(**op)) {
            // `..` only as a range operator; `.` followed by a digit is not a number here.
            (&i[op.len()..], Tok::Op(op))
        } else if let Ok((rest, n)) = name(i) {
            (rest, Tok::Name(n.to_string()))
        } else {
            return Err(LexError {
                at: start,
                message: format!("unexpected character `{first}`"),
            });
        };
        let end = text.len() - rest.len();
        out.push(Token { tok, start, end });
        i = rest;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokens(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn lexes() {
        assert_eq!(
            toks("$states.input.x >= 1.5e2"),
            vec![
                Tok::Var("states".into()),
                Tok::Op("."),
                Tok::Name("input".into()),
                Tok::Op("."),
                Tok::Name("x".into()),
                Tok::Op(">="),
                Tok::Number("1.5e2".into()),
            ]
        );
        assert_eq!(
            toks("'a\\\"b' & \"c\" /* x */ & `d e`"),
            vec![
                Tok::Str("a\"b".into()),
                Tok::Op("&"),
                Tok::Str("c".into()),
                Tok::Op("&"),
                Tok::Quoted("d e".into()),
            ]
        );
        assert_eq!(toks("a / 2")[1], Tok::Op("/"));
        assert_eq!(toks("$contains(a, /x/)")[4], Tok::Regex);
        assert!(tokens("'open").is_err());
        assert!(tokens("/* open").is_err());
    }
}
