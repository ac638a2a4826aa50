#!/usr/bin/env bash
# Load benchmark (locust): 50 and 200 officers reading the risk map and the hazard list, on SQLite
# and PostgreSQL, today's single process vs the multi-worker deployment, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=python
[ -x .venv/bin/python ] && PY=.venv/bin/python
exec "$PY" bench/load.py "$@"
