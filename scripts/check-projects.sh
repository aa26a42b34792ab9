#!/usr/bin/env bash
# Check generated ZenML projects: ruff check, ruff format --check, compileall and a
# schema check of configs/*.yaml for each; then the runs listed for it, each on a throwaway copy with a fresh ZenML store.
#
#   scripts/check-projects.sh DIR[:RUNS_FILE] ...
#
# RUNS_FILE lines: EXIT|ARGS|TEXT — run `python run.py ARGS`, expect exit code EXIT and
# TEXT somewhere in the output. Blank lines and lines starting with # are ignored.
# Needs FERRY_PYTHON (see scripts/python-env.sh). Exits non-zero on the first failure.
set -euo pipefail

[ -n "${FERRY_PYTHON:-}" ] || { echo "check-projects: FAIL: FERRY_PYTHON is not set (source scripts/python-env.sh)" >&2; exit 1; }
bin="$(dirname "$FERRY_PYTHON")"
ruff="$bin/ruff"
zenml="$bin/zenml"
[ -x "$ruff" ] && [ -x "$zenml" ] || { echo "check-projects: FAIL: ruff or zenml missing next to $FERRY_PYTHON" >&2; exit 1; }
export ZENML_ANALYTICS_OPT_IN=false ZENML_LOGGING_COLORS_DISABLED=true ZENML_ENABLE_RICH_TRACEBACK=false \
       ZENML_AUTO_OPEN_DASHBOARD=false AUTO_OPEN_DASHBOARD=false

work="$(mktemp -d -t ferry-check.XXXXXX)"
trap 'rm -rf "$work"' EXIT
fail() { echo "check-projects: FAIL: $*" >&2; exit 1; }

for spec in "$@"; do
    dir="${spec%%:*}"
    runs=""
    [ "$spec" != "$dir" ] && runs="${spec#*:}"
    [ -f "$dir/run.py" ] || fail "$dir has no run.py"
    name="$(basename "$dir")"
    echo "== $name"
    "$ruff" check --no-cache --quiet "$dir" || fail "ruff check $name"
    "$ruff" format --check --no-cache --quiet "$dir" || fail "ruff format --check $name"
    "$FERRY_PYTHON" "$(dirname "$0")/check_configs.py" "$dir"/configs/*.yaml || fail "run configuration of $name"
    copy="$work/$name"
    cp -r "$dir" "$copy"
    PYTHONPYCACHEPREFIX="$work/pycache" "$FERRY_PYTHON" -m compileall -q "$copy" >/dev/null || fail "compileall $name"
    [ -n "$runs" ] || continue
    export ZENML_CONFIG_PATH="$work/zen-$name"
    (cd "$copy" && "$zenml" init >/dev/null 2>&1) || fail "zenml init $name"
    while IFS='|' read -r expect args text; do
        case "$expect" in ''|'#'*) continue ;; esac
        echo "   run.py $args (expect exit $expect)"
        set +e
        # shellcheck disable=SC2086
        output="$(cd "$copy" && PYTHONPYCACHEPREFIX="$work/pycache" timeout 600 "$FERRY_PYTHON" run.py $args 2>&1)"
        code=$?
        set -e
        if [ "$code" != "$expect" ] || ! grep -qF -- "$text" <<<"$output"; then
            echo "$output" | tail -40 >&2
            fail "$name: run.py $args exited $code (wanted $expect) or lacked: $text"
        fi
    done < "$runs"
    unset ZENML_CONFIG_PATH
done
echo "check-projects: OK ($# project(s))"
