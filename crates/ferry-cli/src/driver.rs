//! Runs one unit through the compiler: read files, lower, passes. Every phase runs
//! under `catch_unwind`, so a bug on one input becomes an F0005 diagnostic and the
//! batch goes on; sizes are checked against [`Limits`] before each phase that they
//! would make expensive, and a batch admits units through a [`MemoryGate`].

use std::panic::{AssertUnwindSafe, catch_unwind};

use ferry_diagnostics::{Diagnostic, FileId, SourceMap};
use ferry_ir::Workflow;
use ferry_passes::PassManager;

use crate::frontends::{self, FrontendOptions};
use crate::inputs::{Unit, display};
use crate::limits::{self, Limits, MemoryGate};

/// Everything known about one unit after the middle end.
#[derive(Debug)]
pub struct Compiled {
    pub unit: Unit,
    pub sources: SourceMap,
    pub workflow: Option<Workflow>,
    pub diagnostics: Vec<Diagnostic>,
    /// The input could not be read or lowered at all (exit code 2).
    pub fatal: bool,
}

/// How far to run the passes.
#[derive(Debug, Clone, Default)]
pub struct DriveOptions {
    pub frontend: FrontendOptions,
    /// Stop after this pass (`lower` stops before any pass).
    pub stop_after: Option<String>,
    /// Verify after every pass, not only once after the last one (the final check runs
    /// in every build).
    pub verify_each: bool,
    /// Size limits of each unit.
    pub limits: Limits,
}

/// The passes for a front end, in order: its own, then the common ones. The verifier
/// runs after the last one in every build; `verify_each` adds a check after each pass
/// (debug builds always do).
pub fn pass_manager(frontend: ferry_ir::Frontend, verify_each: bool) -> PassManager {
    ferry_passes::with_common(frontends::passes(frontend))
        .verify_each(verify_each || cfg!(debug_assertions))
}

pub fn compile_unit(unit: Unit, options: &DriveOptions) -> Compiled {
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut files: Vec<FileId> = Vec::new();
    let size = input_bytes(&unit);
    if size > options.limits.max_input_bytes {
        diagnostics.push(limits::input_too_large(&unit.label, size, &options.limits));
        return Compiled {
            unit,
            sources,
            workflow: None,
            diagnostics,
            fatal: true,
        };
    }
    for path in &unit.files {
        match read_bounded(path, options.limits.max_input_bytes) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => files.push(sources.add(display(path), text)),
                Err(_) => diagnostics.push(Diagnostic::error(
                    "F0003",
                    format!("`{}` is not valid UTF-8", display(path)),
                )),
            },
            Err(e) => diagnostics.push(Diagnostic::error(
                "F0001",
                format!("cannot read `{}`: {e}", display(path)),
            )),
        }
    }
    if files.is_empty() {
        return Compiled {
            unit,
            sources,
            workflow: None,
            diagnostics,
            fatal: true,
        };
    }
    let lowered = catch_unwind(AssertUnwindSafe(|| {
        frontends::lower(unit.frontend, &sources, &files, &options.frontend)
    }));
    let lowered = match lowered {
        Ok(l) => l,
        Err(payload) => {
            diagnostics.push(internal_error(&unit, "lowering", payload));
            return Compiled {
                unit,
                sources,
                workflow: None,
                diagnostics,
                fatal: true,
            };
        }
    };
    diagnostics.extend(lowered.diagnostics);
    let Some(mut workflow) = lowered.workflow else {
        return Compiled {
            unit,
            sources,
            workflow: None,
            diagnostics,
            fatal: true,
        };
    };
    let steps = limits::step_count(&workflow);
    if steps > options.limits.max_steps {
        drop(workflow);
        diagnostics.push(limits::too_many_steps(&unit.label, steps, &options.limits));
        diagnostics.sort_by_key(Diagnostic::sort_key);
        return Compiled {
            unit,
            sources,
            workflow: None,
            diagnostics,
            fatal: false,
        };
    }
    let manager = pass_manager(unit.frontend, options.verify_each);
    let run = catch_unwind(AssertUnwindSafe(|| {
        manager.run(&mut workflow, &sources, options.stop_after.as_deref())
    }));
    match run {
        Ok(Ok(run)) => diagnostics.extend(run.diagnostics),
        Ok(Err(known)) => {
            diagnostics.push(
                Diagnostic::error(
                    "F0602",
                    format!(
                        "no pass is named `{}`",
                        options.stop_after.as_deref().unwrap_or_default()
                    ),
                )
                .with_help(format!("passes, in order: lower, {}", known.join(", "))),
            );
            return Compiled {
                unit,
                sources,
                workflow: None,
                diagnostics,
                fatal: true,
            };
        }
        Err(payload) => {
            diagnostics.push(internal_error(&unit, "passes", payload));
            return Compiled {
                unit,
                sources,
                workflow: None,
                diagnostics,
                fatal: true,
            };
        }
    }
    diagnostics.sort_by_key(Diagnostic::sort_key);
    Compiled {
        unit,
        sources,
        workflow: Some(workflow),
        diagnostics,
        fatal: false,
    }
}

