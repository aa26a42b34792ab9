use std::path::{Path, PathBuf};

use ferry_diagnostics::Diagnostic;
use ferry_ir::naming::Namer;
use ferry_zenml::Target;

use crate::args::{CompileArgs, TargetArg};
use crate::driver::{Compiled, compile_each, emit_project_full};
use crate::inputs::Unit;
use crate::report::{Printer, Rendered, Renderer, summary};
use crate::write::compare::ReadOut;
use crate::{ExitCode, write};

/// Where the projects go: written, or only compared (`--check` / `--diff`).
enum Out {
    Write(write::OutDir),
    Compare(ReadOut),
}

/// What one unit left for the main thread to print.
struct Outcome {
    rendered: Rendered,
    summary: String,
    written: bool,
    /// `--check`/`--diff` text for stdout, and whether anything differs.
    changes: String,
    differs: bool,
}

pub fn run(args: &CompileArgs) -> ExitCode {
    let options = match super::drive_options(&args.common, None) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let renderer = Renderer::new(&args.common);
    let mut printer = Printer::new(&renderer);
    let (units, mut code) = super::units(&args.common, &mut printer);
    let compare = args.check || args.diff;
    let out = if compare {
        ReadOut::open(&args.out).map(Out::Compare)
    } else {
        write::OutDir::open(&args.out).map(Out::Write)
    };
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            let d = Diagnostic::error(e.code(), e.to_string());
            printer.unit(&ferry_diagnostics::SourceMap::new(), &[d], true);
            printer.finish();
            return ExitCode::Usage;
        }
    };
    let folders = output_folders(&units);
    printer.start_progress(units.len());
    let progress = printer.progress.handle();
    let (mut written, mut differing) = (0usize, 0usize);
    compile_each(
        units,
        &options,
        args.common.jobs,
        |index, compiled| one(args, &out, &folders[index], compiled, &renderer, &options),
        || progress.inc(),
        |_, outcome| {
            code = code.max(printer.emit(outcome.rendered));
            printer.stdout(&outcome.changes);
            printer.status(&outcome.summary);
            written += usize::from(outcome.written);
            differing += usize::from(outcome.differs);
        },
    );
    if compare {
        printer.status(&format!(
            "{differing} project(s) under {} differ from what ferry generates",
            args.out.display()
        ));
        if differing > 0 {
            code = code.max(ExitCode::Findings);
        }
    } else {
        printer.status(&format!(
            "wrote {written} project(s) under {}",
            args.out.display()
        ));
    }
    printer.finish();
    code
}

/// Emit, then write or compare, one compiled unit (on a worker thread).
fn one(
    args: &CompileArgs,
    out: &Out,
    folder: &Path,
    mut unit: Compiled,
    renderer: &Renderer,
    options: &crate::driver::DriveOptions,
) -> Outcome {
    let target = match args.target {
        TargetArg::Local => Target::Local,
        TargetArg::Sagemaker => Target::Sagemaker,
    };
    let mut outcome = Outcome {
        rendered: Rendered::default(),
        summary: String::new(),
        written: false,
        changes: String::new(),
        differs: false,
    };
    if let Some(mut project) = emit_project_full(&mut unit, target) {
        if args.html {
            let html = crate::html::report(&unit, &project);
            project.files.insert("report.html".into(), html);
        }
        let files = &project.files;
        let bytes = files.values().map(|f| f.len() as u64).sum::<u64>();
        let name = folder.to_string_lossy();
        if bytes > options.limits.max_output_bytes {
            let d = crate::limits::output_too_large(&unit.unit.label, bytes, &options.limits);
            unit.diagnostics.push(d);
        } else {
            let errors = match out {
                Out::Write(out) => {
                    let write_options = write::WriteOptions {
                        force: args.force,
                        ..write::WriteOptions::default()
                    };
                    match out.write_project(&name, files, &write_options) {
                        Ok(()) => {
                            outcome.written = true;
                            if let Some(ruff) = &args.ruff {
                                let dir = args.out.join(folder);
                                unit.diagnostics.extend(crate::lint::ruff_findings(
                                    ruff,
                                    &dir,
                                    &project.source_map,
                                ));
                            }
                            Vec::new()
                        }
                        Err(errors) => errors,
                    }
                }
                Out::Compare(out) => {
                    let wait = write::WriteOptions::default().lock_wait;
                    match out.compare_project(&name, files, wait) {
                        Ok(changes) => {
                            let prefix = format!("{}/{name}", crate::inputs::display(&args.out));
                            outcome.differs = !changes.is_empty();
                            outcome.changes = super::changes::render(&prefix, &changes, args.diff);
                            Vec::new()
                        }
                        Err(errors) => {
                            outcome.differs = true;
                            errors
                        }
                    }
                }
            };
            unit.diagnostics.extend(
                errors
                    .into_iter()
                    .map(|e| Diagnostic::error(e.code(), e.to_string())),
            );
        }
    }
    outcome.rendered = renderer.render(&unit.sources, &unit.diagnostics, unit.fatal);
    outcome.summary = summary(&unit.unit.label, &unit.diagnostics);
    outcome
}

/// One folder per unit, named after the input and unique in the batch, decided in
/// input order (before compiling) so the layout never depends on scheduling.
fn output_folders(units: &[Unit]) -> Vec<PathBuf> {
    let mut namer = Namer::new();
    units
        .iter()
        .map(|u| {
            let stem = u
                .files
                .first()
                .filter(|_| u.files.len() == 1)
                .and_then(|p| p.file_stem())
                .map(|s| s.to_string_lossy().trim_end_matches(".asl").to_string())
                .unwrap_or_else(|| u.label.rsplit('/').next().unwrap_or("workflow").to_string());
            PathBuf::from(namer.fresh(&stem))
        })
        .collect()
}
