//! Issue 10, finding 1 (owned by the back-end rewrite, which types every piece of input
//! text that reaches generated code): an ASL Task `Resource` whose service part holds a
//! newline and a Python payload used to be interpolated raw into a `# Migration note:`
//! comment, so the payload became an executable line of `steps/*.py`. This test compiles
//! such input with the `ferry` binary and requires the payload to appear in generated
//! Python only inside comment or string tokens. It is expected to fail until the
//! back-end rewrite lands; it is deliberately not ignored.

use std::path::{Path, PathBuf};
use std::process::Command;

use ruff_python_ast::token::TokenKind;
use ruff_text_size::Ranged;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const PAYLOAD: &str = "__import__('os').system('touch PWNED')";

/// Problems: every token of `source` that carries the payload outside a literal or a
/// comment.
fn payload_outside_literals(source: &str) -> Vec<String> {
    let Ok(parsed) = ruff_python_parser::parse_module(source) else {
        return vec!["does not parse".into()];
    };
    parsed
        .tokens()
        .iter()
        .filter(|t| {
            !matches!(
                t.kind(),
                TokenKind::Comment
                    | TokenKind::String
                    | TokenKind::FStringMiddle
                    | TokenKind::TStringMiddle
            )
        })
        .filter(|t| source[t.range()].contains("__import__"))
        .map(|t| {
            format!(
                "{:?} token `{}` at {:?}",
                t.kind(),
                &source[t.range()],
                t.range()
            )
        })
        .collect()
}

#[test]
fn finding1_resource_newline_never_becomes_code() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("injected.asl.json");
    let resource = format!("arn:aws:states:::ecs\n    {PAYLOAD}\n    #:runTask.sync");
    let definition = serde_json::json!({
        "StartAt": "Run",
        "States": {
            "Run": {"Type": "Task", "Resource": resource, "End": true}
        }
    });
    std::fs::write(&input, definition.to_string()).unwrap();
    let out_dir = dir.path().join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["compile", "-q", "--out"])
        .arg(&out_dir)
        .arg(&input)
        .current_dir(root())
        .output()
        .unwrap();
    let mut problems = Vec::new();
    for entry in walkdir::WalkDir::new(&out_dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "py") {
            let source = std::fs::read_to_string(path).unwrap();
            for p in payload_outside_literals(&source) {
                problems.push(format!("{}: {p}", path.display()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "input text became code:\n{}\n(ferry stderr: {})",
        problems.join("\n"),
        String::from_utf8_lossy(&out.stderr)
    );
}
