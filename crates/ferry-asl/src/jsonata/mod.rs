//! JSONata (`{% ... %}` strings of JSONata states) to the expression IR: a nom lexer
//! ([`lex`]) and a precedence-climbing parser ([`parse`]). The translated subset is what
//! real state machines use: paths with predicates, wildcards and descendants, `$states`
//! and variables, arithmetic, comparison, boolean and `&` operators, conditionals,
//! array and object constructors, `~>` into a call, lambdas, and the functions of
//! [`ferry_ir::Func`] (JSONata's and Step Functions' additions). Anything else is a
//! [`Problem`] naming the construct; nothing is dropped silently.

mod lex;
mod parse;

use ferry_ir::Expr;

/// Why an expression was not translated. Offsets are bytes into the expression text
/// (the part between `{%` and `%}`).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// F0321 (does not parse, or is not allowed by Step Functions) or F0322 (valid, but
    /// outside the translated subset).
    pub code: &'static str,
    pub start: usize,
    pub end: usize,
    pub message: String,
}

impl Problem {
    fn syntax(start: usize, end: usize, message: impl Into<String>) -> Problem {
        Problem {
            code: "F0321",
            start,
            end,
            message: message.into(),
        }
    }

    fn unsupported(start: usize, end: usize, what: impl Into<String>) -> Problem {
        Problem {
            code: "F0322",
            start,
            end,
            message: format!("{} is not translated", what.into()),
        }
    }
}

/// The expression inside a `{% ... %}` string and its byte offset in the string, when
/// the whole string is one (Step Functions' rule: nothing before `{%` or after `%}`).
pub fn template_body(s: &str) -> Option<(&str, usize)> {
    let start = s.len() - s.trim_start().len();
    let t = s.trim();
    let inner = t.strip_prefix("{%")?.strip_suffix("%}")?;
    Some((inner, start + 2))
}

/// Parse one JSONata expression.
pub fn parse_expression(text: &str) -> Result<Expr, Problem> {
    let tokens = lex::tokens(text).map_err(|e| Problem::syntax(e.at, e.at + 1, e.message))?;
    parse::Parser::new(&tokens, text.len()).parse_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_ir::text::print_expr;

    fn p(s: &str) -> String {
        match parse_expression(s) {
            Ok(e) => print_expr(&e),
            Err(e) => format!("{} {}..{} {}", e.code, e.start, e.end, e.message),
        }
    }

    #[test]
    fn paths_and_states() {
        assert_eq!(p("$states.input"), "$states.input");
        assert_eq!(p("$states.input.a.b"), "(path $states.input \"a\" \"b\")");
        assert_eq!(
            p("$states.input.items[price > 10].name"),
            "(path $states.input \"items\" [(> (path @ \"price\") 10)] \"name\")"
        );
        assert_eq!(
            p("$states.result.Payload[0]"),
            "(path $states.result \"Payload\" [0])"
        );
        assert_eq!(p("$x[-1]"), "(path $x [-1])");
        assert_eq!(p("$states.input.*.**"), "(path $states.input * **)");
        assert_eq!(
            p("$states.input.names.$uppercase()"),
            "(path $states.input \"names\" {(call \"$uppercase\" @)})"
        );
        assert!(p("$states.foo").starts_with("F0321"));
        assert!(p("name").starts_with("F0321"));
        assert!(p("$$.x").starts_with("F0321"));
    }

    #[test]
    fn operators_and_constructors() {
        assert_eq!(p("'a' & $b & 'c'"), "(& (& \"a\" $b) \"c\")");
        assert_eq!(p("1 + 2 * 3"), "(+ 1 (* 2 3))");
        assert_eq!(p("-(1)"), "-1");
        assert_eq!(p("- $x"), "(neg $x)");
        assert_eq!(
            p("$a > 1 and $b < 2 or $c"),
            "(or (and (> $a 1) (< $b 2)) $c)"
        );
        assert_eq!(p("$a ? 'y' : 'n'"), "(if $a \"y\" \"n\")");
        assert_eq!(p("$a ? 'y'"), "(if $a \"y\")");
        assert_eq!(
            p("{'k': [1, $x], 'j': {}}"),
            "(object (\"k\" (array 1 $x)) (\"j\" (object)))"
        );
        assert_eq!(
            p("$map($states.input, function($v, $i) { $v * $i })"),
            "(call \"$map\" $states.input (lambda (v i) (* $v $i)))"
        );
        assert_eq!(
            p("$states.input.s ~> $uppercase()"),
            "(call \"$uppercase\" (path $states.input \"s\"))"
        );
        assert_eq!(p("'x' in ['x']"), "(in \"x\" (array \"x\"))");
    }

    #[test]
    fn problems_name_the_construct() {
        assert_eq!(
            p("$eval('1')"),
            "F0322 0..5 the function `$eval` is not translated"
        );
        assert!(p("$contains($states.input.s, /a/)").contains("regular expression"));
        assert!(p("($x := 1; $x)").contains("variable binding"));
        assert!(p("[1..3]").contains("range"));
        assert!(p("$states.input{a: b}").contains("grouping"));
        assert!(p("1 +").starts_with("F0321"));
        assert!(p("").starts_with("F0321"));
        let deep = format!("{}1{}", "(".repeat(100), ")".repeat(100));
        assert!(p(&deep).starts_with("F0322"));
    }

    #[test]
    fn template_bodies() {
        assert_eq!(template_body("{% $x %}"), Some((" $x ", 2)));
        assert_eq!(template_body("x {% $x %}"), None);
        assert_eq!(template_body("{%$x%}"), Some(("$x", 2)));
    }
}
