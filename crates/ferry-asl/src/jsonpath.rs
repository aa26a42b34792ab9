//! Full JSONPath as Step Functions accepts it where ASL allows Paths (InputPath,
//! OutputPath, ItemsPath, `.$` values, Choice `Variable`), parsed with nom into the
//! expression IR: descendants `..`, wildcards, slices, unions, and filters `[?(...)]`
//! with comparisons, `&&`, `||`, `!`, `in`, existence tests and paths from `@` or `$`.
//!
//! A bare word in a filter (`[?(@.Name==Receipt)]`, as real machines write it) is read
//! as a string; `=~` regular expressions and Jayway's other filter operators are not
//! translated and are named in the error.

use ferry_ir::{BinaryOp, Expr, Func, Selector, UnaryOp, Var};
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while1};
use nom::character::complete::{char, digit1, multispace0};
use nom::combinator::{map, opt, recognize};
use nom::multi::separated_list1;
use nom::sequence::{delimited, preceded};
use nom::{IResult, Parser};

use crate::paths::Root;

/// A parsed JSONPath: where it starts and what it selects.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath {
    pub root: Root,
    pub selectors: Vec<Selector>,
}

impl JsonPath {
    /// Whether every selector picks at most one node (a reference path).
    pub fn is_definite(&self) -> bool {
        self.selectors.iter().all(Selector::is_definite)
    }
}

const MAX_DEPTH: usize = 16;

fn ident_char(c: char) -> bool {
    !matches!(
        c,
        '.' | '['
            | ']'
            | '('
            | ')'
            | ','
            | ' '
            | '\''
            | '"'
            | '@'
            | '*'
            | '?'
            | '='
            | '!'
            | '<'
            | '>'
            | '&'
            | '|'
    )
}

fn quoted(i: &str) -> IResult<&str, String> {
    let Some(q) = i.chars().next().filter(|c| *c == '\'' || *c == '"') else {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Char,
        )));
    };
    let mut out = String::new();
    let mut chars = i[1..].char_indices();
    while let Some((n, c)) = chars.next() {
        if c == q {
            return Ok((&i[1 + n + 1..], out));
        }
        if c == '\\' {
            if let Some((_, e)) = chars.next() {
                out.push(e);
            }
        } else {
            out.push(c);
        }
    }
    Err(nom::Err::Error(nom::error::Error::new(
        i,
        nom::error::ErrorKind::Char,
    )))
}

fn int(i: &str) -> IResult<&str, i64> {
    map(recognize((opt(char('-')), digit1)), |d: &str| {
        d.parse().unwrap_or(i64::MAX)
    })
    .parse(i)
}

fn ws<'a, O>(
    p: impl Parser<&'a str, Output = O, Error = nom::error::Error<&'a str>>,
) -> impl Parser<&'a str, Output = O, Error = nom::error::Error<&'a str>> {
    delimited(multispace0, p, multispace0)
}

/// What failed, for the diagnostic.
#[derive(Debug, Clone, PartialEq)]
pub struct Unsupported(pub String);

struct Cx {
    depth: usize,
    unsupported: Option<String>,
}

fn bracket<'a>(i: &'a str, cx: &mut Cx) -> IResult<&'a str, Selector> {
    let (i, _) = char('[').parse(i)?;
    if let Some(rest) = i.strip_prefix('?') {
        let (rest, _) = ws(char('(')).parse(rest)?;
        let (rest, e) = filter_or(rest, cx)?;
        let (rest, _) = ws(char(')')).parse(rest)?;
        let (rest, _) = char(']').parse(rest)?;
        return Ok((rest, Selector::Filter(e)));
    }
    let mut inner = alt((
        map(ws(char('*')), |_| Selector::Wildcard),
        map(
            (
                ws(opt(int)),
                char(':'),
                ws(opt(int)),
                opt(preceded(char(':'), ws(opt(int)))),
            ),
            |(start, _, end, step)| Selector::Slice {
                start,
                end,
                step: step.flatten(),
            },
        ),
        map(
            separated_list1(
                char(','),
                ws(alt((
                    map(quoted, Selector::Field),
                    map(int, Selector::Index),
                ))),
            ),
            |mut items| {
                if items.len() == 1 {
                    items.remove(0)
                } else {
                    Selector::Union(items)
                }
            },
        ),
    ));
    let (i, s) = inner.parse(i)?;
    let (i, _) = char(']').parse(i)?;
    Ok((i, s))
}

