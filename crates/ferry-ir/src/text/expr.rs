//! Text form of expressions ([`crate::Expr`], s-expressions) and service-call targets
//! ([`crate::CallTarget`]): printer and nom parser. The grammar is in
//! `ir-spec/grammar.md` (`expr`, `target`).

use super::lex::{
    PResult, cut_fail, expect, fail, ident, kw, list, number, punct, skip_ws, string,
};
use super::print::quote;
use crate::expr::is_variable_name;
use crate::{
    ArgFrom, BinaryOp, CallTarget, Encode, Encoding, Expr, Func, MemberNames, PathStep, SdkCall,
    Selector, SyncWait, UnaryOp, Var, WaitArg,
};

/// An expression in the text form.
pub fn print_expr(e: &Expr) -> String {
    let mut out = String::new();
    expr_into(e, &mut out);
    out
}

fn var_name(v: &str) -> String {
    if is_variable_name(v) && v.is_ascii() && !v.starts_with("states") {
        v.to_string()
    } else {
        quote(v)
    }
}

fn port_name(p: &str) -> String {
    if crate::verify::is_valid_identifier(p) {
        p.to_string()
    } else {
        quote(p)
    }
}

fn expr_into(e: &Expr, out: &mut String) {
    match e {
        Expr::Null => out.push_str("null"),
        Expr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Expr::Number(n) => out.push_str(n),
        Expr::String(s) => out.push_str(&quote(s)),
        Expr::Var(v) => out.push_str(&match v {
            Var::Input => "$states.input".to_string(),
            Var::Result => "$states.result".to_string(),
            Var::ErrorOutput => "$states.errorOutput".to_string(),
            Var::Context => "$states.context".to_string(),
            Var::Variable(name) => format!("${}", var_name(name)),
            Var::Current => "@".to_string(),
            Var::Port(p) => format!("%{}", port_name(p)),
        }),
        Expr::Path { base, steps } => {
            out.push_str("(path ");
            expr_into(base, out);
            for s in steps {
                out.push(' ');
                match s {
                    PathStep::Field(f) => out.push_str(&quote(f)),
                    PathStep::Wildcard => out.push('*'),
                    PathStep::Descendants => out.push_str("**"),
                    PathStep::Filter(x) => {
                        out.push('[');
                        expr_into(x, out);
                        out.push(']');
                    }
                    PathStep::Map(x) => {
                        out.push('{');
                        expr_into(x, out);
                        out.push('}');
                    }
                }
            }
            out.push(')');
        }
        Expr::JsonPath { base, selectors } => {
            out.push_str("(jsonpath ");
            expr_into(base, out);
            for s in selectors {
                out.push(' ');
                selector_into(s, out);
            }
            out.push(')');
        }
        Expr::Unary { op, operand } => {
            out.push('(');
            out.push_str(op.as_str());
            out.push(' ');
            expr_into(operand, out);
            out.push(')');
        }
        Expr::Binary { op, lhs, rhs } => {
            out.push('(');
            out.push_str(op.as_str());
            out.push(' ');
            expr_into(lhs, out);
            out.push(' ');
            expr_into(rhs, out);
            out.push(')');
        }
        Expr::Cond {
            test,
            then,
            otherwise,
        } => {
            out.push_str("(if ");
            expr_into(test, out);
            out.push(' ');
            expr_into(then, out);
            if let Some(o) = otherwise {
                out.push(' ');
                expr_into(o, out);
            }
            out.push(')');
        }
        Expr::Array(items) => {
            out.push_str("(array");
            for i in items {
                out.push(' ');
                expr_into(i, out);
            }
            out.push(')');
        }
        Expr::Object(fields) => {
            out.push_str("(object");
            for (k, v) in fields {
                out.push_str(" (");
                expr_into(k, out);
                out.push(' ');
                expr_into(v, out);
                out.push(')');
            }
            out.push(')');
        }
        Expr::Call { func, args } => {
            out.push_str("(call ");
            out.push_str(&quote(func.name()));
            for a in args {
                out.push(' ');
                expr_into(a, out);
            }
            out.push(')');
        }
        Expr::Lambda { params, body } => {
            out.push_str("(lambda (");
            out.push_str(
                &params
                    .iter()
                    .map(|p| var_name(p))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            out.push_str(") ");
            expr_into(body, out);
            out.push(')');
        }
    }
}

fn int_text(n: &Option<i64>) -> String {
    n.map_or(String::new(), |n| n.to_string())
}

fn selector_into(s: &Selector, out: &mut String) {
    match s {
        Selector::Field(f) => out.push_str(&quote(f)),
        Selector::Index(n) => out.push_str(&n.to_string()),
        Selector::Wildcard => out.push('*'),
        Selector::Descendants => out.push_str(".."),
        Selector::Slice { start, end, step } => {
            out.push('[');
            out.push_str(&int_text(start));
            out.push(':');
            out.push_str(&int_text(end));
            if step.is_some() {
                out.push(':');
                out.push_str(&int_text(step));
            }
            out.push(']');
        }
        Selector::Union(items) => {
            out.push_str("(union");
            for i in items {
                out.push(' ');
                selector_into(i, out);
            }
            out.push(')');
        }
        Selector::Filter(e) => {
            out.push_str("[?");
            expr_into(e, out);
            out.push(']');
        }
    }
}

fn strings(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|s| quote(s))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// A call target in the text form (after `target`).
pub fn print_target(t: &CallTarget) -> String {
    match t {
        CallTarget::Sdk(c) => {
            let mut out = format!(
                "sdk {} {} {} names {} encode [{}] decode [{}]",
                quote(&c.client),
                quote(&c.method),
                quote(&c.operation),
                c.names.as_str(),
                c.encode
                    .iter()
                    .map(|e| format!("({} {})", strings(&e.path), e.how.as_str()))
                    .collect::<Vec<_>>()
                    .join(", "),
                c.decode
                    .iter()
                    .map(|p| strings(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if let Some(w) = &c.wait {
                out.push_str(&format!(
                    " wait {} args [{}] waiter {} status {} success {} failure {} parse_json [{}]",
                    quote(&w.method),
                    w.args
                        .iter()
                        .map(|a| format!(
                            "({} {} {} {})",
                            quote(&a.name),
                            a.from.as_str(),
                            strings(&a.path),
                            if a.list { "list" } else { "one" }
                        ))
                        .collect::<Vec<_>>()
                        .join(", "),
                    w.waiter.as_deref().map_or("none".to_string(), quote),
                    strings(&w.status),
                    strings(&w.success),
                    strings(&w.failure),
                    w.parse_json
                        .iter()
                        .map(|p| strings(p))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            out
        }
        CallTarget::Http { connection } => format!(
            "http connection {}",
            connection.as_deref().map_or("none".to_string(), quote)
        ),
        CallTarget::ApiGateway => "apigateway".to_string(),
        CallTarget::S3ItemReader => "s3_item_reader".to_string(),
        CallTarget::Unsupported { reason } => format!("unsupported {}", quote(reason)),
    }
}

fn deeper(i: &str, depth: usize) -> PResult<'_, usize> {
    super::parse::deeper(i, depth)
}

fn var_ident(i: &str) -> PResult<'_, String> {
    // Right after `$` / `%`: a bare name or a quoted one.
    if i.starts_with('"') {
        return string(i);
    }
    let end = i
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(i.len(), |(n, _)| n);
    if end == 0 {
        return fail(i, "a name");
    }
    Ok((&i[end..], i[..end].to_string()))
}

/// Parse one expression.
pub fn parse_expr(i: &str, depth: usize) -> PResult<'_, Expr> {
    let (i, depth) = deeper(i, depth)?;
    let i = skip_ws(i);
    if let Some(rest) = i.strip_prefix("$states.") {
        for (word, v) in [
            ("input", Var::Input),
            ("result", Var::Result),
            ("errorOutput", Var::ErrorOutput),
            ("context", Var::Context),
        ] {
            if let Some(after) = rest.strip_prefix(word)
                && !after.starts_with(|c: char| c.is_alphanumeric() || c == '_')
            {
                return Ok((after, Expr::Var(v)));
            }
        }
        return cut_fail(rest, "F0101", "input, result, errorOutput or context");
    }
    if let Some(rest) = i.strip_prefix('$') {
        let (rest, v) = var_ident(rest)?;
        return Ok((rest, Expr::Var(Var::Variable(v))));
    }
    if let Some(rest) = i.strip_prefix('%') {
        let (rest, p) = var_ident(rest)?;
        return Ok((rest, Expr::Var(Var::Port(p))));
    }
    if let Some(rest) = i.strip_prefix('@') {
        return Ok((rest, Expr::Var(Var::Current)));
    }
    if i.starts_with('"') {
        let (rest, s) = string(i)?;
        return Ok((rest, Expr::String(s)));
    }
    if let Ok((rest, _)) = kw("null")(i) {
        return Ok((rest, Expr::Null));
    }
    if let Ok((rest, _)) = kw("true")(i) {
        return Ok((rest, Expr::Bool(true)));
    }
    if let Ok((rest, _)) = kw("false")(i) {
        return Ok((rest, Expr::Bool(false)));
    }
    if let Some(rest) = i.strip_prefix('(') {
        let (rest, e) = form(rest, depth)?;
        let (rest, _) = expect(punct(")"), "`)`")(rest)?;
        return Ok((rest, e));
    }
    match number(i) {
        Ok((rest, n)) => Ok((rest, Expr::Number(n.to_string()))),
        Err(_) => fail(i, "an expression"),
    }
}

/// Expressions up to the closing `)` (not consumed).
fn exprs_until_close(mut i: &str, depth: usize) -> PResult<'_, Vec<Expr>> {
    let mut out = Vec::new();
    while !skip_ws(i).starts_with(')') {
        let (rest, e) = parse_expr(i, depth)?;
        out.push(e);
        i = rest;
    }
    Ok((i, out))
}

fn operator_word(i: &str) -> Option<(&str, &str)> {
    let i = skip_ws(i);
    let end = i
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || *c == '(' || *c == ')')
        .map_or(i.len(), |(n, _)| n);
    (end > 0).then(|| (&i[end..], &i[..end]))
}

fn form(i: &str, depth: usize) -> PResult<'_, Expr> {
    let at = skip_ws(i);
    let Some((rest, head)) = operator_word(i) else {
        return fail(at, "an expression form");
    };
    if let Some(op) = BinaryOp::parse(head) {
        let (rest, lhs) = parse_expr(rest, depth)?;
        let (rest, rhs) = parse_expr(rest, depth)?;
        return Ok((rest, Expr::binary(op, lhs, rhs)));
    }
    if let Some(op) = UnaryOp::parse(head) {
        let (rest, operand) = parse_expr(rest, depth)?;
        return Ok((
            rest,
            Expr::Unary {
                op,
                operand: Box::new(operand),
            },
        ));
    }
    match head {
        "path" => {
            let (mut rest, base) = parse_expr(rest, depth)?;
            let mut steps = Vec::new();
            loop {
                let r = skip_ws(rest);
                if r.starts_with(')') {
                    break;
                }
                let (r2, step) = if r.starts_with('"') {
                    let (r2, f) = string(r)?;
                    (r2, PathStep::Field(f))
                } else if let Some(r2) = r.strip_prefix("**") {
                    (r2, PathStep::Descendants)
                } else if let Some(r2) = r.strip_prefix('*') {
                    (r2, PathStep::Wildcard)
                } else if let Some(r2) = r.strip_prefix('[') {
                    let (r2, e) = parse_expr(r2, depth)?;
                    let (r2, _) = expect(punct("]"), "`]`")(r2)?;
                    (r2, PathStep::Filter(e))
                } else if let Some(r2) = r.strip_prefix('{') {
                    let (r2, e) = parse_expr(r2, depth)?;
                    let (r2, _) = expect(punct("}"), "`}`")(r2)?;
                    (r2, PathStep::Map(e))
                } else {
                    return fail(r, "a path step: a field, *, **, [filter] or {map}");
                };
                steps.push(step);
                rest = r2;
            }
            Ok((
                rest,
                Expr::Path {
                    base: Box::new(base),
                    steps,
                },
            ))
        }
        "jsonpath" => {
            let (mut rest, base) = parse_expr(rest, depth)?;
            let mut selectors = Vec::new();
            while !skip_ws(rest).starts_with(')') {
                let (r, s) = selector(rest, depth)?;
                selectors.push(s);
                rest = r;
            }
            Ok((
                rest,
                Expr::JsonPath {
                    base: Box::new(base),
                    selectors,
                },
            ))
        }
        "if" => {
            let (rest, test) = parse_expr(rest, depth)?;
            let (rest, then) = parse_expr(rest, depth)?;
            let (rest, otherwise) = if skip_ws(rest).starts_with(')') {
                (rest, None)
            } else {
                let (r, o) = parse_expr(rest, depth)?;
                (r, Some(Box::new(o)))
            };
            Ok((
                rest,
                Expr::Cond {
                    test: Box::new(test),
                    then: Box::new(then),
                    otherwise,
                },
            ))
        }
        "array" => {
            let (rest, items) = exprs_until_close(rest, depth)?;
            Ok((rest, Expr::Array(items)))
        }
        "object" => {
            let mut rest = rest;
            let mut fields = Vec::new();
            while !skip_ws(rest).starts_with(')') {
                let (r, _) = expect(punct("("), "`(` opening a field")(rest)?;
                let (r, k) = parse_expr(r, depth)?;
                let (r, v) = parse_expr(r, depth)?;
                let (r, _) = expect(punct(")"), "`)`")(r)?;
                fields.push((k, v));
                rest = r;
            }
            Ok((rest, Expr::Object(fields)))
        }
        "call" => {
            let at = skip_ws(rest);
            let (rest, fname) = string(rest)?;
            let Some(func) = Func::from_name(&fname) else {
                return cut_fail(at, "F0101", "a known function name");
            };
            let (rest, args) = exprs_until_close(rest, depth)?;
            Ok((rest, Expr::Call { func, args }))
        }
        "lambda" => {
            let (mut rest, _) = punct("(")(rest)?;
            let mut params = Vec::new();
            loop {
                let r = skip_ws(rest);
                if let Some(r) = r.strip_prefix(')') {
                    rest = r;
                    break;
                }
                let (r, p) = if r.starts_with('"') {
                    string(r)?
                } else {
                    var_ident(r)?
                };
                params.push(p);
                rest = r;
            }
            let (rest, body) = parse_expr(rest, depth)?;
            Ok((
                rest,
                Expr::Lambda {
                    params,
                    body: Box::new(body),
                },
            ))
        }
        _ => cut_fail(
            at,
            "F0101",
            "an expression form: an operator, path, jsonpath, if, array, object, call or lambda",
        ),
    }
}

fn int(i: &str) -> PResult<'_, i64> {
    let at = skip_ws(i);
    let (rest, n) = number(i)?;
    match n.parse::<i64>() {
        Ok(n) => Ok((rest, n)),
        Err(_) => cut_fail(at, "F0101", "an integer"),
    }
}

