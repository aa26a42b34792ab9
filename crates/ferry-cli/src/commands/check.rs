use crate::args::CommonArgs;
use crate::driver::compile_all;
use crate::{ExitCode, report};

pub fn run(args: &CommonArgs) -> ExitCode {
    let options = match super::drive_options(args, None) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let (units, mut code) = super::units(args);
    let many = units.len() > 1;
    for compiled in compile_all(units, &options, args.jobs) {
        code = code.max(report::print(
            args,
            &compiled.sources,
            &compiled.diagnostics,
            compiled.fatal,
        ));
        if many && !args.quiet {
            eprintln!(
                "{}",
                report::summary(&compiled.unit.label, &compiled.diagnostics)
            );
        }
    }
    code
}