fn segments<'a>(mut i: &'a str, cx: &mut Cx) -> IResult<&'a str, Vec<Selector>> {
    let mut out = Vec::new();
    loop {
        if let Some(rest) = i.strip_prefix("..") {
            out.push(Selector::Descendants);
            if let Some(r) = rest.strip_prefix('*') {
                out.push(Selector::Wildcard);
                i = r;
            } else if rest.starts_with('[') {
                let (r, s) = bracket(rest, cx)?;
                out.push(s);
                i = r;
            } else {
                let (r, name) = take_while1(ident_char).parse(rest)?;
                out.push(Selector::Field(name.to_string()));
                i = r;
            }
        } else if let Some(rest) = i.strip_prefix('.') {
            if let Some(r) = rest.strip_prefix('*') {
                out.push(Selector::Wildcard);
                i = r;
            } else if rest.starts_with('[') {
                // `$.[0]`: a bracket after a dot, as the service accepts.
                let (r, s) = bracket(rest, cx)?;
                out.push(s);
                i = r;
            } else {
                let (r, name) = take_while1(ident_char).parse(rest)?;
                out.push(Selector::Field(name.to_string()));
                i = r;
            }
        } else if i.starts_with('[') {
            let (r, s) = bracket(i, cx)?;
            out.push(s);
            i = r;
        } else {
            return Ok((i, out));
        }
    }
}

fn root(i: &str) -> IResult<&str, Root> {
    alt((
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
    .parse(i)
}

fn root_var(root: &Root) -> Expr {
    Expr::Var(match root {
        Root::Input => Var::Input,
        Root::Context => Var::Context,
        Root::Variable(v) => Var::Variable(v.clone()),
    })
}

fn deeper<'a>(i: &'a str, cx: &mut Cx) -> IResult<&'a str, ()> {
    cx.depth += 1;
    if cx.depth > MAX_DEPTH {
        cx.unsupported = Some("a filter nesting deeper than 16 levels".into());
        return Err(nom::Err::Failure(nom::error::Error::new(
            i,
            nom::error::ErrorKind::TooLarge,
        )));
    }
    Ok((i, ()))
}

fn filter_or<'a>(i: &'a str, cx: &mut Cx) -> IResult<&'a str, Expr> {
    let (i, _) = deeper(i, cx)?;
    let (mut i, mut e) = filter_and(i, cx)?;
    while let Ok((r, _)) = ws(tag::<_, _, nom::error::Error<&str>>("||")).parse(i) {
        let (r, rhs) = filter_and(r, cx)?;
        e = Expr::binary(BinaryOp::Or, e, rhs);
        i = r;
    }
    cx.depth -= 1;
    Ok((i, e))
}

fn filter_and<'a>(i: &'a str, cx: &mut Cx) -> IResult<&'a str, Expr> {
    let (mut i, mut e) = filter_not(i, cx)?;
    while let Ok((r, _)) = ws(tag::<_, _, nom::error::Error<&str>>("&&")).parse(i) {
        let (r, rhs) = filter_not(r, cx)?;
        e = Expr::binary(BinaryOp::And, e, rhs);
        i = r;
    }
    Ok((i, e))
}

fn filter_not<'a>(i: &'a str, cx: &mut Cx) -> IResult<&'a str, Expr> {
    let (i, _) = multispace0(i)?;
    if let Some(rest) = i.strip_prefix('!')
        && !rest.starts_with('=')
    {
        let (rest, e) = filter_not(rest, cx)?;
        return Ok((
            rest,
            Expr::Unary {
                op: UnaryOp::Not,
                operand: Box::new(e),
            },
        ));
    }
    if let Some(rest) = i.strip_prefix('(') {
        let (rest, e) = filter_or(rest, cx)?;
        let (rest, _) = ws(char(')')).parse(rest)?;
        return Ok((rest, e));
    }
    comparison(i, cx)
}

