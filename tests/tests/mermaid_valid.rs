//! The Mermaid export parses with the real Mermaid parser (mermaid 11 on node, with
//! jsdom), for every golden input and for hostile names. Installs the pinned npm
//! packages into tests/mermaid/node_modules on first use; fails, never skips, when node
//! or the packages are not available.

use std::path::{Path, PathBuf};
use std::process::Command;

use ferry_cli::driver::{DriveOptions, compile_file};
use ferry_diagnostics::FileId;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn ensure_mermaid(dir: &Path) {
    if dir.join("node_modules/mermaid/package.json").is_file()
        && dir.join("node_modules/jsdom/package.json").is_file()
    {
        return;
    }
    let status = Command::new("npm")
        .args([
            "install",
            "--no-package-lock",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ])
        .current_dir(dir)
        .status()
        .expect("npm must be installed to check Mermaid output");
    assert!(status.success(), "npm install of mermaid and jsdom failed");
}

#[test]
fn mermaid_output_parses() {
    let dir = root().join("tests/mermaid");
    ensure_mermaid(&dir);
    let out = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for frontend in ["ir", "asl"] {
        for entry in std::fs::read_dir(root().join("golden").join(frontend)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !path.is_file() || name.starts_with("invalid_") || name.ends_with(".runs") {
                continue;
            }
            let compiled = compile_file(&path, None, &DriveOptions::default());
            let Some(workflow) = compiled.workflow else {
                panic!("{name} does not compile")
            };
            let file = out.path().join(format!("{name}.mmd"));
            std::fs::write(&file, ferry_graph::to_mermaid(&workflow)).unwrap();
            files.push(file);
        }
    }
    // Hostile names: quotes, brackets, pipes, markup, newlines, unicode.
    let hostile = "workflow \"x\" frontend ir\n\npipeline p \"a\\\"]|<b>#x;{`\" @- {\n  step s \"end\\\" --> X[\\\"boom\\\"]\\n日本 | ;\" @- {\n    kind succeed\n    mapping absent \"c\" \"n\" flag HIGH\n  }\n  step t \"t\" @- {\n    kind succeed\n    mapping direct \"\" \"\"\n  }\n  edge s -> t branch \"]|}\\\"--> z\" @-\n}\n";
    let workflow = ferry_ir::text::parse(hostile, FileId(0)).expect("hostile text parses");
    let file = out.path().join("hostile.mmd");
    std::fs::write(&file, ferry_graph::to_mermaid(&workflow)).unwrap();
    files.push(file);
    assert!(files.len() >= 10);
    let output = Command::new("node")
        .arg(dir.join("check.mjs"))
        .args(&files)
        .current_dir(&dir)
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "Mermaid rejected ferry's output:\n{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        report.lines().filter(|l| l.starts_with("ok ")).count(),
        files.len(),
        "{report}"
    );
}
