"""Benchmark: the city risk map aggregation at 100,000 risk sources, SQLite and PostgreSQL.

Measures ``yingji.risk.service.map_aggregates`` (scoped, filtered, SQL GROUP BY per county and
per township, served by the ``(division_code, level)`` / ``(level, division_code)`` indexes)
against the naive baseline ``naive_map_counts`` (load every row as an ORM object and filter and
count in Python). Prints the median of N runs in ms and the speed-up over the baseline.

Data: 100,000 synthetic sources (numpy PCG64, seed 20261128) over the real township codes of
the Fuzhou division table, on 5,000 synthetic units; levels drawn 3/12/35/50 %.
Run: ``python bench/bench_risk_map.py [--n 100000] [--runs 7] [--no-pg]``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert

from yingji.core.actions import load_reference
from yingji.core.auth import system_principal
from yingji.core.db import Database
from yingji.core.division_data import build_fuzhou
from yingji.core.migrate import upgrade
from yingji.risk import service
from yingji.risk.catalog import default_taxonomy
from yingji.risk.models import RiskSource, Unit

SEED = 20261128
PG_ADMIN = os.environ.get("YINGJI_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
LEVELS = np.array(["major", "significant", "general", "low"])


def populate(db: Database, n: int) -> None:
    divisions, datasets = build_fuzhou()
    with db.session() as s:
        load_reference(s, system_principal(), divisions, datasets)
    towns = [d.code for d in divisions if d.level == "township"]
    subs = default_taxonomy().subclasses
    rng = np.random.default_rng(SEED)
    n_units = max(50, n // 20)
    unit_town = rng.integers(len(towns), size=n_units)
    with db.session() as s, s.begin():
        s.execute(insert(Unit), [{"name": f"基准单位{i}", "credit_code": f"91350000BENCH{i:05d}"[:18],
                                  "industry": subs[i % len(subs)].industries[0],
                                  "division_code": towns[unit_town[i]], "synthetic": True} for i in range(n_units)])
    with db.session() as s:
        unit_ids = [u for (u,) in s.execute(Unit.__table__.select().with_only_columns(Unit.id).order_by(Unit.id))]
    owner = rng.integers(n_units, size=n)
    sub_idx = rng.integers(len(subs), size=n)
    levels = LEVELS[rng.choice(4, size=n, p=[0.03, 0.12, 0.35, 0.50])]
    lon = 119.3 + rng.normal(0, 0.25, size=n)
    lat = 26.08 + rng.normal(0, 0.2, size=n)
    rows = [{"code": f"B-{j:07d}", "name": f"基准风险源{j}", "class_code": subs[sub_idx[j]].class_code,
             "subclass_code": subs[sub_idx[j]].code, "industry": subs[sub_idx[j]].industries[0],
             "unit_id": unit_ids[owner[j]], "division_code": towns[unit_town[owner[j]]], "lon": float(lon[j]),
             "lat": float(lat[j]), "description": "", "level": str(levels[j]), "method": "ls", "score": 1.0,
             "management_tier": "", "synthetic": True} for j in range(n)]
    with db.session() as s, s.begin():
        for i in range(0, n, 5000):
            s.execute(insert(RiskSource), rows[i:i + 5000])
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as c:
            c.exec_driver_sql("ANALYZE risk_sources")
            c.commit()
    else:
        with db.engine.connect() as c:
            c.exec_driver_sql("ANALYZE")
            c.commit()


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


CASES = [
    ("全市，无筛选", "350100", {}),
    ("全市，重大风险", "350100", {"level": "major"}),
    ("区县用户（鼓楼区），全部", "350102", {}),
    ("全市，行业=危化 + 大类 A", "350100", {"industry": "hazchem", "class_code": "A"}),
]


def run_backend(name: str, url: str, n: int, runs: int) -> list[tuple[str, float, float]]:
    upgrade(url)
    db = Database(url)
    t = time.perf_counter()
    populate(db, n)
    print(f"[{name}] 生成 {n:,} 条风险源用时 {time.perf_counter() - t:.1f} s")
    out = []
    try:
        with db.session() as s:
            for label, scope, filters in CASES:
                p = system_principal(scope)
                agg = service.map_aggregates(s, principal=p, **filters)
                naive = service.naive_map_counts(s, principal=p, **filters)
                assert {d["key"]: d["counts"] for d in agg["districts"]} == naive, "aggregate != baseline"
                fast = median_ms(lambda: service.map_aggregates(s, principal=p, **filters), runs)
                slow = median_ms(lambda: service.naive_map_counts(s, principal=p, **filters), max(3, runs // 2))
                s.expunge_all()
                out.append((label, fast, slow))
                print(f"[{name}] {label:<24} 聚合 {fast:8.1f} ms   朴素基线 {slow:9.1f} ms   加速 {slow / fast:6.1f}×"
                      f"   （{agg['totals']['all']:,} 条）")
            p = system_principal("350100")
            pts = median_ms(lambda: service.map_points(s, principal=p, bbox=None), runs)
            print(f"[{name}] 风险点数组（全部 {n:,} 点，紧凑数组）            {pts:8.1f} ms")
    finally:
        db.dispose()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args()
    print(f"风险一张图聚合基准：{args.n:,} 条风险源，中位数（{args.runs} 次），基线 = 全表载入 Python 过滤计数")
    with tempfile.TemporaryDirectory() as tmp:
        run_backend("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args.n, args.runs)
    if args.no_pg:
        return 0
    try:
        import psycopg

        plain = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
        dbname = "yingji_bench_" + secrets.token_hex(4)
        with psycopg.connect(plain, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
    except Exception as exc:  # noqa: BLE001
        print(f"[PostgreSQL] 跳过：无法连接（{exc}）")
        return 0
    try:
        run_backend("PostgreSQL", PG_ADMIN.rsplit("/", 1)[0] + "/" + dbname, args.n, args.runs)
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
