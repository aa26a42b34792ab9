//! Printing diagnostics of compiled units to stderr — human text, JSON, or one SARIF
//! log for the whole command — and the exit code they imply. A [`Renderer`] turns one
//! unit's diagnostics into text while its sources are at hand (on any thread); the
//! [`Printer`] prints rendered units in input order on the main thread, around the
//! progress bar, and writes the SARIF log when the command ends.

use std::io::IsTerminal;

use ferry_diagnostics::{
    CodeInfo, ColorChoice, Diagnostic, Severity, SourceMap, render_human, render_json, sarif_log,
    sarif_results,
};

use crate::ExitCode;
use crate::args::{ColorArg, CommonArgs, DenyLevel, MessageFormat};
use crate::progress::Progress;

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

/// One unit's diagnostics, rendered.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Human or JSON text for stderr (empty in SARIF mode).
    pub text: String,
    /// SARIF results (SARIF mode only).
    pub sarif: Vec<serde_json::Value>,
    pub code: ExitCode,
}

/// Renders diagnostics the way the options ask; shared by the worker threads.
pub struct Renderer<'a> {
    pub args: &'a CommonArgs,
    rules: Vec<&'static CodeInfo>,
    stderr_terminal: bool,
}

impl<'a> Renderer<'a> {
    pub fn new(args: &'a CommonArgs) -> Self {
        Renderer {
            args,
            rules: crate::frontends::code_registry().all(),
            stderr_terminal: std::io::stderr().is_terminal(),
        }
    }

    pub fn sarif(&self) -> bool {
        self.args.message_format == MessageFormat::Sarif
    }

    pub fn render(&self, sources: &SourceMap, diagnostics: &[Diagnostic], fatal: bool) -> Rendered {
        let shown: Vec<Diagnostic> = diagnostics
            .iter()
            .filter(|d| !self.args.quiet || d.severity == Severity::Error)
            .cloned()
            .collect();
        let mut rendered = Rendered {
            code: exit_code(self.args, diagnostics, fatal),
            ..Rendered::default()
        };
        if shown.is_empty() {
            return rendered;
        }
        match self.args.message_format {
            MessageFormat::Human => {
                rendered.text = render_human(
                    sources,
                    &shown,
                    color(self.args.color),
                    self.stderr_terminal,
                )
            }
            MessageFormat::Json => rendered.text = render_json(sources, &shown) + "\n",
            MessageFormat::Sarif => rendered.sarif = sarif_results(&self.rules, sources, &shown),
        }
        rendered
    }
}

/// Prints rendered units in order; owns the progress bar and the SARIF log.
pub struct Printer<'r, 'a> {
    pub renderer: &'r Renderer<'a>,
    sarif: Vec<serde_json::Value>,
    pub progress: Progress,
}

impl<'r, 'a> Printer<'r, 'a> {
    pub fn new(renderer: &'r Renderer<'a>) -> Self {
        Printer {
            renderer,
            sarif: Vec::new(),
            progress: Progress::new(renderer.args, 0),
        }
    }

    /// Show a progress bar for a batch of `total` units (when one is wanted).
    pub fn start_progress(&mut self, total: usize) {
        self.progress = Progress::new(self.renderer.args, total);
    }

    /// Print one unit's diagnostics; returns the exit code they imply.
    pub fn emit(&mut self, rendered: Rendered) -> ExitCode {
        if !rendered.text.is_empty() {
            self.progress.print(|| eprint!("{}", rendered.text));
        }
        self.sarif.extend(rendered.sarif);
        rendered.code
    }

    /// Render and print in one go (diagnostics of the main thread).
    pub fn unit(
        &mut self,
        sources: &SourceMap,
        diagnostics: &[Diagnostic],
        fatal: bool,
    ) -> ExitCode {
        let rendered = self.renderer.render(sources, diagnostics, fatal);
        self.emit(rendered)
    }

    /// A status line on stderr (summaries); not printed with `-q` or in SARIF mode,
    /// where stderr holds only the log.
    pub fn status(&self, line: &str) {
        if !self.renderer.args.quiet && !self.renderer.sarif() {
            self.progress.print(|| eprintln!("{line}"));
        }
    }

    /// Text for stdout (diffs, lists), printed with the bar lifted.
    pub fn stdout(&self, text: &str) {
        if !text.is_empty() {
            self.progress.print(|| print!("{text}"));
        }
    }

    /// End of the command: remove the bar, write the SARIF log.
    pub fn finish(self) {
        self.progress.finish();
        if self.renderer.sarif() {
            let log = sarif_log(env!("CARGO_PKG_VERSION"), &self.renderer.rules, self.sarif);
            eprint!("{log}");
        }
    }
}

/// Print one unit's diagnostics on their own (a single-unit command, or an error
/// before any batch); returns the exit code they imply.
pub fn print(
    args: &CommonArgs,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    fatal: bool,
) -> ExitCode {
    let renderer = Renderer::new(args);
    let mut printer = Printer::new(&renderer);
    let code = printer.unit(sources, diagnostics, fatal);
    printer.finish();
    code
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
