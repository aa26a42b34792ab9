#!/usr/bin/env bash
# The hand-run benchmark (README, "Performance"): builds the release binaries, then runs
# ferry-bench, which prints ratios against baselines measured in the same run. Not a
# test: nothing fails on a slow number. Arguments go to ferry-bench (--quick, --only
# corpus|scaling|batch, --rounds N, --work DIR, ...; --help lists them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release -p ferry-cli -p ferry-bench
exec target/release/ferry-bench "$@"
