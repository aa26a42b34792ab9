/// Process exit codes, documented in README.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum ExitCode {
    /// Everything compiled; no finding at or above the `--deny` level.
    #[default]
    Ok = 0,
    /// Some input has findings at or above the `--deny` level (errors by default).
    Findings = 1,
    /// Usage error, or an input that could not be read or lowered at all.
    Usage = 2,
}
