use crate::ExitCode;
use crate::args::{GraphArgs, GraphFormat};

pub fn run(args: &GraphArgs) -> ExitCode {
    let compiled = match super::single(&args.common, args.after.clone()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(workflow) = &compiled.workflow else {
        return ExitCode::Usage;
    };
    let text = match args.format {
        GraphFormat::Dot => ferry_graph::to_dot(workflow),
        GraphFormat::Mermaid => ferry_graph::to_mermaid(workflow),
        GraphFormat::Json => ferry_graph::to_json(workflow),
    };
    print!("{text}");
    if !text.ends_with('\n') {
        println!();
    }
    super::report_code(&args.common, &compiled)
}
