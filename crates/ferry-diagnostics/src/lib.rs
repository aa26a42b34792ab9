//! Source positions and user-facing findings for every phase of ferry.
//!
//! This crate owns [`Span`], [`FileId`], the [`SourceMap`] that holds the text of every
//! input, and [`Diagnostic`]: a finding with a stable code, a severity, labels on source
//! spans and help text. It renders them for people (codespan-reporting) and for tools
//! (JSON, and SARIF 2.1.0 for code-scanning UIs). It must not know about workflows, the IR or any front end: codes are declared
//! by the crates that emit them, as [`CodeInfo`] tables.

mod codes;
mod diagnostic;
mod render;
mod sarif;
mod source_map;
mod span;

pub use codes::{CodeInfo, CodeRegistry};
pub use diagnostic::{Diagnostic, Label, MigrationFlag, Severity};
pub use render::{ColorChoice, render_human, render_json};
pub use sarif::{sarif_log, sarif_results};
pub use source_map::{LineCol, SourceFile, SourceMap};
pub use span::{FileId, Span};

/// Codes emitted by this crate's users for general input problems (I/O, usage).
pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "F0001",
        title: "input file could not be read",
        explanation: "ferry could not open or read an input path. The message carries the \
operating system's reason. Other inputs of the same batch are still compiled.",
    },
    CodeInfo {
        code: "F0002",
        title: "input kind not recognised",
        explanation: "ferry decides the front end from the file: `.ferry` is IR text, \
`.json`/`.yaml`/`.yml` with `States` and `StartAt` is Step Functions ASL, `.py` importing \
`sagemaker.workflow` is a SageMaker pipeline, `.py` importing `dagster` is a Dagster code \
location. A file that matches none of these is reported and skipped; pass `--frontend` \
to force one.",
    },
    CodeInfo {
        code: "F0003",
        title: "input is not valid UTF-8",
        explanation: "Workflow definitions are read as UTF-8 text. Re-encode the file.",
    },
    CodeInfo {
        code: "F0004",
        title: "output path not written",
        explanation: "ferry refused or failed to write an output file: it exists and was \
not written by ferry (pass `--force` to overwrite), or the file system reported an error.",
    },
    CodeInfo {
        code: "F0005",
        title: "internal compiler error",
        explanation: "A phase of ferry panicked on this input. This is a bug in ferry; the \
other inputs of the batch were still compiled. Please report it with the input file.",
    },
];
