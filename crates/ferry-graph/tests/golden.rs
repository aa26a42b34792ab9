//! Graph exports of the golden .ferry examples, snapshotted in golden/ir/snapshots/.

use std::path::Path;

use ferry_diagnostics::FileId;

fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings
        .set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../golden/ir/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

#[test]
fn golden_graphs() {
    snapshot_settings().bind(|| {
        insta::glob!("../../../golden/ir", "*.ferry", |path| {
            let text = std::fs::read_to_string(path).unwrap();
            let workflow = ferry_ir::text::parse(&text, FileId(0)).unwrap();
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            insta::assert_snapshot!(format!("{stem}.dot"), ferry_graph::to_dot(&workflow));
            insta::assert_snapshot!(format!("{stem}.mmd"), ferry_graph::to_mermaid(&workflow));
            insta::assert_snapshot!(
                format!("{stem}.graph.json"),
                ferry_graph::to_json(&workflow)
            );
        });
    });
}

#[test]
fn output_is_deterministic() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../golden/ir/fan_out.ferry"),
    )
    .unwrap();
    let a = ferry_ir::text::parse(&text, FileId(0)).unwrap();
    let b = ferry_ir::text::parse(&text, FileId(0)).unwrap();
    assert_eq!(ferry_graph::to_dot(&a), ferry_graph::to_dot(&b));
    assert_eq!(ferry_graph::to_mermaid(&a), ferry_graph::to_mermaid(&b));
}
