//! Golden code locations under golden/dagster/ (single files and folders): rendered
//! diagnostics, the IR after all passes and the Mermaid graph, in golden/dagster/snapshots/.

use std::path::{Path, PathBuf};

use ferry_diagnostics::{ColorChoice, Diagnostic, SourceMap, render_human};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn python_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(python_files(&path));
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn compile(files: &[PathBuf]) -> (SourceMap, Option<ferry_ir::Workflow>, Vec<Diagnostic>) {
    let root = root();
    let mut sources = SourceMap::new();
    let ids: Vec<_> = files
        .iter()
        .map(|f| {
            let relative = f
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            sources.add(relative, std::fs::read_to_string(f).unwrap())
        })
        .collect();
    let lowered = ferry_dagster::lower(&sources, &ids, &ferry_dagster::Options::default());
    let (workflow, diagnostics) = ferry_passes::finish(lowered, ferry_dagster::passes(), &sources);
    (sources, workflow, diagnostics)
}

#[test]
fn golden_code_locations() {
    let dir = root().join("golden/dagster");
    let mut cases: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() && name != "snapshots" {
            cases.push((name, python_files(&path)));
        } else if path.extension().is_some_and(|e| e == "py") {
            cases.push((name.trim_end_matches(".py").to_string(), vec![path]));
        }
    }
    cases.sort();
    assert!(
        cases.len() >= 12,
        "expected at least 12 golden code locations, found {}",
        cases.len()
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir.join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (name, files) in &cases {
            let (sources, workflow, diagnostics) = compile(files);
            let verifier: Vec<_> = diagnostics
                .iter()
                .filter(|d| d.code.starts_with("F02"))
                .collect();
            assert!(verifier.is_empty(), "{name}: {verifier:#?}");
            insta::assert_snapshot!(
                format!("{name}.diagnostics"),
                render_human(&sources, &diagnostics, ColorChoice::Never, false)
            );
            let workflow = workflow.unwrap_or_else(|| panic!("{name} did not lower"));
            insta::assert_snapshot!(format!("{name}.ir"), ferry_ir::text::print(&workflow));
            insta::assert_snapshot!(format!("{name}.mmd"), ferry_graph::to_mermaid(&workflow));
        }
    });
}

#[test]
fn jobs_split_into_pipelines_joined_by_artifacts() {
    let (_, workflow, _) = compile(&[root().join("golden/dagster/jobs_and_schedules.py")]);
    let workflow = workflow.unwrap();
    let names: Vec<&str> = workflow.pipelines.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["ingest_job", "report_job"]);
    assert!(
        workflow
            .pipelines
            .iter()
            .all(|p| p.notes.iter().any(|n| n.starts_with("boundary: ")))
    );
    let report = &workflow.pipelines[1];
    let step = report.step("daily_report").unwrap();
    // Read from the artifact store: the latest version of what the ingest job writes.
    assert!(
        matches!(&step.inputs[0].binding, ferry_ir::Binding::Artifact { producer, .. } if producer == "ingest_job"),
        "{:?}",
        step.inputs[0].binding
    );
    assert_eq!(workflow.triggers.len(), 2);
    assert_eq!(workflow.triggers[1].pipeline, "report_job");
}
