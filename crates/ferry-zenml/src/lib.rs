//! The ZenML back end: turns a [`Workflow`] into the files of an idiomatic, runnable
//! ZenML project (steps/, pipelines/, configs/, run.py, pyproject.toml, README.md,
//! MIGRATION_REPORT.md, pipeline_architecture.md) and a source map from generated lines
//! to the original source.
//!
//! Pure: IR in, strings out. It must not touch the file system, must not know which
//! front end produced the IR, and must emit input text only through `python.rs`'s
//! escaping functions and identifiers only through `ferry_ir::naming`.

mod architecture;
mod branches;
mod code;
mod computed;
mod conditions;
mod configs;
mod constructs;
mod consumed;
mod container_jobs;
mod context;
mod control;
mod distributions;
pub mod expr;
mod handlers;
mod imports;
mod layout;
mod lint_policy;
mod memo;
mod names;
mod next_steps;
mod pipeline_module;
mod project_files;
mod record;
mod report;
mod runtime;
mod sagemaker_jobs;
mod source_map;
mod step_body;
mod step_module;
mod structure;
mod types;
pub mod verify;
mod writer;

use std::collections::{BTreeMap, BTreeSet};

use ferry_diagnostics::{CodeInfo, Diagnostic, SourceMap};
use ferry_ir::Workflow;

