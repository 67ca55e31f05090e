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
    want=$(cat requirements.txt requirements-dev.txt <(.venv/bin/python -VV) | sha256sum | cut -d' ' -f1)
    [[ -f .venv/.requirements.sha256 ]] && have=$(cat .venv/.requirements.sha256)
    if [[ "$want" != "$have" ]]; then
        echo "Installing requirements-dev.txt into .venv" >&2
        # -qq: this machine's pip config lists missing local indexes, one warning per package.
        .venv/bin/python -m pip install -qq -r requirements-dev.txt
        echo "$want" > .venv/.requirements.sha256
    fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    ensure_venv
    exec .venv/bin/python -m pytest -q "$@"
fi
