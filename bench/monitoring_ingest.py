"""End-to-end telemetry ingest through a real Mosquitto into storage, rules evaluated, on SQLite and PostgreSQL.

    python bench/monitoring_ingest.py [--messages 100000] [--devices 5000] [--naive 2000] [--publishers 2]
                                      [--backends sqlite,postgresql]

Publisher processes (``--publishers``, each its own MQTT connection) send QoS-1 messages while the consumer's persistent session is away (``yingji/telemetry/<code>``, three metrics each: a tank's
level, pressure, temperature) as fast as the broker takes them; the consumer (``yingji.monitoring.mqtt``)
stores them in batches, evaluates the tank rules (thresholds, 5-minute rate of change over the stored
window; each device reports once a minute of simulated time), raises alarms and acknowledges each message
only after its batch committed. Figures: sustained
messages per second from the first message received to the last one stored and acknowledged, and loss
(messages published and acknowledged by the broker whose readings are not all stored). Baseline, same
run: the naive consumer — one message per transaction (one insert, its own commit) through the same code.

The bench starts its own Mosquitto (free port, ``max_queued_messages 0``: the broker's default of 1,000
queued messages per client would drop QoS-1 messages under a burst — production needs the same setting).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from yingji.core.actions import load_reference
from yingji.core.auth import system_principal
from yingji.core.db import Database, bookkeeping
from yingji.core.division_data import build_fuzhou
from yingji.core.migrate import upgrade
from yingji.monitoring.models import Alarm, MonitoringPoint, Reading
from yingji.monitoring.mqtt import Consumer

HEARTBEAT_S = 60  # a tank reports every minute (its type's heartbeat): the 5-minute rate rule sees ≈ 5 readings
PG_ADMIN = os.environ.get("YINGJI_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_broker(tmp: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    conf = tmp / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    "max_queued_messages 0\nmax_inflight_messages 0\nlog_dest none\n")
    proc = subprocess.Popen(["mosquitto", "-c", str(conf)])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("mosquitto did not start")


def populate(db: Database, devices: int, prefix: str) -> list[str]:
    divisions, datasets = build_fuzhou()
    with db.session() as s:
        load_reference(s, system_principal(), divisions, datasets)
    towns = [d.code for d in divisions if d.level == "township"]
    codes = [f"{prefix}-{i:06d}" for i in range(devices)]
    rows = [{"code": c, "name": f"基准储罐{i}", "device_type": "tank", "division_code": towns[i % len(towns)],
             "lon": 119.3, "lat": 26.08, "address": "", "rules_override": {}, "active": True, "online": True,
             "synthetic": True} for i, c in enumerate(codes)]
    with db.session() as s, bookkeeping(s):
        for i in range(0, len(rows), 5000):
            s.execute(insert(MonitoringPoint), rows[i:i + 5000])
        s.commit()
    return codes


def publisher(port: int, codes: list[str], n: int, start_iso: str, ready: mp.Event, out: mp.Queue,
              part: int = 0, parts: int = 1) -> None:
    """Publish messages ``part, part + parts, …`` of ``n`` (each message's content depends on its index only)."""
    from yingji.monitoring.mqtt import publish_client

    t0 = datetime.fromisoformat(start_iso)
    payloads = []
    for i in range(part, n, parts):
        code = codes[i % len(codes)]
        ts = t0 + timedelta(seconds=HEARTBEAT_S * (i // len(codes)))  # every device once per round
        pressure = 1.45 if i % 997 == 0 else 0.8  # a few excursions: alarms raised on the way
        payloads.append((f"yingji/telemetry/{code}",
                         json.dumps({"ts": ts.isoformat(), "values": {"level": 60.0, "pressure": pressure,
                                                                      "temperature": 25.0}})))
    client = publish_client(port=port)
    ready.wait()
    t = time.time()
    infos = []
    for k, (topic, body) in enumerate(payloads):
        infos.append(client.publish(topic, body, qos=1))
        if k >= 1000:  # at most 1,000 unacknowledged: paho's outgoing queue costs O(n) per ack beyond that
            infos[k - 1000].wait_for_publish(120)
    for info in infos:
        info.wait_for_publish(120)
    acked = sum(info.is_published() for info in infos)
    out.put((acked, t, time.time()))
    client.loop_stop()
    client.disconnect()


def run(db: Database, port: int, codes: list[str], n: int, batch: int, label: str,
        publishers: int = 1) -> dict[str, float]:
    """Publish n messages while the consumer's persistent session is away (the broker queues them), then
    start the consumer and time the drain: first message received → last one stored and acknowledged.
    This measures the consumer, not the publisher (a Python publisher is the slower side on this machine)."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    client_id = f"bench-{label}-{secrets.token_hex(3)}"
    probe = Consumer(db, port=port, client_id=client_id, batch_size=batch, batch_wait_ms=100).start()
    while not probe.stats.connected:
        time.sleep(0.05)
    time.sleep(0.3)  # subscribed
    probe.stop()
    ready, out = mp.Event(), mp.Queue()
    parts = max(1, min(publishers, n))
    procs = [mp.Process(target=publisher, args=(port, codes, n, start.isoformat(), ready, out, k, parts))
             for k in range(parts)]
    for proc in procs:
        proc.start()
    ready.set()
    reports = [out.get(timeout=1800) for _ in procs]
    for proc in procs:
        proc.join(60)
    published = sum(r[0] for r in reports)
    pub_s = max(r[2] for r in reports) - min(r[1] for r in reports)
    consumer = Consumer(db, port=port, client_id=client_id, batch_size=batch, batch_wait_ms=100).start()
    first = None
    deadline = time.monotonic() + 1800
    while consumer.stats.acked < published and time.monotonic() < deadline:
        if first is None and consumer.stats.received:
            first = time.perf_counter()
        time.sleep(0.005)
    end = time.perf_counter()
    consumer.stop()
    with db.session() as s:
        stored = s.scalar(select(func.count()).select_from(Reading).where(Reading.ts >= start,
                                                                          Reading.ts < start + timedelta(days=1))) or 0
        alarms = s.scalar(select(func.count()).select_from(Alarm)) or 0
    elapsed = end - (first or end)
    return {"messages": n, "published_acked": published, "publish_msg_s": published / pub_s if pub_s else 0,
            "msg_s": consumer.stats.acked / elapsed if elapsed else 0.0, "seconds": elapsed,
            "readings_s": stored / elapsed if elapsed else 0.0,
            "lost": published - stored // 3, "readings": stored, "alarms": alarms, "batches": consumer.stats.batches}


def backend(name: str, url: str, args: argparse.Namespace, port: int) -> None:
    upgrade(url)
    db = Database(url)
    try:
        codes = populate(db, args.devices, "BT")
        fast = run(db, port, codes, args.messages, args.batch, f"{name}-batched", args.publishers)
        # the naive consumer: one message per transaction (its own insert and commit), same rules
        with db.session() as s, bookkeeping(s):
            s.execute(Reading.__table__.delete())
            s.commit()
        naive = run(db, port, codes, args.naive, 1, f"{name}-naive", args.publishers)
    finally:
        db.dispose()
    print(f"[{name}] 批量消费（每批 ≤ {args.batch}）：{fast['msg_s']:,.0f} 条/秒，{fast['readings_s']:,.0f} 读数/秒"
          f"（{fast['messages']:,} 条，{fast['seconds']:.1f} s，{fast['batches']} 批），"
          f"丢失 {fast['lost']}，入库读数 {fast['readings']:,}，告警 {fast['alarms']}")
    print(f"[{name}] 发布端（{args.publishers} 个进程，QoS 1，另行计时）：{fast['publish_msg_s']:,.0f} 条/秒")
    print(f"[{name}] 基线（每条一个事务）：{naive['msg_s']:,.0f} 条/秒（{naive['messages']:,} 条），丢失 {naive['lost']}")
    ratio = fast["msg_s"] / naive["msg_s"] if naive["msg_s"] else float("inf")
    target = "达到" if fast["msg_s"] >= 20000 else "未达到"
    print(f"[{name}] 批量 / 基线 = {ratio:.1f} 倍；目标 20,000 条/秒：{target}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--devices", type=int, default=5000)
    ap.add_argument("--naive", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--publishers", type=int, default=2, help="publisher processes (each its own connection)")
    ap.add_argument("--backends", default="sqlite,postgresql")
    args = ap.parse_args()
    if shutil.which("mosquitto") is None:
        sys.exit("mosquitto is not installed (apt-get install mosquitto)")
    with tempfile.TemporaryDirectory() as tmp:
        broker, port = start_broker(Path(tmp))
        try:
            for name in args.backends.split(","):
                if name == "sqlite":
                    backend("SQLite", f"sqlite:///{tmp}/bench.db", args, port)
                else:
                    import sqlalchemy as sa

                    dbname = f"yingji_bench_mon_{secrets.token_hex(4)}"
                    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
                    with admin.connect() as c:
                        c.exec_driver_sql(f'CREATE DATABASE "{dbname}"')
                    try:
                        backend("PostgreSQL", PG_ADMIN.rsplit("/", 1)[0] + f"/{dbname}", args, port)
                    finally:
                        with admin.connect() as c:
                            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
                        admin.dispose()
        finally:
            broker.terminate()
            broker.wait(10)


if __name__ == "__main__":
    main()
