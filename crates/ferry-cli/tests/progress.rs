//! The batch progress bar appears on a terminal only: under a pseudo-terminal (util-linux
//! `script`) stderr shows it, in a pipe it never does, with `-q`, a machine format or
//! `CI` set it does not either, and in every case stdout and the bytes written are
//! the same.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::root;

const INPUTS: &[&str] = &[
    "golden/asl/sagemaker_recipe.asl.json",
    "golden/asl/all_states.asl.json",
    "golden/asl/polling_loop.asl.json",
];

fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Run a compile with stderr on a pseudo-terminal; returns (terminal bytes, stdout).
fn on_terminal(out: &Path, stdout: &Path, extra: &[&str], ci: bool) -> (String, Vec<u8>) {
    let mut cmd = vec![quote(env!("CARGO_BIN_EXE_ferry")), "compile".into()];
    cmd.extend(INPUTS.iter().map(|s| quote(s)));
    cmd.extend(["--out".into(), quote(out.to_str().unwrap())]);
    cmd.extend(extra.iter().map(|s| quote(s)));
    cmd.push(format!("> {}", quote(stdout.to_str().unwrap())));
    let mut script = Command::new("script");
    script
        .args(["-q", "-e", "-c", &cmd.join(" "), "/dev/null"])
        .current_dir(root())
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .env_remove("CI");
    if ci {
        script.env("CI", "true");
    }
    let output = script.output().expect("util-linux `script` runs");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        std::fs::read(stdout).unwrap(),
    )
}

#[test]
fn progress_bar_only_on_a_terminal_and_never_changes_output() {
    let tmp = tempfile::tempdir().unwrap();
    let piped_out = tmp.path().join("piped");
    let piped = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .arg("compile")
        .args(INPUTS)
        .arg("--out")
        .arg(&piped_out)
        .current_dir(root())
        .env_remove("CI")
        .output()
        .unwrap();
    assert!(
        piped.status.success(),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );
    let piped_err = String::from_utf8_lossy(&piped.stderr);
    assert!(
        !piped_err.contains("files  ") && !piped_err.contains('\r'),
        "{piped_err}"
    );
    assert!(piped.stdout.is_empty());

    let tty_out = tmp.path().join("tty");
    let (terminal, stdout) = on_terminal(&tty_out, &tmp.path().join("stdout1"), &[], false);
    assert!(
        terminal.contains("/3 files"),
        "no progress bar on the terminal:\n{terminal}"
    );
    assert!(stdout.is_empty(), "the bar reached stdout");
    assert_eq!(
        tree(&tty_out),
        tree(&piped_out),
        "the bar changed what was written"
    );

    for (extra, ci) in [
        (&["-q"][..], false),
        (&["--message-format", "json"][..], false),
        (&["--message-format", "sarif"][..], false),
        (&[][..], true),
    ] {
        let out = tmp.path().join(format!("quiet{}{ci}", extra.join("")));
        let (terminal, stdout) = on_terminal(&out, &tmp.path().join("stdout2"), extra, ci);
        assert!(
            !terminal.contains("/3 files"),
            "{extra:?} ci={ci}:\n{terminal}"
        );
        assert!(stdout.is_empty());
        assert_eq!(tree(&out), tree(&piped_out));
    }
}
