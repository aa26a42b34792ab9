//! Workspace-level tests of ferry live in `tests/tests/`: the CLI end to end, the
//! emitted ZenML projects (snapshots, ruff, compileall, real runs). This library is
//! empty on purpose; it must not hold compiler code.
