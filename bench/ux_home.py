"""Benchmark of issue 8: the home page's cards and the offline road layer.

1. ``GET /api/v1/home``'s work — :func:`yingji.core.home.home_cards` (each package's ``home.cards``
   handler: SQL ``GROUP BY`` per county under the jurisdiction filter) — on the Fuzhou demo
   (3,000 hazards, 8,860 risk sources, 11,476 planned visits, 1,811 to-dos), as a city and a county
   user, against the naive baseline: load every hazard, listing, risk source, planned visit and to-do
   of the jurisdiction as ORM objects and count in Python. Median of N runs, SQLite and PostgreSQL.
2. The road layer: the thinned file ``yingji basemap roads`` builds (merge per class, 3 m
   simplification, 5 decimals, no service roads) against the naive layer (every directed link as its
   own GeoJSON feature) — bytes, gzip bytes, features, vertices, build time and parse time.

Run: ``python bench/ux_home.py [--runs 7] [--no-pg] [--roads DIR]``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy import select

from yingji.core.auth import system_principal
from yingji.core.db import Database, utcnow
from yingji.core.home import home_cards
from yingji.core.migrate import upgrade
from yingji.core.scope import in_scope
from yingji.core.timeutil import local_now

PG_ADMIN = os.environ.get("YINGJI_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
ROADS = Path(os.environ.get("YINGJI_ROADS", "/work/shared/data/fuzhou/roads"))
SCOPES = [("全市（市级值班员）", "350100"), ("鼓楼区（区县用户）", "350102")]


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def load_demo(url: str, tmp: Path) -> Database:
    from yingji.demo import load_demo as build

    upgrade(url)
    db = Database(url)

    class Quiet:  # the demo's progress bars, silenced
        def __enter__(self) -> Quiet:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def add_task(self, *a: Any, **k: Any) -> int:
            return 0

        def advance(self, *a: Any, **k: Any) -> None:
            return None

    build(db, console=Console(quiet=True), progress_factory=Quiet, data_dir=tmp)
    return db


def naive_counts(db: Any, principal: Any) -> dict[str, int]:
    """The baseline: every row of the jurisdiction as an ORM object, counted in Python."""
    from yingji.enforcement.models import PlannedInspection
    from yingji.hazards.escalation import default_escalation_config
    from yingji.hazards.models import Hazard, Notification, SupervisionListing
    from yingji.hazards.permissions import todo_levels
    from yingji.risk.models import RiskSource

    scope = principal.scope_code
    states = default_escalation_config().escalating_states
    soon = utcnow() + timedelta(days=7)
    counts: Counter[str] = Counter()
    for h in db.scalars(select(Hazard)):
        if in_scope(scope, h.division_code) and h.state in states and h.deadline is not None:
            counts["due"] += h.deadline < soon
            counts["overdue"] += h.overdue
    for x in db.scalars(select(SupervisionListing)):
        counts[f"listed_{x.level}"] += in_scope(scope, x.division_code) and x.lifted_at is None
    for s in db.scalars(select(RiskSource)):
        counts["major"] += in_scope(scope, s.division_code) and s.level == "major"
    today = local_now().date()
    for p in db.scalars(select(PlannedInspection)):
        if in_scope(scope, p.division_code) and (p.planned_date.year, p.planned_date.month) == (today.year, today.month):
            counts["month_open" if p.done_inspection_id is None else "month_done"] += 1
    levels = todo_levels(principal)
    for n in db.scalars(select(Notification)):
        counts["todo"] += (n.kind == "todo" and n.done_at is None and n.audience == "government"
                           and n.audience_level in levels and in_scope(scope, n.division_code))
    return dict(counts)


def bench_home(name: str, url: str, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        db = load_demo(url, Path(tmp))
        print(f"[{name}] 载入福州演示数据用时 {time.perf_counter() - t:.1f} s")
        try:
            with db.session() as s:
                for label, scope in SCOPES:
                    p = system_principal(scope)
                    p.permissions = ("*:read", "*:write")  # a duty officer, not the platform's own job
                    cards = {c.key: c for c in home_cards(s, p)["cards"]}
                    naive = naive_counts(s, p)
                    assert cards["hazards.due"].count == naive.get("due", 0), "cards != baseline"
                    assert cards["risk.major"].count == naive.get("major", 0), "cards != baseline"
                    fast = median_ms(lambda p=p: home_cards(s, p), runs)
                    slow = median_ms(lambda p=p: naive_counts(s, p), max(3, runs // 2))
                    s.expunge_all()
                    print(f"[{name}] {label:<14} 首页卡片 {fast:7.1f} ms   朴素基线 {slow:8.1f} ms   加速 {slow / fast:5.1f}×"
                          f"   （{len(cards)} 张卡片；到期/逾期 {cards['hazards.due'].count}）")
        finally:
            db.dispose()


def bench_roads(source: Path, runs: int) -> None:
    from yingji.core.basemap import build_road_layer, dump

    if not source.is_dir():
        print(f"[道路底图] 跳过：没有道路网 {source}")
        return
    t = time.perf_counter()
    layer, stats = build_road_layer(source)
    build_s = time.perf_counter() - t
    data = dump(layer)
    nodes = {}
    with gzip.open(source / "nodes.csv.gz", "rt", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            nodes[r["node_id"]] = [float(r["lon"]), float(r["lat"])]
    naive_features = []
    with gzip.open(source / "edges.csv.gz", "rt", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            naive_features.append({"type": "Feature", "properties": {"id": r["link_id"], "class": r["highway_inferred"]},
                                   "geometry": {"type": "LineString", "coordinates": [nodes[r["from_node"]], nodes[r["to_node"]]]}})
    naive = json.dumps({"type": "FeatureCollection", "features": naive_features}, separators=(",", ":")).encode()
    thin_gz, naive_gz = len(gzip.compress(data, 6)), len(gzip.compress(naive, 6))
    parse_thin = median_ms(lambda: json.loads(data), runs)
    parse_naive = median_ms(lambda: json.loads(naive), max(3, runs // 2))
    print(f"[道路底图] 生成 {build_s * 1000:.0f} ms；{stats.edges_in:,} 条有向路段 → {stats.lines:,} 条折线、"
          f"{stats.vertices:,} 个顶点（基线 {len(naive_features):,} 个要素、{2 * len(naive_features):,} 个顶点）")
    print(f"[道路底图] 文件 {len(data) / 1024:.0f} KB / gzip {thin_gz / 1024:.0f} KB；基线 {len(naive) / 1024:.0f} KB / "
          f"gzip {naive_gz / 1024:.0f} KB；传输缩小 {naive_gz / thin_gz:.1f}×")
    print(f"[道路底图] 解析（JSON） {parse_thin:.1f} ms；基线 {parse_naive:.1f} ms；{parse_naive / parse_thin:.1f}×")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-pg", action="store_true")
    ap.add_argument("--roads", type=Path, default=ROADS)
    args, _ = ap.parse_known_args()  # bench/run.sh passes every benchmark the same options
    print(f"首页卡片与道路底图基准：中位数（{args.runs} 次）；基线 = 全部载入 Python 计数 / 逐路段原样输出")
    bench_roads(args.roads, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        bench_home("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args.runs)
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
        bench_home("PostgreSQL", PG_ADMIN.rsplit("/", 1)[0] + "/" + dbname, args.runs)
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
