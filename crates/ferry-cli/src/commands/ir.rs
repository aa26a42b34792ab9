use crate::ExitCode;
use crate::args::{IrArgs, IrFormat};

pub fn run(args: &IrArgs) -> ExitCode {
    let compiled = match super::single(&args.common, args.after.clone()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(workflow) = &compiled.workflow else {
        return ExitCode::Usage;
    };
    match args.format {
        IrFormat::Text => print!("{}", ferry_ir::text::print(workflow)),
        IrFormat::Json => match serde_json::to_string_pretty(workflow) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: cannot serialise the IR: {e}");
                return ExitCode::Usage;
            }
        },
    }
    super::report_code(&args.common, &compiled)
}
