//! Shared plumbing of the reference tests: the pinned npm evaluators (installed from the
//! lockfile on first use), the test venv's Python, and comparison of JSON results.
//! Both tools are required: a missing one fails the test, it never skips.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `tests/jsonata` with its node_modules installed from package-lock.json.
pub fn npm_dir() -> PathBuf {
    let dir = root().join("tests/jsonata");
    let installed = ["jsonata", "jsonpath-plus"].iter().all(|p| {
        dir.join("node_modules")
            .join(p)
            .join("package.json")
            .is_file()
    });
    if !installed {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .status()
            .expect("npm must be installed to run the reference evaluators");
        assert!(status.success(), "npm ci in tests/jsonata failed");
    }
    dir
}

/// The test venv's Python (scripts/python-env.sh exports FERRY_PYTHON).
pub fn python() -> String {
    std::env::var("FERRY_PYTHON").unwrap_or_else(|_| {
        panic!(
            "FERRY_PYTHON is not set: run `source scripts/python-env.sh` first (tests never skip)"
        )
    })
}

/// Run node on eval.mjs with the cases; one JSON object per case id.
pub fn node_eval(cases: &Value, work: &Path) -> Vec<Value> {
    let dir = npm_dir();
    let file = work.join("cases.json");
    std::fs::write(&file, cases.to_string()).unwrap();
    let out = Command::new("node")
        .arg(dir.join("eval.mjs"))
        .arg(&file)
        .current_dir(&dir)
        .output()
        .expect("node must be installed to run the reference evaluators");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    lines(&out.stdout)
}

/// Run a Python script; one JSON object per output line.
pub fn python_eval(script: &Path) -> Vec<Value> {
    let out = Command::new(python())
        .arg(script)
        .output()
        .expect("the test venv's Python runs");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    lines(&out.stdout)
}

fn lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l}: {e}")))
        .collect()
}

/// JSON equality with numbers compared by value (1 == 1.0).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// The outcome of one evaluation: `ok` value, `undefined`, or an error.
pub fn outcome(v: &Value) -> Result<Option<&Value>, &str> {
    if let Some(e) = v.get("error") {
        return Err(e.as_str().unwrap_or("error"));
    }
    if v.get("undefined").is_some() {
        return Ok(None);
    }
    Ok(v.get("ok"))
}
