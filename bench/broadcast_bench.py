"""Warning delivery bench: recipient resolution and delivery of one warning to a city.

    python bench/broadcast_bench.py [--recipients 1000000] [--delivery 1000000] [--skip-postgis]

1. **Resolution**: ``--recipients`` synthetic recipients (census density, labelled synthetic) against
   the most detailed township polygon and a whole county (polygon and division code): the grid index
   (:mod:`yingji.broadcast.targeting`) against a per-point shapely loop (prepared geometry) and against
   PostGIS ``ST_Contains`` with a GiST index on the same points (scratch database, same run).
2. **Delivery**: a warning to the whole city (``--delivery`` recipients) through the real Mosquitto
   (terminals) and a loopback webhook gateway in its own process (SMS, app): publication → last
   official, → 90 % of the public population, → last recipient; messages per second per channel;
   against a naive baseline measured in the same run (one HTTP request and one commit per message).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point, shape
from shapely.prepared import prep

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from yingji.broadcast.demo import Township, generate
from yingji.broadcast.targeting import RecipientIndex, Recipients, code_number
from yingji.core.division_data import build_fuzhou

PG_ADMIN = os.environ.get("YINGJI_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def timed(fn, repeat: int = 7):  # type: ignore[no-untyped-def]
    out, times = None, []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times)


def make_recipients(n: int, seed: int = 2026):  # type: ignore[no-untyped-def]
    divisions, _ = build_fuzhou()
    census = {}
    import csv

    with (ROOT / "data/fuzhou/population/census2020_counties.csv").open(encoding="utf-8") as fh:
        census = {r["code"]: int(r["rural"]) / int(r["population"]) for r in csv.DictReader(fh)}
    towns = [Township(d.code, shape(d.geometry), int(d.population or 0), census.get(d.code[:6], 0.3))
             for d in divisions if d.level == "township" and d.geometry and d.population]
    subs_people = sum(t.population * (1 - min(0.9, 0.10 + 0.5 * t.rural_share)) for t in towns)
    per_person = max(1, int(subs_people // n))
    gen = generate(towns, per_person=per_person, seed=seed)
    return divisions, gen, per_person


def resolution(args: argparse.Namespace) -> None:
    print(f"== recipient resolution: {args.recipients:,} recipients")
    t = time.perf_counter()
    divisions, gen, per_person = make_recipients(args.recipients)
    n = len(gen)
    print(f"synthetic recipients: {n:,} (one subscriber per {per_person} residents; "
          f"{gen.kind.count('terminal'):,} terminals) generated in {time.perf_counter() - t:.1f} s")
    kinds = {"terminal": 0, "sms": 1, "app": 2, "official": 3}
    rec = Recipients(np.arange(1, n + 1, dtype=np.int64), gen.lon, gen.lat,
                     np.array([code_number(c) for c in gen.division_code], dtype=np.int64),
                     np.array([kinds[k] for k in gen.kind], dtype=np.int8), np.array(gen.population, dtype=np.int64))
    index, build = timed(lambda: RecipientIndex(rec), 1)
    print(f"grid index build (once per registry version): {ms(build)}")

    towns = [d for d in divisions if d.level == "township" and d.geometry]
    per_town = {d.code: int(((rec.code >= code_number(d.code)) & (rec.code < code_number(d.code) + 1000)).sum())
                for d in towns}
    busy = sorted(towns, key=lambda d: -per_town[d.code])[: max(1, len(towns) // 4)]  # the populous quarter
    town = max(busy, key=lambda d: shapely.get_num_coordinates(shape(d.geometry)))  # … its most detailed
    counts = {}
    for d in divisions:
        if d.level == "county":
            counts[d.code] = int(((rec.code >= code_number(d.code)) & (rec.code < code_number(d.code) + 10**6)).sum())
    county = max((d for d in divisions if d.level == "county"), key=lambda d: counts[d.code])
    cases = [(f"township {town.code} {town.name} ({shapely.get_num_coordinates(shape(town.geometry))} vertices)",
              shape(town.geometry)),
             (f"county {county.code} {county.name} ({shapely.get_num_coordinates(shape(county.geometry))} vertices)",
              shape(county.geometry))]
    pg = None if args.skip_postgis else PostGIS(rec)
    try:
        for label, geom in cases:
            print(f"-- {label}")
            hits, grid = timed(lambda g=geom: index.in_polygon(g))
            print(f"grid index (ours): {len(hits):,} inside in {ms(grid)} (median of 7)")
            _, brute = timed(lambda g=geom: np.flatnonzero(shapely.contains_xy(g, rec.lon, rec.lat)), 3)
            print(f"vectorised contains_xy over all points (no index): {ms(brute)}  ratio {brute / grid:.1f}x")
            pg_geom = prep(geom)
            t = time.perf_counter()
            loop = sum(1 for x, y in zip(rec.lon.tolist(), rec.lat.tolist()) if pg_geom.contains(Point(x, y)))
            per_point = time.perf_counter() - t
            assert loop == len(hits), (loop, len(hits))
            print(f"baseline per-point shapely loop (prepared): {loop:,} in {ms(per_point)}  "
                  f"ratio {per_point / grid:.0f}x slower than the grid")
            if pg is not None:
                (_ids, count), (t_ids, t_count) = pg.contains(geom)
                assert count == len(hits), (count, len(hits))
                print(f"baseline PostGIS ST_Contains + GiST: count(*) {ms(t_count)}, ids fetched {ms(t_ids)}  "
                      f"ratio {t_count / grid:.1f}x / {t_ids / grid:.1f}x slower than the grid")
        code = county.code
        hits, t_div = timed(lambda: index.in_division(code))
        print(f"-- division code {code} (prefix range): {len(hits):,} in {ms(t_div)}")
        area = {"divisions": [town.code[:6]], "circles": [{"lon": 119.30, "lat": 26.08, "radius_m": 5000}]}
        _, t_area = timed(lambda: index.summary(index.resolve(area)))
        print(f"-- editor count (county + 5 km circle, counts by kind and population): {ms(t_area)}")
    finally:
        if pg is not None:
            pg.close()


class PostGIS:
    def __init__(self, rec: Recipients) -> None:
        import psycopg

        self.name = "yingji_bench_gis_" + secrets.token_hex(4)
        self.admin = psycopg.connect(PG_ADMIN, autocommit=True)
        self.admin.execute(f'CREATE DATABASE "{self.name}"')
        self.conn = psycopg.connect(PG_ADMIN.rsplit("/", 1)[0] + "/" + self.name, autocommit=True)
        self.conn.execute("CREATE EXTENSION postgis")
        self.conn.execute("CREATE TABLE pts (id bigint PRIMARY KEY, geom geometry(Point, 4326))")
        t = time.perf_counter()
        with self.conn.cursor() as cur, cur.copy("COPY pts (id, geom) FROM STDIN") as copy:
            for i, x, y in zip(rec.ids.tolist(), rec.lon.tolist(), rec.lat.tolist()):
                copy.write_row((i, f"SRID=4326;POINT({x} {y})"))
        load = time.perf_counter() - t
        t = time.perf_counter()
        self.conn.execute("CREATE INDEX pts_gist ON pts USING gist (geom)")
        self.conn.execute("ANALYZE pts")
        print(f"PostGIS {self.conn.execute('SELECT postgis_lib_version()').fetchone()[0]}: {len(rec):,} points "
              f"loaded in {load:.1f} s, GiST index + ANALYZE {time.perf_counter() - t:.1f} s")

    def contains(self, geom) -> tuple[tuple[list[int], int], tuple[float, float]]:  # type: ignore[no-untyped-def]
        wkt = geom.wkt
        q_ids = "SELECT id FROM pts WHERE ST_Contains(ST_GeomFromText(%s, 4326), geom)"
        q_count = "SELECT count(*) FROM pts WHERE ST_Contains(ST_GeomFromText(%s, 4326), geom)"
        ids, t_ids = timed(lambda: [r[0] for r in self.conn.execute(q_ids, (wkt,)).fetchall()], 5)
        count, t_count = timed(lambda: self.conn.execute(q_count, (wkt,)).fetchone()[0], 5)
        return (ids, count), (t_ids, t_count)

    def close(self) -> None:
        self.conn.close()
        self.admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin.close()


# --------------------------------------------------------------------------------------- delivery
def delivery(args: argparse.Namespace) -> None:
    import psycopg
    from sqlalchemy import select, update

    import yingji.models  # noqa: F401 - every table
    from yingji.broadcast import service
    from yingji.broadcast.actions import send_drill
    from yingji.broadcast.channels import HttpChannel, MqttChannel
    from yingji.broadcast.delivery import Deliverer, technical
    from yingji.broadcast.models import Campaign, Delivery
    from yingji.broadcast.schemas import DrillIn
    from yingji.config import Settings
    from yingji.core import hooks
    from yingji.core.auth import system_principal
    from yingji.core.db import Base, Database, utcnow

    print(f"== delivery: one warning to {args.delivery:,} recipients")
    name = "yingji_bench_bc_" + secrets.token_hex(4)
    admin = psycopg.connect(PG_ADMIN, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = "postgresql+psycopg://" + PG_ADMIN.split("://", 1)[1].rsplit("/", 1)[0] + "/" + name
    gw_port = 18000 + secrets.randbelow(1000)
    gw = subprocess.Popen([sys.executable, "-c", "from yingji.cli import app; app(prog_name='yingji')", "broadcast",
                           "gateway", "--port", str(gw_port)], env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database = Database(url)
    try:
        Base.metadata.create_all(database.engine)
        _, gen, per_person = make_recipients(args.delivery, seed=7)
        t = time.perf_counter()
        raw = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        now = utcnow()
        with raw.cursor() as cur, cur.copy(
                "COPY broadcast_recipients (kind, level, division_code, lon, lat, located, name, address, population,"
                " active, synthetic, created_at, updated_at) FROM STDIN") as copy:
            for i in range(len(gen)):
                copy.write_row((gen.kind[i], gen.level[i], gen.division_code[i], float(gen.lon[i]), float(gen.lat[i]),
                                True, gen.name[i], gen.address[i], gen.population[i], True, True, now, now))
        raw.commit()
        raw.close()
        print(f"{len(gen):,} recipients loaded (COPY) in {time.perf_counter() - t:.1f} s; "
              f"one subscriber per {per_person} residents")

        def officials(db, actor, **_):  # type: ignore[no-untyped-def]
            return [{"key": f"o{i}", "name": f"责任人{i}", "phone": f"1380000{i:04d}", "division_code": "350100",
                     "source": "duty"} for i in range(60)]

        hooks.handler(service.OFFICIALS_HOOK)(officials)
        with database.session() as db:
            t = time.perf_counter()
            service.count_in_area(db, {"divisions": ["350100"]})
            print(f"recipient index warmed (as by the editor's live count) in {time.perf_counter() - t:.1f} s")
        for _ in range(200):  # the gateway process is up
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{gw_port}/stats", timeout=1).read()
                break
            except OSError:
                time.sleep(0.05)
        settings = Settings(database_url=url, broadcast_batch=args.batch, broadcast_rate_sms=1e7,
                            broadcast_rate_app=1e7, broadcast_rate_mqtt=1e7)
        prefix = f"yingji-bench/{secrets.token_hex(3)}"

        def channels(i: int) -> dict:  # type: ignore[type-arg]
            return {"sms": HttpChannel("sms", f"http://127.0.0.1:{gw_port}/sms"),
                    "app": HttpChannel("app", f"http://127.0.0.1:{gw_port}/app"),
                    "mqtt": MqttChannel("127.0.0.1", 1883, prefix, client_id=f"bench-{prefix[-6:]}-{i}")}

        workers = [Deliverer(database, settings, channels=channels(i), owner=f"bench-{i}") for i in range(args.workers)]
        with database.session() as db:
            t0 = time.perf_counter()
            c = send_drill(db, system_principal(), DrillIn.model_validate(
                {"area": {"divisions": ["350100"]}, "text": "台风红色预警（压测演练）", "severity_colour": "red"}))
            cid = c.id
        t_pub = time.perf_counter() - t0
        t1 = time.perf_counter()
        import threading

        done = [0] * len(workers)

        def run(i: int) -> None:
            done[i] = workers[i].run_until_idle(limit=10**7)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        total = sum(done)
        wall = time.perf_counter() - t1
        for w in workers:
            w.close()
        with database.session() as db:
            c = db.get(Campaign, cid)
            cov = service.coverage(db, cid)
            per_channel = service.by_channel(db, cid)
        stats = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{gw_port}/stats").read())
        print(f"publish action (campaign + {c.officials} officials' deliveries, one transaction): {ms(t_pub)}")
        print(f"expansion to per-recipient delivery rows ({c.targeted:,} public), after the officials' batch: "
              f"done {(c.targeted_at - c.published_at).total_seconds():.1f} s after publication")
        print(f"publication → last official: {cov['officials_seconds']} s (aim ≤ 60 s)")
        print(f"publication → 90 % of the public population: {cov['public_p90_seconds']} s (aim ≤ 300 s; "
              f"national system design goal 10 min)")
        last = (f"{(c.finished_at - c.published_at).total_seconds():.1f} s" if c.finished_at else
                f"not yet ({sum(n['pending'] for n in per_channel.values()):,} waiting for a retry)")
        print(f"publication → last recipient: {last}; coverage {cov['rate']:.1%} of {cov['targeted']:,} residents; "
              f"{total:,} messages in {wall:.1f} s")
        for ch, n in sorted(per_channel.items()):
            busy = sum(w.busy.get(ch, 0.0) for w in workers) / len(workers)
            print(f"channel {ch}: {n['delivered']:,} delivered, {n['delivered'] / wall:,.0f} msg/s over the run, "
                  f"{(n['delivered'] / busy) if busy else 0:,.0f} msg/s while sending")
        print(f"gateway: {stats['unique']:,} unique messages, {stats['repeats']} repeats")
        print(f"overall: {total / wall:,.0f} msg/s (claim → send → mark, batch {args.batch}, "
              f"{len(workers)} workers)")

        # naive baseline in the same run: one request and one commit per message
        with database.session() as db:
            t = time.perf_counter()
            c2 = send_drill(db, system_principal(), DrillIn.model_validate(
                {"area": {"divisions": ["350102"]}, "text": "基线演练", "severity_colour": "blue"}))
            print(f"publish action again (warm: hooks discovered, index cached): {ms(time.perf_counter() - t)}")
        worker2 = Deliverer(database, settings, channels={}, owner="naive")
        worker2.expand()
        import httpx

        client = httpx.Client()
        with database.session() as db:
            rows = db.execute(select(Delivery.id, Delivery.address).where(
                Delivery.campaign_id == c2.id, Delivery.channel == "sms").limit(args.naive)).all()
        t = time.perf_counter()
        for r in rows:
            client.post(f"http://127.0.0.1:{gw_port}/sms", json={"channel": "sms", "messages": [
                {"id": f"naive:{r.id}", "to": r.address, "text": "基线"}]})
            with technical(database) as db:
                db.execute(update(Delivery).where(Delivery.id == r.id).values(state="delivered", delivered_at=utcnow()))
        naive = len(rows) / (time.perf_counter() - t)
        print(f"baseline naive delivery (1 request + 1 commit per message, {len(rows):,} messages): {naive:,.0f} msg/s"
              f"  ratio {(total / wall) / naive:.1f}x")
    finally:
        database.dispose()
        gw.terminate()
        gw.wait(10)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--recipients", type=int, default=1_000_000)
    p.add_argument("--delivery", type=int, default=1_000_000)
    p.add_argument("--batch", type=int, default=2000)
    p.add_argument("--naive", type=int, default=2000)
    p.add_argument("--workers", type=int, default=2, help="delivery workers in parallel (SKIP LOCKED)")
    p.add_argument("--skip-postgis", action="store_true")
    p.add_argument("--skip-delivery", action="store_true")
    p.add_argument("--skip-resolution", action="store_true")
    args = p.parse_args()
    if not args.skip_resolution:
        resolution(args)
    if not args.skip_delivery:
        delivery(args)


if __name__ == "__main__":
    main()