fn comparison<'a>(i: &'a str, cx: &mut Cx) -> IResult<&'a str, Expr> {
    let (i, lhs) = ws(|x| operand(x, cx)).parse(i)?;
    let ops: [(&str, Option<BinaryOp>); 12] = [
        ("==", Some(BinaryOp::Eq)),
        ("!=", Some(BinaryOp::Ne)),
        ("<=", Some(BinaryOp::Le)),
        (">=", Some(BinaryOp::Ge)),
        ("=~", None),
        ("<", Some(BinaryOp::Lt)),
        (">", Some(BinaryOp::Gt)),
        ("nin ", None),
        ("in ", Some(BinaryOp::In)),
        ("subsetof ", None),
        ("anyof ", None),
        ("noneof ", None),
    ];
    for (text, op) in ops {
        if let Some(rest) = i.strip_prefix(text) {
            let Some(op) = op else {
                cx.unsupported = Some(format!("the filter operator `{}`", text.trim()));
                return Err(nom::Err::Failure(nom::error::Error::new(
                    i,
                    nom::error::ErrorKind::Tag,
                )));
            };
            let (rest, rhs) = ws(|x| operand(x, cx)).parse(rest)?;
            return Ok((rest, Expr::binary(op, lhs, rhs)));
        }
    }
    for word in ["size ", "empty "] {
        if i.starts_with(word) {
            cx.unsupported = Some(format!("the filter operator `{}`", word.trim()));
            return Err(nom::Err::Failure(nom::error::Error::new(
                i,
                nom::error::ErrorKind::Tag,
            )));
        }
    }
    // A path alone tests that it exists.
    Ok((
        i,
        match lhs {
            p @ Expr::JsonPath { .. } => Expr::call(Func::Exists, vec![p]),
            other => other,
        },
    ))
}

fn operand<'a>(i: &'a str, cx: &mut Cx) -> IResult<&'a str, Expr> {
    if let Some(rest) = i.strip_prefix('@') {
        let (rest, selectors) = segments(rest, cx)?;
        return Ok((
            rest,
            Expr::JsonPath {
                base: Box::new(Expr::Var(Var::Current)),
                selectors,
            },
        ));
    }
    if i.starts_with('$') {
        let (rest, r) = root(i)?;
        let (rest, selectors) = segments(rest, cx)?;
        return Ok((
            rest,
            Expr::JsonPath {
                base: Box::new(root_var(&r)),
                selectors,
            },
        ));
    }
    if i.starts_with(['\'', '"']) {
        return map(quoted, Expr::String).parse(i);
    }
    if i.starts_with('/') {
        cx.unsupported = Some("a regular expression in a filter".into());
        return Err(nom::Err::Failure(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Tag,
        )));
    }
    let mut number = recognize::<_, nom::error::Error<&str>, _>((
        opt(char('-')),
        digit1,
        opt((char('.'), digit1)),
        opt((
            alt((char('e'), char('E'))),
            opt(alt((char('+'), char('-')))),
            digit1,
        )),
    ));
    if let Ok((rest, n)) = number.parse(i) {
        return Ok((rest, Expr::Number(n.to_string())));
    }
    let (rest, word) =
        take_while1(|c: char| c.is_alphanumeric() || c == '_' || c == '-').parse(i)?;
    Ok((
        rest,
        match word {
            "true" => Expr::Bool(true),
            "false" => Expr::Bool(false),
            "null" => Expr::Null,
            w => Expr::String(w.to_string()),
        },
    ))
}

