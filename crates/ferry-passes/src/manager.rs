use ferry_diagnostics::{Diagnostic, SourceMap};
use ferry_ir::Workflow;
use ferry_ir::verify::{VerifyOptions, verify};

/// One named IR transformation.
pub trait Pass: Send + Sync {
    /// Stable kebab-case name, used by `ferry ir --after`.
    fn name(&self) -> &'static str;
    /// Whether every placeholder is resolved or flagged once this pass has run.
    fn resolves_placeholders(&self) -> bool {
        false
    }
    fn run(&self, workflow: &mut Workflow, sources: &SourceMap, diagnostics: &mut Vec<Diagnostic>);
}

/// What a pass manager run produced.
#[derive(Debug)]
pub struct PassRun {
    pub diagnostics: Vec<Diagnostic>,
    /// The pass the run stopped after (`None`: all ran).
    pub stopped_after: Option<&'static str>,
    /// Whether the verifier reported errors (the run stops at the first such pass).
    pub verifier_failed: bool,
}

/// Runs passes in order, verifying after each.
pub struct PassManager {
    passes: Vec<Box<dyn Pass>>,
    verify_each: bool,
}

impl PassManager {
    pub fn new(passes: Vec<Box<dyn Pass>>) -> Self {
        PassManager {
            passes,
            verify_each: cfg!(debug_assertions),
        }
    }

    /// Force verification after every pass (tests and `--verify` do).
    pub fn verify_each(mut self, on: bool) -> Self {
        self.verify_each = on;
        self
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.passes.iter().map(|p| p.name()).collect()
    }

    /// Run passes up to and including `stop_after` (all when `None`). Returns `Err`
    /// with the known names when `stop_after` names no pass.
    pub fn run(
        &self,
        workflow: &mut Workflow,
        sources: &SourceMap,
        stop_after: Option<&str>,
    ) -> Result<PassRun, Vec<&'static str>> {
        if let Some(name) = stop_after
            && name != "lower"
            && !self.passes.iter().any(|p| p.name() == name)
        {
            return Err(self.names());
        }
        let mut run = PassRun {
            diagnostics: Vec::new(),
            stopped_after: None,
            verifier_failed: false,
        };
        if stop_after == Some("lower") {
            run.stopped_after = Some("lower");
            return Ok(run);
        }
        let mut resolved = false;
        for pass in &self.passes {
            pass.run(workflow, sources, &mut run.diagnostics);
            resolved |= pass.resolves_placeholders();
            if self.verify_each {
                let problems = verify(
                    workflow,
                    VerifyOptions {
                        placeholders_resolved: resolved,
                    },
                );
                if !problems.is_empty() {
                    run.diagnostics.extend(problems.into_iter().map(|d| {
                        d.with_note(format!(
                            "reported by the IR verifier after pass `{}`",
                            pass.name()
                        ))
                    }));
                    run.verifier_failed = true;
                    run.stopped_after = Some(pass.name());
                    return Ok(run);
                }
            }
            if stop_after == Some(pass.name()) {
                run.stopped_after = Some(pass.name());
                return Ok(run);
            }
        }
        Ok(run)
    }
}
