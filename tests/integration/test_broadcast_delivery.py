"""Delivery end to end on SQLite and PostgreSQL: real Mosquitto, a loopback webhook gateway,
officials first, coverage, retries with back-off under a controlled clock, rate limits, and a
delivery worker killed mid-delivery and restarted (no duplicate, no gap)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import delete, func, insert, select

from yingji.broadcast import service
from yingji.broadcast.actions import send_drill
from yingji.broadcast.channels import HttpChannel, MqttChannel, RateLimiter, terminal_topic
from yingji.broadcast.delivery import Deliverer, technical
from yingji.broadcast.gateway import Gateway
from yingji.broadcast.models import Campaign, Delivery, Recipient
from yingji.broadcast.schemas import DrillIn
from yingji.config import Settings
from yingji.core import hooks
from yingji.core.auth import system_principal

ROOT = Path(__file__).resolve().parents[2]
COUNTY = "350102"  # 鼓楼区
OTHER = "350103"


def _mosquitto() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=2).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def mosquitto() -> None:
    if not _mosquitto():
        if os.environ.get("CI") or os.environ.get("YINGJI_REQUIRE_SERVICES"):
            pytest.fail("Mosquitto is not listening on 127.0.0.1:1883 but the suite requires it")
        pytest.skip("Mosquitto not reachable on 127.0.0.1:1883")


@pytest.fixture(scope="module")
def gateway():  # type: ignore[no-untyped-def]
    gw = Gateway().start()
    yield gw
    gw.stop()


def _wipe(database: Any) -> None:
    with technical(database) as db:
        db.execute(delete(Delivery))
        db.execute(delete(Campaign))
        db.execute(delete(Recipient))
    service.forget_index()


@pytest.fixture(autouse=True)
def clean(database):  # type: ignore[no-untyped-def]
    # the session's database is shared: other tests (the actions walk, warnings) leave recipients and campaigns
    _wipe(database)
    yield
    _wipe(database)


def add_recipients(database: Any, rows: list[dict[str, Any]]) -> None:
    with technical(database) as db:
        db.execute(insert(Recipient), [{"level": None, "located": True, "name": "", "population": 1, "active": True,
                                        "synthetic": True, **r} for r in rows])
    service.forget_index()


def population(n: int, county: str, kind: str, seed: int, pop: int = 10) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    return [{"kind": kind, "division_code": f"{county}{1 + i % 3:03d}{1 + i % 7:03d}",
             "lon": float(rng.uniform(119.2, 119.4)), "lat": float(rng.uniform(26.0, 26.1)),
             "address": f"{kind}-{county}-{seed}-{i}", "population": pop,
             "level": "village" if kind == "terminal" else None} for i in range(n)]


def settings(**kw: Any) -> Settings:
    base = {"broadcast_batch": 100, "broadcast_rate_sms": 1e6, "broadcast_rate_app": 1e6, "broadcast_rate_mqtt": 1e6,
            "broadcast_max_attempts": 3, "broadcast_retry_base": 2.0, "broadcast_retry_max": 60.0}
    return Settings(**(base | kw))


def officials(database: Any, cid: int) -> int:
    """The officials a campaign reaches first: the stand-in duty hook's, plus, in the session's shared
    database, the units with a phone in the area and duty rosters other tests left there."""
    with database.session() as db:
        return int(db.get(Campaign, cid).officials)


def publish(database: Any, area: dict[str, Any], text: str = "台风红色预警演练") -> int:
    with database.session() as db:
        c = send_drill(db, system_principal(), DrillIn.model_validate({"area": area, "text": text,
                                                                        "severity_colour": "red"}))
        return c.id


@pytest.fixture
def officials_hook():  # type: ignore[no-untyped-def]
    """Stand-in for the duty domain: two officials on duty for every area."""
    def answer(db: Any, actor: Any, *, area: dict[str, Any], **_: Any) -> list[dict[str, Any]]:
        return [{"key": "lead-1", "name": "值班领导", "phone": "13800000001", "division_code": COUNTY, "source": "duty"},
                {"key": "lead-2", "name": "带班领导", "phone": "13800000002", "division_code": COUNTY, "source": "duty"}]

    hooks.handler(service.OFFICIALS_HOOK)(answer)
    yield
    hooks._HANDLERS[service.OFFICIALS_HOOK].remove(answer)


def test_everyone_in_the_area_once_officials_first_over_mqtt_and_webhooks(database, gateway, officials_hook,  # type: ignore[no-untyped-def]
                                                                         mosquitto):  # type: ignore[no-untyped-def]
    inside = population(60, COUNTY, "sms", 1) + population(30, COUNTY, "app", 2) + population(12, COUNTY, "terminal", 3, 500)
    outside = population(40, OTHER, "sms", 4)
    add_recipients(database, inside + outside)
    prefix = f"yingji-test/{uuid.uuid4().hex[:8]}"
    got: list[tuple[str, dict[str, Any]]] = []
    done = threading.Event()
    import paho.mqtt.client as mqtt

    listener = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    subscribed = threading.Event()
    listener.on_connect = lambda c, *_: c.subscribe(f"{prefix}/#", qos=1)
    listener.on_subscribe = lambda *_: subscribed.set()

    def on_message(_c: Any, _u: Any, msg: Any) -> None:
        got.append((msg.topic, json.loads(msg.payload)))
        if len(got) >= 12:
            done.set()

    listener.on_message = on_message
    listener.connect("127.0.0.1", 1883)
    listener.loop_start()
    assert subscribed.wait(10)
    try:
        cid = publish(database, {"divisions": [COUNTY]})
        n_off = officials(database, cid)
        with database.session() as db:
            keys = set(db.scalars(select(Delivery.recipient_key).where(Delivery.campaign_id == cid,
                                                                       Delivery.kind == "official")))
        assert {"official:duty:lead-1", "official:duty:lead-2"} <= keys and len(keys) == n_off
        s = settings(broadcast_mqtt_prefix=prefix)
        d = Deliverer(database, s, owner="t-all", channels={
            "sms": HttpChannel("sms", gateway.url + "/sms"), "app": HttpChannel("app", gateway.url + "/app"),
            "mqtt": MqttChannel("127.0.0.1", 1883, prefix)})
        try:
            assert d.run_until_idle() == 102 + n_off
        finally:
            d.close()
        assert done.wait(10)
    finally:
        listener.loop_stop()
        listener.disconnect()
    with database.session() as db:
        c = db.get(Campaign, cid)
        assert (c.state, c.targeted, c.officials, c.delivered, c.officials_delivered) == ("done", 102, n_off, 102, n_off)
        rows = db.execute(select(Delivery.kind, Delivery.delivered_at, Delivery.priority)
                          .where(Delivery.campaign_id == cid)).all()
        cov = service.coverage(db, cid, townships=True)
    # officials were claimed first (a batch of their own, before the public)
    first_public = min(r.delivered_at for r in rows if r.kind != "official")
    assert max(r.delivered_at for r in rows if r.kind == "official") <= first_public
    assert cov["targeted"] == cov["delivered"] == 60 * 10 + 30 * 10 + 12 * 500 and cov["rate"] == 1.0
    assert cov["by_district"] == {COUNTY: {"recipients": 102, "delivered_recipients": 102, "targeted": cov["targeted"],
                                           "delivered": cov["targeted"], "rate": 1.0}}
    assert set(cov["by_township"]) == {f"{COUNTY}001", f"{COUNTY}002", f"{COUNTY}003"}
    assert cov["officials_seconds"] is not None and cov["public_p90_seconds"] is not None
    # every terminal got its message once, on its documented topic
    topics = sorted(t for t, _ in got)
    assert topics == sorted(terminal_topic(prefix, r["division_code"], r["address"]) for r in inside
                            if r["kind"] == "terminal")
    assert all(m["text"].startswith("【演练】") and m["colour"] == "red" for _, m in got)
    # the gateway saw every SMS/app subscriber inside once, nobody outside, and the officials
    mine = {k for k in gateway.sent if k.startswith(f"{c.message_key}:")}
    assert len(mine) == 60 + 30 + n_off
    assert not any("-" + OTHER + "-" in gateway.sent[k]["to"] for k in mine)
    assert all(gateway.received[k] == 1 for k in mine)


def test_retries_back_off_under_a_controlled_clock_then_fail(database, gateway):  # type: ignore[no-untyped-def]
    add_recipients(database, population(3, COUNTY, "sms", 5))
    cid = publish(database, {"divisions": [COUNTY]})
    n = 3 + officials(database, cid)
    now = [datetime(2026, 12, 2, 8, 0, tzinfo=UTC)]
    d = Deliverer(database, settings(), owner="t-retry", clock=lambda: now[0],
                  channels={"sms": HttpChannel("sms", gateway.url + "/sms")})
    gateway.fail_next = 2
    # published "now" by the wall clock; the worker's clock is later: deliveries are due
    now[0] = datetime.now(UTC) + timedelta(seconds=1)
    assert d.expand() == 1
    assert d.step() == n  # 503 → all three (and the officials) back off 2 s
    with database.session() as db:
        rows = db.execute(select(Delivery).where(Delivery.campaign_id == cid)).scalars().all()
        assert {(r.state, r.attempts, r.next_attempt_at - now[0], r.last_error) for r in rows} == {
            ("pending", 1, timedelta(seconds=2), "网关返回 503")}
    assert d.step() == 0  # not due yet
    now[0] += timedelta(seconds=2)
    assert d.step() == n  # 503 again → 4 s
    with database.session() as db:
        assert {r.next_attempt_at - now[0] for r in db.execute(select(Delivery).where(
            Delivery.campaign_id == cid)).scalars()} == {timedelta(seconds=4)}
    now[0] += timedelta(seconds=3)
    assert d.step() == 0
    now[0] += timedelta(seconds=1)
    assert d.step() == n  # third attempt succeeds
    with database.session() as db:
        c = db.get(Campaign, cid)
        assert (c.state, c.delivered, c.failed) == ("done", 3, 0)
    # an address the gateway refuses fails for good after broadcast_max_attempts (3)
    gateway.reject.add("sms-350102-6-0")
    add_recipients(database, population(1, COUNTY, "sms", 6))
    cid2 = publish(database, {"divisions": [f"{COUNTY}001"]})
    now[0] = datetime.now(UTC) + timedelta(seconds=1)
    d.expand()
    for _ in range(3):
        d.step()
        now[0] += timedelta(seconds=60)
    with database.session() as db:
        bad = db.execute(select(Delivery).where(Delivery.campaign_id == cid2, Delivery.address == "sms-350102-6-0")
                         ).scalar_one()
        assert (bad.state, bad.attempts, bad.last_error) == ("failed", 3, "网关拒收：号码无效")
        assert db.get(Campaign, cid2).failed == 1
    gateway.reject.clear()


def test_rate_limit_per_channel_with_a_controlled_clock(database, gateway):  # type: ignore[no-untyped-def]
    t = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        t[0] += s

    bucket = RateLimiter(100, clock=lambda: t[0], sleep=sleep)
    assert bucket.acquire(100) == 0  # a second's burst
    assert bucket.acquire(250) == pytest.approx(2.5)
    t[0] += 10  # idle: the bucket refills to one second's worth only
    assert bucket.acquire(150) == pytest.approx(0.5)
    # through the worker: 250 SMS at 100/s in batches of 100 → at least 1.5 s of waiting
    add_recipients(database, population(250, COUNTY, "sms", 7))
    n = 250 + officials(database, publish(database, {"divisions": [COUNTY]}))
    slept.clear()
    d = Deliverer(database, settings(broadcast_rate_sms=100), owner="t-rate", monotonic=lambda: t[0], sleep=sleep,
                  channels={"sms": HttpChannel("sms", gateway.url + "/sms")})
    assert d.run_until_idle() == n
    assert sum(slept) == pytest.approx((n - 100) / 100)  # a second's burst, then 100/s
    assert d.sent["sms"] == n


def test_killed_worker_restarts_without_duplicate_or_gap(database, gateway, tmp_path):  # type: ignore[no-untyped-def]
    n = 3000
    add_recipients(database, population(n, COUNTY, "sms", 8))
    cid = publish(database, {"divisions": [COUNTY]})
    n_off = officials(database, cid)
    with database.session() as db:
        key = db.get(Campaign, cid).message_key
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "YINGJI_DATABASE_URL": database.url,
           "YINGJI_DATA_DIR": str(tmp_path), "YINGJI_BROADCAST_SMS_URL": gateway.url + "/sms",
           "YINGJI_BROADCAST_BATCH": "50", "YINGJI_BROADCAST_RATE_SMS": "1500", "YINGJI_BROADCAST_POLL": "0.1"}
    cmd = [sys.executable, "-c", "from yingji.cli import app; app(prog_name='yingji')", "broadcast", "deliver",
           "--name", "kill-test"]

    def mine() -> int:
        return sum(1 for k in list(gateway.sent) if k.startswith(key + ":"))

    worker = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while mine() < n // 3 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.05)
        assert worker.poll() is None, worker.stderr.read().decode()[-2000:] if worker.stderr else ""
        os.kill(worker.pid, signal.SIGKILL)  # mid-delivery: a batch is claimed and maybe sent, not marked
    finally:
        worker.wait(30)
    sent_before = mine()
    assert 0 < sent_before < n
    with database.session() as db:
        leased = db.execute(select(func.count()).where(Delivery.campaign_id == cid, Delivery.state == "pending",
                                                      Delivery.lease_owner == "kill-test")).scalar_one()
    restarted = subprocess.run(cmd + ["--once"], check=False, env=env, cwd=ROOT, capture_output=True, timeout=300)
    assert restarted.returncode == 0, restarted.stderr.decode()[-2000:]
    with database.session() as db:
        c = db.get(Campaign, cid)
        states = dict(db.execute(select(Delivery.state, func.count()).where(Delivery.campaign_id == cid)
                                 .group_by(Delivery.state)).all())
    assert states == {"delivered": n + n_off} and (c.state, c.delivered) == ("done", n)  # no gap, one row each
    assert mine() == n + n_off  # every recipient reached …
    repeats = sum(v - 1 for k, v in gateway.received.items() if k.startswith(key + ":"))
    assert repeats <= max(leased, 50)  # … the only repeats are the batch in flight, dropped by its idempotency key
