use ferry_diagnostics::Diagnostic;

use crate::args::{GraphArgs, GraphFormat};
use crate::{ExitCode, report};

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
        GraphFormat::Svg => match ferry_graph::to_svg(workflow) {
            Ok(svg) => svg,
            Err(reason) => {
                let d = Diagnostic::error(
                    "F0005",
                    format!(
                        "internal error while laying out the graph of `{}`: {reason}",
                        compiled.unit.label
                    ),
                )
                .with_help("this is a bug in ferry; use --format dot or mermaid meanwhile");
                report::print(&args.common, &compiled.sources, &[d], true);
                return ExitCode::Usage;
            }
        },
    };
    print!("{text}");
    if !text.ends_with('\n') {
        println!();
    }
    super::report_code(&args.common, &compiled)
}
