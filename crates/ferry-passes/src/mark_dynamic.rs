use ferry_diagnostics::{Diagnostic, SourceMap};
use ferry_ir::{EdgeKind, Pipeline, StepKind, Workflow};

use crate::Pass;

/// Marks pipelines that need run-time control flow: data-dependent branches, error
/// handlers, or fan-out whose width is only known at run time. Those become dynamic
/// ZenML pipelines; the others stay static (cheaper, schedulable on SageMaker).
pub struct MarkDynamic;

impl Pass for MarkDynamic {
    fn name(&self) -> &'static str {
        "mark-dynamic"
    }

    fn run(
        &self,
        workflow: &mut Workflow,
        _sources: &SourceMap,
        _diagnostics: &mut Vec<Diagnostic>,
    ) {
        for pipeline in &mut workflow.pipelines {
            pipeline.dynamic = needs_dynamic(pipeline);
        }
    }
}

pub(crate) fn needs_dynamic(pipeline: &Pipeline) -> bool {
    let control = pipeline
        .edges()
        .any(|(_, _, e)| matches!(e.kind, EdgeKind::Branch { .. } | EdgeKind::Error(_)));
    let fan_out = pipeline.steps().any(|s| match &s.kind {
        StepKind::Map { .. } => true,
        // The back end runs regions as calls inside a dynamic pipeline.
        StepKind::Parallel { .. } => true,
        StepKind::Branch { .. } => true,
        _ => false,
    });
    control || fan_out
}
