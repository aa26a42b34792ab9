//! The ZenML back end: turns a [`Workflow`] into the files of an idiomatic, runnable
//! ZenML project (steps/, pipelines/, configs/, run.py, pyproject.toml, README.md,
//! MIGRATION_REPORT.md, pipeline_architecture.md) and a source map from generated lines
//! to the original source.
//!
//! Pure: IR in, strings out. It must not touch the file system, must not know which
//! front end produced the IR, and must emit input text only through `python.rs`'s
//! escaping functions and identifiers only through `ferry_ir::naming`.

mod architecture;
mod configs;
mod control;
pub mod expr;
mod imports;
mod names;
mod pipeline_module;
mod project_files;
mod python;
mod report;
mod source_map;
mod step_module;
mod types;

use std::collections::BTreeMap;

use ferry_diagnostics::{CodeInfo, Diagnostic, SourceMap};
use ferry_ir::Workflow;

pub use source_map::{GeneratedRange, SourceMapFile};

/// Where the generated project is meant to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// Portable ZenML on any stack; runs on the local stack.
    #[default]
    Local,
    /// Keep SageMaker as the runtime: prod configs carry SageMaker orchestrator settings.
    Sagemaker,
}

#[derive(Debug, Clone, Default)]
pub struct EmitOptions {
    pub target: Target,
}

/// The generated project: relative path ('/'-separated) → content, and findings.
#[derive(Debug, Default)]
pub struct Emitted {
    pub files: BTreeMap<String, String>,
    pub source_map: SourceMapFile,
    pub diagnostics: Vec<Diagnostic>,
}

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "F0701",
        title: "construct has no ZenML equivalent",
        explanation: "The step does something ZenML cannot do (an activity worker, a task-token \
callback, an unknown construct). ferry generates the step with a `# TODO(migration):` comment and a \
body that raises NotImplementedError saying what to redesign, lists it under Flagged for Review in \
MIGRATION_REPORT.md, and reports this diagnostic. The project still compiles; running that step fails \
loudly instead of pretending to work.",
    },
    CodeInfo {
        code: "F0702",
        title: "control flow could not be structured",
        explanation: "A dynamic pipeline is emitted as Python control flow (if/elif/else for branches, \
try/except for error handlers). When branches of the source graph merge in a way that cannot be \
nested, the merged steps are emitted after the branch and may read values that only one branch \
produced. Review the generated pipeline function.",
    },
    CodeInfo {
        code: "F0703",
        title: "schedule cannot be kept on this target",
        explanation: "A schedule belongs to a pipeline that must be dynamic (it branches on data or \
handles errors). The SageMaker orchestrator cannot schedule dynamic pipelines, and the local stack \
cannot schedule at all; the schedule is written to prod configs only for static pipelines and is \
otherwise listed in the migration report for a redesign (e.g. an external scheduler calling run.py).",
    },
];

/// Generate the project for one workflow.
pub fn emit(workflow: &Workflow, sources: &SourceMap, options: &EmitOptions) -> Emitted {
    let mut emitted = Emitted::default();
    let plan = names::Plan::new(workflow);
    let mut map = source_map::Builder::new(sources);
    for planned in &plan.steps {
        if let Some(module) = step_module::emit(planned, &plan, &mut map, &mut emitted.diagnostics)
        {
            emitted
                .files
                .insert(format!("steps/{}.py", planned.py_name), module);
        }
    }
    emitted
        .files
        .insert("steps/__init__.py".into(), step_module::init_module(&plan));
    emitted
        .files
        .insert("steps/errors.py".into(), step_module::errors_module());
    for index in 0..workflow.pipelines.len() {
        let module =
            pipeline_module::emit(workflow, index, &plan, &mut map, &mut emitted.diagnostics);
        emitted.files.insert(
            format!("pipelines/{}.py", plan.pipeline_names[index]),
            module,
        );
    }
    emitted.files.insert(
        "pipelines/__init__.py".into(),
        "\"\"\"Migrated pipeline definitions.\"\"\"\n".into(),
    );
    for (path, text) in configs::emit(workflow, &plan, options, &mut emitted.diagnostics) {
        emitted.files.insert(path, text);
    }
    emitted
        .files
        .insert("run.py".into(), project_files::run_py(workflow, &plan));
    emitted.files.insert(
        "pyproject.toml".into(),
        project_files::pyproject(workflow, &plan),
    );
    emitted.files.insert(
        ".gitignore".into(),
        ".zen/\n__pycache__/\n.ruff_cache/\n".into(),
    );
    emitted.files.insert(
        "README.md".into(),
        project_files::readme(workflow, &plan, sources),
    );
    emitted.files.insert(
        "MIGRATION_REPORT.md".into(),
        report::emit(workflow, &plan, sources, options),
    );
    emitted.files.insert(
        "pipeline_architecture.md".into(),
        architecture::emit(workflow, &plan, sources),
    );
    emitted.source_map = map.finish();
    emitted
        .files
        .insert("ferry-sourcemap.json".into(), emitted.source_map.to_json());
    emitted
}