/// Parse a whole JSONPath (`$...`, `$$...`, `$var...`).
pub fn parse(text: &str) -> Result<JsonPath, Unsupported> {
    let mut cx = Cx {
        depth: 0,
        unsupported: None,
    };
    let text = text.trim();
    let result = (|| {
        let (rest, r) = root(text)?;
        let (rest, selectors) = segments(rest, &mut cx)?;
        Ok::<_, nom::Err<nom::error::Error<&str>>>((rest, r, selectors))
    })();
    match result {
        Ok(("", root, selectors)) => Ok(JsonPath { root, selectors }),
        Ok((rest, _, _)) => {
            Err(Unsupported(cx.unsupported.unwrap_or_else(|| {
                format!("the path does not parse at `{rest}`")
            })))
        }
        Err(_) => Err(Unsupported(
            cx.unsupported
                .unwrap_or_else(|| "the path does not parse".to_string()),
        )),
    }
}

/// The expression a path computes, from its root variable.
pub fn to_expr(path: &JsonPath) -> Expr {
    Expr::JsonPath {
        base: Box::new(root_var(&path.root)),
        selectors: path.selectors.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_ir::text::print_expr;

    fn p(s: &str) -> String {
        match parse(s) {
            Ok(path) => print_expr(&to_expr(&path)),
            Err(Unsupported(m)) => format!("error: {m}"),
        }
    }

    #[test]
    fn parses_the_forms_the_service_accepts() {
        assert_eq!(p("$"), "(jsonpath $states.input)");
        assert_eq!(p("$.a.b[0]"), "(jsonpath $states.input \"a\" \"b\" 0)");
        assert_eq!(p("$..x"), "(jsonpath $states.input .. \"x\")");
        assert_eq!(p("$..*"), "(jsonpath $states.input .. *)");
        assert_eq!(p("$.a[*].b"), "(jsonpath $states.input \"a\" * \"b\")");
        assert_eq!(p("$.a[1:3]"), "(jsonpath $states.input \"a\" [1:3])");
        assert_eq!(p("$.a[-2:]"), "(jsonpath $states.input \"a\" [-2:])");
        assert_eq!(p("$.a[::2]"), "(jsonpath $states.input \"a\" [::2])");
        assert_eq!(
            p("$.[*].['bucket', 'key']"),
            "(jsonpath $states.input * (union \"bucket\" \"key\"))"
        );
        assert_eq!(p("$.a[0,2]"), "(jsonpath $states.input \"a\" (union 0 2))");
        assert_eq!(
            p("$..QualityResults[?(@.constraint_status==Failure)]"),
            "(jsonpath $states.input .. \"QualityResults\" [?(= (jsonpath @ \"constraint_status\") \"Failure\")])"
        );
        assert_eq!(
            p("$.approaches[?(@.workerId == $.agent_id)].approach"),
            "(jsonpath $states.input \"approaches\" [?(= (jsonpath @ \"workerId\") (jsonpath $states.input \"agent_id\"))] \"approach\")"
        );
        assert_eq!(
            p("$.[?(@.OU > 0)]"),
            "(jsonpath $states.input [?(> (jsonpath @ \"OU\") 0)])"
        );
        assert_eq!(
            p("$.b[?(@.isbn && !@.x || @.p < 10.5)]"),
            "(jsonpath $states.input \"b\" [?(or (and (call \"$exists\" (jsonpath @ \"isbn\")) (not (call \"$exists\" (jsonpath @ \"x\")))) (< (jsonpath @ \"p\") 10.5))])"
        );
        assert_eq!(
            p("$$.Map.Item.Value"),
            "(jsonpath $states.context \"Map\" \"Item\" \"Value\")"
        );
        assert_eq!(p("$var.x"), "(jsonpath $var \"x\")");
        assert_eq!(p("$[*][*]"), "(jsonpath $states.input * *)");
    }

    #[test]
    fn names_what_it_does_not_translate() {
        assert!(p("$.a[?(@.b =~ /x/)]").contains("`=~`"));
        assert!(p("$.a[?(@.b nin [1])]").contains("`nin`"));
        assert!(p("not a path").starts_with("error"));
        assert!(p("$.a[").starts_with("error"));
        let deep = format!("$.a[?({}@.b{})]", "(".repeat(40), ")".repeat(40));
        assert!(p(&deep).contains("deeper"));
    }
}
