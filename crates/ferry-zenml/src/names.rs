//! The naming plan of a project: every Python module and function name, decided once,
//! through `ferry_ir::naming`, before any file is written.

use std::collections::BTreeMap;

use ferry_ir::naming::Namer;
use ferry_ir::{Pipeline, Step, StepKind, Workflow};

/// Names the generated project itself uses at module level.
const RESERVED: &[&str] = &[
    "errors",
    "runtime",
    "steps",
    "pipelines",
    "configs",
    "materializers",
    "run",
    "main",
    "step",
    "pipeline",
    "annotated",
    "any",
    "typing",
    "zenml",
    "json",
    "time",
    "subprocess",
    "fnmatch",
    "datetime",
    "pipeline_failed_error",
    "unresolved",
    "boto3",
    "_container",
    "scripts",
    "ferry_runtime",
    "rt",
];

pub struct PlannedStep<'a> {
    /// Python module and function name, unique in the project.
    pub py_name: String,
    pub step: &'a Step,
    /// The pipeline or region the step is in.
    pub pipeline: &'a Pipeline,
    /// Key of that pipeline or region (`0`, `0/3/r0`, ...).
    pub pipeline_key: String,
}

impl PlannedStep<'_> {
    /// Whether the step becomes a `@step` function (branches, ends and containers are
    /// control flow in the pipeline function instead).
    pub fn has_module(&self) -> bool {
        !matches!(
            self.step.kind,
            StepKind::Branch { .. }
                | StepKind::Succeed
                | StepKind::Map { .. }
                | StepKind::Parallel { .. }
        )
    }
}

pub struct Plan<'a> {
    pub steps: Vec<PlannedStep<'a>>,
    pub pipeline_names: Vec<String>,
    by_name: BTreeMap<(String, String), usize>,
}

impl<'a> Plan<'a> {
    pub fn new(workflow: &'a Workflow) -> Self {
        let mut namer = Namer::with_reserved(RESERVED.iter().copied());
        let mut plan = Plan {
            steps: Vec::new(),
            pipeline_names: Vec::new(),
            by_name: BTreeMap::new(),
        };
        for p in &workflow.pipelines {
            plan.pipeline_names.push(namer.fresh(&format!(
                "{}_pipeline",
                p.name.trim_end_matches("_pipeline")
            )));
        }
        for (i, p) in workflow.pipelines.iter().enumerate() {
            plan.add_pipeline(p, i.to_string(), &mut namer);
        }
        plan
    }

    fn add_pipeline(&mut self, pipeline: &'a Pipeline, key: String, namer: &mut Namer) {
        for index in pipeline.step_indices() {
            let step = &pipeline.graph[index];
            let py_name = namer.fresh(&step.name);
            self.by_name
                .insert((key.clone(), step.name.clone()), self.steps.len());
            self.steps.push(PlannedStep {
                py_name,
                step,
                pipeline,
                pipeline_key: key.clone(),
            });
            let regions = step.kind.regions();
            for (r, region) in regions.into_iter().enumerate() {
                self.add_pipeline(region, region_key(&key, index.index(), r), namer);
            }
        }
    }

    pub fn get(&self, pipeline_key: &str, step_name: &str) -> Option<&PlannedStep<'a>> {
        self.by_name
            .get(&(pipeline_key.to_string(), step_name.to_string()))
            .map(|&i| &self.steps[i])
    }

    /// All steps with modules under a pipeline key, regions included.
    pub fn modules_under<'p>(
        &'p self,
        pipeline_key: &'p str,
    ) -> impl Iterator<Item = &'p PlannedStep<'a>> + 'p {
        self.steps.iter().filter(move |s| {
            s.has_module()
                && (s.pipeline_key == pipeline_key
                    || s.pipeline_key.starts_with(&format!("{pipeline_key}/")))
        })
    }
}

pub fn region_key(parent: &str, node: usize, region: usize) -> String {
    format!("{parent}/{node}/r{region}")
}
