//! Shared by the ASL test files: lower a file and run the passes as the CLI does.

use ferry_diagnostics::{Diagnostic, SourceMap};
use ferry_ir::Workflow;

pub fn compile(path: &str, text: &str) -> (SourceMap, Option<Workflow>, Vec<Diagnostic>) {
    let mut sources = SourceMap::new();
    let file = sources.add(path, text);
    let lowered = ferry_asl::lower(&sources, file, &ferry_asl::Options::default());
    let (workflow, diagnostics) = ferry_passes::finish(lowered, ferry_asl::passes(), &sources);
    (sources, workflow, diagnostics)
}
