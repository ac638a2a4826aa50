"""The hourly rollup and long-range history reads, against doing the same in Python, same run.

    python bench/monitoring_rollup.py [--points 900] [--days 3] [--backends sqlite,postgresql]

Data: ``--points`` points × 3 metrics × a reading every 10 minutes for ``--days`` days (the Fuzhou
demo's density: ≈ 390,000 raw rows a day at 900 points), written straight into a fresh database.

* rollup — yingji: ``rollup_history(full=True)`` (one GROUP BY per hour in the database, delete-and-
  insert per hour, one transaction); baseline: read every raw row into Python, bucket it with the
  same pure ``history.aggregate`` and insert the buckets.
* 30-day chart of one metric — yingji: ``service.history(hours=720)`` after the rollup (hourly rows);
  baseline: the raw readings of those 30 days fetched and bucketed in Python on every read.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from yingji.core.auth import system_principal
from yingji.core.db import Database
from yingji.core.migrate import upgrade
from yingji.monitoring.actions import rollup_history
from yingji.monitoring.history import aggregate
from yingji.monitoring.models import HourlyValue, Reading

PG_ADMIN = os.environ.get("YINGJI_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
METRICS = ("level", "pressure", "temperature")


def database(backend: str, tmp: Path) -> tuple[Database, object]:
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'rollup.db'}"
        upgrade(url)
        return Database(url), None
    import psycopg

    name = "yingji_bench_rollup_" + secrets.token_hex(4)
    plain = PG_ADMIN.replace("+psycopg", "")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    upgrade(url)

    def drop() -> None:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return Database(url), drop


def fill(db: Database, points: int, days: int, end: datetime) -> int:
    start = end - timedelta(days=days)
    rows, n = [], 0
    with db.session() as s:
        for p in range(1, points + 1):
            for k in range(days * 144):
                ts = start + timedelta(minutes=10 * k, seconds=p % 600)
                for j, m in enumerate(METRICS):
                    rows.append({"point_id": p, "metric": m, "ts": ts, "value": float((p * 7 + k * 3 + j) % 97)})
            if len(rows) >= 50_000:
                s.execute(insert(Reading), rows)
                n += len(rows)
                rows = []
        if rows:
            s.execute(insert(Reading), rows)
            n += len(rows)
        s.commit()
    return n


def python_rollup(db: Database, end: datetime) -> int:
    series: dict[tuple[int, str], list[tuple[datetime, float]]] = defaultdict(list)
    cutoff = end.replace(minute=0, second=0, microsecond=0)
    with db.session() as s:
        for p, m, ts, v in s.execute(select(Reading.point_id, Reading.metric, Reading.ts, Reading.value)
                                     .where(Reading.ts < cutoff)):
            series[(p, m)].append((ts, v))
        s.execute(delete(HourlyValue))
        out = [{"point_id": p, "metric": m, "hour": b.hour, "n": b.n, "vmin": b.vmin, "vmax": b.vmax, "vsum": b.vsum}
               for (p, m), rs in series.items() for b in aggregate(sorted(rs))]
        for i in range(0, len(out), 50_000):
            s.execute(insert(HourlyValue), out[i:i + 50_000])
        s.commit()
    return len(out)


def chart_hourly(db: Database, point: int, end: datetime) -> int:
    with db.session() as s:
        return len(s.execute(select(HourlyValue).where(HourlyValue.point_id == point, HourlyValue.metric == "level",
                                                       HourlyValue.hour >= end - timedelta(days=30))).all())


def chart_python(db: Database, point: int, end: datetime) -> int:
    with db.session() as s:
        rows = s.execute(select(Reading.ts, Reading.value).where(
            Reading.point_id == point, Reading.metric == "level", Reading.ts >= end - timedelta(days=30))
            .order_by(Reading.ts)).all()
    return len(aggregate(rows))


def timed(fn, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run(backend: str, points: int, days: int, end: datetime) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db, drop = database(backend, Path(tmp))
        try:
            n = fill(db, points, days, end)
            base = timed(lambda: python_rollup(db, end))
            with db.session() as s:
                s.execute(delete(HourlyValue))
                s.commit()

            def ours() -> None:
                with db.session() as s:
                    rollup_history(s, system_principal(), full=True, now=end)

            mine = timed(ours)
            with db.session() as s:
                hourly = len(s.execute(select(HourlyValue.point_id)).all())
            pts = list(range(1, points + 1, max(1, points // 20)))
            c_ours = timed(lambda: [chart_hourly(db, p, end) for p in pts], 3) / len(pts)
            c_base = timed(lambda: [chart_python(db, p, end) for p in pts], 3) / len(pts)
            print(f"[{backend}] {n:,} raw readings ({points} points × 3 metrics × {days} d) → "
                  f"{hourly:,} hourly rows ({n / max(hourly, 1):.1f}× fewer)")
            print(f"[{backend}] rollup: yingji {mine:.2f} s ({n / mine:,.0f} readings/s) | "
                  f"baseline Python bucketing {base:.2f} s | ratio {base / mine:.1f}×")
            print(f"[{backend}] 30-day chart of one metric: yingji (hourly rows) {c_ours * 1000:.1f} ms | "
                  f"baseline raw + Python {c_base * 1000:.1f} ms | ratio {c_base / c_ours:.1f}×")
        finally:
            db.dispose()
            if drop:
                drop()  # type: ignore[operator]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=900)
    ap.add_argument("--days", type=int, default=3)
    ap.add_argument("--backends", default="sqlite,postgresql")
    args = ap.parse_args()
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    for backend in args.backends.split(","):
        run(backend, args.points, args.days, end)


if __name__ == "__main__":
    main()
