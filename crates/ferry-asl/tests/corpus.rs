//! The real-world corpus (../shared/corpus/asl, written by others): every valid
//! definition lowers without a panic or a verifier error, at least 97% of them with no
//! error at all, and the deliberately invalid ones get coded errors with spans.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

fn corpus() -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/asl");
    assert!(
        dir.is_dir(),
        "the ASL corpus is missing at {}",
        dir.display()
    );
    dir
}

fn definitions(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.to_string_lossy().contains(".asl."))
        .collect();
    files.sort();
    files
}

#[test]
fn valid_corpus_lowers() {
    let files = definitions(&corpus());
    assert!(
        files.len() >= 170,
        "expected the whole corpus, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let result = catch_unwind(AssertUnwindSafe(|| common::compile(&name, &text)));
        let Ok((_, workflow, diagnostics)) = result else {
            panic!("{name}: panicked");
        };
        let verifier: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.code.starts_with("F02"))
            .collect();
        assert!(verifier.is_empty(), "{name}: verifier errors {verifier:#?}");
        if workflow.is_none() || diagnostics.iter().any(|d| d.is_error()) {
            failures.push(name);
        }
    }
    let ok = files.len() - failures.len();
    let ratio = ok as f64 / files.len() as f64;
    println!(
        "corpus: {ok}/{} lower without errors ({:.1}%); failures: {failures:?}",
        files.len(),
        ratio * 100.0
    );
    assert!(
        ratio >= 0.97,
        "only {:.1}% lowered cleanly: {failures:?}",
        ratio * 100.0
    );
}

#[test]
fn invalid_corpus_is_reported() {
    let files = definitions(&corpus().join("invalid"));
    assert_eq!(files.len(), 2);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let (_, workflow, diagnostics) = common::compile("invalid.asl.json", &text);
        assert!(workflow.is_none(), "{} should not lower", path.display());
        let errors: Vec<_> = diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(!errors.is_empty(), "{}", path.display());
        assert!(
            errors
                .iter()
                .all(|d| d.code.starts_with("F03") && d.primary_span().is_some()),
            "{errors:#?}"
        );
    }
}
