//! Issue 10's findings against the `ferry` binary: hostile names (2), writes through
//! symlinks (3), input limits instead of running out of memory (6) and NUL bytes in
//! Python (7). Each test is the reproducer of its finding.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ferry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("ferry runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect()
}

#[test]
fn finding2_hostile_ferry_name_never_reaches_generated_code() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("evil.ferry");
    let text = std::fs::read_to_string(root().join("golden/ir/ml_gate.ferry")).unwrap();
    // Rename the first parameter to a quoted Python payload, everywhere it is used.
    let param = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("param "))
        .and_then(|rest| rest.split(':').next())
        .unwrap()
        .to_string();
    let evil = text.replace(
        &format!("param {param}"),
        "param \"a=__import__('os').system('touch PWNED')\"",
    );
    std::fs::write(&input, evil).unwrap();
    let out_dir = dir.path().join("out");
    let out = ferry(&[
        "compile",
        "--out",
        out_dir.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("F0104"), "{}", stderr(&out));
    assert!(files_under(&out_dir).is_empty(), "nothing may be written");
}

#[test]
fn finding3_symlinked_project_folder_is_refused_by_compile() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), out_dir.join("ml_gate")).unwrap();
    for force in [false, true] {
        let mut args = vec![
            "compile",
            "-q",
            "--out",
            out_dir.to_str().unwrap(),
            "golden/ir/ml_gate.ferry",
        ];
        if force {
            args.push("--force");
        }
        let out = ferry(&args);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("F0004"), "{}", stderr(&out));
        assert!(files_under(elsewhere.path()).is_empty());
    }
}

#[test]
fn finding6_huge_input_is_a_diagnostic_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.asl.json");
    // 20 MiB: over the default limit, checked before a byte is read.
    let mut text = String::from(
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Result\": \"",
    );
    text.push_str(&"x".repeat(20 << 20));
    text.push_str("\", \"End\": true}}}");
    std::fs::write(&big, text).unwrap();
    let out = ferry(&[
        "check",
        big.to_str().unwrap(),
        "golden/asl/all_states.asl.json",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("F0010"), "{err}");
    assert!(
        err.contains("golden/asl/all_states.asl.json: 0 error(s)"),
        "{err}"
    );
    // The limit can be raised; the step and output limits work the same way.
    let out = ferry(&[
        "check",
        "--max-steps",
        "2",
        "golden/asl/all_states.asl.json",
    ]);
    assert!(stderr(&out).contains("F0011"), "{}", stderr(&out));
    let out_dir = dir.path().join("out");
    let out = ferry(&[
        "compile",
        "--max-output-bytes",
        "100",
        "--out",
        out_dir.to_str().unwrap(),
        "golden/ir/ml_gate.ferry",
    ]);
    assert!(stderr(&out).contains("F0012"), "{}", stderr(&out));
    assert!(files_under(&out_dir).is_empty());
}

#[test]
fn finding7_nul_byte_in_python_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("nul_pipeline.py");
    let text = std::fs::read_to_string(root().join("golden/sagemaker/abalone_chain.py")).unwrap();
    let with_nul = text.replacen(
        "default_bucket = \"my-ml-bucket\"",
        "default_bucket = \"my-ml\0-bucket\"",
        1,
    );
    assert_ne!(with_nul, text);
    std::fs::write(&input, with_nul).unwrap();
    let out_dir = dir.path().join("out");
    let out = ferry(&[
        "compile",
        "--message-format",
        "json",
        "--out",
        out_dir.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("F0409"), "{}", stderr(&out));
    for file in files_under(&out_dir) {
        assert!(
            !std::fs::read(&file).unwrap().contains(&0),
            "{}",
            file.display()
        );
    }
    assert!(files_under(&out_dir).is_empty());
}
