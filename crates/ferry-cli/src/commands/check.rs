use crate::ExitCode;
use crate::args::CommonArgs;
use crate::driver::compile_each;
use crate::report::{Printer, Renderer, summary};

pub fn run(args: &CommonArgs) -> ExitCode {
    let options = match super::drive_options(args, None) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let renderer = Renderer::new(args);
    let mut printer = Printer::new(&renderer);
    let (units, mut code) = super::units(args, &mut printer);
    let many = units.len() > 1;
    printer.start_progress(units.len());
    let progress = printer.progress.handle();
    compile_each(
        units,
        &options,
        args.jobs,
        |_, compiled| {
            let rendered =
                renderer.render(&compiled.sources, &compiled.diagnostics, compiled.fatal);
            (
                rendered,
                summary(&compiled.unit.label, &compiled.diagnostics),
            )
        },
        || progress.inc(),
        |_, (rendered, line)| {
            code = code.max(printer.emit(rendered));
            if many {
                printer.status(&line);
            }
        },
    );
    printer.finish();
    code
}