/// Bytes of all files of a unit, from their metadata (nothing is read).
fn input_bytes(unit: &Unit) -> u64 {
    unit.files
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .fold(0u64, u64::saturating_add)
}

/// Read at most `limit` bytes of `path` (a file that grew past the limit since its size
/// was checked is an error, not an unbounded read).
fn read_bounded(path: &std::path::Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "the file grew past the input limit of {limit} bytes while it was read"
        )));
    }
    Ok(bytes)
}

pub(crate) fn internal_error(
    unit: &Unit,
    phase: &str,
    payload: Box<dyn std::any::Any + Send>,
) -> Diagnostic {
    let reason = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    Diagnostic::error(
        "F0005",
        format!("internal error while {phase} `{}`: {reason}", unit.label),
    )
    .with_help("this is a bug in ferry; the rest of the batch was compiled")
}

/// The stack of every thread that runs a phase. Parsers, analyses and the formatter
/// recurse once per nesting level of the input; the input guards bound that nesting
/// (ferry-python's guard: 100 brackets, 10,000 bytes of one chain), and this stack
/// holds the deepest accepted input even in a debug build.
pub const STACK_BYTES: usize = 64 << 20;

/// Compile many units on `jobs` threads; results come back in input order, so output
/// never depends on the thread count.
pub fn compile_all(units: Vec<Unit>, options: &DriveOptions, jobs: Option<usize>) -> Vec<Compiled> {
    use rayon::prelude::*;
    let gate = MemoryGate::new(options.limits.memory_budget);
    let work = || {
        units
            .into_par_iter()
            .map(|u| {
                let _admitted = gate.admit(limits::memory_estimate(input_bytes(&u)));
                compile_unit(u, options)
            })
            .collect::<Vec<_>>()
    };
    match rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .stack_size(STACK_BYTES)
        .build()
    {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

/// Compile `units` on `jobs` threads and hand each result to `work` on the thread that
/// compiled it (emission, writing, rendering); `sink` then receives what `work`
/// returned on the calling thread, in input order, as soon as every earlier unit is
/// done, so output streams in the order of the inputs whatever the thread count.
/// `done` is called on the calling thread once per finished unit, in completion
/// order (for a progress bar).
pub fn compile_each<R: Send>(
    units: Vec<Unit>,
    options: &DriveOptions,
    jobs: Option<usize>,
    work: impl Fn(usize, Compiled) -> R + Sync,
    mut done: impl FnMut(),
    mut sink: impl FnMut(usize, R),
) {
    use rayon::prelude::*;
    let gate = MemoryGate::new(options.limits.memory_budget);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .ok();
    let (sender, receiver) = std::sync::mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        let gate = &gate;
        let work = &work;
        scope.spawn(move || {
            let run = || {
                units
                    .into_par_iter()
                    .enumerate()
                    .for_each_with(sender, |tx, (i, u)| {
                        let admitted = gate.admit(limits::memory_estimate(input_bytes(&u)));
                        let result = work(i, compile_unit(u, options));
                        drop(admitted);
                        let _ = tx.send((i, result));
                    })
            };
            match &pool {
                Some(pool) => pool.install(run),
                None => run(),
            }
        });
        let mut pending = std::collections::BTreeMap::new();
        let mut next = 0usize;
        for (i, result) in receiver {
            done();
            pending.insert(i, result);
            while let Some(result) = pending.remove(&next) {
                sink(next, result);
                next += 1;
            }
        }
    });
}

