//! A mutation fuzzer for the whole compiler that runs on stable Rust, in CI, for a
//! bounded time: seed inputs (the golden inputs and the shared corpora, read at test
//! time) are mutated deterministically from a fixed seed ([`mutate`]), and every case
//! goes through the real driver — reading, limits, lowering, passes, the verifier and
//! `ferry_zenml::emit` ([`run`]) — in a child process of its own with the CLI's stack
//! size and a time bound ([`run_isolated`]), so a crash or hang is a finding, not the
//! end of the campaign. A case fails if anything panics (F0005), crashes, runs over the
//! bound, or if an emitted Python module does not pass [`check_emitted`]. Failing cases are minimised
//! ([`minimise`]) and kept in `regressions/`, which a test replays.
//!
//! This crate must not hold compiler logic, must never write outside the temp folder
//! it is given, and must stay deterministic: case `n` is the same bytes on every
//! machine.

pub mod mutate;
mod run;
mod seeds;

pub use run::{Outcome, STACK, minimise, run, run_isolated};
pub use seeds::{Seed, seeds};

use std::collections::BTreeMap;

/// Problems with a generated project's files: every `.py` module must parse as Python
/// and hold no NUL byte. The back end's own output verifier can replace this function
/// once it exists; the harness only calls this.
pub fn check_emitted(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, text) in files {
        if text.contains('\0') {
            problems.push(format!("{path}: holds a NUL byte"));
        }
        if !path.ends_with(".py") {
            continue;
        }
        if let Err(e) = ruff_python_parser::parse_module(text) {
            problems.push(format!("{path}: does not parse: {}", e.error));
        }
    }
    problems
}
