//! ASL reference paths and intrinsic functions, parsed with nom.
//!
//! Reference paths: `$`, `$.a.b`, `$['a b'][0]`, `$$.Execution.Id`, `$var.x`.
//! Intrinsics: `States.Format('x {}', $.a)` with nested calls, string/number/boolean/
//! null literals and paths as arguments.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, digit1, multispace0};
use nom::combinator::{all_consuming, map, opt, recognize};
use nom::multi::{many0, separated_list0};
use nom::sequence::{delimited, preceded};
use nom::{IResult, Parser};

/// Where a path starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// `$`: the state's effective input.
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Variable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(i64),
    /// `[*]`, `[?(...)]`, `..` and other dynamic selections.
    Dynamic,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefPath {
    pub root: Root,
    pub segs: Vec<Seg>,
}

fn ident_char(c: char) -> bool {
    !matches!(
        c,
        '.' | '[' | ']' | '(' | ')' | ',' | ' ' | '\'' | '"' | '@' | '*' | '?'
    )
}

fn quoted(i: &str) -> IResult<&str, String> {
    let (i, _) = char('\'')(i)?;
    let mut out = String::new();
    let mut rest = i;
    loop {
        let mut chars = rest.chars();
        match chars.next() {
            None => {
                return Err(nom::Err::Error(nom::error::Error::new(
                    rest,
                    nom::error::ErrorKind::Char,
                )));
            }
            Some('\'') => return Ok((chars.as_str(), out)),
            Some('\\') => {
                let c = chars.next().unwrap_or('\\');
                // `\{` and `\}` stay escaped: only States.Format's template reads them.
                if matches!(c, '{' | '}') {
                    out.push('\\');
                }
                out.push(c);
                rest = chars.as_str();
            }
            Some(c) => {
                out.push(c);
                rest = chars.as_str();
            }
        }
    }
}

fn bracket(i: &str) -> IResult<&str, Seg> {
    alt((
        map(delimited(char('['), quoted, char(']')), Seg::Key),
        map(
            delimited(char('['), recognize((opt(char('-')), digit1)), char(']')),
            |d: &str| Seg::Index(d.parse().unwrap_or(0)),
        ),
        map(
            delimited(char('['), take_while(|c| c != ']'), char(']')),
            |_| Seg::Dynamic,
        ),
    ))
    .parse(i)
}

fn segment(i: &str) -> IResult<&str, Seg> {
    alt((
        map(tag(".."), |_| Seg::Dynamic),
        map(preceded(char('.'), tag("*")), |_| Seg::Dynamic),
        map(preceded(char('.'), take_while1(ident_char)), |s: &str| {
            Seg::Key(s.to_string())
        }),
        // `$.[0]`: a bracket after a dot, as Jayway JSONPath (used by the service) allows.
        preceded(char('.'), bracket),
        bracket,
    ))
    .parse(i)
}

fn ref_path(i: &str) -> IResult<&str, RefPath> {
    let (i, root) = alt((
        map(tag("$$"), |_| Root::Context),
        map(
            preceded(
                char('$'),
                take_while1(|c: char| c == '_' || c.is_alphanumeric()),
            ),
            |v: &str| Root::Variable(v.to_string()),
        ),
        map(char('$'), |_| Root::Input),
    ))
    .parse(i)?;
    let (i, segs) = many0(segment).parse(i)?;
    Ok((i, RefPath { root, segs }))
}

/// Parse a whole reference path.
pub fn parse_path(text: &str) -> Option<RefPath> {
    all_consuming(ref_path)
        .parse(text.trim())
        .ok()
        .map(|(_, p)| p)
}

#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Path(RefPath),
    Str(String),
    Number(String),
    Bool(bool),
    Null,
    Call(Intrinsic),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Intrinsic {
    pub name: String,
    pub args: Vec<Arg>,
}

fn arg(i: &str) -> IResult<&str, Arg> {
    delimited(
        multispace0,
        alt((
            map(call, Arg::Call),
            map(quoted, Arg::Str),
            map(ref_path, Arg::Path),
            map(
                recognize((opt(char('-')), digit1, opt((char('.'), digit1)))),
                |n: &str| Arg::Number(n.to_string()),
            ),
            map(tag("true"), |_| Arg::Bool(true)),
            map(tag("false"), |_| Arg::Bool(false)),
            map(tag("null"), |_| Arg::Null),
        )),
        multispace0,
    )
    .parse(i)
}

