mod changes;
mod check;
mod compile;
mod explain;
mod graph;
mod ir;

use std::collections::BTreeMap;

use crate::args::{Cli, Command, CommonArgs, FrontendArg};
use crate::driver::{Compiled, DriveOptions};
use crate::frontends::FrontendOptions;
use crate::inputs::{self, Unit};
use crate::report::{Printer, Renderer};
use crate::{ExitCode, report};

pub fn dispatch(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Compile(args) => compile::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Ir(args) => ir::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Explain(args) => explain::run(&args),
    }
}

fn frontend(arg: Option<FrontendArg>) -> Option<ferry_ir::Frontend> {
    arg.map(|f| match f {
        FrontendArg::Asl => ferry_ir::Frontend::Asl,
        FrontendArg::Sagemaker => ferry_ir::Frontend::Sagemaker,
        FrontendArg::Dagster => ferry_ir::Frontend::Dagster,
        FrontendArg::Ir => ferry_ir::Frontend::Ir,
    })
}

/// Parse `--subst KEY=VALUE` options.
fn substitutions(args: &CommonArgs) -> Result<BTreeMap<String, String>, String> {
    args.substitutions
        .iter()
        .map(|s| match s.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(format!("--subst expects KEY=VALUE, got `{s}`")),
        })
        .collect()
}

/// Collect units, report rejected paths through `printer`; the code is Usage when a
/// path was rejected or nothing was found.
fn units(args: &CommonArgs, printer: &mut Printer) -> (Vec<Unit>, ExitCode) {
    let (units, rejected) = inputs::collect(&args.inputs, frontend(args.frontend));
    let mut code = ExitCode::Ok;
    for r in &rejected {
        printer.unit(
            &ferry_diagnostics::SourceMap::new(),
            std::slice::from_ref(&r.diagnostic),
            true,
        );
        code = ExitCode::Usage;
    }
    if units.is_empty() && rejected.is_empty() {
        eprintln!("error: no workflow definitions found in the given inputs");
        code = ExitCode::Usage;
    }
    (units, code)
}

fn drive_options(args: &CommonArgs, stop_after: Option<String>) -> Result<DriveOptions, ExitCode> {
    let substitutions = substitutions(args).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::Usage
    })?;
    Ok(DriveOptions {
        frontend: FrontendOptions { substitutions },
        stop_after,
        verify_each: false,
        limits: crate::limits::Limits {
            max_input_bytes: args.max_input_bytes,
            max_steps: args.max_steps,
            max_output_bytes: args.max_output_bytes,
            memory_budget: args.memory_budget,
        },
    })
}

/// For commands that print one unit's IR or graph: exactly one unit is required.
fn single(args: &CommonArgs, stop_after: Option<String>) -> Result<Compiled, ExitCode> {
    let options = drive_options(args, stop_after)?;
    let renderer = Renderer::new(args);
    let mut printer = Printer::new(&renderer);
    let (mut units, code) = units(args, &mut printer);
    if code != ExitCode::Ok {
        printer.finish();
        return Err(code);
    }
    if units.len() != 1 {
        eprintln!(
            "error: this command takes exactly one workflow; {} were found",
            units.len()
        );
        printer.finish();
        return Err(ExitCode::Usage);
    }
    let compiled = crate::driver::compile_unit(units.remove(0), &options);
    let code = printer.unit(&compiled.sources, &compiled.diagnostics, compiled.fatal);
    printer.finish();
    if compiled.workflow.is_none() {
        return Err(code.max(ExitCode::Usage));
    }
    Ok(compiled)
}

/// The exit code a successfully printed single unit implies (findings at --deny).
fn report_code(args: &CommonArgs, compiled: &Compiled) -> ExitCode {
    report::exit_code(args, &compiled.diagnostics, false)
}
