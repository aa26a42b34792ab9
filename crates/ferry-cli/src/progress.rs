//! The batch progress bar on stderr (files done / total, rate, ETA), drawn by
//! `indicatif`. It is shown only to a person: stderr is a terminal, the batch has more
//! than one unit, diagnostics are human text, `-q` is off, and neither `CI` is set nor
//! `TERM=dumb`. It never writes to stdout and never touches what is compiled or
//! written; everything else printed while it is shown goes through [`Progress::print`]
//! so lines are not torn.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::args::{CommonArgs, MessageFormat};

#[derive(Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

/// Whether a bar may be drawn for a batch of `units` with these options.
pub fn wanted(args: &CommonArgs, units: usize) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    units > 1
        && !args.quiet
        && args.message_format == MessageFormat::Human
        && std::io::stderr().is_terminal()
        && !set("CI")
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

impl Progress {
    /// A bar for `total` units, or nothing when it is not [`wanted`].
    pub fn new(args: &CommonArgs, total: usize) -> Progress {
        if !wanted(args, total) {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{bar:30} {pos}/{len} files  {per_sec}  ETA {eta}")
        {
            bar.set_style(style);
        }
        bar.tick();
        Progress { bar: Some(bar) }
    }

    /// Another handle on the same bar (for the closure that counts finished units).
    pub fn handle(&self) -> Progress {
        self.clone()
    }

    /// One more unit finished.
    pub fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Run `f` (which prints) with the bar lifted off the terminal.
    pub fn print(&self, f: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// Remove the bar; the terminal is left as if it had never been drawn.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
