#!/usr/bin/env bash
# Source this file: it creates or reuses a venv with the pinned Python tools the tests
# need (zenml[local] to run generated projects, ruff to lint them) and exports
# FERRY_PYTHON plus the variables that keep ZenML offline and quiet.
#
#   source scripts/python-env.sh        # venv in .venv-zenml/ (or $ZENML_VENV)
#
# It fails loudly when the tools cannot be installed: tests must not skip.

ferry_python_env() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    local requirements="$root/scripts/requirements-test.txt"
    local venv="${ZENML_VENV:-$root/.venv-zenml}"
    local py="${PYTHON:-python3}"

    export ZENML_ANALYTICS_OPT_IN=false
    export ZENML_LOGGING_COLORS_DISABLED=true
    export ZENML_ENABLE_RICH_TRACEBACK=false
    export ZENML_AUTO_OPEN_DASHBOARD=false
    export AUTO_OPEN_DASHBOARD=false
    export PIP_DISABLE_PIP_VERSION_CHECK=1

    [ -f "$requirements" ] || { echo "python-env: FAIL: $requirements is missing" >&2; return 1; }
    if [ ! -x "$venv/bin/python" ]; then
        command -v "$py" >/dev/null 2>&1 || { echo "python-env: FAIL: no $py on PATH" >&2; return 1; }
        echo "python-env: creating $venv" >&2
        "$py" -m venv "$venv" || { echo "python-env: FAIL: cannot create a venv" >&2; return 1; }
    fi
    # The venv records the digest of the requirements it was built from; any change to
    # the file (a new pin, a new package) reinstalls.
    local want have
    want="$(sha256sum "$requirements" | cut -d' ' -f1)"
    have="$(cat "$venv/.ferry-requirements" 2>/dev/null || true)"
    if [ "$want" = "$have" ]; then
        echo "python-env: reusing $venv" >&2
    else
        echo "python-env: installing $requirements into $venv" >&2
        "$venv/bin/python" -m pip install --quiet -r "$requirements" >&2 \
            || { echo "python-env: FAIL: pip install failed" >&2; return 1; }
        printf '%s\n' "$want" > "$venv/.ferry-requirements"
    fi
    export FERRY_PYTHON="$venv/bin/python"
}

ferry_python_env || { echo "python-env: the Python tools are required; not skipping" >&2; exit 1; }
