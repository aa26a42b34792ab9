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

/// Runs passes in order. The verifier always runs once on the result (after the last
/// pass that ran, or on the lowered IR when no pass runs), in every build profile:
/// it is the one check that every name the back end turns into code is an identifier.
/// With `verify_each` (debug builds, tests) it also runs after every pass, so a
/// violation names the pass that caused it.
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
            check(workflow, "lower", false, &mut run);
            return Ok(run);
        }
        let mut resolved = false;
        let mut last = "lower";
        for pass in &self.passes {
            pass.run(workflow, sources, &mut run.diagnostics);
            resolved |= pass.resolves_placeholders();
            last = pass.name();
            let stop_here = stop_after == Some(pass.name());
            if (self.verify_each || stop_here) && !check(workflow, last, resolved, &mut run) {
                run.stopped_after = Some(last);
                return Ok(run);
            }
            if stop_here {
                run.stopped_after = Some(last);
                return Ok(run);
            }
        }
        if !self.verify_each || self.passes.is_empty() {
            check(workflow, last, resolved, &mut run);
        }
        Ok(run)
    }
}

/// Verify `workflow` after pass `after`; problems go into `run`. Returns whether the
/// IR is well formed.
fn check(workflow: &Workflow, after: &str, resolved: bool, run: &mut PassRun) -> bool {
    let problems = verify(
        workflow,
        VerifyOptions {
            placeholders_resolved: resolved,
        },
    );
    if problems.is_empty() {
        return true;
    }
    run.diagnostics.extend(
        problems
            .into_iter()
            .map(|d| d.with_note(format!("reported by the IR verifier after pass `{after}`"))),
    );
    run.verifier_failed = true;
    false
}
