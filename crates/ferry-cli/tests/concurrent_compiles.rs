//! Issue 10, finding 5: several ferry processes compiling into one --out at once. Two
//! different inputs with the same name map to the same project folder; whichever
//! process writes last, the project must be exactly one input's: its manifest, report
//! and files all from that input, with no file of the other left behind, and no
//! process may fail.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` (relative path → bytes).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn compile(out: &Path, input: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ferry"));
    cmd.args(["compile", "-q", "--out"])
        .arg(out)
        .arg(input)
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

#[test]
fn finding5_concurrent_compiles_into_one_out_never_mix_projects() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for (sub, golden) in [
        ("a", "golden/ir/ml_gate.ferry"),
        ("b", "golden/ir/fan_out.ferry"),
    ] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        let input = dir.path().join(sub).join("flow.ferry");
        std::fs::copy(root().join(golden), &input).unwrap();
        inputs.push(input);
    }
    // What each input alone produces.
    let expected: Vec<BTreeMap<String, Vec<u8>>> = inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let out = dir.path().join(format!("ref{i}"));
            assert!(compile(&out, input).status().unwrap().success());
            snapshot(&out.join("flow"))
        })
        .collect();
    assert_ne!(
        expected[0].keys().collect::<Vec<_>>(),
        expected[1].keys().collect::<Vec<_>>()
    );
    let out = dir.path().join("shared-out");
    for round in 0..6 {
        let children: Vec<_> = (0..4)
            .map(|i| compile(&out, &inputs[(i + round) % 2]).spawn().unwrap())
            .collect();
        for child in children {
            let result = child.wait_with_output().unwrap();
            assert!(
                result.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&result.stderr)
            );
        }
        let project = snapshot(&out.join("flow"));
        assert!(
            project == expected[0] || project == expected[1],
            "round {round}: the project mixes inputs: {:?}",
            project.keys().collect::<Vec<_>>()
        );
    }
}
