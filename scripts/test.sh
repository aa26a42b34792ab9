#!/usr/bin/env bash
# Runs every test of ferry: the Rust test suite, the golden snapshots, and the checks of
# the emitted ZenML projects (ruff, compileall, real runs on a local ZenML stack), for
# which it first installs the pinned Python tools into a venv if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/python-env.sh
source scripts/python-env.sh
export INSTA_UPDATE=no
status=0
cargo test --workspace --exclude ferry-fuzz --locked --no-fail-fast || status=$?
# The fuzz campaign prints its counts (cases, seconds, what it found) into the log.
cargo test -p ferry-fuzz --locked --no-fail-fast -- --nocapture || status=$?
exit "$status"
