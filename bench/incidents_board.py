"""Bench: grading and report-deadline timers (the rules behind the incident board and the reporting board).

Figures: incidents graded and scheduled per second (data-driven rules of incidents/data/grading.json:
grade, 较大涉险 flags, response level, the whole report chain with 续报/终报) against a baseline measured
in the same run — a hard-coded if-chain for the grade alone plus one fixed first-report deadline (what
a naive board would compute). The ratio says what the full, configurable rules cost per incident.

    PYTHONPATH=src python bench/incidents_board.py [--n 20000]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from yingji.incidents.grading import Counts, grade
from yingji.incidents.reporting import Submitted, schedule


def naive(dead: int, serious: int, loss: float, received: datetime) -> tuple[str, datetime]:
    if dead >= 30 or serious >= 100 or loss >= 10000:
        g = "especially_major"
    elif dead >= 10 or serious >= 50 or loss >= 5000:
        g = "major"
    elif dead >= 3 or serious >= 10 or loss >= 1000:
        g = "larger"
    else:
        g = "general"
    return g, received + timedelta(hours=1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    n = ap.parse_args().n
    rng = random.Random(7)
    now = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    cases = []
    for _ in range(n):
        received = now - timedelta(minutes=rng.randrange(0, 3 * 24 * 60))
        subs = [Submitted("first", "county", received + timedelta(minutes=rng.randrange(10, 90)))] if rng.random() < .7 else []
        cases.append((rng.choice([0, 0, 0, 1, 2, 3, 5, 12]), rng.choice([0, 0, 1, 5, 9, 10, 60]),
                      rng.choice([0, 10, 999.9, 1000, 5000]), rng.randrange(0, 15), received, subs))
    grade(Counts())  # load the rules once

    t = time.perf_counter()
    for dead, serious, loss, trapped, received, _ in cases:
        naive(dead, serious, loss, received)
    base = time.perf_counter() - t

    t = time.perf_counter()
    overdue = 0
    for dead, serious, loss, trapped, received, subs in cases:
        r = grade(Counts(dead=dead, seriously_injured=serious, loss_wan=loss, trapped=trapped))
        items = schedule(grade=r.grade, risk_flagged=bool(r.risk_flags), received_at=received, submitted=subs,
                         closed_at=None, now=now)
        overdue += sum(d.overdue for d in items)
    full = time.perf_counter() - t

    print(f"incidents: {n}")
    print(f"full rules (grade + flags + response + report chain): {n / full:,.0f} incidents/s "
          f"({full / n * 1e6:.1f} µs each); overdue items found: {overdue}")
    print(f"baseline (hard-coded grade if-chain + fixed 1 h deadline): {n / base:,.0f} incidents/s")
    print(f"ratio full/baseline time: {full / base:.1f}x")


if __name__ == "__main__":
    main()
