//! IR → IR passes and the pass manager that runs them in order.
//!
//! A [`Pass`] is a named transformation of a [`Workflow`] that reports diagnostics.
//! The [`PassManager`] runs a list of them, verifies the IR after the last one in every
//! build (after each one in debug builds and tests, or when asked), and can stop after
//! a named pass for `ferry ir --after`. Front ends may contribute their own passes
//! through the same trait. This crate must not depend on any front end or back end.

mod flag_unresolved;
mod manager;
mod mark_dynamic;

pub use flag_unresolved::FlagUnresolved;
pub use manager::{Pass, PassManager, PassRun};
pub use mark_dynamic::MarkDynamic;

use ferry_diagnostics::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "F0601",
        title: "reference cannot be resolved statically",
        explanation: "A value the step reads (a JSONPath, a SageMaker property, an asset key) could \
not be traced to the step that produces it. The placeholder stays visible in the generated code as \
a parameter you must wire by hand; the migration report lists it.",
    },
    CodeInfo {
        code: "F0602",
        title: "unknown pass name",
        explanation: "`ferry ir --after PASS` names a pass that does not exist. `ferry ir --help` \
lists the passes in order.",
    },
];

/// The passes every workflow goes through after its front end's own passes, in order.
pub fn common_passes() -> Vec<Box<dyn Pass>> {
    vec![Box::new(FlagUnresolved), Box::new(MarkDynamic)]
}

/// A front end's own passes followed by the common ones.
pub fn with_common(front_end_passes: Vec<Box<dyn Pass>>) -> PassManager {
    let mut passes = front_end_passes;
    passes.extend(common_passes());
    PassManager::new(passes)
}

/// Everything after lowering, verified after each pass: the workflow (if any) and all
/// findings in source order. What the CLI does per input, for tests and embedders.
pub fn finish(
    lowered: Lowered,
    front_end_passes: Vec<Box<dyn Pass>>,
    sources: &ferry_diagnostics::SourceMap,
) -> (
    Option<ferry_ir::Workflow>,
    Vec<ferry_diagnostics::Diagnostic>,
) {
    let mut diagnostics = lowered.diagnostics;
    let workflow = lowered.workflow.map(|mut workflow| {
        let run = with_common(front_end_passes)
            .verify_each(true)
            .run(&mut workflow, sources, None);
        if let Ok(run) = run {
            diagnostics.extend(run.diagnostics);
        }
        workflow
    });
    diagnostics.sort_by_key(ferry_diagnostics::Diagnostic::sort_key);
    (workflow, diagnostics)
}

/// What a front end hands to the pipeline of passes: the lowered workflow (absent when
/// the input was too broken to lower) and every finding so far.
#[derive(Debug, Default)]
pub struct Lowered {
    pub workflow: Option<ferry_ir::Workflow>,
    pub diagnostics: Vec<ferry_diagnostics::Diagnostic>,
}
