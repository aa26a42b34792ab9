//! What each source construct actually became, recorded while the code is emitted.
//! MIGRATION_REPORT.md, README.md and pipeline_architecture.md are built from this
//! record only, so they cannot contradict the code: a step whose body raises is a
//! stand-in because the emitter wrote a raise, not because the IR said "absent".

use ferry_diagnostics::{MigrationFlag, Span};

/// The fate of one construct in the generated project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Disposition {
    /// Translated with the same semantics.
    Translated,
    /// Translated, with changed semantics named by a `# Migration note:`.
    Approximate,
    /// Code was written that raises when run (NotImplementedError) and says why.
    StandIn,
    /// A value the user must wire by hand (`unresolved(...)`, a parameter to pass).
    Placeholder,
    /// Nothing was written for it (e.g. a sensor); the report says what to do instead.
    Dropped,
}

impl Disposition {
    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::Translated => "translated",
            Disposition::Approximate => "translated with a note",
            Disposition::StandIn => "stand-in that raises",
            Disposition::Placeholder => "placeholder to wire by hand",
            Disposition::Dropped => "not migrated",
        }
    }

    /// Whether the construct needs a human before the project does what the source did.
    pub fn is_flagged(self) -> bool {
        matches!(
            self,
            Disposition::StandIn | Disposition::Placeholder | Disposition::Dropped
        )
    }
}

/// One row of the record.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The source construct, e.g. "Task `Train`".
    pub construct: String,
    /// What it became, e.g. "`steps/train.py`".
    pub target: String,
    pub disposition: Disposition,
    /// What changed, or why it is flagged.
    pub issue: String,
    /// The suggested redesign (flagged entries).
    pub redesign: String,
    pub severity: Option<MigrationFlag>,
    pub span: Span,
    /// The diagnostic reported for it, if any.
    pub code: Option<String>,
    /// `file:line` of the `# TODO(migration):` marker written for it, if any.
    pub marker: Option<(String, usize)>,
    /// Which kind of thing it is, for counts ("step", "pipeline", "parameter", ...).
    pub kind: EntryKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntryKind {
    Pipeline,
    Parameter,
    /// A step that became a `@step` function.
    Step,
    /// A control-flow construct of a pipeline body (branch, loop, end state).
    Control,
    /// A value or policy inside a step (an input, a retry).
    Detail,
    Trigger,
    Resource,
    Model,
    /// A finding of an earlier phase with a MEDIUM/HIGH flag and no construct row.
    Finding,
}

impl Entry {
    pub fn new(
        kind: EntryKind,
        construct: impl Into<String>,
        target: impl Into<String>,
        disposition: Disposition,
        span: Span,
    ) -> Self {
        Entry {
            construct: construct.into(),
            target: target.into(),
            disposition,
            issue: String::new(),
            redesign: String::new(),
            severity: None,
            span,
            code: None,
            marker: None,
            kind,
        }
    }

    pub fn issue(mut self, issue: impl Into<String>) -> Self {
        self.issue = issue.into();
        self
    }

    pub fn redesign(mut self, redesign: impl Into<String>) -> Self {
        self.redesign = redesign.into();
        self
    }

    pub fn severity(mut self, severity: Option<MigrationFlag>) -> Self {
        self.severity = severity;
        self
    }

    pub fn code(mut self, code: &str) -> Self {
        self.code = Some(code.to_string());
        self
    }
}

/// All entries of one project, in emission order.
#[derive(Debug, Default)]
pub struct Record {
    pub entries: Vec<Entry>,
}

impl Record {
    pub fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
    }

    pub fn with(&self, d: Disposition) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |e| e.disposition == d)
    }

    pub fn flagged(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.disposition.is_flagged())
    }

    pub fn count(&self, d: Disposition) -> usize {
        self.with(d).count()
    }

    /// Step functions, by disposition: what "steps migrated" counts.
    pub fn steps(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.kind == EntryKind::Step)
    }

    /// Whether every construct was translated (directly or with a note).
    pub fn complete(&self) -> bool {
        !self.entries.iter().any(|e| e.disposition.is_flagged())
    }
}
