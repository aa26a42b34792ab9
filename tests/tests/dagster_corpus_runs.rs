//! Dagster code locations of `../shared/corpus/dagster` that need no external service,
//! compiled as a user would compile them (the folder named on the command line), written
//! to a temporary folder and run on the local ZenML stack. After each run the artifacts
//! of the last run are loaded through ZenML's client and compared with what the Dagster
//! assets and ops compute from the same inputs (the expected values are derived here
//! from the source logic, not read from ferry's output).
//!
//! The corpus is read in place, never copied into the repository. Needs FERRY_PYTHON
//! (scripts/python-env.sh: zenml[local] and the packages the locations import).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use ferry_cli::Target;
use ferry_cli::driver::{DriveOptions, compile_all, emit_project_with_map};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn location(name: &str) -> PathBuf {
    let dir = root().join("../shared/corpus/dagster").join(name);
    assert!(
        dir.is_dir(),
        "corpus code location {} is missing",
        dir.display()
    );
    dir
}

/// Compile one code-location folder into exactly one project under `out`.
fn compile_location(name: &str, out: &Path) -> PathBuf {
    let unit = location(name);
    let (found, _) = ferry_cli::inputs::collect(std::slice::from_ref(&unit), None);
    let mut compiled = compile_all(found, &DriveOptions::default(), Some(1));
    assert_eq!(compiled.len(), 1, "{name}: a folder is one code location");
    let (files, _) = emit_project_with_map(&mut compiled[0], Target::Local)
        .unwrap_or_else(|| panic!("{name}: no project written"));
    let dir = out.join(name.replace('+', "_"));
    for (rel, text) in &files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Loads every output artifact of the pipeline's last run and prints them as JSON.
const READ_ARTIFACTS: &str = r#"
import json
import sys

from zenml.client import Client

run = Client().get_pipeline(sys.argv[1]).last_run
values = {"status": str(run.status)}
for step_name, step_run in run.steps.items():
    for output_name, versions in step_run.outputs.items():
        versions = versions if isinstance(versions, list) else [versions]
        values[f"{step_name}.{output_name}"] = versions[0].load()
print("ARTIFACTS " + json.dumps(values, sort_keys=True, default=str))
"#;

/// `zenml init`, `python run.py ARGS` and the artifact read-out, in the project folder
/// with a throwaway ZenML store: the artifacts of the run by `step.output`, and the
/// run's output.
fn run_project(
    dir: &Path,
    pipeline: &str,
    args: &str,
) -> (BTreeMap<String, serde_json::Value>, String) {
    let work = dir.parent().unwrap();
    let reader = work.join("read_artifacts.py");
    std::fs::write(&reader, READ_ARTIFACTS).unwrap();
    let script = format!(
        "set -e; source '{root}/scripts/python-env.sh'; export ZENML_CONFIG_PATH='{work}/zen-config'; \
         cd '{dir}'; \"$(dirname \"$FERRY_PYTHON\")/zenml\" init >/dev/null 2>&1; \
         PYTHONPYCACHEPREFIX='{work}/pycache' timeout 600 \"$FERRY_PYTHON\" run.py {args}; \
         PYTHONPYCACHEPREFIX='{work}/pycache' \"$FERRY_PYTHON\" '{reader}' {pipeline}",
        root = root().display(),
        work = work.display(),
        dir = dir.display(),
        reader = reader.display(),
    );
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .output()
        .expect("bash runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "{}: run failed:\n{text}",
        dir.display()
    );
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("ARTIFACTS "))
        .unwrap_or_else(|| panic!("no artifacts printed:\n{text}"));
    let values: BTreeMap<String, serde_json::Value> = serde_json::from_str(line).unwrap();
    assert_eq!(
        values.get("status").and_then(|s| s.as_str()),
        Some("completed"),
        "{text}"
    );
    (values, text)
}

fn number(values: &BTreeMap<String, serde_json::Value>, key: &str) -> f64 {
    values
        .get(key)
        .and_then(serde_json::Value::as_f64)
        .unwrap_or_else(|| panic!("artifact {key} is not a number: {values:?}"))
}

/// `random_numbers_asset` draws ten numbers in [10, 50) rounded to 2 places and logs
/// them through `context.log`; `mean_asset` is their mean rounded to 4 places. The job
/// `mean_calculadora_job` selects both assets by key.
#[test]
fn random_calculator_assets_compute_what_dagster_computes() {
    let out = tempfile::tempdir().unwrap();
    let dir = compile_location(
        "jumouramar+dagster-data-provenance__pipeline_random_calculator",
        out.path(),
    );
    let (values, text) = run_project(&dir, "mean_calculadora_job_pipeline", "--no-cache");
    let numbers: Vec<f64> = values["random_numbers_asset.random_numbers_asset"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|n| n.as_f64().expect("a number"))
        .collect();
    assert_eq!(numbers.len(), 10, "{values:?}");
    for n in &numbers {
        assert!((10.0..=50.0).contains(n), "{n} out of range");
        assert!(
            ((n * 100.0).round() - n * 100.0).abs() < 1e-6,
            "{n} not rounded"
        );
    }
    // context.log.info became the step's logger.
    assert!(text.contains("Dados gerados (10): ["), "{text}");
    let mean = numbers.iter().sum::<f64>() / numbers.len() as f64;
    let expected = (mean * 10_000.0).round() / 10_000.0;
    assert!(
        (number(&values, "mean_asset.mean_asset") - expected).abs() < 1e-9,
        "mean {expected} expected: {values:?}"
    );
}

/// An op job whose ops read run config (`config: MyConfig` with `sleep_for`): the
/// config fields are step parameters whose values come from the job's run config in
/// configs/*.yaml; `return_one` + `return_two` feed `sum_one_and_two`, which asserts
/// 3. The run config given here (sleep_for 0) must reach the steps.
#[test]
fn ray_example_op_job_runs_with_its_run_config() {
    let out = tempfile::tempdir().unwrap();
    let dir = compile_location("danielgafni+dagster-ray__examples", out.path());
    let dev = std::fs::read_to_string(dir.join("configs/my_job_pipeline.dev.yaml")).unwrap();
    assert!(dev.contains("sleep_for: 3"), "default run config:\n{dev}");
    std::fs::write(
        dir.join("configs/quick.yaml"),
        dev.replace("sleep_for: 3", "sleep_for: 0"),
    )
    .unwrap();
    let (values, text) = run_project(
        &dir,
        "my_job_pipeline",
        "--pipeline my_job_pipeline --config configs/quick.yaml --no-cache",
    );
    assert_eq!(number(&values, "return_one.result"), 1.0, "{values:?}");
    assert_eq!(number(&values, "return_two.result"), 2.0, "{values:?}");
    assert_eq!(number(&values, "sum_one_and_two.result"), 3.0, "{values:?}");
    // context.log.info of return_two, with the value the run config gave.
    assert!(text.contains("sleeping for 0 seconds..."), "{text}");
    assert!(!text.contains("sleeping for 3 seconds"), "{text}");
}
