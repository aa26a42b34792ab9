//! Golden cases under golden/asl/: rendered diagnostics, the IR text after all passes
//! and the Mermaid graph, snapshotted in golden/asl/snapshots/.

mod common;

use std::path::Path;

use ferry_diagnostics::{ColorChoice, render_human};

#[test]
fn golden_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root.join("golden/asl/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("../../../golden/asl", "*.asl.{json,yaml}", |path| {
            let text = std::fs::read_to_string(path).unwrap();
            let relative = path
                .canonicalize()
                .unwrap()
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let (sources, workflow, diagnostics) = common::compile(&relative, &text);
            let stem = path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .split('.')
                .next()
                .unwrap()
                .to_string();
            let rendered = render_human(&sources, &diagnostics, ColorChoice::Never, false);
            insta::assert_snapshot!(format!("{stem}.diagnostics"), rendered);
            if stem.starts_with("invalid_") {
                assert!(
                    diagnostics.iter().any(|d| d.is_error()),
                    "{stem} must have errors"
                );
            } else {
                assert!(
                    !diagnostics.iter().any(|d| d.is_error()),
                    "{stem}: {rendered}"
                );
            }
            if let Some(workflow) = workflow {
                insta::assert_snapshot!(format!("{stem}.ir"), ferry_ir::text::print(&workflow));
                insta::assert_snapshot!(format!("{stem}.mmd"), ferry_graph::to_mermaid(&workflow));
            }
        });
    });
}

#[test]
fn recipe_graph_has_the_whole_flow() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(root.join("golden/asl/sagemaker_recipe.asl.json")).unwrap();
    let (_, workflow, _) = common::compile("sagemaker_recipe.asl.json", &text);
    let workflow = workflow.unwrap();
    let pipeline = &workflow.pipelines[0];
    let edge = |a: &str, b: &str, kind: &str| {
        pipeline.edges().any(|(x, y, e)| {
            x.display_name == a
                && y.display_name == b
                && match (&e.kind, kind) {
                    (ferry_ir::EdgeKind::Order, "order") => true,
                    (ferry_ir::EdgeKind::Branch { label }, l) => label == l,
                    (ferry_ir::EdgeKind::Error(_), "error") => true,
                    (ferry_ir::EdgeKind::Data { .. }, "data") => true,
                    _ => false,
                }
        })
    };
    assert!(edge("DataPreprocessing", "ModelTraining", "order"));
    assert!(edge("ModelTraining", "ModelEvaluation", "order"));
    assert!(edge("ModelEvaluation", "CheckModelPerformance", "order"));
    assert!(edge("ModelEvaluation", "CheckModelPerformance", "data"));
    assert!(edge("CheckModelPerformance", "CreateModel", "case0"));
    assert!(edge(
        "CheckModelPerformance",
        "ModelPerformanceInsufficient",
        "default"
    ));
    assert!(edge("CreateModel", "CreateEndpointConfig", "order"));
    assert!(edge("CreateEndpoint", "MLPipelineComplete", "order"));
    assert!(edge("DataPreprocessing", "ProcessingJobFailed", "error"));
    assert!(edge("ModelTraining", "TrainingJobFailed", "error"));
    // The Choice reads `$.Payload.test_r2` from the evaluation Lambda's result.
    let check = pipeline.step("check_model_performance").unwrap();
    let ferry_ir::StepKind::Branch { rules, .. } = &check.kind else {
        panic!("branch expected")
    };
    let ferry_ir::Condition::Compare { lhs, .. } = &rules[0].condition else {
        panic!("compare expected")
    };
    assert_eq!(
        *lhs,
        ferry_ir::Binding::StepOutput {
            step: "model_evaluation".into(),
            port: "result".into(),
            projection: vec![
                ferry_ir::Segment::Key("Payload".into()),
                ferry_ir::Segment::Key("test_r2".into())
            ],
        }
    );
}
