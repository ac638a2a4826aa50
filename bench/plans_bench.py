"""Benchmark of the plans domain (issue 10, item 4): what dispatch asks plans for, and starting a plan.

1. ``resources_for(db, incident_type, grade, division)`` — the plans in force whose triggers match, and
   what they say to mobilise — on a library of N synthetic plans (default 2,000: 1 general + special
   plans of 14 incident types per county + unit plans), against the naive baseline: load every plan in
   force and test its triggers in Python (no ``incident_types`` pre-filter in SQL). Same answers
   checked; median and p95 of the queries.
2. ``activate_plan`` of a plan with 40 tasks (a board created with its deadlines, one audit record
   and one event): median time.

Run: ``PYTHONPATH=src python bench/plans_bench.py [--plans 2000] [--queries 200]`` (SQLite, temporary file).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from yingji.core.actions import load_reference
from yingji.core.auth import system_principal
from yingji.core.db import Database, bookkeeping, utcnow
from yingji.core.migrate import upgrade
from yingji.plans import actions, service
from yingji.plans.catalog import INCIDENT_TYPES, UNIT_TYPES
from yingji.plans.content import matching_trigger, resources_at, response_level_for
from yingji.plans.lifecycle import IN_FORCE
from yingji.plans.models import ContingencyPlan
from yingji.plans.schemas import ActivationIn, PlanIn, TransitionIn

COUNTIES = ["350102", "350103", "350104", "350105", "350111", "350112", "350121", "350122", "350123",
            "350124", "350125", "350128", "350181"]
TYPES = [t for t in INCIDENT_TYPES if t != "*"]


def _content(rng: random.Random, itype: str, tasks: int = 8) -> dict[str, Any]:
    return {"summary": "（基准测试合成数据）", "triggers": [
        {"incident_type": itype, "grades": [1, 2], "response_level": 1, "condition": ""},
        {"incident_type": itype, "grades": [3, 4], "response_level": 3, "condition": ""}],
        "response_levels": [], "command": {"headquarters": "", "commander": "", "groups": []},
        "roles": [{"name": f"角色{r}", "group": "", "owner": "", "tasks": [
            {"title": f"任务{r}-{k}", "deadline_minutes": rng.randint(5, 600), "levels": []}
            for k in range(tasks // 4)]} for r in range(4)],
        "resources": [{"unit_type": u, "count": rng.randint(1, 6), "note": "", "levels": []}
                      for u in rng.sample(list(UNIT_TYPES), 3)], "revision_notes": []}


def _library(database: Database, n: int, seed: int) -> None:
    rng = random.Random(seed)
    rows = []
    now = utcnow()
    for i in range(n):
        itype = TYPES[i % len(TYPES)]
        county = COUNTIES[i % len(COUNTIES)]
        content = _content(rng, itype)
        rows.append({"title": f"基准预案{i}", "kind": "special", "level": "county", "division_code": county,
                     "unit_id": None, "department": "", "incident_types": service.types_column(content),
                     "state": rng.choice(["draft", "approved", "filed", "filed"]), "content": content,
                     "version": 1, "filing_no": None, "approved_at": None, "filed_at": None, "synthetic": True,
                     "created_by": "bench", "created_at": now, "updated_at": now})
    general = _content(rng, "*")
    general["triggers"] = [{"incident_type": "*", "grades": [1, 2], "response_level": 1, "condition": ""}]
    rows.append({**rows[0], "title": "基准总体预案", "kind": "general", "level": "city", "division_code": "350100",
                 "incident_types": ",*,", "state": "filed", "content": general})
    with database.session() as s:
        s.execute(insert(ContingencyPlan), rows)
        with bookkeeping(s):
            s.commit()


def _naive(db: Any, itype: str, grade: int, division: str) -> list[dict[str, Any]]:
    """Baseline: every plan in force as an ORM object, triggers tested in Python."""
    out = []
    for p in db.scalars(select(ContingencyPlan).where(ContingencyPlan.state.in_(sorted(IN_FORCE)))):
        if matching_trigger(p.content, itype, grade) is None or not service._applies_at(p, division):
            continue
        level = response_level_for(p.content, itype, grade)
        out += [r | {"plan_id": p.id} for r in resources_at(p.content, level)]
    return out


def _pctl(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plans", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        database = Database(url)
        from yingji.core.division_data import build_fuzhou

        with database.session() as s:
            load_reference(s, system_principal(), *build_fuzhou())
        _library(database, args.plans, args.seed)
        rng = random.Random(args.seed + 1)
        queries = [(rng.choice(TYPES), rng.randint(1, 4), rng.choice(COUNTIES) + "001") for _ in range(args.queries)]
        fast, slow = [], []
        with database.session() as s:
            for itype, grade, division in queries:
                t = time.perf_counter()
                a = service.resources_for(s, itype, grade, division)
                fast.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                b = _naive(s, itype, grade, division)
                slow.append((time.perf_counter() - t) * 1000)
                assert sorted(map(repr, a)) == sorted(map(repr, b)), (itype, grade, division)
        print(f"plans in the library: {args.plans + 1} (synthetic), queries: {args.queries} (answers identical)")
        print(f"resources_for: median {statistics.median(fast):.2f} ms, p95 {_pctl(fast, 0.95):.2f} ms")
        print(f"baseline (every plan in force, triggers in Python): median {statistics.median(slow):.2f} ms, "
              f"p95 {_pctl(slow, 0.95):.2f} ms")
        print(f"ratio baseline/resources_for (median): {statistics.median(slow) / statistics.median(fast):.1f}×")

        with database.session() as s:
            pid = actions.create_plan(s, system_principal(), PlanIn.model_validate({
                "title": "基准启动预案", "kind": "special", "level": "county", "division_code": "350102",
                "content": _content(random.Random(1), "typhoon", 40)})).id
            actions.transition_plan(s, system_principal(), pid, TransitionIn(action="approve"))
            times = []
            for _ in range(20):
                t = time.perf_counter()
                actions.activate_plan(s, system_principal(), pid, ActivationIn(incident_type="typhoon", grade=1))
                times.append((time.perf_counter() - t) * 1000)
        print(f"activate_plan (40 tasks, audit + event, SQLite): median {statistics.median(times):.1f} ms, "
              f"p95 {_pctl(times, 0.95):.1f} ms")
        database.dispose()


if __name__ == "__main__":
    main()
