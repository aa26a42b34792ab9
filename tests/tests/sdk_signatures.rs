//! ferry binds positional arguments of SageMaker SDK job classes to parameter names
//! (`ferry_sagemaker::signatures`). A wrong row would silently move a value to another
//! parameter, so every row is checked against the signature of the SDK pinned in
//! scripts/requirements-test.txt, read with Python's `inspect`. Needs FERRY_PYTHON
//! (scripts/python-env.sh); fails without it.

use std::io::Write;
use std::process::{Command, Stdio};

const CHECK: &str = r#"
import importlib, inspect, json, sys
rows = json.load(sys.stdin)
wrong = []
for qualified, expected in rows:
    module, _, name = qualified.rpartition(".")
    try:
        obj = getattr(importlib.import_module(module), name)
    except Exception as e:
        wrong.append(f"{qualified}: cannot import: {e}")
        continue
    if inspect.isclass(obj):
        params = list(inspect.signature(obj.__init__).parameters.values())[1:]
    else:
        params = list(inspect.signature(obj).parameters.values())
    actual = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if actual[: len(expected)] != expected:
        wrong.append(f"{qualified}: ferry says {expected}, the SDK says {actual[: len(expected)]}")
for line in wrong:
    print("WRONG:", line)
print(f"checked {len(rows)} classes", file=sys.stderr)
"#;

#[test]
fn positional_parameters_match_the_pinned_sdk() {
    let python = std::env::var("FERRY_PYTHON")
        .expect("FERRY_PYTHON is not set: run the tests through scripts/test.sh");
    let rows = serde_json::to_string(ferry_sagemaker::signatures::POSITIONAL_PARAMETERS)
        .expect("the table serialises");
    let mut child = Command::new(python)
        .args(["-c", CHECK])
        .env("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(rows.as_bytes())
        .expect("the table is written");
    let out = child.wait_with_output().expect("python ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the check failed:\n{stderr}");
    assert!(
        stderr.contains("checked "),
        "the check did not run:\n{stderr}"
    );
    // The SDK prints its own INFO lines on stdout.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let wrong: Vec<&str> = stdout.lines().filter(|l| l.starts_with("WRONG:")).collect();
    assert!(
        wrong.is_empty(),
        "rows of ferry_sagemaker::signatures that the SDK contradicts:\n{}",
        wrong.join("\n")
    );
}
