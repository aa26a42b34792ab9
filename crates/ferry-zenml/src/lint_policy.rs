//! The ruff configuration of the generated project: ruff's defaults everywhere, and
//! for the modules that hold code carried from the source (support modules, steps
//! with a carried body) no rules that would only restyle what the user wrote — the
//! code keeps the source's own style, byte for byte. Rules that find defects (pyflakes'
//! undefined and unused names, syntax, bugbear, security) still apply there.

use std::fmt::Write;

use ferry_ir::{StepKind, Workflow};

use crate::names::Plan;

/// Rule prefixes that restyle code without changing what it does (and, for F841, a
/// variable the source assigns and never reads): not applied to carried code.
const RESTYLE: &[&str] = &[
    "UP", "SIM", "C4", "PIE", "FURB", "ISC", "FLY", "PERF", "RET", "N", "PTH", "PLR", "PLC", "PLW",
    "TRY", "BLE", "S110", "S112", "RUF005", "RUF010", "RUF012", "RUF013", "RUF015", "RUF046",
    "RUF059", "RUF100", "E7", "F841", "Q", "FA",
];

/// `[tool.ruff.lint.per-file-ignores]` for the modules with carried code, or nothing.
pub fn per_file_ignores(workflow: &Workflow, plan: &Plan) -> String {
    let mut paths: Vec<String> = workflow
        .files
        .iter()
        .filter(|f| f.path.ends_with(".py") && !f.verbatim)
        .map(|f| f.path.clone())
        .collect();
    paths.extend(
        plan.steps
            .iter()
            .filter(|s| s.has_module() && matches!(s.step.kind, StepKind::Python { .. }))
            .map(|s| format!("steps/{}.py", s.py_name)),
    );
    if paths.is_empty() {
        return String::new();
    }
    paths.sort();
    paths.dedup();
    let rules: Vec<String> = RESTYLE
        .iter()
        .map(|r| serde_json::to_string(r).unwrap_or_default())
        .collect();
    let rules = rules.join(", ");
    let mut out = String::from(
        "\n[tool.ruff.lint.per-file-ignores]\n# Code carried from the source keeps the source's style: rules that would only restyle\n# it are not applied to the modules that hold it; rules that find defects still apply.\n",
    );
    for p in paths {
        let _ = writeln!(
            out,
            "{} = [{rules}]",
            serde_json::to_string(&p).unwrap_or_default()
        );
    }
    out
}
