#!/usr/bin/env bash
# Run every benchmark (bench/bench_*.py, then the load benchmark bench/load.sh); each prints its
# figures and ratio vs its baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
for b in bench/bench_*.py; do
  echo "== $b"
  python "$b" "$@"
done
echo "== bench/broadcast_bench.py"
python bench/broadcast_bench.py
echo "== bench/warnings_cap.py"
python bench/warnings_cap.py
echo "== bench/routing_bench.py"
PYTHONPATH=src python bench/routing_bench.py
echo "== bench/dispatch_bench.py"
PYTHONPATH=src python bench/dispatch_bench.py
echo "== bench/plans_bench.py"
PYTHONPATH=src python bench/plans_bench.py
echo "== bench/ux_home.py"
python bench/ux_home.py "$@"
echo "== bench/incidents_intake.py"
python bench/incidents_intake.py
echo "== bench/incidents_board.py"
python bench/incidents_board.py
echo "== bench/monitoring_ingest.py"
python bench/monitoring_ingest.py
echo "== bench/monitoring_notices.py"
python bench/monitoring_notices.py
echo "== bench/elevators_rescue.py"
python bench/elevators_rescue.py
echo "== bench/monitoring_rollup.py"
python bench/monitoring_rollup.py
echo "== bench/load.sh"
bash bench/load.sh "$@"
