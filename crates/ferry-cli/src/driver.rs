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
    // A SageMaker pipeline's scripts: the front end says what it wants, the driver
    // reads it from the input tree (the only place files are read).
    let mut sagemaker = None;
    if unit.frontend == ferry_ir::Frontend::Sagemaker
        && let (Some(&file), Some(path)) = (files.first(), unit.files.first())
    {
        let (root, pipeline_dir) = crate::companions::tree(&unit, path);
        let first = ferry_sagemaker::Options {
            pipeline_dir: pipeline_dir.clone(),
            ..Default::default()
        };
        let wanted = catch_unwind(AssertUnwindSafe(|| {
            ferry_sagemaker::wanted_paths(&sources, file, &first)
        }))
        .unwrap_or_default();
        let budget = options.limits.max_input_bytes.saturating_sub(size);
        let companions = crate::companions::gather(
            &root,
            &pipeline_dir,
            &wanted,
            &mut sources,
            budget,
            &mut diagnostics,
        );
        sagemaker = Some(ferry_sagemaker::Options {
            pipeline_dir,
            companions: Some(companions),
            ..Default::default()
        });
    }
    let lowered = catch_unwind(AssertUnwindSafe(|| {
        frontends::lower(
            unit.frontend,
            &sources,
            &files,
            &options.frontend,
            sagemaker.as_ref(),
        )
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
///
/// Workers take units in input order and never run more than [`WINDOW_PER_THREAD`]
/// units per thread ahead of the first one not yet handed to `sink`, so the reorder
/// buffer (and the memory of results waiting in it) stays small however long the batch.
pub fn compile_each<R: Send>(
    units: Vec<Unit>,
    options: &DriveOptions,
    jobs: Option<usize>,
    work: impl Fn(usize, Compiled) -> R + Sync,
    mut done: impl FnMut(),
    mut sink: impl FnMut(usize, R),
) {
    use std::sync::{Condvar, Mutex, PoisonError};
    let total = units.len();
    let threads = jobs
        .filter(|&j| j > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, total.max(1));
    let window = threads * WINDOW_PER_THREAD;
    let gate = MemoryGate::new(options.limits.memory_budget);
    let queue = Mutex::new(Queue {
        units: units.into_iter().enumerate(),
        taken: 0,
        sunk: 0,
        aborted: false,
    });
    let moved = Condvar::new();
    let (sender, receiver) = std::sync::mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (queue, moved, gate, work, tx) = (&queue, &moved, &gate, &work, sender.clone());
            let worker = move || {
                // A panic outside the phases' own guards stops the other workers
                // instead of leaving them waiting for a result that never comes.
                struct Abort<'q, I>(&'q Mutex<Queue<I>>, &'q Condvar);
                impl<I> Drop for Abort<'_, I> {
                    fn drop(&mut self) {
                        if std::thread::panicking() {
                            self.0
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .aborted = true;
                            self.1.notify_all();
                        }
                    }
                }
                let _abort = Abort(queue, moved);
                loop {
                    let (i, unit) = {
                        let mut q = queue.lock().unwrap_or_else(PoisonError::into_inner);
                        while !q.aborted && q.taken < total && q.taken >= q.sunk + window {
                            q = moved.wait(q).unwrap_or_else(PoisonError::into_inner);
                        }
                        if q.aborted {
                            return;
                        }
                        match q.units.next() {
                            Some(next) => {
                                q.taken += 1;
                                next
                            }
                            None => return,
                        }
                    };
                    let admitted = gate.admit(limits::memory_estimate(input_bytes(&unit)));
                    let result = work(i, compile_unit(unit, options));
                    drop(admitted);
                    if tx.send((i, result)).is_err() {
                        return;
                    }
                }
            };
            let spawned = std::thread::Builder::new()
                .name("ferry-worker".into())
                .stack_size(STACK_BYTES)
                .spawn_scoped(scope, worker);
            if let Err(e) = spawned {
                // Fewer workers than asked (the system refused a thread): the others
                // carry on; with none at all, nothing can be compiled.
                eprintln!("ferry: cannot start a worker thread: {e}");
            }
        }
        drop(sender);
        let mut pending = std::collections::BTreeMap::new();
        let mut next = 0usize;
        for (i, result) in receiver {
            done();
            pending.insert(i, result);
            let before = next;
            while let Some(result) = pending.remove(&next) {
                sink(next, result);
                next += 1;
            }
            if next != before {
                queue.lock().unwrap_or_else(PoisonError::into_inner).sunk = next;
                moved.notify_all();
            }
        }
    });
}

/// Units each worker thread may run ahead of the first unit not yet printed.
pub const WINDOW_PER_THREAD: usize = 4;

/// The work queue of [`compile_each`].
struct Queue<I> {
    units: I,
    /// Units handed to workers so far (always a prefix of the input order).
    taken: usize,
    /// Units handed to the sink so far.
    sunk: usize,
    /// A worker panicked: the others stop taking units.
    aborted: bool,
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
            root: None,
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
    let workflow = compiled.workflow.as_ref()?;
    if compiled.diagnostics.iter().any(Diagnostic::is_error) {
        return None;
    }
    let emitted = catch_unwind(AssertUnwindSafe(|| {
        ferry_zenml::emit(
            workflow,
            &compiled.sources,
            &ferry_zenml::EmitOptions { target },
            &compiled.diagnostics,
        )
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
