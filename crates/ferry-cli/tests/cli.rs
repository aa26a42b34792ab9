//! The `ferry` binary end to end: exit codes, batches that go on after a bad input,
//! output independent of the thread count, the write guard, explain, colors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ferry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .expect("ferry runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn exit_codes() {
    assert_eq!(
        ferry(&["check", "golden/asl/all_states.asl.json"])
            .status
            .code(),
        Some(0)
    );
    // Findings at the deny level make it 1; warnings only count with --deny warning.
    assert_eq!(
        ferry(&["check", "golden/asl/invalid_duplicate_key.asl.json"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        ferry(&["check", "golden/asl/polling_loop.asl.json"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        ferry(&[
            "check",
            "--deny",
            "warning",
            "golden/asl/polling_loop.asl.json"
        ])
        .status
        .code(),
        Some(1)
    );
    // Unreadable, unparsable or unrecognised input and usage errors are 2.
    assert_eq!(
        ferry(&["check", "golden/asl/invalid_malformed.asl.json"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        ferry(&["check", "no/such/file.json"]).status.code(),
        Some(2)
    );
    assert_eq!(ferry(&["check", "README.md"]).status.code(), Some(2));
    assert_eq!(ferry(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        ferry(&["ir", "--after", "no-such-pass", "golden/ir/ml_gate.ferry"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn batch_goes_on_after_a_bad_input() {
    let out = ferry(&[
        "check",
        "--color",
        "never",
        "golden/asl/invalid_malformed.asl.json",
        "golden/asl/all_states.asl.json",
        "golden/ir/ml_gate.ferry",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error[F0301]"), "{stderr}");
    assert!(
        stderr.contains("golden/asl/all_states.asl.json: 0 error(s)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("golden/ir/ml_gate.ferry: 0 error(s)"),
        "{stderr}"
    );
}

#[test]
fn output_does_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    let many = dir.path().join("many");
    for (out, jobs) in [(&one, "1"), (&many, "4")] {
        let o = ferry(&[
            "compile",
            "-q",
            "-j",
            jobs,
            "--out",
            out.to_str().unwrap(),
            "golden/asl",
            "golden/ir",
        ]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "the invalid golden inputs make the batch exit 2: {}",
            text(&o.stderr)
        );
    }
    let list = |d: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<_> = walk(d)
            .into_iter()
            .map(|p| {
                (
                    p.strip_prefix(d).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let a = list(&one);
    assert!(
        a.len() > 100,
        "expected whole projects, got {} files",
        a.len()
    );
    assert_eq!(a, list(&many));
    let c = ferry(&["check", "--color", "never", "-j", "1", "golden/asl"]);
    let d = ferry(&["check", "--color", "never", "-j", "3", "golden/asl"]);
    assert_eq!(text(&c.stderr), text(&d.stderr));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path))
        } else {
            out.push(path)
        }
    }
    out
}

#[test]
fn compile_refuses_to_overwrite_foreign_or_edited_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let run_py = dir.path().join("ml_gate/run.py");
    std::fs::create_dir_all(run_py.parent().unwrap()).unwrap();
    std::fs::write(&run_py, "# mine\n").unwrap();
    let refused = ferry(&["compile", "-q", "--out", out, "golden/ir/ml_gate.ferry"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("F0004"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(std::fs::read_to_string(&run_py).unwrap(), "# mine\n");
    assert_eq!(
        ferry(&[
            "compile",
            "-q",
            "--force",
            "--out",
            out,
            "golden/ir/ml_gate.ferry"
        ])
        .status
        .code(),
        Some(0)
    );
    // Our own output can be regenerated without --force.
    assert_eq!(
        ferry(&["compile", "-q", "--out", out, "golden/ir/ml_gate.ferry"])
            .status
            .code(),
        Some(0)
    );
    assert!(dir.path().join("ml_gate/.ferry-manifest.json").is_file());
}

#[test]
fn explain_knows_every_code_and_no_color_is_respected() {
    let list = ferry(&["explain", "--list"]);
    assert_eq!(list.status.code(), Some(0));
    let codes = text(&list.stdout);
    for code in ["F0001", "F0101", "F0201", "F0301", "F0601", "F0701"] {
        assert!(codes.contains(code), "{code} missing from explain --list");
        let one = ferry(&["explain", code]);
        assert_eq!(one.status.code(), Some(0));
        assert!(
            text(&one.stdout).len() > 80,
            "{code} has no long explanation"
        );
    }
    assert_eq!(ferry(&["explain", "F9999"]).status.code(), Some(2));
    let colored = ferry(&[
        "check",
        "--color",
        "always",
        "golden/asl/polling_loop.asl.json",
    ]);
    assert!(text(&colored.stderr).contains('\u{1b}'));
    let plain = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["check", "golden/asl/polling_loop.asl.json"])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!text(&plain.stderr).contains('\u{1b}'));
    let json = ferry(&[
        "check",
        "--message-format",
        "json",
        "golden/asl/polling_loop.asl.json",
    ]);
    let parsed: serde_json::Value =
        serde_json::from_str(text(&json.stderr).trim()).expect("JSON diagnostics");
    assert_eq!(
        parsed[0]["location"]["path"],
        "golden/asl/polling_loop.asl.json"
    );
}

#[test]
fn ir_and_graph_commands() {
    let ir = ferry(&["ir", "golden/ir/ml_gate.ferry"]);
    assert_eq!(ir.status.code(), Some(0));
    // The printed IR of a .ferry file is itself valid input, printing the same text.
    let printed = text(&ir.stdout);
    let dir = tempfile::tempdir().unwrap();
    let again = dir.path().join("again.ferry");
    std::fs::write(&again, &printed).unwrap();
    let second = ferry(&["ir", again.to_str().unwrap()]);
    assert_eq!(text(&second.stdout), printed);
    let lowered = ferry(&["ir", "--after", "lower", "golden/asl/retry_catch.asl.json"]);
    assert!(
        !text(&lowered.stdout).contains("flagged"),
        "placeholders are flagged only by the later pass"
    );
    let all = ferry(&["ir", "golden/asl/retry_catch.asl.json"]);
    assert!(text(&all.stdout).contains("flagged"));
    assert!(
        ferry(&["ir", "--format", "json", "golden/ir/ml_gate.ferry"])
            .status
            .success()
    );
    for format in ["dot", "mermaid", "json"] {
        let g = ferry(&[
            "graph",
            "--format",
            format,
            "golden/asl/sagemaker_recipe.asl.json",
        ]);
        assert_eq!(g.status.code(), Some(0), "{format}");
    }
    let mermaid = text(
        &ferry(&[
            "graph",
            "--format",
            "mermaid",
            "golden/asl/sagemaker_recipe.asl.json",
        ])
        .stdout,
    );
    for name in [
        "DataPreprocessing",
        "ModelTraining",
        "ModelEvaluation",
        "CheckModelPerformance",
        "ModelPerformanceInsufficient",
        "ProcessingJobFailed",
        "TrainingJobFailed",
        "CreateModel",
    ] {
        assert!(mermaid.contains(name), "{name} missing from the graph");
    }
    assert!(mermaid.contains("-.->"), "error edges are dotted");
}

#[test]
fn substitutions_are_parameters_unless_filled() {
    let kept = text(&ferry(&["ir", "golden/asl/sagemaker_recipe.asl.json"]).stdout);
    assert!(kept.contains("param s3_bucket_name: string"), "{kept}");
    assert!(kept.contains("s3://${S3_BUCKET_NAME}/raw-data"));
    let filled = text(
        &ferry(&[
            "ir",
            "--subst",
            "S3_BUCKET_NAME=ml-bucket",
            "golden/asl/sagemaker_recipe.asl.json",
        ])
        .stdout,
    );
    assert!(!filled.contains("param s3_bucket_name"), "{filled}");
    assert!(filled.contains("s3://ml-bucket/raw-data"));
    assert_eq!(
        ferry(&[
            "ir",
            "--subst",
            "oops",
            "golden/asl/sagemaker_recipe.asl.json"
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn ruff_findings_point_at_the_original_source() {
    let dir = tempfile::tempdir().unwrap();
    // A stand-in for ruff that reports one finding inside a generated step module.
    let fake = dir.path().join("fake-ruff");
    std::fs::write(
        &fake,
        "#!/bin/sh\nprintf '[{\"code\":\"E999\",\"message\":\"made up\",\"filename\":\"%s/steps/model_training.py\",\"location\":{\"row\":12,\"column\":1}}]' \"$PWD\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = dir.path().join("out");
    let o = ferry(&[
        "compile",
        "--color",
        "never",
        "--ruff",
        fake.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "golden/asl/sagemaker_recipe.asl.json",
    ]);
    let stderr = text(&o.stderr);
    assert!(
        stderr.contains("warning[F0704]: ruff E999 in generated `steps/model_training.py:12`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("golden/asl/sagemaker_recipe.asl.json:"),
        "points into the ASL file: {stderr}"
    );
    assert!(
        stderr.contains("\"ModelTraining\""),
        "the label shows the source state: {stderr}"
    );
}
