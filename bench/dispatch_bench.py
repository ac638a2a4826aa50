"""Dispatch bench: a whole recommendation (grade, requirements, travel times of every available unit,
ranking with reasons) on the demo forces, and a road closure → updated recommendation.

One command: ``PYTHONPATH=src python bench/dispatch_bench.py [--queries 100]``.

Data: a temporary SQLite database with the Fuzhou divisions and the dispatch demo seed (SYNTHETIC
forces: stations on road-network nodes, teams, ~250 vehicles); scenes: random central-city network
nodes (fixed seed), fire grade 3 (trapped 3). Router: the platform's (data/fuzhou/roads, OSM, ODbL).

Baseline measured in the same run: the same recommendation with travel times asked one unit at a
time (``router.travel_times([one origin], scene)`` per vehicle, what a naive integration does)
instead of one batched call per distinct station. Checked: identical choices and times.
Closure: the links of the winning unit's route are closed (``Router.add_closure``); the time until
the next recommendation reflects it (≤ 1 s target) is printed, with the winner's new travel time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rich.console import Console

from yingji.core.actions import load_reference
from yingji.core.auth import system_principal
from yingji.core.db import Database
from yingji.core.division_data import build_fuzhou
from yingji.core.migrate import upgrade
from yingji.demo import DemoContext
from yingji.dispatch import seed, service
from yingji.dispatch.schemas import RecommendIn
from yingji.routing.engine import Closure
from yingji.routing.service import get_router


class OneByOne:
    """The baseline: the same router, asked for one origin at a time."""

    def __init__(self, router: Any) -> None:
        self.router = router

    def travel_times(self, origins: list[tuple[float, float]], dest: tuple[float, float]) -> list[Any]:
        return [self.router.travel_times([o], dest)[0] for o in origins]


def _pct(values: list[float], p: float) -> float:
    return float(np.percentile(np.array(values), p))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=100)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="yingji-dispatch-bench-"))
    url = f"sqlite:///{tmp / 'bench.db'}"
    upgrade(url)
    database = Database(url)
    actor = system_principal()
    with database.session() as s:
        load_reference(s, actor, *build_fuzhou())
    seed.load(DemoContext(database=database, console=Console(quiet=True), progress_factory=lambda: None,
                          data_dir=tmp, city_code="350100"))
    router = get_router()
    rng = np.random.default_rng(42)
    net = router.network
    picks = rng.choice(len(net.lon), size=args.queries * 3, replace=False)
    fast, slow = [], []
    with database.session() as db:
        scenes = []
        for i in picks:
            p = (float(net.lon[i]), float(net.lat[i]))
            if service.locate(db, *p) is not None:
                scenes.append(p)
            if len(scenes) == args.queries:
                break
        vehicles = None
        for lon, lat in scenes:
            body = RecommendIn(lon=lon, lat=lat, incident_type="fire", trapped=3)
            t = time.perf_counter()
            a = service.recommend(db, actor, body, router=router)
            fast.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            b = service.recommend(db, actor, body, router=OneByOne(router))
            slow.append((time.perf_counter() - t) * 1000)
            ids_a = [(p.candidate.vehicle_id, round(p.candidate.seconds or 0, 6)) for g in a.groups for p in g.selected]
            ids_b = [(p.candidate.vehicle_id, round(p.candidate.seconds or 0, 6)) for g in b.groups for p in g.selected]
            assert ids_a == ids_b, "baseline and batched recommendations differ"
            vehicles = vehicles or len(service.candidates(db, actor, lon, lat, router)[0])
        print(f"scenes: {len(scenes)} (central-city network nodes, fire grade 3), units considered: {vehicles}")
        print(f"recommendation (batched travel times): median {statistics.median(fast):.1f} ms, p95 {_pct(fast, 95):.1f} ms")
        print(f"baseline (one routing call per unit): median {statistics.median(slow):.1f} ms, "
              f"p95 {_pct(slow, 95):.1f} ms")
        print(f"ratio baseline/batched (median): {statistics.median(slow) / statistics.median(fast):.1f}x")
        # closure → updated recommendation
        lon, lat = scenes[0]
        body = RecommendIn(lon=lon, lat=lat, incident_type="fire", trapped=3)
        before = service.recommend(db, actor, body, router=router)
        win = before.groups[0].selected[0].candidate
        route = router.route((win.lon, win.lat), (lon, lat))
        t = time.perf_counter()
        router.add_closure(Closure(key="bench-closure", link_ids=tuple(route.link_ids)))
        after = service.recommend(db, actor, body, router=router)
        elapsed = (time.perf_counter() - t) * 1000
        new = next((p.candidate for g in after.groups for p in g.selected + g.alternatives
                    if p.candidate.vehicle_id == win.vehicle_id), None)
        router.remove_closure("bench-closure")
        print(f"closure of the winner's route ({len(route.link_ids)} links) → updated recommendation: {elapsed:.0f} ms "
              f"(target ≤ 1000 ms); winner before {win.name} {win.seconds:.0f} s, "
              f"after: {'not among the picks' if new is None else f'{new.seconds:.0f} s'}")


if __name__ == "__main__":
    main()
