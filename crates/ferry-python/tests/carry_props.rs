//! Property: a carried body keeps every string literal and comment byte-identical
//! (at any target indentation), and for a line-prefixing consumer every literal keeps
//! its value (rewritten to one line only where its inner lines start left of the prefix).

use ferry_diagnostics::SourceMap;
use ferry_python::ast::{Expr, Stmt};
use ferry_python::{CarriedFunction, Layout};
use proptest::prelude::*;
use ruff_python_ast::token::TokenKind;
use ruff_text_size::Ranged;

fn chunk() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a",
        " ",
        "\n",
        "\n\n",
        "    ",
        "\t",
        "#x",
        "'",
        "\\\\",
        "\\n",
        "é",
        "{{",
        "\\\n",
        "  SELECT *",
    ])
}

fn content() -> impl Strategy<Value = String> {
    prop::collection::vec(chunk(), 0..8).prop_map(|c| c.concat())
}

/// One statement (possibly several lines) at `indent`.
fn statement(indent: &'static str) -> impl Strategy<Value = String> {
    let ind = indent;
    prop_oneof![
        content().prop_map(move |c| format!("{ind}s = \"\"\"{c}\"\"\"\n")),
        content().prop_map(move |c| format!("{ind}t = f\"\"\"{c}{{a!r}}\n{c}\"\"\"\n")),
        content().prop_map(move |c| format!(
            "{ind}u = rb'''{}'''\n",
            c.replace(['\\', '\'', '{'], "")
                .replace('é', "e")
                .replace('\n', "\n    r")
        )),
        (0usize..9).prop_map(move |n| format!("{}# comment at {n} 'q' \"\"\"\n", " ".repeat(n))),
        content().prop_map(move |c| format!(
            "{ind}if a:\n{ind}    v = ('x'  # trailing\n{}'{}')\n",
            " ".repeat(3),
            c.replace(['\n', '\\', '\''], "")
        )),
        Just(format!("{ind}w = [\n1,\n  2]  # closing\n")),
        Just(format!("{ind}\n")),
    ]
}

fn function() -> impl Strategy<Value = String> {
    prop::collection::vec(statement("    "), 1..6)
        .prop_map(|stmts| format!("def f(a):\n    x = 1\n{}    return x\n", stmts.concat()))
}

struct Tokens {
    strings: Vec<String>,
    comments: Vec<String>,
    values: Vec<String>,
}

fn tokens_of(text: &str) -> Tokens {
    let parsed = ruff_python_parser::parse_module(text).expect("re-parses");
    let mut strings = Vec::new();
    let mut comments = Vec::new();
    for t in parsed.tokens().iter() {
        let slice = &text[t.range().start().to_usize()..t.range().end().to_usize()];
        match t.kind() {
            TokenKind::Comment => comments.push(slice.to_string()),
            TokenKind::String => strings.push(slice.to_string()),
            _ => {}
        }
    }
    let mut values = Vec::new();
    collect_values(parsed.syntax().body.as_slice(), &mut values);
    Tokens {
        strings,
        comments,
        values,
    }
}

fn collect_values(body: &[Stmt], out: &mut Vec<String>) {
    use ferry_python::ast::visitor::{Visitor, walk_expr};
    struct V<'o>(&'o mut Vec<String>);
    impl<'a> Visitor<'a> for V<'_> {
        fn visit_expr(&mut self, e: &'a Expr) {
            match e {
                Expr::StringLiteral(s) => self.0.push(s.value.to_str().to_string()),
                Expr::BytesLiteral(b) => self
                    .0
                    .push(format!("{:?}", b.value.bytes().collect::<Vec<u8>>())),
                Expr::FString(f) => {
                    // Literal text and fields in order; empty literals carry no value.
                    let mut v = String::new();
                    for part in f.value.iter() {
                        match part {
                            ruff_python_ast::FStringPart::Literal(l) => v.push_str(&l.value),
                            ruff_python_ast::FStringPart::FString(fs) => {
                                for el in fs.elements.iter() {
                                    match el {
                                        ruff_python_ast::InterpolatedStringElement::Literal(l) => v.push_str(&l.value),
                                        ruff_python_ast::InterpolatedStringElement::Interpolation(i) => v.push_str(&format!(
                                            "{{{:?}!{:?}}}",
                                            ruff_python_ast::comparable::ComparableExpr::from(&*i.expression),
                                            i.conversion
                                        )),
                                    }
                                }
                            }
                        }
                    }
                    self.0.push(v);
                }
                _ => {}
            }
            walk_expr(self, e);
        }
    }
    V(out).visit_body(body);
}

fn carry(source: &str, layout: Layout<'_>) -> (String, Vec<ferry_python::TextRange>) {
    let mut sources = SourceMap::new();
    let file = sources.add("m.py", source);
    let (module, diagnostics) = ferry_python::parse(&sources, file).unwrap();
    assert!(diagnostics.is_empty(), "{source}");
    let Stmt::FunctionDef(def) = &module.body()[0] else {
        panic!("no function")
    };
    let carried = CarriedFunction::carry(&module, def, Vec::new(), layout).expect("carries");
    assert!(carried.inexact.is_empty(), "{source}");
    (carried.body_text, carried.flattened)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn strings_and_comments_stay_byte_identical(source in function()) {
        let original = tokens_of(&source);
        let (body, flattened) = carry(&source, Layout::Indent("        "));
        prop_assert!(flattened.is_empty());
        let wrapped = format!("class K:\n    def g(a):\n{body}");
        let carried = tokens_of(&wrapped);
        prop_assert_eq!(&carried.strings, &original.strings);
        prop_assert_eq!(&carried.comments, &original.comments);
    }

    #[test]
    fn line_prefix_consumers_get_equal_values(source in function()) {
        let original = tokens_of(&source);
        let (body, flattened) = carry(&source, Layout::LinePrefix("    "));
        let prefixed: String = body
            .lines()
            .map(|l| if l.is_empty() { "\n".to_string() } else { format!("    {l}\n") })
            .collect();
        let wrapped = format!("def g(a):\n{prefixed}");
        let carried = tokens_of(&wrapped);
        prop_assert_eq!(&carried.comments, &original.comments);
        prop_assert_eq!(&carried.values, &original.values);
        if flattened.is_empty() {
            prop_assert_eq!(&carried.strings, &original.strings);
        }
    }
}
