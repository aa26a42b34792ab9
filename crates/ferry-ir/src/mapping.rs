use ferry_diagnostics::MigrationFlag;
use serde::{Deserialize, Serialize};

/// How faithfully a source construct survives the move to the target (the seeds' three
/// mapping types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MappingClass {
    /// A clean 1:1 equivalent exists.
    Direct,
    /// An equivalent exists but semantics differ: translated with a caveat.
    Approximate,
    /// No equivalent: flagged for human redesign, never faked.
    Absent,
}

impl MappingClass {
    pub fn as_str(self) -> &'static str {
        match self {
            MappingClass::Direct => "direct",
            MappingClass::Approximate => "approximate",
            MappingClass::Absent => "absent",
        }
    }
}

/// The classification of one construct: which source construct it was (e.g.
/// `Task(sagemaker:createTrainingJob.sync)`), its class, a one-line caveat, and for
/// absent or risky constructs a review flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub construct: String,
    pub class: MappingClass,
    pub note: String,
    pub flag: Option<MigrationFlag>,
}

impl Mapping {
    pub fn direct(construct: impl Into<String>) -> Self {
        Mapping {
            construct: construct.into(),
            class: MappingClass::Direct,
            note: String::new(),
            flag: None,
        }
    }

    pub fn approximate(construct: impl Into<String>, note: impl Into<String>) -> Self {
        Mapping {
            construct: construct.into(),
            class: MappingClass::Approximate,
            note: note.into(),
            flag: None,
        }
    }

    pub fn absent(
        construct: impl Into<String>,
        note: impl Into<String>,
        flag: MigrationFlag,
    ) -> Self {
        Mapping {
            construct: construct.into(),
            class: MappingClass::Absent,
            note: note.into(),
            flag: Some(flag),
        }
    }

    pub fn with_flag(mut self, flag: MigrationFlag) -> Self {
        self.flag = Some(flag);
        self
    }
}
