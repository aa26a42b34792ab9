//! The `ferry` command line: argument parsing, reading inputs, running the front end,
//! passes and back end for each input (in parallel, output in input order), writing
//! results atomically and printing diagnostics.
//!
//! This crate is the only one that touches the file system or the terminal. It must not
//! contain compiler logic: detection of input kinds and the calls into each phase are
//! all it adds.

mod args;
mod commands;
pub mod companions;
pub mod driver;
mod exit;
pub mod frontends;
mod html;
pub mod inputs;
pub mod limits;
mod lint;
mod progress;
mod report;
pub mod write;

pub use exit::ExitCode;
pub use ferry_zenml::Target;

use clap::Parser;

/// Run the CLI with the given arguments (the first is the program name); returns the
/// process exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match args::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let is_usage_error = err.use_stderr();
            let _ = err.print();
            return if is_usage_error {
                ExitCode::Usage as i32
            } else {
                ExitCode::Ok as i32
            };
        }
    };
    // The command runs on a thread with the same stack as the batch workers: the back
    // end runs on it too.
    std::thread::Builder::new()
        .name("ferry".into())
        .stack_size(driver::STACK_BYTES)
        .spawn(move || commands::dispatch(cli) as i32)
        .and_then(|t| {
            t.join()
                .map_err(|_| std::io::Error::other("the command panicked"))
        })
        // A panic outside the per-unit guards: exit like an uncaught Rust panic.
        .unwrap_or(101)
}