/// Compile one file (detecting its front end unless `forced`), as `ferry check` would.
pub fn compile_file(
    path: &std::path::Path,
    forced: Option<ferry_ir::Frontend>,
    options: &DriveOptions,
) -> Compiled {
    let (mut units, rejected) = crate::inputs::collect(&[path.to_path_buf()], forced);
    if units.is_empty() {
        let unit = Unit {
            label: display(path),
            frontend: forced.unwrap_or(ferry_ir::Frontend::Ir),
            files: vec![path.to_path_buf()],
        };
        let diagnostics = rejected.into_iter().map(|r| r.diagnostic).collect();
        return Compiled {
            unit,
            sources: SourceMap::new(),
            workflow: None,
            diagnostics,
            fatal: true,
        };
    }
    compile_unit(units.remove(0), options)
}

/// Generate the ZenML project of a compiled unit (when it has a workflow and no
/// errors), adding the back end's diagnostics to the unit's.
pub fn emit_project(
    compiled: &mut Compiled,
    target: ferry_zenml::Target,
) -> Option<std::collections::BTreeMap<String, String>> {
    emit_project_with_map(compiled, target).map(|(files, _)| files)
}

/// Like [`emit_project`], also returning the source map of the generated files.
pub fn emit_project_with_map(
    compiled: &mut Compiled,
    target: ferry_zenml::Target,
) -> Option<(
    std::collections::BTreeMap<String, String>,
    ferry_zenml::SourceMapFile,
)> {
    emit_project_full(compiled, target).map(|p| (p.files, p.source_map))
}

/// A generated project with what the back end recorded about it.
#[derive(Debug)]
pub struct Project {
    pub files: std::collections::BTreeMap<String, String>,
    pub source_map: ferry_zenml::SourceMapFile,
    /// What each source construct became (MIGRATION_REPORT.md's rows).
    pub record: Vec<ferry_zenml::RecordEntry>,
}

/// Like [`emit_project`], with the source map and the emission record.
pub fn emit_project_full(compiled: &mut Compiled, target: ferry_zenml::Target) -> Option<Project> {
    emit_project_with(
        compiled,
        &ferry_zenml::EmitOptions {
            target,
            ..Default::default()
        },
    )
}

/// Like [`emit_project_full`], with every back-end option.
pub fn emit_project_with(
    compiled: &mut Compiled,
    options: &ferry_zenml::EmitOptions,
) -> Option<Project> {
    let workflow = compiled.workflow.as_ref()?;
    if compiled.diagnostics.iter().any(Diagnostic::is_error) {
        return None;
    }
    let emitted = catch_unwind(AssertUnwindSafe(|| {
        ferry_zenml::emit(workflow, &compiled.sources, options, &compiled.diagnostics)
    }));
    match emitted {
        Ok(emitted) => {
            compiled.diagnostics.extend(emitted.diagnostics);
            // No files: a generated module did not parse (F0705); nothing is written.
            (!emitted.files.is_empty()).then_some(Project {
                files: emitted.files,
                source_map: emitted.source_map,
                record: emitted.record,
            })
        }
        Err(payload) => {
            let d = internal_error(&compiled.unit, "generating the project for", payload);
            compiled.diagnostics.push(d);
            None
        }
    }
}
