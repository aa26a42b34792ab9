//! Three SageMaker corpus pipelines whose scripts are all in the corpus, compiled as a user
//! would compile them and run end to end on a local ZenML stack: the pipelines' own
//! scripts, unmodified, under the container-contract emulation, on small data this test
//! generates, with the condition taken both ways.
//!
//! The corpus is read in place (`../shared/corpus/sagemaker`), never copied.

use std::path::{Path, PathBuf};
use std::process::Command;

use ferry_cli::Target;
use ferry_cli::driver::{DriveOptions, compile_file, emit_project};

fn corpus_file(relative: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/sagemaker")
        .join(relative);
    assert!(path.is_file(), "corpus file {} is missing", path.display());
    path
}

/// The repository root (the test runs from the `tests` package folder).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Compile one corpus pipeline for the local target and write the project to `dir`.
fn write_project(relative: &str, dir: &Path) {
    let mut compiled = compile_file(&corpus_file(relative), None, &DriveOptions::default());
    let files = emit_project(&mut compiled, Target::Local)
        .unwrap_or_else(|| panic!("{relative} compiles: {:#?}", compiled.diagnostics));
    for (rel, text) in files {
        let target = dir.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
    }
}

/// A small deterministic generator (the data must not depend on the machine).
struct Lcg(u64);

impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        // Irwin-Hall: close enough to a standard normal for test data.
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }
}

/// One `python run.py` of a project: its arguments, whether it must succeed, and what
/// its output must and must not contain.
struct Run<'a> {
    args: String,
    succeeds: bool,
    present: &'a [&'a str],
    absent: &'a [&'a str],
}

/// Run the project on a fresh ZenML store per run, in the test venv.
fn run_project(project: &Path, work: &Path, runs: &[Run<'_>]) {
    for (i, run) in runs.iter().enumerate() {
        let store = work.join(format!("zen-{i}"));
        let script = format!(
            "source scripts/python-env.sh >/dev/null && cd '{}' && export ZENML_CONFIG_PATH='{}' \
             && \"$(dirname \"$FERRY_PYTHON\")/zenml\" init >/dev/null 2>&1 \
             && PYTHONPYCACHEPREFIX='{}' timeout 900 \"$FERRY_PYTHON\" run.py {}",
            project.display(),
            store.display(),
            work.join("pycache").display(),
            run.args
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
        assert_eq!(
            output.status.success(),
            run.succeeds,
            "run.py {} exited {:?}:\n{text}",
            run.args,
            output.status.code()
        );
        for p in run.present {
            assert!(
                text.contains(p),
                "run.py {}: no `{p}` in:\n{text}",
                run.args
            );
        }
        for a in run.absent {
            assert!(!text.contains(a), "run.py {}: `{a}` in:\n{text}", run.args);
        }
    }
}

/// Abalone rows (headerless: sex, seven measurements, rings); `noise` is the standard
/// deviation of the rings around a function of the length.
fn abalone(rows: usize, noise: f64, seed: u64) -> String {
    let mut r = Lcg(seed);
    let mut out = String::new();
    for _ in 0..rows {
        let sex = ["M", "F", "I"][(r.unit() * 3.0) as usize % 3];
        let length = 0.1 + 0.7 * r.unit();
        let weight = length.powi(3) * 4.0;
        let rings = (20.0 * length + noise * r.normal()).round().max(1.0);
        out.push_str(&format!(
            "{sex},{length:.3},{:.3},{:.3},{weight:.3},{:.3},{:.3},{:.3},{rings}\n",
            length * 0.8,
            length * 0.3,
            weight * 0.4,
            weight * 0.2,
            weight * 0.3
        ));
    }
    out
}

/// Mammographic mass rows with a header (BI-RADS, age, shape, margin, density,
/// severity); severity follows age and shape, so a model learns something.
fn mammography(rows: usize, seed: u64) -> String {
    let mut r = Lcg(seed);
    let mut out = String::from("BI-RADS,Age,Shape,Margin,Density,Severity\n");
    for _ in 0..rows {
        let severe = r.unit() < 0.5;
        let age = 30 + (r.unit() * 50.0) as u32 + if severe { 10 } else { 0 };
        let shape = if severe {
            3 + (r.unit() * 2.0) as u32
        } else {
            1 + (r.unit() * 4.0) as u32
        };
        out.push_str(&format!(
            "{},{age},{},{},{},{}\n",
            3 + (r.unit() * 3.0) as u32,
            shape.min(4),
            1 + (r.unit() * 5.0) as u32,
            1 + (r.unit() * 4.0) as u32,
            u8::from(severe)
        ));
    }
    out
}

/// Processing → hyperparameter tuning (built-in XGBoost, run with the xgboost library)
/// → models of the two best jobs → evaluation with a PropertyFile → ConditionStep on
/// the MSE → register (`then`) or nothing (`else`, an empty branch ends the run
/// successfully). Clean data takes `then`, noisy data `else`.
#[test]
fn hpo_abalone_pipeline_runs_both_ways() {
    let work = tempfile::tempdir().unwrap();
    let project = work.path().join("project");
    write_project(
        "aws-samples+sample-sagemaker-pipeline-with-hpo-step__hpo-pipeline/src/Pipeline.py",
        &project,
    );
    // The preprocessing script reads `input/000`.
    for (name, noise) in [("clean", 1.0), ("noisy", 6.0)] {
        let dir = work.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("000"), abalone(400, noise, 7)).unwrap();
    }
    let args = |name: &str| {
        format!(
            "--no-cache --input-data-url '{}' --model-package-group-name abalone",
            work.path().join(name).join("000").display()
        )
    };
    let register = "Step `register_best_abalone_model` has finished";
    run_project(
        &project,
        work.path(),
        &[
            Run {
                args: args("clean"),
                succeeds: true,
                present: &["Step `evaluate_top_model` has finished", register],
                absent: &[],
            },
            Run {
                args: args("noisy"),
                succeeds: true,
                present: &["Step `evaluate_top_model` has finished"],
                absent: &[register],
            },
        ],
    );
}

/// Processing → training (built-in XGBoost) → evaluation with a PropertyFile →
/// ConditionStep on the AUC against a pipeline parameter → data-quality baseline and
/// register (`then`) or a FailStep whose message is a `Join` over the parameter (`else`).
#[test]
fn mammography_pipeline_runs_both_ways() {
    let work = tempfile::tempdir().unwrap();
    let project = work.path().join("project");
    write_project(
        "aws-samples+mammography-severity-sagemaker-pipelines-sample__train-and-inference/pipelines/train/train_pipeline.py",
        &project,
    );
    let data = work.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("mammo.csv"), mammography(300, 11)).unwrap();
    // The S3 prefixes of the baseline outputs are computed by Python in the source, so
    // they are required parameters; locally they are only recorded.
    let args = |threshold: &str| {
        format!(
            "--no-cache --input-data-url '{}' --output-s3-uri-1 baseline-a \
             --output-s3-uri-2 baseline-b --auc-score-threshold {threshold}",
            data.join("mammo.csv").display()
        )
    };
    let register = "Step `mammo_register_model` has finished";
    run_project(
        &project,
        work.path(),
        &[
            Run {
                args: args("0.0"),
                succeeds: true,
                present: &["Step `mammo_data_quality_check` has finished", register],
                absent: &["Mammo-AUCFail"],
            },
            Run {
                args: args("1.01"),
                succeeds: false,
                present: &["Execution failed due to Model's AUC < 1.01"],
                absent: &[register],
            },
        ],
    );
}