fn opt_int(i: &str) -> PResult<'_, Option<i64>> {
    let r = skip_ws(i);
    if r.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        let (r, n) = int(r)?;
        Ok((r, Some(n)))
    } else {
        Ok((r, None))
    }
}

fn selector(i: &str, depth: usize) -> PResult<'_, Selector> {
    let r = skip_ws(i);
    if r.starts_with('"') {
        let (r, f) = string(r)?;
        return Ok((r, Selector::Field(f)));
    }
    if let Some(r) = r.strip_prefix("..") {
        return Ok((r, Selector::Descendants));
    }
    if let Some(r) = r.strip_prefix('*') {
        return Ok((r, Selector::Wildcard));
    }
    if let Some(r) = r.strip_prefix("[?") {
        let (r, e) = parse_expr(r, depth)?;
        let (r, _) = expect(punct("]"), "`]`")(r)?;
        return Ok((r, Selector::Filter(e)));
    }
    if let Some(r) = r.strip_prefix('[') {
        let (r, start) = opt_int(r)?;
        let (r, _) = expect(punct(":"), "`:` in a slice")(r)?;
        let (r, end) = opt_int(r)?;
        let (r, step) = match punct(":")(r) {
            Ok((r, _)) => opt_int(r)?,
            Err(_) => (r, None),
        };
        let (r, _) = expect(punct("]"), "`]`")(r)?;
        return Ok((r, Selector::Slice { start, end, step }));
    }
    if let Some(r) = r.strip_prefix('(') {
        let (mut r, _) = expect(kw("union"), "`union`")(r)?;
        let mut items = Vec::new();
        while !skip_ws(r).starts_with(')') {
            let (r2, s) = selector(r, depth)?;
            items.push(s);
            r = r2;
        }
        let (r, _) = punct(")")(r)?;
        return Ok((r, Selector::Union(items)));
    }
    match int(r) {
        Ok((r, n)) => Ok((r, Selector::Index(n))),
        Err(_) => fail(r, "a JSONPath selector"),
    }
}

