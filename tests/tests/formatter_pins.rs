//! ferry formats generated code with ruff's formatter crates (pinned in Cargo.toml);
//! users check it with the ruff CLI (pinned in scripts/requirements-test.txt). This
//! test keeps the two pins in step: every Python file of the corpora — code written by
//! many hands in many styles — formatted in process must already be formatted for the
//! pinned `ruff format`. Bumping one pin without the other turns it red.

use std::path::{Path, PathBuf};
use std::process::Command;

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            python_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "py") {
            out.push(p);
        }
    }
}

#[test]
fn in_process_formatter_agrees_with_the_pinned_ruff_cli() {
    let python = std::env::var("FERRY_PYTHON")
        .expect("FERRY_PYTHON is not set: run the tests through scripts/test.sh");
    let ruff = Path::new(&python).with_file_name("ruff");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let mut files = Vec::new();
    for kind in ["sagemaker", "dagster"] {
        python_files(&corpus.join(kind), &mut files);
    }
    let out = tempfile::tempdir().unwrap();
    let mut formatted = 0;
    for (i, path) in files.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        // Files that do not parse are not formatted by either.
        let Ok(code) = ferry_zenml::format_python(&text) else {
            continue;
        };
        std::fs::write(out.path().join(format!("f{i:04}.py")), code).unwrap();
        formatted += 1;
    }
    assert!(formatted > 100, "only {formatted} corpus files formatted");
    let check = Command::new(&ruff)
        .args([
            "format",
            "--check",
            "--no-cache",
            "--isolated",
            "--target-version",
            "py312",
        ])
        .arg(out.path())
        .output()
        .expect("ruff runs");
    assert!(
        check.status.success(),
        "the pinned ruff CLI would reformat files that ferry's formatter crates produced:\n{}",
        String::from_utf8_lossy(&check.stdout)
    );
    println!("{formatted} files formatted in process agree with the pinned ruff format");
}