/// Processing → data-quality baseline → script-mode SKLearn training (the user's
/// `training.py` with `SM_CHANNEL_*`, `SM_MODEL_DIR` and hyperparameters as argv) →
/// evaluation with a PropertyFile → ConditionStep on the MSE against a pipeline
/// parameter → register (`then`) or nothing (`else`).
#[test]
fn train_monitor_pipeline_runs_both_ways() {
    let work = tempfile::tempdir().unwrap();
    let project = work.path().join("project");
    write_project(
        "aws-samples+sagemaker-batch-inference-pipeline__monitor-pipelines/pipeline_scripts/train_monitor_pipeline.py",
        &project,
    );
    // The preprocessing script reads `input/training-data.csv`.
    let data = work.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("training-data.csv"), abalone(300, 1.0, 5)).unwrap();
    // Values the source computes with Python are required parameters; locally they
    // are only recorded.
    let args = |threshold: &str| {
        format!(
            "--no-cache --input-data '{}' --accuracy-mse-threshold {threshold} --version 1 \
             --output-s3-uri-1 a --output-s3-uri-2 b --model-package-group-name g \
             --skip-data-quality-check false --register-new-data-quality-baseline true \
             --transform-instance-type ml.m5.large --s3-uri-0-0 c --s3-uri-1 d",
            data.join("training-data.csv").display()
        )
    };
    let register = "Step `model_register_step` has finished";
    let trained = "Step `training_step` has finished";
    run_project(
        &project,
        work.path(),
        &[
            Run {
                args: args("100"),
                succeeds: true,
                present: &[trained, register],
                absent: &[],
            },
            Run {
                args: args("0"),
                succeeds: true,
                present: &[trained, "Step `training_eval` has finished"],
                absent: &[register],
            },
        ],
    );
}