fn str_list(i: &str) -> PResult<'_, Vec<String>> {
    list(i, string)
}

fn opt_str(i: &str) -> PResult<'_, Option<String>> {
    if let Ok((r, _)) = kw("none")(i) {
        return Ok((r, None));
    }
    let (r, s) = expect(string, "a string or `none`")(i)?;
    Ok((r, Some(s)))
}

fn word<'a, T>(i: &'a str, parse: fn(&str) -> Option<T>, what: &'static str) -> PResult<'a, T> {
    let at = skip_ws(i);
    let (r, w) = ident(i)?;
    match parse(w) {
        Some(v) => Ok((r, v)),
        None => cut_fail(at, "F0101", what),
    }
}

/// Parse a call target (after `target`).
pub fn parse_target(i: &str) -> PResult<'_, CallTarget> {
    if let Ok((r, _)) = kw("http")(i) {
        let (r, _) = kw("connection")(r)?;
        let (r, connection) = opt_str(r)?;
        return Ok((r, CallTarget::Http { connection }));
    }
    if let Ok((r, _)) = kw("s3_item_reader")(i) {
        return Ok((r, CallTarget::S3ItemReader));
    }
    if let Ok((r, _)) = kw("apigateway")(i) {
        return Ok((r, CallTarget::ApiGateway));
    }
    if let Ok((r, _)) = kw("unsupported")(i) {
        let (r, reason) = string(r)?;
        return Ok((r, CallTarget::Unsupported { reason }));
    }
    let (r, _) = expect(
        kw("sdk"),
        "`sdk`, `http`, `apigateway`, `s3_item_reader` or `unsupported`",
    )(i)?;
    let (r, client) = string(r)?;
    let (r, method) = string(r)?;
    let (r, operation) = string(r)?;
    let (r, _) = kw("names")(r)?;
    let (r, names) = word(r, MemberNames::parse, "`api` or `pascal`")?;
    let (r, _) = kw("encode")(r)?;
    let (r, encode) = list(r, |x| {
        let (x, _) = punct("(")(x)?;
        let (x, path) = str_list(x)?;
        let (x, how) = word(x, Encode::parse, "`json_text` or `json_bytes`")?;
        let (x, _) = punct(")")(x)?;
        Ok((x, Encoding { path, how }))
    })?;
    let (r, _) = kw("decode")(r)?;
    let (r, decode) = list(r, str_list)?;
    let (r, wait) = match kw("wait")(r) {
        Err(_) => (r, None),
        Ok((r, _)) => {
            let (r, method) = string(r)?;
            let (r, _) = kw("args")(r)?;
            let (r, args) = list(r, |x| {
                let (x, _) = punct("(")(x)?;
                let (x, arg_name) = string(x)?;
                let (x, from) = word(x, ArgFrom::parse, "`request` or `response`")?;
                let (x, path) = str_list(x)?;
                let (x, many) = word(
                    x,
                    |w| match w {
                        "list" => Some(true),
                        "one" => Some(false),
                        _ => None,
                    },
                    "`list` or `one`",
                )?;
                let (x, _) = punct(")")(x)?;
                Ok((
                    x,
                    WaitArg {
                        name: arg_name,
                        from,
                        path,
                        list: many,
                    },
                ))
            })?;
            let (r, _) = kw("waiter")(r)?;
            let (r, waiter) = opt_str(r)?;
            let (r, _) = kw("status")(r)?;
            let (r, status) = str_list(r)?;
            let (r, _) = kw("success")(r)?;
            let (r, success) = str_list(r)?;
            let (r, _) = kw("failure")(r)?;
            let (r, failure) = str_list(r)?;
            let (r, _) = kw("parse_json")(r)?;
            let (r, parse_json) = list(r, str_list)?;
            (
                r,
                Some(SyncWait {
                    method,
                    args,
                    waiter,
                    status,
                    success,
                    failure,
                    parse_json,
                }),
            )
        }
    };
    Ok((
        r,
        CallTarget::Sdk(SdkCall {
            client,
            method,
            operation,
            names,
            encode,
            decode,
            wait,
        }),
    ))
}
