use std::path::PathBuf;

use ferry_diagnostics::Diagnostic;
use ferry_ir::naming::Namer;
use ferry_zenml::Target;

use crate::args::{CompileArgs, TargetArg};
use crate::driver::{Compiled, compile_all, emit_project_with_map};
use crate::{ExitCode, report, write};

pub fn run(args: &CompileArgs) -> ExitCode {
    let options = match super::drive_options(&args.common, None) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let (units, mut code) = super::units(&args.common);
    let target = match args.target {
        TargetArg::Local => Target::Local,
        TargetArg::Sagemaker => Target::Sagemaker,
    };
    let out = match write::OutDir::open(&args.out) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("error[{}]: {e}", e.code());
            return ExitCode::Usage;
        }
    };
    let write_options = write::WriteOptions {
        force: args.force,
        ..write::WriteOptions::default()
    };
    let compiled = compile_all(units, &options, args.common.jobs);
    let folders = output_folders(&compiled);
    let mut written = 0usize;
    for (mut unit, folder) in compiled.into_iter().zip(folders) {
        if let Some((files, map)) = emit_project_with_map(&mut unit, target) {
            let bytes = files.values().map(|f| f.len() as u64).sum::<u64>();
            if bytes > options.limits.max_output_bytes {
                let d = crate::limits::output_too_large(&unit.unit.label, bytes, &options.limits);
                unit.diagnostics.push(d);
            } else {
                let dir = args.out.join(&folder);
                let folder = folder.to_string_lossy();
                match out.write_project(&folder, &files, &write_options) {
                    Ok(()) => {
                        written += 1;
                        if let Some(ruff) = &args.ruff {
                            unit.diagnostics
                                .extend(crate::lint::ruff_findings(ruff, &dir, &map));
                        }
                    }
                    Err(errors) => unit.diagnostics.extend(
                        errors
                            .into_iter()
                            .map(|e| Diagnostic::error(e.code(), e.to_string())),
                    ),
                }
            }
        }
        code = code.max(report::print(
            &args.common,
            &unit.sources,
            &unit.diagnostics,
            unit.fatal,
        ));
        if !args.common.quiet {
            eprintln!("{}", report::summary(&unit.unit.label, &unit.diagnostics));
        }
    }
    if !args.common.quiet {
        eprintln!("wrote {written} project(s) under {}", args.out.display());
    }
    code
}

/// One folder per unit, named after the input and unique in the batch, decided in
/// input order so the layout never depends on scheduling.
fn output_folders(compiled: &[Compiled]) -> Vec<PathBuf> {
    let mut namer = Namer::new();
    compiled
        .iter()
        .map(|c| {
            let stem = c
                .unit
                .files
                .first()
                .filter(|_| c.unit.files.len() == 1)
                .and_then(|p| p.file_stem())
                .map(|s| s.to_string_lossy().trim_end_matches(".asl").to_string())
                .unwrap_or_else(|| {
                    c.unit
                        .label
                        .rsplit('/')
                        .next()
                        .unwrap_or("workflow")
                        .to_string()
                });
            let name = namer.fresh(&stem);
            PathBuf::from(name)
        })
        .collect()
}
