//! Golden pipelines under golden/sagemaker/: rendered diagnostics and the IR text after
//! every pass, snapshotted in golden/sagemaker/snapshots/.

use std::path::Path;

use ferry_diagnostics::{ColorChoice, Diagnostic, SourceMap, render_human};
use ferry_ir::Workflow;

fn compile(path: &str, text: &str) -> (SourceMap, Option<Workflow>, Vec<Diagnostic>) {
    let mut sources = SourceMap::new();
    let file = sources.add(path, text);
    let lowered = ferry_sagemaker::lower(&sources, file, &ferry_sagemaker::Options::default());
    let (workflow, diagnostics) =
        ferry_passes::finish(lowered, ferry_sagemaker::passes(), &sources);
    (sources, workflow, diagnostics)
}

#[test]
fn golden_pipelines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root.join("golden/sagemaker/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("../../../golden/sagemaker", "*.py", |path| {
            let text = std::fs::read_to_string(path).unwrap();
            let relative = path
                .canonicalize()
                .unwrap()
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let (sources, workflow, diagnostics) = compile(&relative, &text);
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            let rendered = render_human(&sources, &diagnostics, ColorChoice::Never, false);
            let verifier: Vec<_> = diagnostics
                .iter()
                .filter(|d| d.code.starts_with("F02"))
                .collect();
            assert!(verifier.is_empty(), "{stem}: verifier errors\n{rendered}");
            insta::assert_snapshot!(format!("{stem}.diagnostics"), rendered);
            let workflow = workflow.unwrap_or_else(|| panic!("{stem} did not lower:\n{rendered}"));
            insta::assert_snapshot!(format!("{stem}.ir"), ferry_ir::text::print(&workflow));
        });
    });
}
