#!/usr/bin/env bash
# Rewrite the table of ir-spec/diagnostics.md from the codes the crates declare
# (`ferry explain --list`). Run it after adding a diagnostic code.
set -euo pipefail
cd "$(dirname "$0")/.."
index=ir-spec/diagnostics.md
head="$(sed '/^| code | title | crate |$/,$d' "$index")"
{
    printf '%s\n| code | title | crate |\n|---|---|---|\n' "$head"
    cargo run -q -p ferry-cli -- explain --list | while IFS= read -r line; do
        code="${line%%  *}"
        title="${line#*  }"
        case "${code:0:3}" in
            F00) crate="ferry-cli / ferry-diagnostics" ;;
            F01) crate="ferry-ir (text)" ;;
            F02) crate="ferry-ir (verify)" ;;
            F03) crate="ferry-asl" ;;
            F04) crate="ferry-python / ferry-sagemaker" ;;
            F05) crate="ferry-dagster" ;;
            F06) crate="ferry-passes" ;;
            F07) crate="ferry-zenml" ;;
            *) crate="?" ;;
        esac
        printf '| %s | %s | %s |\n' "$code" "$title" "$crate"
    done
} > "$index.tmp"
mv "$index.tmp" "$index"