fn call(i: &str) -> IResult<&str, Intrinsic> {
    let (i, name) = recognize((
        tag("States."),
        take_while1(|c: char| c.is_ascii_alphanumeric()),
    ))
    .parse(i)?;
    let (i, args) = delimited(char('('), separated_list0(char(','), arg), char(')')).parse(i)?;
    Ok((
        i,
        Intrinsic {
            name: name.to_string(),
            args,
        },
    ))
}

/// Parse an intrinsic function call (the value of a `.$` field starting `States.`).
pub fn parse_intrinsic(text: &str) -> Option<Intrinsic> {
    all_consuming(delimited(multispace0, call, multispace0))
        .parse(text)
        .ok()
        .map(|(_, c)| c)
}

/// Arity bounds (min, max) of each intrinsic function; `None` max = variadic.
pub fn arity(name: &str) -> Option<(usize, Option<usize>)> {
    Some(match name {
        "States.Format" => (1, None),
        "States.StringToJson"
        | "States.JsonToString"
        | "States.ArrayLength"
        | "States.ArrayUnique"
        | "States.Base64Encode"
        | "States.Base64Decode" => (1, Some(1)),
        "States.Array" => (0, None),
        "States.ArrayPartition"
        | "States.ArrayContains"
        | "States.ArrayGetItem"
        | "States.Hash"
        | "States.MathAdd"
        | "States.StringSplit" => (2, Some(2)),
        "States.ArrayRange" | "States.MathRandom" => (2, Some(3)),
        "States.JsonMerge" => (3, Some(3)),
        "States.UUID" => (0, Some(0)),
        _ => return None,
    })
}

/// Every problem of an intrinsic call tree: unknown names and wrong arity.
pub fn check_intrinsic(call: &Intrinsic, problems: &mut Vec<String>) {
    match arity(&call.name) {
        None => problems.push(format!("unknown intrinsic function `{}`", call.name)),
        Some((min, max)) => {
            let n = call.args.len();
            if n < min || max.is_some_and(|m| n > m) {
                let expected = match max {
                    Some(m) if m == min => format!("{min}"),
                    Some(m) => format!("{min} to {m}"),
                    None => format!("at least {min}"),
                };
                problems.push(format!(
                    "`{}` takes {expected} argument(s), got {n}",
                    call.name
                ));
            }
        }
    }
    for a in &call.args {
        if let Arg::Call(inner) = a {
            check_intrinsic(inner, problems);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            parse_path("$").unwrap(),
            RefPath {
                root: Root::Input,
                segs: vec![]
            }
        );
        assert_eq!(
            parse_path("$.Payload.test_r2").unwrap().segs,
            vec![Seg::Key("Payload".into()), Seg::Key("test_r2".into())]
        );
        assert_eq!(parse_path("$$.Execution.Id").unwrap().root, Root::Context);
        assert_eq!(
            parse_path("$['a b'][2]").unwrap().segs,
            vec![Seg::Key("a b".into()), Seg::Index(2)]
        );
        assert_eq!(parse_path("$.items[*].id").unwrap().segs[1], Seg::Dynamic);
        assert_eq!(
            parse_path("$myVar.x").unwrap().root,
            Root::Variable("myVar".into())
        );
        assert!(parse_path("not a path").is_none());
        assert_eq!(
            parse_path("$.Snapshots.[0].State").unwrap().segs[1],
            Seg::Index(0)
        );
        assert_eq!(
            parse_path("$.[?(@.OU > 0)]").unwrap().segs,
            vec![Seg::Dynamic]
        );
        assert_eq!(
            parse_path("$.${Attribute}").unwrap().segs,
            vec![Seg::Key("${Attribute}".into())]
        );
    }

    #[test]
    fn intrinsics() {
        let c = parse_intrinsic("States.Format('s3://{}/{}', $.bucket, States.UUID())").unwrap();
        assert_eq!(c.args.len(), 3);
        let mut problems = Vec::new();
        check_intrinsic(&c, &mut problems);
        assert!(problems.is_empty());
        let bad = parse_intrinsic("States.MathAdd($.a)").unwrap();
        check_intrinsic(&bad, &mut problems);
        assert_eq!(problems.len(), 1);
        let unknown = parse_intrinsic("States.Teleport()").unwrap();
        check_intrinsic(&unknown, &mut problems);
        assert!(problems[1].contains("unknown"));
        assert!(parse_intrinsic("States.Format('unterminated").is_none());
    }
}
