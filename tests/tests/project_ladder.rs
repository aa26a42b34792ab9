//! The validation ladder every generated project carries (its `tests/`: import,
//! structure against ferry-inventory.json, smoke run, stand-ins as expected failures,
//! Dagster parity), run in the test venv by `scripts/ladder.py`:
//! - every golden project's generated tests pass (xfail and skip allowed);
//! - the corpora's projects are run within a time budget, in one interpreter, and the
//!   counts of projects that pass / xfail / fail (and those the budget did not reach)
//!   are printed per corpus with each failing project; the test fails when the
//!   generated tests of a project do not even load (a bug in ferry's test modules or
//!   inventory) or the ladder does not run. A failing corpus project is a finding
//!   about the migration (printed), not a failure of this test.
//!
//! Needs FERRY_PYTHON (scripts/python-env.sh); fails without it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use ferry_cli::Target;
use ferry_cli::driver::{DriveOptions, compile_all, compile_file, emit_project};

/// Seconds the ladder may spend on the projects of one corpus (each project started
/// before the budget runs out is finished).
const CORPUS_BUDGET_SECONDS: u32 = 120;
/// Seconds one generated test may take before the ladder interrupts it.
const TEST_SECONDS: u32 = 120;

fn root() -> PathBuf {
    let root = PathBuf::from("..");
    assert!(
        root.join("golden").is_dir(),
        "tests run from the `tests` package folder"
    );
    root
}

/// Golden inputs that compile to a project (as golden_projects.rs lists them).
fn golden_inputs() -> Vec<(String, PathBuf)> {
    let mut inputs = Vec::new();
    for frontend in ["ir", "asl", "sagemaker", "dagster"] {
        let Ok(entries) = std::fs::read_dir(root().join("golden").join(frontend)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let compiles = ["ferry", "json", "yaml", "yml", "py"]
                .iter()
                .any(|e| name.ends_with(&format!(".{e}")))
                && !name.starts_with("invalid_");
            let location = path.is_dir() && frontend == "dagster" && name != "snapshots";
            if (path.is_file() && compiles) || location {
                inputs.push((frontend.to_string(), path));
            }
        }
    }
    inputs
}

fn write_project(dir: &Path, files: BTreeMap<String, String>) {
    for (rel, text) in files {
        let target = dir.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
    }
}

/// Run scripts/ladder.py over `projects`; (success, output).
fn ladder(label: &str, projects: &[PathBuf], budget: Option<u32>, zen: &Path) -> (bool, String) {
    let mut script = format!(
        "source scripts/python-env.sh && ZENML_CONFIG_PATH='{}' \"$FERRY_PYTHON\" scripts/ladder.py --label {label} --test-seconds {TEST_SECONDS}",
        zen.display()
    );
    if let Some(b) = budget {
        script.push_str(&format!(" --budget {b}"));
    }
    for p in projects {
        script.push_str(&format!(" '{}'", p.display()));
    }
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(root())
        .output()
        .expect("bash runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn golden_projects_pass_their_generated_tests() {
    let out = tempfile::tempdir().unwrap();
    let mut projects = Vec::new();
    for (frontend, path) in golden_inputs() {
        let mut compiled = compile_file(&path, None, &DriveOptions::default());
        let files = emit_project(&mut compiled, Target::Local)
            .unwrap_or_else(|| panic!("{}: no project", path.display()));
        let stem = path.file_name().unwrap().to_string_lossy();
        let dir = out
            .path()
            .join(format!("{frontend}_{}", stem.split('.').next().unwrap()));
        write_project(&dir, files);
        projects.push(dir);
    }
    let (ok, text) = ladder("golden", &projects, None, &out.path().join("zen"));
    println!("{text}");
    assert!(ok, "generated tests of golden projects failed:\n{text}");
    assert!(text.contains("ladder golden:"), "{text}");
}

fn corpus(kind: &str) -> PathBuf {
    let dir = root().join("../shared/corpus").join(kind);
    assert!(dir.is_dir(), "the corpus {} is missing", dir.display());
    dir
}

/// The units of a corpus as corpus-report names them.
fn units(kind: &str) -> Vec<PathBuf> {
    let dir = corpus(kind);
    let mut out: Vec<PathBuf> = match kind {
        "asl" => walk(&dir)
            .into_iter()
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("json" | "yaml" | "yml")
                )
            })
            .collect(),
        "sagemaker" => std::fs::read_to_string(dir.join("MANIFEST.tsv"))
            .expect("manifest")
            .lines()
            .skip(1)
            .filter_map(|l| {
                let cols: Vec<&str> = l.split('\t').collect();
                (cols.len() > 5 && cols[5] == "pipeline").then(|| dir.join(cols[0]))
            })
            .collect(),
        _ => std::fs::read_dir(&dir)
            .expect("corpus folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir() && p.file_name().unwrap().to_string_lossy().contains("__"))
            .collect(),
    };
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The project folder name of a unit: its file or folder name, made safe.
fn folder(unit: &Path) -> String {
    unit.file_name()
        .unwrap()
        .to_string_lossy()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[test]
fn corpus_projects_run_their_generated_tests() {
    let mut report = String::new();
    let mut problems = Vec::new();
    let out = tempfile::tempdir().unwrap();
    for kind in ["asl", "sagemaker", "dagster"] {
        let mut projects: Vec<PathBuf> = Vec::new();
        for unit in units(kind) {
            let (found, _) = ferry_cli::inputs::collect(std::slice::from_ref(&unit), None);
            let compiled = compile_all(found, &DriveOptions::default(), Some(2));
            for (m, mut c) in compiled.into_iter().enumerate() {
                let Some(files) = emit_project(&mut c, Target::Local) else {
                    continue;
                };
                let mut name = folder(&unit);
                if m > 0 {
                    name = format!("{name}-{m}");
                }
                let dir = out.path().join(kind).join(name);
                write_project(&dir, files);
                projects.push(dir);
            }
        }
        let (_, text) = ladder(
            kind,
            &projects,
            Some(CORPUS_BUDGET_SECONDS),
            &out.path().join(format!("zen-{kind}")),
        );
        let summary = text
            .lines()
            .find(|l| l.starts_with(&format!("ladder {kind}:")));
        match summary {
            Some(line) => {
                report.push_str(line);
                report.push('\n');
            }
            None => problems.push(format!("the ladder did not finish on {kind}:\n{text}")),
        }
        for line in text.lines().filter(|l| l.starts_with("ladder: fail")) {
            report.push_str(&format!("  {kind}: {line}\n"));
        }
        // The generated tests themselves always load: a collection error is a bug in
        // ferry's test modules or its inventory, not a finding about the project.
        if text.contains("collection error:") {
            problems.push(format!(
                "generated tests of a {kind} project do not load:\n{text}"
            ));
        }
        if !text.lines().any(|l| l.starts_with("ladder: ")) {
            problems.push(format!("no {kind} project was run:\n{text}"));
        }
    }
    println!("{report}");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
