"""Audit hash chain (tamper detection) and the transactional outbox / event stream."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tests.conftest import migrated_database
from yingji.core import audit, events
from yingji.core.auth import system_principal
from yingji.core.db import Database, atomic, utcnow
from yingji.core.events import InMemoryBus, OutboxEvent, OutboxRelay


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh(request, tmp_path):  # type: ignore[no-untyped-def]
    """A brand-new migrated database (tests here tamper with it)."""
    with migrated_database(request.param, tmp_path) as db:
        yield db


def _write_some(db: Database, n: int = 5) -> None:
    actor = system_principal()
    for i in range(n):
        with db.session() as s, atomic(s):
            audit.record(s, actor, "thing.changed", "thing", i, division_code="350102",
                         before={"v": i}, after={"v": i + 1, "名称": "测试"})


def _disable_guards(db: Database) -> None:
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))


def test_intact_chain_verifies(fresh):
    _write_some(fresh)
    with fresh.session() as s:
        result = audit.verify_chain(s)
    assert result.ok and result.checked == 5


def test_database_refuses_update_and_delete_of_audit_records(fresh):
    _write_some(fresh, 1)
    for stmt in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), fresh.engine.begin() as conn:
            conn.execute(text(stmt))


def test_edited_record_is_named(fresh):
    _write_some(fresh)
    _disable_guards(fresh)
    with fresh.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"))
    with fresh.session() as s:
        result = audit.verify_chain(s)
    assert not result.ok
    assert [p.seq for p in result.problems] == [3]
    assert "篡改" in result.problems[0].message


def test_edited_json_payload_is_detected(fresh):
    _write_some(fresh)
    _disable_guards(fresh)
    new = json.dumps({"v": 999})
    with fresh.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET after = :a WHERE seq = 2"), {"a": new})
    with fresh.session() as s:
        assert [p.seq for p in audit.verify_chain(s).problems] == [2]


def test_deleted_record_is_named(fresh):
    _write_some(fresh)
    _disable_guards(fresh)
    with fresh.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    with fresh.session() as s:
        result = audit.verify_chain(s)
    assert not result.ok and result.problems[0].seq == 2 and "删除" in result.problems[0].message


def test_deleted_tail_is_detected(fresh):
    _write_some(fresh)
    _disable_guards(fresh)
    with fresh.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq >= 4"))
    with fresh.session() as s:
        result = audit.verify_chain(s)
    assert not result.ok and result.problems[0].seq == 4


def test_cli_audit_verify_exit_codes(fresh, monkeypatch):
    from yingji.cli import app
    from yingji.config import get_settings

    _write_some(fresh)
    monkeypatch.setenv("YINGJI_DATABASE_URL", fresh.url)
    get_settings.cache_clear()
    try:
        ok = CliRunner().invoke(app, ["audit", "verify"])
        assert ok.exit_code == 0 and "审计链完整" in ok.output
        _disable_guards(fresh)
        with fresh.engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET entity_id = '42' WHERE seq = 4"))
        bad = CliRunner().invoke(app, ["audit", "verify"])
        assert bad.exit_code == 1 and "第 4 条" in bad.output
    finally:
        get_settings.cache_clear()


def test_concurrent_writers_keep_one_chain(fresh):
    def worker(k: int) -> None:
        for i in range(10):
            with fresh.session() as s, atomic(s):
                audit.record(s, system_principal(), "w", "thing", f"{k}-{i}", division_code="350102")

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with fresh.session() as s:
        result = audit.verify_chain(s)
    assert result.ok and result.checked == 40


# --- events -----------------------------------------------------------------------------------

def test_events_are_published_only_after_commit(fresh):
    bus = InMemoryBus()
    fresh.relay = OutboxRelay(fresh, bus)
    seen: list[dict] = []
    bus.subscribe(seen.append)
    with fresh.session() as s:
        with pytest.raises(RuntimeError), atomic(s):
            events.emit(s, "thing.failed", division_code="350102", summary="不应发布")
            raise RuntimeError("boom")
        with atomic(s):
            events.emit(s, "thing.done", division_code="350102", summary="已完成", payload={"n": 1})
            assert seen == []  # not before commit
    assert [m["type"] for m in seen] == ["thing.done"]
    with fresh.session() as s:
        rows = s.query(OutboxEvent).all()
    assert [r.type for r in rows] == ["thing.done"] and rows[0].published_at is not None


def test_relay_retries_when_the_bus_fails(fresh):
    class FlakyBus(InMemoryBus):
        fail = True

        def publish(self, message):  # type: ignore[no-untyped-def]
            if self.fail:
                raise ConnectionError("broker down")
            super().publish(message)

    bus = FlakyBus()
    fresh.relay = OutboxRelay(fresh, bus)
    seen: list[dict] = []
    bus.subscribe(seen.append)
    with fresh.session() as s, atomic(s):
        events.emit(s, "a", division_code=None, summary="a")
    assert seen == [] and fresh.relay.pending() == 1
    bus.fail = False
    assert fresh.relay.flush() == 1
    assert [m["type"] for m in seen] == ["a"] and fresh.relay.pending() == 0


def test_events_claimed_by_a_dead_relay_are_delivered_after_the_lease(fresh):
    from datetime import timedelta

    bus = InMemoryBus()
    seen: list[str] = []
    bus.subscribe(lambda m: seen.append(m["type"]))
    fresh.relay = None
    with fresh.session() as s, atomic(s):
        events.emit(s, "lost.in.crash", division_code=None, summary="崩溃前已认领")
    dead = OutboxRelay(fresh, bus, lease=timedelta(seconds=60))
    assert len(dead._claim()) == 1  # the process dies here, before delivering
    live = OutboxRelay(fresh, bus, lease=timedelta(seconds=60))
    assert live.flush() == 0 and seen == []  # still leased to the dead relay
    with fresh.engine.begin() as conn:  # a minute passes
        conn.execute(text("UPDATE outbox SET claimed_at = :t"),
                      {"t": (utcnow() - timedelta(minutes=2)).replace(tzinfo=None) if fresh.is_sqlite
                       else utcnow() - timedelta(minutes=2)})
    assert live.flush() == 1 and seen == ["lost.in.crash"]
    assert live.pending() == 0


def test_subscriber_may_run_its_own_action(fresh):
    bus = InMemoryBus()
    fresh.relay = OutboxRelay(fresh, bus)
    seen: list[str] = []

    def handler(message):  # type: ignore[no-untyped-def]
        seen.append(message["type"])
        if message["type"] == "alarm.raised":
            with fresh.session() as s, atomic(s):
                events.emit(s, "incident.opened", division_code="350102", summary="由告警生成事件")

    bus.subscribe(handler)
    with fresh.session() as s, atomic(s):
        events.emit(s, "alarm.raised", division_code="350102", summary="告警")
    assert seen == ["alarm.raised", "incident.opened"]


def test_redis_bus_delivers_across_instances():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
    except redis.ConnectionError:
        if os.environ.get("CI") or os.environ.get("YINGJI_REQUIRE_SERVICES"):
            pytest.fail("Redis is not reachable on 127.0.0.1:6379 but the suite requires it")
        pytest.skip("Redis not running")
    from yingji.core.events import RedisBus

    a, b = RedisBus("redis://127.0.0.1:6379/0", channel="yingji.test"), RedisBus(
        "redis://127.0.0.1:6379/0", channel="yingji.test")
    got = threading.Event()
    received: list[dict] = []

    def on(m):  # type: ignore[no-untyped-def]
        received.append(m)
        got.set()

    b.subscribe(on)
    try:
        # the subscription is asynchronous: publish until it is established (bounded)
        for _ in range(50):
            a.publish({"id": 1, "type": "x", "division_code": None, "summary": "跨进程"})
            if got.wait(0.2):
                break
        assert received and received[0]["summary"] == "跨进程"
        assert a.ping()
    finally:
        a.close()
        b.close()


def test_event_stream_delivers_in_scope_events_only(live_url, client_for):
    import httpx

    officer = client_for("county_officer", "350102")
    admin = client_for("admin")
    results: list[str] = []
    with httpx.Client(base_url=live_url, timeout=30) as http:
        with http.stream("GET", "/api/v1/events/stream", params={"max_events": 1, "heartbeat": 1},
                         headers={"Authorization": officer.headers["Authorization"]}) as resp:
            assert resp.status_code == 200
            assert resp.headers["content-type"].startswith("text/event-stream")
            deadline = time.monotonic() + 60  # heartbeats keep the stream alive: bound the wait ourselves
            for line in resp.iter_lines():
                if line.startswith(": connected"):
                    _make_users(admin)  # one event outside the county, then one inside
                if line.startswith("data: "):
                    results.append(json.loads(line[6:])["division_code"])
                assert time.monotonic() < deadline, "no in-scope event reached the stream within 60 s"
    assert results == ["350102"]


def _make_users(admin) -> None:  # type: ignore[no-untyped-def]
    for code, name in (("350103", "outside_evt"), ("350102", "inside_evt")):
        r = admin.post("/api/v1/users", json={"username": name + code + str(id(admin) % 997), "display_name": "x",
                                              "role": "leader", "scope_code": code, "password": "0123456789ab"})
        assert r.status_code == 201, r.text
