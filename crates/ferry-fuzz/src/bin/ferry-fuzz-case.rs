//! Runs one fuzz case in its own process, so that a crash (a stack overflow, an abort)
//! or a hang takes only this process down: `ferry-fuzz-case FRONTEND FILE` compiles
//! FILE with FRONTEND on a thread with the CLI's stack size and prints one problem per
//! line; exit code 0 means no problem, 1 means problems.

use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(frontend), Some(file)) = (
        args.get(1).and_then(|f| ferry_ir::Frontend::parse(f)),
        args.get(2).map(PathBuf::from),
    ) else {
        eprintln!("usage: ferry-fuzz-case asl|sagemaker|dagster|ir FILE");
        std::process::exit(2);
    };
    let problems = std::thread::Builder::new()
        .stack_size(ferry_fuzz::STACK)
        .spawn(move || ferry_fuzz::run(frontend, &file))
        .and_then(|t| {
            t.join()
                .map_err(|_| std::io::Error::other("the case panicked"))
        })
        .unwrap_or_else(|e| vec![format!("harness: {e}")]);
    for p in &problems {
        println!("{}", p.replace('\n', " "));
    }
    std::process::exit(i32::from(!problems.is_empty()));
}
