//! `ferry compile --check` / `--diff` end to end: an untouched output is identical
//! (exit 0), a hand edit is a difference with its diff (exit 1), recompiling makes it
//! identical again; nothing is ever written, a missing --out is not created, a
//! symlinked folder or file is reported without being read through, and user files
//! the manifest does not list are ignored. Also `--frontend X` on a folder.

use std::collections::BTreeMap;
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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every entry below `dir` (links not followed) with its bytes or link target.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let path = e.path().to_path_buf();
            let bytes = if e.path_is_symlink() {
                std::fs::read_link(&path)
                    .unwrap()
                    .to_string_lossy()
                    .as_bytes()
                    .to_vec()
            } else if e.file_type().is_file() {
                std::fs::read(&path).unwrap()
            } else {
                Vec::new()
            };
            (path, bytes)
        })
        .collect()
}

const INPUT: &str = "golden/asl/sagemaker_recipe.asl.json";

#[test]
fn check_and_diff_follow_edits_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let out_s = out.to_str().unwrap();

    // Nothing there yet: every file would be added, and --out is not created.
    let fresh = ferry(&["compile", "--check", INPUT, "--out", out_s]);
    assert_eq!(fresh.status.code(), Some(1), "{}", text(&fresh.stderr));
    assert!(
        text(&fresh.stdout).contains("added: "),
        "{}",
        text(&fresh.stdout)
    );
    assert!(!out.exists(), "--check created the output folder");

    let compiled = ferry(&["compile", INPUT, "--out", out_s, "--html"]);
    assert_eq!(
        compiled.status.code(),
        Some(0),
        "{}",
        text(&compiled.stderr)
    );
    let project = out.join("sagemaker_recipe");
    let before = snapshot(&out);

    // Untouched: identical, nothing on stdout.
    for mode in ["--check", "--diff"] {
        let same = ferry(&["compile", mode, INPUT, "--out", out_s, "--html"]);
        assert_eq!(
            same.status.code(),
            Some(0),
            "{mode}: {}",
            text(&same.stdout)
        );
        assert_eq!(text(&same.stdout), "", "{mode}");
    }
    // Without --html, report.html is the user's business: not compared, not listed.
    let without = ferry(&["compile", "--check", INPUT, "--out", out_s]);
    assert_eq!(
        without.status.code(),
        Some(1),
        "the manifest lists report.html"
    );
    assert!(
        text(&without.stdout).contains("removed: ")
            && text(&without.stdout).contains("report.html"),
        "{}",
        text(&without.stdout)
    );

    // A hand edit, and a file of the user's next to the project.
    let run_py = project.join("run.py");
    let original = std::fs::read_to_string(&run_py).unwrap();
    let edited = original.replacen("def main", "def main_edited_by_hand", 1);
    assert_ne!(edited, original);
    std::fs::write(&run_py, &edited).unwrap();
    std::fs::write(project.join("NOTES.txt"), "mine\n").unwrap();
    let edited_tree = snapshot(&out);

    let check = ferry(&["compile", "--check", INPUT, "--out", out_s, "--html"]);
    assert_eq!(check.status.code(), Some(1));
    let listed = text(&check.stdout);
    assert_eq!(
        listed.trim(),
        format!("changed: {out_s}/sagemaker_recipe/run.py"),
        "{listed}"
    );
    let diff = ferry(&["compile", "--diff", INPUT, "--out", out_s, "--html"]);
    assert_eq!(diff.status.code(), Some(1));
    let diff_text = text(&diff.stdout);
    assert!(
        diff_text.contains(&format!("--- {out_s}/sagemaker_recipe/run.py\n"))
            && diff_text.contains(&format!("+++ {out_s}/sagemaker_recipe/run.py\n"))
            && diff_text.contains("-def main_edited_by_hand")
            && diff_text.contains("+def main"),
        "{diff_text}"
    );
    assert!(diff_text.contains("@@ "), "{diff_text}");
    assert_eq!(
        snapshot(&out),
        edited_tree,
        "--check/--diff wrote something"
    );

    // Recompiling (the edit needs --force) makes it identical again; the user's file stays.
    let refused = ferry(&["compile", INPUT, "--out", out_s, "--html"]);
    assert_eq!(
        refused.status.code(),
        Some(1),
        "an edited file is not overwritten"
    );
    let forced = ferry(&["compile", INPUT, "--out", out_s, "--html", "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced.stderr));
    let again = ferry(&["compile", "--check", INPUT, "--out", out_s, "--html"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stdout));
    let mut after = snapshot(&out);
    after.remove(&project.join("NOTES.txt"));
    assert_eq!(after, before);
}

#[test]
fn check_never_reads_through_a_symlink() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let out_s = out.to_str().unwrap();
    let compiled = ferry(&["compile", INPUT, "--out", out_s]);
    assert_eq!(
        compiled.status.code(),
        Some(0),
        "{}",
        text(&compiled.stderr)
    );
    let project = out.join("sagemaker_recipe");

    // steps/ swapped for a link to an identical copy elsewhere: still a difference,
    // because compile would refuse to write through it.
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::rename(project.join("steps"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, project.join("steps")).unwrap();
    let check = ferry(&["compile", "--check", INPUT, "--out", out_s]);
    assert_eq!(check.status.code(), Some(1));
    let listed = text(&check.stdout);
    assert!(
        listed.lines().all(|l| l.starts_with("not a plain file: ")) && listed.contains("/steps/"),
        "{listed}"
    );
    let diff = ferry(&["compile", "--diff", INPUT, "--out", out_s]);
    assert_eq!(diff.status.code(), Some(1));
    assert!(
        text(&diff.stdout).contains("it was not read"),
        "{}",
        text(&diff.stdout)
    );

    // A generated file replaced by a link to a file with the very same bytes.
    std::fs::remove_file(project.join("steps")).unwrap();
    std::fs::rename(&elsewhere, project.join("steps")).unwrap();
    let copy = tmp.path().join("run_copy.py");
    std::fs::copy(project.join("run.py"), &copy).unwrap();
    std::fs::remove_file(project.join("run.py")).unwrap();
    std::os::unix::fs::symlink(&copy, project.join("run.py")).unwrap();
    let check = ferry(&["compile", "--check", INPUT, "--out", out_s]);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(
        text(&check.stdout).trim(),
        format!("not a plain file: {out_s}/sagemaker_recipe/run.py")
    );

    // The project folder itself a link: an F0004 error, nothing read.
    let moved = tmp.path().join("moved");
    std::fs::rename(&project, &moved).unwrap();
    std::os::unix::fs::symlink(&moved, &project).unwrap();
    let check = ferry(&["compile", "--check", INPUT, "--out", out_s]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stderr).contains("F0004"),
        "{}",
        text(&check.stderr)
    );
}

#[test]
fn forced_front_end_reads_only_its_files_in_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::copy(
        root().join("golden/asl/all_states.asl.json"),
        dir.join("machine.json"),
    )
    .unwrap();
    std::fs::write(dir.join("helper.py"), "import dagster\nx = (\n").unwrap();
    std::fs::write(dir.join("config.yaml"), "key: [unclosed\n").unwrap();
    std::fs::write(dir.join("query.sql"), "select 1;\n").unwrap();
    let d = dir.to_str().unwrap();

    let asl = ferry(&["check", "--frontend", "asl", d]);
    let stderr = text(&asl.stderr);
    assert!(
        !stderr.contains("F0401") && !stderr.contains("helper.py"),
        "{stderr}"
    );
    // config.yaml is an ASL candidate and is read as one (and fails as one).
    assert!(stderr.contains("config.yaml"), "{stderr}");

    let dagster = ferry(&["check", "--frontend", "dagster", d]);
    let stderr = text(&dagster.stderr);
    assert!(
        !stderr.contains("config.yaml")
            && !stderr.contains("machine.json")
            && !stderr.contains("query.sql"),
        "{stderr}"
    );
    assert!(stderr.contains("F0401"), "the .py is read: {stderr}");
}
