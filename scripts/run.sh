#!/usr/bin/env bash
# Runs the dashboard on ${HOST:-127.0.0.1}:${PORT:-8050}.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/test.sh"
ensure_venv
export HOST="${HOST:-127.0.0.1}" PORT="${PORT:-8050}"
exec .venv/bin/python app.py "$@"
