//! Resource limits of one compilation unit, and the admission control that keeps a
//! batch's memory bounded. Each limit is checked at the cheapest point that still
//! protects the phases after it, and a unit over a limit gets a coded diagnostic of its
//! own; the rest of the batch goes on. The limits are documented in README.md
//! ("Limits") and ARCHITECTURE.md.

use std::sync::{Condvar, Mutex};

use ferry_diagnostics::{CodeInfo, Diagnostic};
use ferry_ir::Workflow;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "F0010",
        title: "input too large",
        explanation: "The files of one input (a file, or a Dagster code location) add up to more \
bytes than `--max-input-bytes` allows (default 16 MiB). The size is checked before anything is \
read, so a huge input costs nothing; it is reported for that input only and the batch goes on. \
Raise the limit if the input is genuine.",
    },
    CodeInfo {
        code: "F0011",
        title: "workflow has too many steps",
        explanation: "The lowered workflow holds more steps (all pipelines and regions together) \
than `--max-steps` allows (default 100,000). It is rejected before the passes and the back end, \
whose cost grows with the number of steps. Split the workflow, or raise the limit.",
    },
    CodeInfo {
        code: "F0012",
        title: "generated project too large",
        explanation: "The generated project would be larger than `--max-output-bytes` (default \
256 MiB in all). Nothing is written for that input. This points at an input that expands \
enormously (for example a huge literal repeated in many steps); raise the limit if it is \
genuine.",
    },
];

/// Limits of one unit; every field has a CLI flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of all files of one unit.
    pub max_input_bytes: u64,
    /// Steps in all pipelines and regions of one workflow.
    pub max_steps: usize,
    /// Bytes of all files of one generated project.
    pub max_output_bytes: u64,
    /// Estimated bytes of memory the units compiled at the same time may use.
    pub memory_budget: u64,
}

pub const DEFAULT_MAX_INPUT_BYTES: u64 = 16 << 20;
pub const DEFAULT_MAX_STEPS: usize = 100_000;
pub const DEFAULT_MAX_OUTPUT_BYTES: u64 = 256 << 20;
pub const DEFAULT_MEMORY_BUDGET: u64 = 2 << 30;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            max_steps: DEFAULT_MAX_STEPS,
            max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES,
            memory_budget: DEFAULT_MEMORY_BUDGET,
        }
    }
}

/// Peak memory of compiling a unit, per input byte, as measured with a counting
/// allocator over the golden inputs and corpora (`tests/memory_estimate.rs` keeps the
/// measurement honest), plus a fixed overhead per unit.
pub const BYTES_PER_INPUT_BYTE: u64 = 64;
pub const BYTES_PER_UNIT: u64 = 8 << 20;

/// The memory a unit of `input_bytes` is expected to need while it compiles.
pub fn memory_estimate(input_bytes: u64) -> u64 {
    BYTES_PER_UNIT.saturating_add(input_bytes.saturating_mul(BYTES_PER_INPUT_BYTE))
}

pub fn input_too_large(label: &str, bytes: u64, limits: &Limits) -> Diagnostic {
    Diagnostic::error(
        "F0010",
        format!(
            "`{label}` is {bytes} bytes; inputs may be at most {} bytes",
            limits.max_input_bytes
        ),
    )
    .with_help("raise the limit with --max-input-bytes if the input is genuine")
}

/// Steps in every pipeline and region of `workflow` (explicit stack: no recursion).
pub fn step_count(workflow: &Workflow) -> usize {
    let mut count = 0;
    let mut stack: Vec<&ferry_ir::Pipeline> = workflow.pipelines.iter().collect();
    while let Some(pipeline) = stack.pop() {
        for step in pipeline.steps() {
            count += 1;
            stack.extend(step.kind.regions());
        }
    }
    count
}

pub fn too_many_steps(label: &str, steps: usize, limits: &Limits) -> Diagnostic {
    Diagnostic::error(
        "F0011",
        format!(
            "`{label}` lowers to {steps} steps; a workflow may have at most {}",
            limits.max_steps
        ),
    )
    .with_help("split the workflow, or raise the limit with --max-steps")
}

pub fn output_too_large(label: &str, bytes: u64, limits: &Limits) -> Diagnostic {
    Diagnostic::error(
        "F0012",
        format!(
            "the project generated for `{label}` would be {bytes} bytes; at most {} are written",
            limits.max_output_bytes
        ),
    )
    .with_help("raise the limit with --max-output-bytes if this is expected")
}

/// A counting semaphore over estimated bytes: a unit waits until its estimate fits in
/// what the units in flight leave of the budget. A unit larger than the whole budget
/// runs once nothing else does, so every unit is admitted eventually.
#[derive(Debug)]
pub struct MemoryGate {
    budget: u64,
    in_use: Mutex<u64>,
    freed: Condvar,
}

/// Held while a unit compiles; gives its share back when dropped.
pub struct Admission<'a> {
    gate: &'a MemoryGate,
    bytes: u64,
}

impl MemoryGate {
    pub fn new(budget: u64) -> Self {
        MemoryGate {
            budget: budget.max(1),
            in_use: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    pub fn admit(&self, estimate: u64) -> Admission<'_> {
        let bytes = estimate.clamp(1, self.budget);
        let mut in_use = self.in_use.lock().unwrap_or_else(|e| e.into_inner());
        while *in_use + bytes > self.budget {
            in_use = self.freed.wait(in_use).unwrap_or_else(|e| e.into_inner());
        }
        *in_use += bytes;
        Admission { gate: self, bytes }
    }
}

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        let mut in_use = self.gate.in_use.lock().unwrap_or_else(|e| e.into_inner());
        *in_use -= self.bytes;
        self.gate.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_admits_everything_eventually_and_never_over_budget() {
        let gate = MemoryGate::new(100);
        let peak = Mutex::new(0u64);
        std::thread::scope(|s| {
            for estimate in [60, 60, 500, 10, 30] {
                let (gate, peak) = (&gate, &peak);
                s.spawn(move || {
                    let _held = gate.admit(estimate);
                    let now = *gate.in_use.lock().unwrap();
                    let mut p = peak.lock().unwrap();
                    *p = (*p).max(now);
                });
            }
        });
        assert!(*peak.lock().unwrap() <= 100);
        assert_eq!(*gate.in_use.lock().unwrap(), 0);
    }
}
