//! The text form round-trips: print(parse(t)) == t for the golden examples and for
//! generated workflows, and malformed text gives coded diagnostics, never a panic.

use std::path::Path;

use ferry_diagnostics::FileId;
use ferry_ir::text::{parse, print};

fn golden_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../golden/ir")
}

#[test]
fn golden_examples_round_trip() {
    let mut seen = 0;
    for entry in std::fs::read_dir(golden_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ferry") {
            continue;
        }
        seen += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let wf = parse(&text, FileId(0)).unwrap_or_else(|d| panic!("{}: {d:#?}", path.display()));
        let printed = print(&wf);
        let reparsed = parse(&printed, FileId(0)).unwrap();
        assert_eq!(wf, reparsed, "{}", path.display());
        assert_eq!(printed, print(&reparsed), "{}", path.display());
        let problems = ferry_ir::verify::verify(&wf, Default::default());
        assert!(problems.is_empty(), "{}: {problems:#?}", path.display());
    }
    assert!(
        seen >= 3,
        "expected at least three golden .ferry files, found {seen}"
    );
}

#[test]
fn hostile_strings_round_trip() {
    for s in [
        "",
        "\"",
        "\\",
        "a\nb",
        "\r\t",
        "\u{0}",
        "\u{7f}",
        "日本語",
        "\u{202e}evil",
        "}{][",
        "# not a comment",
        "@0:1..2",
    ] {
        let text = format!(
            "workflow {} frontend ir\nsource 0 {}\n",
            ferry_ir::text::quote(s),
            ferry_ir::text::quote(s)
        );
        let wf = parse(&text, FileId(0)).unwrap_or_else(|d| panic!("{s:?}: {d:#?}"));
        assert_eq!(wf.name, s);
        assert_eq!(wf.sources[0].path, s);
        assert_eq!(print(&wf), text);
    }
}

#[test]
fn malformed_text_is_a_coded_diagnostic() {
    let cases = [
        ("", "F0101"),
        ("workflow \"x\" frontend cobol\n", "F0101"),
        (
            "workflow \"x\" frontend ir\npipeline p \"p\" @- {\n  edge a -> b order @-\n}\n",
            "F0103",
        ),
        (
            "workflow \"x\" frontend ir\npipeline p \"p\" @- {\n  step a \"a\" @- {\n    kind teleport\n  }\n}\n",
            "F0101",
        ),
        ("workflow \"unterminated frontend ir\n", "F0101"),
    ];
    for (text, code) in cases {
        let err = parse(text, FileId(0)).expect_err(text);
        assert_eq!(err[0].code, code, "{text}: {err:#?}");
        assert!(!err[0].labels.is_empty(), "{text}: no span");
    }
    let deep = format!(
        "workflow \"x\" frontend ir\npipeline p \"p\" @- {{\n  step a \"a\" @- {{\n    kind transform {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(parse(&deep, FileId(0)).unwrap_err()[0].code, "F0102");
}
