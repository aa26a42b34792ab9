#!/usr/bin/env bash
# Source this file: it creates or reuses a venv with the pinned Python tools the tests
# need (zenml[local] to run generated projects, ruff to lint them) and exports
# FERRY_PYTHON plus the variables that keep ZenML offline and quiet.
#
#   source scripts/python-env.sh        # venv in .venv-zenml/ (or $ZENML_VENV)
#
# It fails loudly when the tools cannot be installed: tests must not skip.

ferry_python_env() {
    local zenml_pin="0.98.0" ruff_pin="0.17.6"
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    local venv="${ZENML_VENV:-$root/.venv-zenml}"
    local py="${PYTHON:-python3}"

    export ZENML_ANALYTICS_OPT_IN=false
    export ZENML_LOGGING_COLORS_DISABLED=true
    export ZENML_ENABLE_RICH_TRACEBACK=false
    export ZENML_AUTO_OPEN_DASHBOARD=false
    export AUTO_OPEN_DASHBOARD=false
    export PIP_DISABLE_PIP_VERSION_CHECK=1

    if [ ! -x "$venv/bin/python" ]; then
        command -v "$py" >/dev/null 2>&1 || { echo "python-env: FAIL: no $py on PATH" >&2; return 1; }
        echo "python-env: creating $venv" >&2
        "$py" -m venv "$venv" || { echo "python-env: FAIL: cannot create a venv" >&2; return 1; }
    fi
    local have
    have="$("$venv/bin/python" - <<'PY' 2>/dev/null
import importlib.metadata as m
out = []
for name in ("zenml", "ruff", "sqlmodel"):
    try:
        out.append(m.version(name))
    except m.PackageNotFoundError:
        out.append("-")
print(" ".join(out))
PY
)"
    case "$have" in
        "$zenml_pin $ruff_pin "[!-]*) echo "python-env: reusing $venv (zenml $zenml_pin, ruff $ruff_pin)" >&2 ;;
        *)
            echo "python-env: installing zenml[local]==$zenml_pin ruff==$ruff_pin into $venv" >&2
            "$venv/bin/python" -m pip install --quiet "zenml[local]==$zenml_pin" "ruff==$ruff_pin" >&2 \
                || { echo "python-env: FAIL: pip install failed" >&2; return 1; }
            ;;
    esac
    export FERRY_PYTHON="$venv/bin/python"
}

ferry_python_env || { echo "python-env: the Python tools are required; not skipping" >&2; exit 1; }
