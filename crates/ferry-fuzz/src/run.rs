//! One fuzz case through the real driver, isolated in a child process with a time
//! bound, and the minimiser.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ferry_cli::Target;
use ferry_cli::driver::{DriveOptions, compile_file, emit_project};
use ferry_ir::Frontend;

/// How one case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Diagnostics only (or a clean compile), and every emitted module checks out.
    Ok,
    /// Something the harness forbids happened (internal error, invalid output).
    Problems(Vec<String>),
    /// The process died (stack overflow, abort, out of memory).
    Crashed(String),
    /// The case ran past the bound and was killed.
    Timeout,
}

/// The stack the CLI's threads have; a case that needs more would crash the real
/// binary too.
pub const STACK: usize = ferry_cli::driver::STACK_BYTES;

/// Compile the input at `path` as `frontend`, emit the project and return every
/// problem: internal errors (F0005), generated modules that did not parse (F0705: the
/// back end then writes nothing) and emitted files that do not pass
/// [`crate::check_emitted`]. In-process: a crash here is the caller's crash.
pub fn run(frontend: Frontend, path: &Path) -> Vec<String> {
    let options = DriveOptions {
        verify_each: true,
        ..DriveOptions::default()
    };
    let mut compiled = compile_file(path, Some(frontend), &options);
    let files = emit_project(&mut compiled, Target::Local);
    let mut problems: Vec<String> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.code == "F0005" || d.code == "F0705")
        .map(|d| d.message.clone())
        .collect();
    if let Some(mut files) = files {
        // The source's files ferry keeps byte for byte (its scripts, and a module
        // that does not parse: F0713) are the source's code, not ferry's output.
        if let Some(workflow) = &compiled.workflow {
            files.retain(|path, text| {
                !workflow
                    .files
                    .iter()
                    .any(|f| &f.path == path && (f.verbatim || &f.text == text))
            });
        }
        problems.extend(crate::check_emitted(&files));
    }
    problems
}

/// Run one case in a child process (`runner` is the `ferry-fuzz-case` binary), killed
/// after `bound`.
pub fn run_isolated(
    runner: &Path,
    frontend: Frontend,
    ext: &str,
    bytes: &[u8],
    bound: Duration,
) -> Outcome {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => return Outcome::Problems(vec![format!("harness: no temp folder: {e}")]),
    };
    let path = dir.path().join(format!("case.{ext}"));
    if let Err(e) = std::fs::write(&path, bytes) {
        return Outcome::Problems(vec![format!("harness: cannot write the case: {e}")]);
    }
    let child = Command::new(runner)
        .arg(frontend.as_str())
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return Outcome::Problems(vec![format!("harness: cannot start the runner: {e}")]),
    };
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() >= bound => {
                let _ = child.kill();
                let _ = child.wait();
                return Outcome::Timeout;
            }
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(e) => return Outcome::Problems(vec![format!("harness: {e}")]),
        }
    }
    let output = match child.wait_with_output() {
        Ok(o) => o,
        Err(e) => return Outcome::Problems(vec![format!("harness: {e}")]),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    match output.status.code() {
        Some(0) => Outcome::Ok,
        Some(1) => Outcome::Problems(stdout.lines().map(str::to_string).collect()),
        _ => Outcome::Crashed(format!("{}", output.status)),
    }
}

/// A smaller input that still fails: repeatedly drop chunks (halves, quarters, ...
/// down to single bytes) while `fails` holds, for at most `budget`.
pub fn minimise(bytes: &[u8], budget: Duration, fails: impl Fn(&[u8]) -> bool) -> Vec<u8> {
    let start = Instant::now();
    let mut best = bytes.to_vec();
    let mut chunk = best.len().div_ceil(2).max(1);
    while start.elapsed() < budget {
        let mut i = 0;
        let mut shrank = false;
        while i < best.len() && start.elapsed() < budget {
            let end = (i + chunk).min(best.len());
            let mut candidate = best[..i].to_vec();
            candidate.extend_from_slice(&best[end..]);
            if fails(&candidate) {
                best = candidate;
                shrank = true;
            } else {
                i += chunk;
            }
        }
        if !shrank {
            if chunk == 1 {
                break;
            }
            chunk = chunk.div_ceil(2);
        }
    }
    best
}
