"""Alarm notice latency under load: alarm raised → graded notice stored and visible to its addressee.

    python bench/monitoring_notices.py [--seconds 60] [--rate 1000] [--alarms 5] [--backends sqlite,postgresql]

The ingest runs as in production — a receiving thread queues telemetry at ``--rate`` messages per
second (tanks: level, pressure, temperature), the consumer stores batches of up to 5,000 messages
collected for at most 100 ms (``store_batch``: readings, rules, alarms, notices in one transaction) —
while ``--alarms`` excursions per second arrive among them (yellow 1.25 MPa, orange 1.45, red 1.7 on
fresh tanks of units with an enterprise account). A watcher reads the notice table every 20 ms as the
inboxes do; a notice's latency is from its message's receipt to the first read that sees it
(“stored and visible to the addressee”; each addressee's own inbox, ``service.my_notices``, is checked
for a sample at the end, and nobody outside the addressing rule got one).

Baseline, same run and load: the alarm itself without delivery (the notices switched off: what the
platform did before — recorded on the alarm only): receipt → the alarm visible on the alarm board.
Baseline and delivery alternate in ``--rounds`` rounds so that the shared machine's drift falls on
both alike; the delivery rounds also report the alarm's own latency (same commits).
The ratio notice p95 / baseline alarm p95 is what delivering costs; the issue's target is ≤ 2 min (p95).
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import secrets
import statistics
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from yingji.core.actions import load_reference
from yingji.core.auth import User, system_principal
from yingji.core.db import Database, bookkeeping
from yingji.core.division_data import build_fuzhou
from yingji.core.migrate import upgrade
from yingji.monitoring import alarming
from yingji.monitoring.ingest import Message, store_batch
from yingji.monitoring.models import Alarm, AlarmNotice, MonitoringPoint
from yingji.units.models import Unit

PG_ADMIN = os.environ.get("YINGJI_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BATCH, BATCH_WAIT_S, POLL_S = 5000, 0.1, 0.02
LEVELS = {"yellow": 1.25, "orange": 1.45, "red": 1.7}


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=100, method="inclusive")[94] if len(xs) >= 2 else (xs[0] if xs else float("nan"))


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


@contextmanager
def backend_db(name: str, tmp: Path):  # type: ignore[no-untyped-def]
    """A fresh, migrated database of the backend (PostgreSQL: a throw-away database)."""
    if name == "sqlite":
        url = f"sqlite:///{tmp}/bench-{secrets.token_hex(3)}.db"
        upgrade(url)
        db = Database(url)
        try:
            yield db
        finally:
            db.dispose()
        return
    import sqlalchemy as sa

    dbname = f"yingji_bench_notice_{secrets.token_hex(4)}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{dbname}"')
    try:
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{dbname}"
        upgrade(url)
        db = Database(url)
        try:
            yield db
        finally:
            db.dispose()
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.dispose()


def reference(db: Database) -> list[str]:
    divisions, datasets = build_fuzhou()
    with db.session() as s:
        load_reference(s, system_principal(), divisions, datasets)
    return [d.code for d in divisions if d.level == "township"]


def insert_rows(db: Database, model: Any, rows: list[dict[str, Any]]) -> None:
    with db.session() as s, bookkeeping(s):
        for i in range(0, len(rows), 5000):
            s.execute(insert(model), rows[i:i + 5000])
        s.commit()


def populate(db: Database, towns: list[str], *, load_points: int, alarm_points: int) -> dict[str, Any]:
    """Units with one enterprise account each, two county officers per county, two city duty officers,
    a leader and two township officers (never addressed); tanks: a load pool (no unit) and an alarm pool
    (each of a unit)."""
    counties = sorted({t[:6] for t in towns})
    units = [{"name": f"基准单位{i}（合成）", "credit_code": f"91350100BENCH{i:05d}", "industry": "hazchem",
              "division_code": towns[i % len(towns)], "synthetic": True} for i in range(alarm_points)]
    insert_rows(db, Unit, units)
    with db.session() as s:
        unit_ids = [i for (i,) in s.execute(select(Unit.id).order_by(Unit.id))]
    users = [{"username": f"ent{i}", "display_name": f"企业{i}", "password_hash": "!", "role": "enterprise_manager",
              "scope_code": towns[i % len(towns)], "unit_id": uid} for i, uid in enumerate(unit_ids)]
    users += [{"username": f"cty{c}_{k}", "display_name": f"区县{c}", "password_hash": "!", "role": "county_officer",
               "scope_code": c, "unit_id": None} for c in counties for k in range(2)]
    users += [{"username": f"city{k}", "display_name": "市值班", "password_hash": "!", "role": "city_duty",
               "scope_code": "350100", "unit_id": None} for k in range(2)]
    users += [{"username": "leader", "display_name": "领导", "password_hash": "!", "role": "leader",
               "scope_code": "350100", "unit_id": None}]
    users += [{"username": f"town{k}", "display_name": "乡镇", "password_hash": "!", "role": "township_officer",
               "scope_code": towns[k], "unit_id": None} for k in range(2)]
    insert_rows(db, User, users)
    base = {"device_type": "tank", "lon": 119.3, "lat": 26.08, "address": "", "rules_override": {},
            "active": True, "online": True, "synthetic": True}
    pts = [{**base, "code": f"LD-{i:06d}", "name": f"负载储罐{i}", "division_code": towns[i % len(towns)],
            "unit_id": None} for i in range(load_points)]
    pts += [{**base, "code": f"AL-{i:06d}", "name": f"告警储罐{i}", "division_code": towns[i % len(towns)],
             "unit_id": uid} for i, uid in enumerate(unit_ids)]
    insert_rows(db, MonitoringPoint, pts)
    with db.session() as s:
        ids = dict(s.execute(select(MonitoringPoint.code, MonitoringPoint.id)).all())
    return {"load": [p["code"] for p in pts[:load_points]], "alarm": [p["code"] for p in pts[load_points:]],
            "ids": ids}


@dataclass
class Ingest:
    """Receiver queue → batching consumer thread → store_batch (one transaction per batch)."""

    db: Database
    q: queue.Queue[tuple[float, dict[str, Any]]] = field(default_factory=queue.Queue)
    batches: int = 0
    messages: int = 0
    store_s: float = 0.0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not (self.stop.is_set() and self.q.empty()):
            try:
                first = self.q.get(timeout=0.05)
            except queue.Empty:
                continue
            batch, deadline = [first], time.perf_counter() + BATCH_WAIT_S
            while len(batch) < BATCH:
                try:
                    batch.append(self.q.get(timeout=max(0.0, deadline - time.perf_counter())))
                except queue.Empty:
                    break
            t = time.perf_counter()
            with self.db.session() as s:
                store_batch(s, [Message(m, source="mqtt") for _, m in batch])
            self.store_s += time.perf_counter() - t
            self.batches += 1
            self.messages += len(batch)


def stamp_now(m: dict[str, Any]) -> dict[str, Any]:
    return {**m, "ts": iso_now()}


def produce(ingest: Ingest, seconds: float, rate: int, normal: Callable[[int], dict[str, Any]],
            specials: list[dict[str, Any]], special_rate: float, sent: dict[str, float],
            stamp: Callable[[dict[str, Any]], dict[str, Any]] = stamp_now) -> None:
    """Queue ``rate`` normal messages per second and ``special_rate`` special ones, timestamped at receipt
    by ``stamp`` (their receipt time in ``sent``)."""
    t0 = time.perf_counter()
    n = k = 0
    while (now := time.perf_counter()) - t0 < seconds:
        due = int((now - t0) * rate)
        while n < due:
            ingest.q.put((now, normal(n)))
            n += 1
        if k < len(specials) and (now - t0) * special_rate >= k + 1:
            m = stamp(specials[k])
            sent[m["device"]] = time.perf_counter()
            ingest.q.put((now, m))
            k += 1
        time.sleep(0.005)


def load_message(codes: list[str]) -> Callable[[int], dict[str, Any]]:
    def make(i: int) -> dict[str, Any]:
        return {"device": codes[i % len(codes)], "ts": iso_now(),
                "values": {"level": 60.0, "pressure": 0.8, "temperature": 25.0}}
    return make


def run(db: Database, pop: dict[str, Any], *, seconds: float, rate: int, alarm_rate: float, deliver: bool,
        offset: int, rnd: random.Random) -> dict[str, Any]:
    n_alarms = int(seconds * alarm_rate)
    codes = pop["alarm"][offset:offset + n_alarms]
    specials = []
    for c in codes:
        level = rnd.choice(list(LEVELS))
        specials.append({"device": c, "ts": "", "values": {"level": 60.0, "pressure": LEVELS[level],
                                                            "temperature": 25.0}})
    by_point = {pop["ids"][c]: c for c in codes}
    sent: dict[str, float] = {}
    seen_alarm: dict[int, float] = {}
    seen_notice: dict[tuple[int, int], float] = {}
    alarm_point: dict[int, int] = {}
    with db.session() as s:
        last_alarm = s.scalar(select(func.max(Alarm.id))) or 0
        last_notice = s.scalar(select(func.max(AlarmNotice.id))) or 0
    ingest = Ingest(db)
    watching = threading.Event()

    def watch() -> None:
        nonlocal last_alarm, last_notice
        while not watching.is_set():
            with db.session() as s:
                t = time.perf_counter()
                for aid, pid in s.execute(select(Alarm.id, Alarm.point_id).where(Alarm.id > last_alarm)):
                    seen_alarm.setdefault(aid, t)
                    alarm_point[aid] = pid
                    last_alarm = max(last_alarm, aid)
                for nid, aid, uid in s.execute(select(AlarmNotice.id, AlarmNotice.alarm_id, AlarmNotice.user_id)
                                               .where(AlarmNotice.id > last_notice)):
                    seen_notice.setdefault((aid, uid), t)
                    last_notice = max(last_notice, nid)
            time.sleep(POLL_S)

    original = alarming.AddressBook.address
    if not deliver:
        alarming.AddressBook.address = lambda self, a, escalated=False: []  # type: ignore[method-assign]
    threads = [threading.Thread(target=ingest.run), threading.Thread(target=watch)]
    try:
        for th in threads:
            th.start()
        produce(ingest, seconds, rate, load_message(pop["load"]), specials, alarm_rate, sent)
        ingest.stop.set()
        threads[0].join()
        time.sleep(0.3)
        watching.set()
        threads[1].join()
    finally:
        alarming.AddressBook.address = original  # type: ignore[method-assign]
    alarm_lat = [seen_alarm[a] - sent[by_point[p]] for a, p in alarm_point.items() if p in by_point]
    notice_lat = [t - sent[by_point[alarm_point[a]]] for (a, _), t in seen_notice.items()
                  if alarm_point.get(a) in by_point]
    with db.session() as s:
        in_db = [(d - r).total_seconds() for d, r in s.execute(
            select(AlarmNotice.delivered_at, AlarmNotice.raised_at).where(AlarmNotice.alarm_id.in_(list(seen_alarm))))]
    return {"alarm_lat": alarm_lat, "notice_lat": notice_lat, "in_db": in_db, "seconds": seconds,
            "batches": ingest.batches, "store_s": ingest.store_s, "alarm_ids": sorted(alarm_point), "received": ingest.messages}


def summary(parts: list[dict[str, Any]]) -> dict[str, Any]:
    alarm_lat = [x for p in parts for x in p["alarm_lat"]]
    notice_lat = [x for p in parts for x in p["notice_lat"]]
    received, seconds = sum(p["received"] for p in parts), sum(p["seconds"] for p in parts)
    return {"alarms": len(alarm_lat), "notices": len(notice_lat), "alarm_p95": p95(alarm_lat),
            "notice_p95": p95(notice_lat), "notice_p50": statistics.median(notice_lat) if notice_lat else float("nan"),
            "notice_max": max(notice_lat, default=float("nan")),
            "recorded_p95": p95([x for p in parts for x in p["in_db"]]),
            "msg_s": received / seconds, "batches": sum(p["batches"] for p in parts), "received": received,
            "busy": sum(p["store_s"] for p in parts) / seconds,
            "alarm_ids": [a for p in parts for a in p["alarm_ids"]]}


def check_addressing(db: Database, alarm_ids: list[int], sample: int = 30) -> str:
    """Each sampled alarm's notices went exactly to the addressing rule's users, each sees it in their inbox."""
    from yingji.core.auth import principal_for
    from yingji.monitoring import service

    rnd = random.Random(7)
    with db.session() as s:
        users = list(s.execute(select(User)).scalars())
        book = [alarming.Addressee(u.id, u.role, u.scope_code, u.unit_id, u.active) for u in users]
        by_id = {u.id: u for u in users}
        bad = 0
        for aid in rnd.sample(alarm_ids, min(sample, len(alarm_ids))):
            a = s.get(Alarm, aid)
            expected = {uid for uid, _ in alarming.address(book, level=a.level, division_code=a.division_code,
                                                          unit_id=a.unit_id)}
            got = set(s.scalars(select(AlarmNotice.user_id).where(AlarmNotice.alarm_id == aid)))
            inboxes = {uid for uid in got if any(n.alarm_id == aid for n in service.my_notices(
                s, principal_for(by_id[uid]), limit=200)["items"])}
            bad += (got != expected) + (inboxes != got)
    return "全部正确" if not bad else f"{bad} 处不符"


def backend(name: str, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    with backend_db(name, tmp) as db:
        towns = reference(db)
        seconds = args.seconds / args.rounds
        n_alarms = int(seconds * args.alarms)
        pop = populate(db, towns, load_points=args.devices, alarm_points=2 * args.rounds * n_alarms + 10)
        rnd = random.Random(20261203)
        base_parts, new_parts = [], []
        for k in range(args.rounds):  # alternate, so that the machine's drift falls on both alike
            for deliver, parts in ((False, base_parts), (True, new_parts)):
                parts.append(run(db, pop, seconds=seconds, rate=args.rate, alarm_rate=args.alarms, deliver=deliver,
                                 offset=(2 * k + deliver) * n_alarms, rnd=rnd))
        base, new = summary(base_parts), summary(new_parts)
        verdict = check_addressing(db, new["alarm_ids"])
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[name]
    ratio = new["notice_p95"] / base["alarm_p95"] if base["alarm_p95"] else float("inf")
    print(f"[{label}] 负载：{new['msg_s']:,.0f} 条/秒（{new['received']:,} 条，{new['batches']} 批，"
          f"入库线程忙 {new['busy']:.0%}，基线轮 {base['busy']:.0%}），"
          f"告警 {new['alarms']} 条，送达通知 {new['notices']} 条；寻址抽查：{verdict}")
    print(f"[{label}] 通知 收到→可见：p50 {new['notice_p50']:.2f} s，p95 {new['notice_p95']:.2f} s，"
          f"最大 {new['notice_max']:.2f} s（库内记录 送达−告警 p95 {new['recorded_p95']:.2f} s）；"
          f"同次告警本身 p95 {new['alarm_p95']:.2f} s")
    print(f"[{label}] 基线（不投递通知，仅告警）：告警 p95 {base['alarm_p95']:.2f} s（{base['alarms']} 条，"
          f"{base['msg_s']:,.0f} 条/秒）；通知 p95 / 基线 = {ratio:.2f}；目标 ≤ 120 s："
          f"{'达到' if new['notice_p95'] <= 120 else '未达到'}")
    return {"backend": label, "new": new, "base": base, "ratio": ratio}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60, help="per variant, split into --rounds")
    ap.add_argument("--rounds", type=int, default=4, help="alternating baseline / delivery rounds")
    ap.add_argument("--rate", type=int, default=1000, help="load: telemetry messages per second")
    ap.add_argument("--alarms", type=float, default=5, help="alarm excursions per second")
    ap.add_argument("--devices", type=int, default=3000, help="load tanks")
    ap.add_argument("--backends", default="sqlite,postgresql")
    args = ap.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name in args.backends.split(","):
            backend(name, Path(tmp), args)


if __name__ == "__main__":
    main()

