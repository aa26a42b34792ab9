//! The Dagster parity section of `ferry-inventory.json`: for every asset a step
//! materialises, the step function and output that hold its value in the ZenML run,
//! and the original code location to compare with (`ferry compile --parity-against`).
//! The generated `tests/test_parity.py` reads it; nothing here runs Dagster.

use ferry_ir::{StepKind, Workflow};
use serde_json::{Value as Json, json};

use crate::names::Plan;

/// Source constructs whose outputs are Dagster assets.
const ASSET_CONSTRUCTS: &[&str] = &["@asset", "@multi_asset", "@graph_asset"];

pub fn inventory(workflow: &Workflow, plan: &Plan, against: Option<&str>) -> Json {
    let mut assets = Vec::new();
    for (index, name) in plan.pipeline_names.iter().enumerate() {
        let key = index.to_string();
        for s in plan.modules_under(&key) {
            let step = s.step;
            if !ASSET_CONSTRUCTS.contains(&step.mapping.construct.as_str())
                || !matches!(step.kind, StepKind::Python { .. })
            {
                continue;
            }
            for out in &step.outputs {
                assets.push(json!({
                    "asset": out.name,
                    "pipeline": name,
                    "function": s.py_name,
                    "output": out.name,
                }));
            }
        }
    }
    json!({
        "against": against,
        "sources": workflow.sources.iter().map(|s| s.path.clone()).collect::<Vec<_>>(),
        "assets": assets,
    })
}
