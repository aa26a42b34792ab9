//! Printing diagnostics of compiled units to stderr, human or JSON, and the exit code
//! they imply.

use std::io::IsTerminal;

use ferry_diagnostics::{ColorChoice, Diagnostic, Severity, SourceMap, render_human, render_json};

use crate::ExitCode;
use crate::args::{ColorArg, CommonArgs, DenyLevel, MessageFormat};

pub fn color(arg: ColorArg) -> ColorChoice {
    match arg {
        ColorArg::Auto => ColorChoice::Auto,
        ColorArg::Always => ColorChoice::Always,
        ColorArg::Never => ColorChoice::Never,
    }
}

fn denied(severity: Severity, deny: DenyLevel) -> bool {
    match deny {
        DenyLevel::Error => severity == Severity::Error,
        DenyLevel::Warning => severity >= Severity::Warning,
        DenyLevel::Note => true,
    }
}

/// Print one unit's diagnostics; returns the exit code they imply on their own.
pub fn print(
    args: &CommonArgs,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    fatal: bool,
) -> ExitCode {
    let shown: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| !args.quiet || d.severity == Severity::Error)
        .cloned()
        .collect();
    if !shown.is_empty() {
        let text = match args.message_format {
            MessageFormat::Human => render_human(
                sources,
                &shown,
                color(args.color),
                std::io::stderr().is_terminal(),
            ),
            MessageFormat::Json => render_json(sources, &shown) + "\n",
        };
        eprint!("{text}");
    }
    exit_code(args, diagnostics, fatal)
}

/// The exit code a unit's diagnostics imply on their own.
pub fn exit_code(args: &CommonArgs, diagnostics: &[Diagnostic], fatal: bool) -> ExitCode {
    if fatal {
        ExitCode::Usage
    } else if diagnostics.iter().any(|d| denied(d.severity, args.deny)) {
        ExitCode::Findings
    } else {
        ExitCode::Ok
    }
}

/// One line per severity count, like `cargo build`'s summary.
pub fn summary(label: &str, diagnostics: &[Diagnostic]) -> String {
    let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
    format!(
        "{label}: {} error(s), {} warning(s), {} note(s)",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note)
    )
}
