//! The SageMaker Pipelines front end: reads `sagemaker.workflow` Python code statically
//! (module level, `get_pipeline()`-style functions, notebooks exported to `.py`; legacy
//! keyword arguments and `step_args=` captures; `@step` function steps) and lowers every
//! `Pipeline(...)` to the IR, classifying each construct Direct / Approximate / Absent
//! as the SageMaker concept map says.
//!
//! Lowering keeps SageMaker's runtime references (`step.properties...`, `JsonGet`) as
//! placeholders; the `sagemaker-resolve` pass turns them into data edges with
//! projections, mirroring the SDK's own dependency walk, so `ferry ir --after lower`
//! shows what the source wrote. Infrastructure (instances, images, roles, S3 locations)
//! goes to step runtime hints, never to business parameters.
//!
//! It must never execute Python, never depend on another front end or on a back end,
//! and never panic or silently drop a step: what it cannot follow is an F04xx diagnostic
//! at its span.

mod classes;
mod codes;
pub mod companions;
mod conditions;
mod container;
mod function_step;
mod infra;
mod job_steps;
mod lower;
mod model_steps;
mod notebook_step;
mod policies;
mod resolve;
mod scripts;
mod service_steps;
pub mod signatures;
mod steps;
mod values;

use ferry_diagnostics::{FileId, SourceMap};
use ferry_passes::{Lowered, Pass};

pub use codes::CODES;
pub use resolve::SagemakerResolve;

/// Options of the SageMaker front end.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Dotted module name of the file (for relative imports); the file stem when unset.
    pub module_name: Option<String>,
    /// The pipeline file's folder relative to the input tree's root (`""`: the root).
    pub pipeline_dir: String,
    /// The scripts the caller found for [`wanted_paths`]; `None` before it looked.
    pub companions: Option<companions::Companions>,
}

/// Whether `text` looks like SageMaker Pipelines code (cheap; for input detection).
pub fn looks_like_sagemaker(text: &str) -> bool {
    text.contains("sagemaker.workflow") || text.contains("from sagemaker")
}

/// The front end's own passes, run before the common ones.
pub fn passes() -> Vec<Box<dyn Pass>> {
    vec![Box::new(SagemakerResolve)]
}

/// Lower one Python file.
pub fn lower(sources: &SourceMap, file: FileId, options: &Options) -> Lowered {
    lower::lower_file(sources, file, options).0
}

/// The paths (files or folders, relative to the pipeline file's folder, best candidates
/// first) that the pipelines of `file` name as code, for the caller to look up in the
/// input tree before [`lower`] (the front end reads no files itself).
pub fn wanted_paths(sources: &SourceMap, file: FileId, options: &Options) -> Vec<String> {
    let mut wanted = lower::lower_file(sources, file, options).1;
    wanted.sort();
    wanted.dedup();
    wanted
}
