//! What the emitters of one project share: the source map for locations, the record
//! of what each construct became, the back end's diagnostics, the project's own
//! top-level packages (for import sections) and the distributions its code needs.

use std::collections::BTreeSet;

use ferry_diagnostics::{Diagnostic, SourceMap, Span};

use crate::imports::Imports;
use crate::record::Record;
use crate::writer::Writer;

pub struct Context<'s> {
    pub sources: &'s SourceMap,
    pub record: Record,
    pub diagnostics: Vec<Diagnostic>,
    /// Top-level modules and packages of the generated project.
    pub first_party: BTreeSet<String>,
    /// Distributions (pyproject dependencies) the emitted code needs beyond ZenML.
    pub requirements: BTreeSet<String>,
    /// Where the project is meant to run.
    pub target: crate::Target,
    /// Some module uses the run-time helper for computed values (`computed.rs`).
    pub uses_asl_runtime: bool,
}

impl<'s> Context<'s> {
    pub fn new(sources: &'s SourceMap) -> Self {
        Context {
            sources,
            record: Record::default(),
            diagnostics: Vec::new(),
            first_party: ["steps", "pipelines", "materializers", "ferry_runtime"]
                .into_iter()
                .map(str::to_string)
                .collect(),
            requirements: BTreeSet::new(),
            target: crate::Target::Local,
            uses_asl_runtime: false,
        }
    }

    /// `path:line` of a span, or `(synthesised)`.
    pub fn location(&self, span: Span) -> String {
        crate::source_map::location(self.sources, span)
    }

    /// The module's import block, followed by nothing (callers add blank lines).
    pub fn import_block(&self, w: &mut Writer, imports: &Imports) {
        if !imports.is_empty() {
            w.lines(&imports.render(&self.first_party));
        }
    }

    /// The emitted code imports a package that `distribution` provides.
    pub fn require(&mut self, distribution: &str) {
        self.requirements.insert(distribution.to_string());
    }

    /// Something the back end could not emit as intended (a bug in ferry or in the
    /// IR a front end produced), reported instead of written silently.
    pub fn internal(&mut self, message: String) {
        self.diagnostics.push(
            Diagnostic::error("F0705", message)
                .with_help("this is a bug in ferry; please report it with the input"),
        );
    }
}
