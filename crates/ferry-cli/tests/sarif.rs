//! `--message-format sarif`: one SARIF 2.1.0 log on stderr per command, valid against
//! the official schema (validated by ajv from tests/sarif/), for the golden inputs and
//! for a whole corpus run (all three shared corpora compiled in memory with
//! `compile --check`, so back-end findings are included); rules carry the registry's
//! explanations, secondary labels become related locations, fingerprints are unique
//! and stable, and nothing else is printed on stderr.

mod common;

use std::path::Path;
use std::process::Command;

use common::{npm_dir, root};

fn sarif_of(args: &[&str]) -> (String, serde_json::Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .args(["--message-format", "sarif"])
        .current_dir(root())
        .output()
        .expect("ferry runs");
    let stderr = String::from_utf8(output.stderr).expect("UTF-8");
    let log: serde_json::Value = serde_json::from_str(&stderr)
        .unwrap_or_else(|e| panic!("stderr is not one JSON document ({e}):\n{stderr}"));
    (stderr, log)
}

fn validate(files: &[&Path]) {
    let dir = npm_dir("sarif");
    let output = Command::new("node")
        .arg(dir.join("check.mjs"))
        .args(files)
        .current_dir(&dir)
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "SARIF does not validate:\n{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        report.lines().filter(|l| l.starts_with("ok ")).count(),
        files.len()
    );
}

#[test]
fn golden_and_corpus_sarif_validate_against_the_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let (golden_text, golden) = sarif_of(&["check", "golden/asl", "golden/ir"]);
    let golden_file = tmp.path().join("golden.sarif");
    std::fs::write(&golden_file, &golden_text).unwrap();

    let run = &golden["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let f0302 = rules.iter().position(|r| r["id"] == "F0302").unwrap();
    assert!(
        rules[f0302]["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .len()
            > 40
    );
    let results = run["results"].as_array().unwrap();
    let duplicate = results
        .iter()
        .find(|r| r["ruleId"] == "F0302")
        .expect("the duplicate-key golden reports F0302");
    assert_eq!(duplicate["ruleIndex"], f0302);
    let region = &duplicate["locations"][0]["physicalLocation"]["region"];
    assert!(
        region["startLine"].as_u64().unwrap() >= 1 && region["startColumn"].as_u64().unwrap() >= 1
    );
    assert_eq!(
        duplicate["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "golden/asl/invalid_duplicate_key.asl.json"
    );
    assert_eq!(
        duplicate["relatedLocations"][0]["message"]["text"],
        "first occurrence"
    );
    // Stable: the same run gives the same bytes.
    assert_eq!(
        sarif_of(&["check", "golden/asl", "golden/ir"]).0,
        golden_text
    );

    let corpus = root().join("../shared/corpus");
    let out = tmp.path().join("never-created");
    let mut args = vec!["compile", "--check", "--out", out.to_str().unwrap()];
    let dirs: Vec<String> = ["asl", "sagemaker", "dagster"]
        .iter()
        .map(|d| corpus.join(d).to_string_lossy().into_owned())
        .collect();
    args.extend(dirs.iter().map(String::as_str));
    let (corpus_text, corpus_log) = sarif_of(&args);
    assert!(!out.exists());
    let corpus_file = tmp.path().join("corpus.sarif");
    std::fs::write(&corpus_file, &corpus_text).unwrap();
    let results = corpus_log["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() > 1000, "{} results", results.len());
    let mut fingerprints: Vec<&str> = results
        .iter()
        .map(|r| r["fingerprints"]["ferry/v1"].as_str().unwrap())
        .collect();
    let count = fingerprints.len();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), count, "fingerprints are unique");
    for code in ["F03", "F04", "F05", "F07"] {
        assert!(
            results
                .iter()
                .any(|r| r["ruleId"].as_str().unwrap().starts_with(code)),
            "no {code}xx result in the corpus run"
        );
    }
    validate(&[&golden_file, &corpus_file]);
}
