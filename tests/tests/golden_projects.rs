//! Every golden input compiled to a ZenML project: the whole project is snapshotted,
//! and every project passes ruff check, ruff format --check and compileall; the
//! self-contained ones (with a `<stem>.runs` file beside the input) run on a local
//! ZenML stack with the outcomes the runs file lists.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use ferry_cli::Target;
use ferry_cli::driver::{DriveOptions, compile_file, emit_project};

/// The repository root, relative to the test's working directory (the package
/// folder), so that paths printed into generated files do not depend on the machine.
fn root() -> PathBuf {
    let root = PathBuf::from("..");
    assert!(
        root.join("golden").is_dir(),
        "tests run from the `tests` package folder"
    );
    root
}

/// Golden inputs that compile to a project: (front-end folder, path).
fn golden_inputs() -> Vec<(String, PathBuf)> {
    let mut inputs = Vec::new();
    for frontend in ["ir", "asl", "sagemaker", "dagster"] {
        let dir = root().join("golden").join(frontend);
        let Ok(entries) = std::fs::read_dir(&dir) else {
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
            // A folder (other than snapshots) is one Dagster code location.
            let location = path.is_dir() && frontend == "dagster" && name != "snapshots";
            if (path.is_file() && compiles) || location {
                inputs.push((frontend.to_string(), path));
            }
        }
    }
    inputs
}

/// insta resolves relative snapshot paths against the test file, so this one is absolute.
fn snapshots(frontend: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../golden")
        .join(frontend)
        .join("snapshots")
}

fn stem(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy();
    name.split('.').next().unwrap().to_string()
}

fn project(path: &Path) -> BTreeMap<String, String> {
    let mut compiled = compile_file(
        path,
        None,
        &DriveOptions {
            verify_each: true,
            ..DriveOptions::default()
        },
    );
    let files = emit_project(&mut compiled, Target::Local);
    let errors: Vec<_> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    files.unwrap_or_else(|| panic!("{}: no project", path.display()))
}

fn render(files: &BTreeMap<String, String>) -> String {
    files
        .iter()
        .map(|(path, text)| {
            // The run-time helper is the same text in every project that uses it (its
            // own tests check it); a snapshot records that it was written, not its body.
            // The helpers of carried steps (`carried.py`) hold only what the project's
            // steps use, so their text is recorded.
            if path.starts_with("ferry_runtime/")
                && path != "ferry_runtime/__init__.py"
                && path != "ferry_runtime/carried.py"
            {
                format!(
                    "=== {path}\n(ferry's run-time helper, {} lines)\n",
                    text.lines().count()
                )
            } else {
                format!("=== {path}\n{text}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn golden_projects_snapshot() {
    let inputs = golden_inputs();
    assert!(inputs.len() >= 3, "golden inputs missing");
    for (frontend, path) in inputs {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(snapshots(&frontend));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_input_file(&path);
        settings.bind(|| {
            insta::assert_snapshot!(format!("{}.project", stem(&path)), render(&project(&path)))
        });
    }
}

#[test]
fn sagemaker_target_keeps_runtime_settings_in_prod_only() {
    let recipe = root().join("golden/asl/sagemaker_recipe.asl.json");
    let mut compiled = compile_file(&recipe, None, &DriveOptions::default());
    let files = emit_project(&mut compiled, Target::Sagemaker).expect("recipe compiles");
    let prod = &files["configs/prod.yaml"];
    let dev = &files["configs/dev.yaml"];
    assert!(
        !dev.contains("sagemaker") && !dev.contains("schedule") && !dev.contains("step_operator"),
        "{dev}"
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(snapshots("asl"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("sagemaker_recipe.sagemaker_target.prod_yaml", prod));
}

#[test]
fn projects_are_deterministic() {
    for (_, path) in golden_inputs() {
        assert_eq!(project(&path), project(&path), "{}", path.display());
    }
}

#[test]
fn golden_projects_pass_ruff_compileall_and_run_on_zenml() {
    let out = tempfile::tempdir().unwrap();
    let mut specs = Vec::new();
    for (frontend, path) in golden_inputs() {
        let dir = out.path().join(format!("{frontend}_{}", stem(&path)));
        for (rel, text) in project(&path) {
            let target = dir.join(rel);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, text).unwrap();
        }
        let runs = path.with_file_name(format!("{}.runs", stem(&path)));
        let mut spec = dir.display().to_string();
        if runs.is_file() {
            spec = format!("{spec}:{}", runs.canonicalize().unwrap().display());
        }
        specs.push(spec);
    }
    // The SageMaker target of the recipe: its prod config must satisfy ZenML's models.
    let recipe = root().join("golden/asl/sagemaker_recipe.asl.json");
    let mut compiled = compile_file(&recipe, None, &DriveOptions::default());
    let files = emit_project(&mut compiled, Target::Sagemaker).expect("recipe compiles");
    let dir = out.path().join("asl_sagemaker_recipe_sagemaker_target");
    for (rel, text) in files {
        let target = dir.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
    }
    specs.push(dir.display().to_string());
    let script = format!(
        "source scripts/python-env.sh && scripts/check-projects.sh {}",
        specs
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(" ")
    );
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
    println!("{text}");
    assert!(output.status.success(), "python checks failed:\n{text}");
    assert!(text.contains("check-projects: OK"), "{text}");
}
