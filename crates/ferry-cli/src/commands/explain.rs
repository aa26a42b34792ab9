use crate::ExitCode;
use crate::args::ExplainArgs;
use crate::frontends::code_registry;

pub fn run(args: &ExplainArgs) -> ExitCode {
    let registry = code_registry();
    if args.list {
        for info in registry.all() {
            println!("{}  {}", info.code, info.title);
        }
        return ExitCode::Ok;
    }
    let code = args.code.as_deref().unwrap_or_default();
    match registry.lookup(code) {
        Some(info) => {
            println!("{}: {}\n\n{}", info.code, info.title, info.explanation);
            ExitCode::Ok
        }
        None => {
            eprintln!("error: no diagnostic code `{code}`; `ferry explain --list` shows them all");
            ExitCode::Usage
        }
    }
}
