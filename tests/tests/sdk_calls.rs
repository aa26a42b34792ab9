//! Every SageMaker SDK call ferry generates binds to the SDK's real signatures: the
//! golden SageMaker inputs and every pipeline of `../shared/corpus/sagemaker` are
//! compiled for both targets, and `tests/python/sdk_calls_bind.py` binds each call to
//! a `sagemaker` name (constructors, functions, and the methods called on constructed
//! objects) with `inspect.signature(...).bind` in the SDK pinned in
//! scripts/requirements-test.txt. A keyword or a name the SDK does not have is a
//! failure. Needs FERRY_PYTHON (scripts/python-env.sh); fails without it.

use std::path::{Path, PathBuf};
use std::process::Command;

use ferry_cli::Target;
use ferry_cli::driver::{DriveOptions, compile_all, emit_project_with_map};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The golden SageMaker inputs and the corpus's pipeline files (its MANIFEST's
/// `pipeline` rows, as corpus-report compiles them).
fn inputs() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("golden/sagemaker"))
        .expect("golden/sagemaker")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    let corpus = root().join("../shared/corpus/sagemaker");
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv"))
        .expect("the SageMaker corpus and its MANIFEST.tsv are present");
    out.extend(manifest.lines().skip(1).filter_map(|l| {
        let cols: Vec<&str> = l.split('\t').collect();
        (cols.len() > 5 && cols[5] == "pipeline").then(|| corpus.join(cols[0]))
    }));
    out.sort();
    out
}

#[test]
fn generated_sdk_calls_bind_to_the_pinned_sdk() {
    let python = std::env::var("FERRY_PYTHON")
        .expect("FERRY_PYTHON is not set: run the tests through scripts/test.sh");
    let work = tempfile::tempdir().expect("temp folder");
    let mut projects = Vec::new();
    for (n, input) in inputs().iter().enumerate() {
        for (target, label) in [(Target::Local, "local"), (Target::Sagemaker, "sagemaker")] {
            let (found, _) = ferry_cli::inputs::collect(std::slice::from_ref(input), None);
            for (m, mut compiled) in compile_all(found, &DriveOptions::default(), Some(2))
                .into_iter()
                .enumerate()
            {
                let Some((files, _)) = emit_project_with_map(&mut compiled, target) else {
                    continue;
                };
                let name = input.file_stem().unwrap().to_string_lossy();
                let dir = work.path().join(format!("{n:03}-{m}-{label}-{name}"));
                for (rel, text) in &files {
                    let path = dir.join(rel);
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(path, text).unwrap();
                }
                projects.push(dir);
            }
        }
    }
    assert!(
        projects.len() >= 60,
        "only {} projects written",
        projects.len()
    );
    let out = Command::new(python)
        .arg(root().join("tests/python/sdk_calls_bind.py"))
        .args(&projects)
        .env("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
        .output()
        .expect("python starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the checker failed:\n{stderr}");
    let checked: usize = stderr
        .lines()
        .find_map(|l| {
            l.strip_prefix("checked ")?
                .strip_suffix(" calls")?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("the checker did not run:\n{stderr}"));
    println!("{} projects, {checked} SDK calls bound", projects.len());
    assert!(checked >= 100, "only {checked} SDK calls found");
    // The SDK prints its own INFO lines on stdout.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let wrong: Vec<&str> = stdout.lines().filter(|l| l.starts_with("WRONG:")).collect();
    assert!(
        wrong.is_empty(),
        "{} generated SDK calls do not bind:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