pub use layout::format_python;
pub use record::{Disposition, Entry as RecordEntry, EntryKind};
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
    /// What each construct became (the rows MIGRATION_REPORT.md is built from).
    pub record: Vec<RecordEntry>,
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
        code: "F0705",
        title: "generated code does not parse",
        explanation: "ferry laid out a generated module with ruff's formatter and the module did not \
parse. That is a bug in ferry, never a file to write: nothing is written for this input. Please \
report it with the input.",
    },
    CodeInfo {
        code: "F0706",
        title: "generated code reads a name nothing binds",
        explanation: "The output verifier found a name that a generated module reads but that no \
import, parameter, assignment, definition or builtin binds (what ruff reports as F821, F822 or \
F823): the module would raise NameError when that line runs. The label points at the source \
construct that produced the line; the note names the generated file and line. Typical causes are a \
carried function body that uses a module constant or helper ferry did not carry, or a value \
produced only in a branch that this path did not take.",
    },
    CodeInfo {
        code: "F0707",
        title: "generated binding shadows a name the module needs",
        explanation: "A generated binding replaces an import or definition before anything used it \
(ruff's F811), for example a pipeline parameter named like the step function it should call. The \
call would then call the parameter. Rename the source construct or report the input.",
    },
    CodeInfo {
        code: "F0708",
        title: "generated import does not resolve",
        explanation: "A generated module imports a module or name that the project does not contain, \
that is not standard library, and that no dependency in pyproject.toml provides, so importing the \
module fails. For carried code, add the package to pyproject.toml (or make sure ferry carries the \
module it comes from).",
    },
    CodeInfo {
        code: "F0709",
        title: "generated text CPython rejects",
        explanation: "A generated file contains text CPython refuses to read (a NUL byte). It is \
reported instead of written silently; the input text that produced it must be fixed.",
    },
    CodeInfo {
        code: "F0710",
        title: "step generated as a stand-in",
        explanation: "ferry does not yet translate what this step does (for example a SageMaker job \
whose container or script it cannot run): the step keeps its configuration and raises \
NotImplementedError with a `# TODO(migration):`, and it is listed under Flagged for Review. Running \
the pipeline fails loudly at that step instead of pretending to work.",
    },
    CodeInfo {
        code: "F0712",
        title: "SDK name left out of a SageMaker launch",
        explanation: "With `--target sagemaker` a job step builds the source's processor, estimator, \
tuner, transformer, model or monitor with the SageMaker Python SDK, importing the classes the \
source used. A name that is not a dotted identifier under `sagemaker.` cannot become an import, \
so that argument is left out of the generated call; set it by hand in the step.",
    },
    CodeInfo {
        code: "F0711",
        title: "carried Python body does not parse",
        explanation: "A step's Python body, as the input gives it (a `.ferry` file written by \
hand), is not valid Python. The step is generated as a stand-in that raises and this error points \
at the body; fix the body in the source.",
    },
    CodeInfo {
        code: "F0713",
        title: "a file of the source kept as written does not parse",
        explanation: "The source provides a Python file (a processing or training entry point, or \
a module its code imports) that ferry carries into the project, and it is not valid Python. \
ferry does not change what it cannot read, so the file is written byte for byte and will fail \
where it runs or is imported, as it would in the source; fix it in the source.",
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

/// Generate the project for one workflow. `findings` are the diagnostics of the
/// earlier phases (front end, passes), which the report must account for.
pub fn emit(
    workflow: &Workflow,
    sources: &SourceMap,
    options: &EmitOptions,
    findings: &[Diagnostic],
) -> Emitted {
    let plan = names::Plan::new(workflow);
    let mut cx = context::Context::new(sources);
    cx.target = options.target;
    // Packages and modules the source provides are first party too.
    for f in workflow.files.iter().filter(|f| f.path.ends_with(".py")) {
        let top = f.path.split('/').next().unwrap_or_default();
        cx.first_party
            .insert(top.strip_suffix(".py").unwrap_or(top).to_string());
    }
    for d in &workflow.dependencies {
        cx.require(&d.distribution);
    }
    let mut python: Vec<(String, writer::Unformatted)> = Vec::new();
    for planned in &plan.steps {
        if let Some(module) = step_module::emit(planned, &plan, &mut cx) {
            python.push((format!("steps/{}.py", planned.py_name), module));
        }
    }
    python.push(("steps/__init__.py".into(), step_module::init_module(&plan)));
    if container_jobs::used(workflow) {
        python.extend(container_jobs::support_modules(workflow, options.target));
    }
    python.push(("steps/errors.py".into(), step_module::errors_module()));
    if runtime::needs_module(workflow) {
        python.push((runtime::MODULE_PATH.into(), runtime::module(workflow, &cx)));
    }
    for index in 0..workflow.pipelines.len() {
        let module = pipeline_module::emit(workflow, index, &plan, &mut cx);
        python.push((
            format!("pipelines/{}.py", plan.pipeline_names[index]),
            module,
        ));
    }
    let mut init = writer::Writer::new();
    init.line(code::Code::docstring("Migrated pipeline definitions."));
    python.push(("pipelines/__init__.py".into(), init.finish()));
    python.push(("run.py".into(), project_files::run_py(workflow, &plan, &cx)));
    if cx.uses_asl_runtime {
        let mut w = writer::Writer::new();
        w.carried(&code::Code::text(expr::RUNTIME));
        python.push((expr::RUNTIME_FILE.to_string(), w.finish()));
    }
    if cx.uses_asl_runtime || runtime::needs_module(workflow) {
        let mut init = writer::Writer::new();
        init.line(code::Code::docstring(
            "Run-time helpers of the migrated project.",
        ));
        python.push(("ferry_runtime/__init__.py".into(), init.finish()));
    }
    let mut verbatim: Vec<(String, String)> = Vec::new();
    // The source's modules that do not parse: kept as written (F0713), not laid out
    // or verified as ferry's code.
    let mut unparsable: BTreeSet<String> = BTreeSet::new();
    for f in &workflow.files {
        if python.iter().any(|(p, _)| *p == f.path) {
            cx.internal(format!(
                "the source's file `{}` would replace a module ferry generates",
                f.path
            ));
            continue;
        }
        let parses = !f.path.ends_with(".py") || ruff_python_parser::parse_module(&f.text).is_ok();
        if f.path.ends_with(".py") && !f.verbatim && parses {
            let mut w = writer::Writer::new();
            let start = w.offset();
            let text = imports::sort_leading_imports(&f.text, &cx.first_party)
                .unwrap_or_else(|| f.text.clone());
            w.carried(&code::Code::carried(&text));
            w.mark(start, f.span, f.what.clone());
            python.push((f.path.clone(), w.finish()));
        } else {
            if f.path.ends_with(".py")
                && let Err(e) = ruff_python_parser::parse_module(&f.text)
            {
                unparsable.insert(f.path.clone());
                let what = if f.verbatim { "script" } else { "module" };
                cx.diagnostics.push(
                    Diagnostic::warning(
                        "F0713",
                        format!(
                            "the source's {what} `{}` does not parse as Python: {}",
                            f.path, e.error
                        ),
                    )
                    .with_primary(f.span, "kept byte for byte")
                    .with_note("ferry carries the user's scripts as written; it fails where it runs, as it would in the source")
                    .with_help("fix the script in the source"),
                );
            }
            verbatim.push((f.path.clone(), f.text.clone()));
        }
    }
    constructs::record(workflow, &plan, &mut cx);

    let mut emitted = Emitted::default();
    let mut map = source_map::Builder::new(sources);
    let mut broken = false;
    for (path, module) in python {
        match layout::format(module) {
            Ok(formatted) => {
                for (first, last, span, what) in formatted.ranges {
                    map.record(&path, first, last, span, what);
                }
                for (line, mut entry) in formatted.markers {
                    entry.marker = Some((path.clone(), line));
                    cx.record.push(entry);
                }
                emitted.files.insert(path, formatted.text);
            }
            Err(e) => {
                broken = true;
                let line = e
                    .text
                    .lines()
                    .nth(e.line.saturating_sub(1))
                    .unwrap_or_default();
                cx.diagnostics.push(
                    Diagnostic::error(
                        "F0705",
                        format!(
                            "ferry generated `{path}` that does not parse: {}",
                            e.message
                        ),
                    )
                    .with_note(format!("generated line {}: {}", e.line, line.trim()))
                    .with_help("this is a bug in ferry; nothing was written for this input"),
                );
            }
        }
    }
    for (path, text) in verbatim {
        emitted.files.insert(path, text);
    }
    for (path, text) in configs::emit(workflow, &plan, options, &mut cx.diagnostics) {
        emitted.files.insert(path, text);
    }
    emitted.files.insert(
        "pyproject.toml".into(),
        project_files::pyproject(workflow, &plan, &cx),
    );
    emitted.files.insert(
        ".gitignore".into(),
        ".zen/\n__pycache__/\n.ruff_cache/\n".into(),
    );
    let source_map = map.finish();
    if !broken {
        let mut provided = provided_imports(&project_files::dependencies(&cx));
        provided.extend(
            workflow
                .dependencies
                .iter()
                .map(|d| d.import.split('.').next().unwrap_or_default().to_string()),
        );
        // The user's scripts run as written, in their own folder (their imports resolve
        // there): they are the source's code, not ferry's, and are not verified here.
        let checked: BTreeMap<String, String> = emitted
            .files
            .iter()
            .filter(|(path, _)| {
                !unparsable.contains(*path)
                    && !workflow
                        .files
                        .iter()
                        .any(|f| f.verbatim && &f.path == *path)
            })
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect();
        for problem in verify::verify_project(&checked, &provided) {
            cx.diagnostics
                .push(verifier_diagnostic(&problem, &source_map));
        }
    }
    for entry in report::finding_entries(&cx, findings) {
        cx.record.push(entry);
    }
    emitted.files.insert(
        "README.md".into(),
        project_files::readme(workflow, &plan, &cx),
    );
    emitted.files.insert(
        "MIGRATION_REPORT.md".into(),
        report::emit(workflow, &plan, &cx, options),
    );
    emitted.files.insert(
        "pipeline_architecture.md".into(),
        architecture::emit(workflow, &plan, &cx),
    );
    emitted
        .files
        .insert("ferry-sourcemap.json".into(), source_map.to_json());
    emitted.source_map = source_map;
    emitted.diagnostics = cx.diagnostics;
    emitted.record = cx.record.entries;
    if broken {
        emitted.files.clear();
    }
    emitted
}

/// Top-level import names that the project's dependencies provide.
fn provided_imports(dependencies: &[String]) -> BTreeSet<String> {
    dependencies
        .iter()
        .flat_map(|d| distributions::imports_of(d))
        .collect()
}

/// A verifier problem as a diagnostic on the source construct that produced the code.
fn verifier_diagnostic(problem: &verify::Problem, map: &SourceMapFile) -> Diagnostic {
    let mut d = Diagnostic::error(problem.code, problem.message.clone())
        .with_note(format!("in generated `{}:{}`", problem.file, problem.line));
    match map.lookup(&problem.file, problem.line) {
        Some(range) => {
            d = d.with_primary(range.span, format!("generated from this ({})", range.what));
        }
        None => {
            d = d.with_help("the line is ferry's own scaffolding; this is a bug in ferry");
        }
    }
    d
}
