//! Shared by the ASL test files: lower a file and run the passes as the CLI does.

use ferry_diagnostics::{Diagnostic, SourceMap};
use ferry_ir::Workflow;
use ferry_passes::PassManager;

pub fn compile(path: &str, text: &str) -> (SourceMap, Option<Workflow>, Vec<Diagnostic>) {
    let mut sources = SourceMap::new();
    let file = sources.add(path, text);
    let lowered = ferry_asl::lower(&sources, file, &ferry_asl::Options::default());
    let mut diagnostics = lowered.diagnostics;
    let Some(mut workflow) = lowered.workflow else {
        return (sources, None, diagnostics);
    };
    let mut passes = ferry_asl::passes();
    passes.extend(ferry_passes::common_passes());
    let run = PassManager::new(passes)
        .verify_each(true)
        .run(&mut workflow, &sources, None)
        .expect("no stop pass");
    diagnostics.extend(run.diagnostics);
    diagnostics.sort_by_key(Diagnostic::sort_key);
    (sources, Some(workflow), diagnostics)
}
