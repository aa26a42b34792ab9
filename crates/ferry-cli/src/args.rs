use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// ferry: compile SageMaker Pipelines, Step Functions and Dagster workflows to ZenML.
#[derive(Debug, Parser)]
#[command(name = "ferry", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile inputs to ZenML projects (one folder per input under --out).
    Compile(CompileArgs),
    /// Check inputs: parse, lower, run passes and the verifier; write nothing.
    Check(CommonArgs),
    /// Print the IR of one input, after all passes or after --after PASS.
    Ir(IrArgs),
    /// Export the pipeline graph of one input.
    Graph(GraphArgs),
    /// Print the long explanation of a diagnostic code (or --list all codes).
    Explain(ExplainArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
    /// One SARIF 2.1.0 log for the whole command (stderr holds nothing else).
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum DenyLevel {
    Error,
    Warning,
    Note,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FrontendArg {
    Asl,
    Sagemaker,
    Dagster,
    Ir,
}

#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Input files or folders (folders are searched recursively).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Force a front end instead of detecting it per file.
    #[arg(long, value_enum)]
    pub frontend: Option<FrontendArg>,
    /// Fill a `${KEY}` definition substitution (repeatable).
    #[arg(long = "subst", value_name = "KEY=VALUE")]
    pub substitutions: Vec<String>,
    /// Findings at or above this level make the exit code 1.
    #[arg(long, value_enum, default_value = "error")]
    pub deny: DenyLevel,
    /// Colors in human-readable diagnostics (NO_COLOR is respected in auto mode).
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,
    /// How diagnostics are printed on stderr.
    #[arg(long, value_enum, default_value = "human")]
    pub message_format: MessageFormat,
    /// Worker threads for a batch (default: all cores). Output does not depend on it.
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Print only errors, no warnings or notes.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Largest input (all files of one unit) in bytes (F0010).
    #[arg(long, value_name = "BYTES", default_value_t = crate::limits::DEFAULT_MAX_INPUT_BYTES)]
    pub max_input_bytes: u64,
    /// Most steps one workflow may lower to, regions included (F0011).
    #[arg(long, value_name = "N", default_value_t = crate::limits::DEFAULT_MAX_STEPS)]
    pub max_steps: usize,
    /// Largest generated project in bytes (F0012).
    #[arg(long, value_name = "BYTES", default_value_t = crate::limits::DEFAULT_MAX_OUTPUT_BYTES)]
    pub max_output_bytes: u64,
    /// Estimated memory the units compiled at the same time may use, in bytes; units
    /// wait for their share, a unit above it runs alone.
    #[arg(long, value_name = "BYTES", default_value_t = crate::limits::DEFAULT_MEMORY_BUDGET)]
    pub memory_budget: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    /// Portable ZenML: runs on the local stack.
    Local,
    /// Keep SageMaker as the runtime through orchestrator / step operator settings.
    Sagemaker,
}

#[derive(Debug, Args)]
pub struct CompileArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output folder; each input gets a sub-folder named after it.
    #[arg(long, short = 'o', default_value = "ferry-out")]
    pub out: PathBuf,
    /// The ZenML target.
    #[arg(long, value_enum, default_value = "local")]
    pub target: TargetArg,
    /// Overwrite files in the output folder that ferry did not write (or that were
    /// changed since).
    #[arg(long)]
    pub force: bool,
    /// Run this ruff on each written project and report its findings at the original
    /// source lines (through ferry-sourcemap.json).
    #[arg(long, value_name = "RUFF")]
    pub ruff: Option<PathBuf>,
    /// Compile in memory and compare with what is in --out; write nothing. Lists the
    /// files that differ; exit code 1 when any does.
    #[arg(long, conflicts_with_all = ["diff", "force", "ruff"])]
    pub check: bool,
    /// Like --check, printing a unified diff per file that differs.
    #[arg(long, conflicts_with_all = ["force", "ruff"])]
    pub diff: bool,
    /// Also write report.html into each project: the DAG, every report row, and each
    /// source construct beside the generated lines it became (one self-contained file).
    #[arg(long)]
    pub html: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IrFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct IrArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Stop after this pass (`lower` for the front end's output).
    #[arg(long, value_name = "PASS")]
    pub after: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: IrFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Json,
    /// Laid out in process (no Graphviz needed).
    Svg,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[arg(long, value_enum, default_value = "dot")]
    pub format: GraphFormat,
    /// Graph of the IR after this pass (default: after all passes).
    #[arg(long, value_name = "PASS")]
    pub after: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The code, e.g. F0301.
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,
    /// List every code with its title.
    #[arg(long)]
    pub list: bool,
}
