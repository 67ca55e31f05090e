#!/usr/bin/env bash
# Canonical test command: bash scripts/test.sh [pytest args...]
# Sourced by scripts/run.sh for ensure_venv.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ensure_venv() {
    if [[ ! -x .venv/bin/python ]]; then
        "${PYTHON:-python3}" -m venv .venv
    fi
    local want have=""
    want=$(cat requirements.txt requirements-dev.txt pyproject.toml <(grep -h "^__version__" qdgain_core/__init__.py) \
        <(.venv/bin/python -VV) | sha256sum | cut -d' ' -f1)
    [[ -f .venv/.requirements.sha256 ]] && have=$(cat .venv/.requirements.sha256)
    if [[ "$want" != "$have" || ! -x .venv/bin/qdgain ]]; then
        echo "Installing requirements-dev.txt and qdgain itself (editable) into .venv" >&2
        # -qq: this machine's pip config lists missing local indexes, one warning per package.
        .venv/bin/python -m pip install -qq -r requirements-dev.txt
        # The project itself, for .venv/bin/qdgain: its dependencies are the pins above, and
        # requirements-dev.txt brings the build backend (no download of a build environment).
        .venv/bin/python -m pip install -qq --no-deps --no-build-isolation -e .
        echo "$want" > .venv/.requirements.sha256
    fi
}

# Static checks of the shipped code (configuration in pyproject.toml); the whole-suite run
# (no arguments) starts with them, a run of selected tests skips them.
LINTED=(qdgain_core components app.py gunicorn.conf.py)

static_checks() {
    echo "ruff check ${LINTED[*]}" >&2
    .venv/bin/ruff check --no-cache "${LINTED[@]}"
    echo "mypy qdgain_core components app.py" >&2
    .venv/bin/mypy --no-incremental qdgain_core components app.py
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    ensure_venv
    if [[ $# -eq 0 ]]; then
        static_checks
    fi
    exec .venv/bin/python -m pytest -q "$@"
fi
