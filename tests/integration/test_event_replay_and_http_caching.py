"""Live-stream replay (Last-Event-ID), the event list for enterprise users, ETag/304, gzip, `serve`."""

from __future__ import annotations

import gzip
import json
import threading
import time

import httpx
import pytest
from typer.testing import CliRunner

from tests.integration.samples_hazards import make_unit
from yingji.core import service
from yingji.core.auth import system_principal


def _report(client, unit_id: int, title: str) -> dict:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/hazards", json={"unit_id": unit_id, "title": title, "tier": "general"})
    assert r.status_code == 201, r.text
    return r.json()


def _last_id(database) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from yingji.core.events import OutboxEvent

    with database.session() as s:
        return s.scalar(select(func.max(OutboxEvent.id))) or 0


def _read_stream(live_url: str, token: str, n: int, *, params: dict | None = None,
                 headers: dict | None = None, on_connected=None) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(event type, data) of the first ``n`` events of a stream (bounded by max_events)."""
    got: list[tuple[str, str]] = []
    with httpx.Client(base_url=live_url, timeout=30) as http, http.stream("GET", "/api/v1/events/stream",
                     params={"max_events": n, "heartbeat": 1, **(params or {})},
                     headers={"Authorization": f"Bearer {token}", **(headers or {})}) as resp:
        assert resp.status_code == 200
        kind = ""
        deadline = time.monotonic() + 30  # fail, don't hang, when events are missing (pings every 1 s)
        for line in resp.iter_lines():
            assert time.monotonic() < deadline, f"only {len(got)} of {n} events arrived"
            if line.startswith(": connected") and on_connected:
                on_connected()
            elif line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                got.append((kind, line[6:]))
    return got


# --- item 9: the event list for enterprise users ----------------------------------------------------

def test_enterprise_user_sees_own_unit_events_in_the_list(database, client_for, make_user, app):
    from fastapi.testclient import TestClient

    mine, other = make_unit(database), make_unit(database)
    county = client_for("county_officer", "350102")
    _report(county, mine, "本单位隐患")
    _report(county, other, "别家隐患")
    _, token = make_user("enterprise_manager", "350102", unit_id=mine)
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as manager:
        items = manager.get("/api/v1/events", params={"page_size": 200}).json()["items"]
    assert items and {e["unit_id"] for e in items} == {mine}
    assert "本单位隐患" in " ".join(e["summary"] for e in items)


# --- Last-Event-ID replay ---------------------------------------------------------------------------

def test_stream_replays_missed_events_then_goes_on_live_without_duplicates(live_url, database, client_for,
                                                                           make_user):
    unit = make_unit(database)
    county = client_for("county_officer", "350102")
    _, token = make_user("enterprise_manager", "350102", unit_id=unit)  # only this unit's events reach it
    before = _last_id(database)
    missed = [_report(county, unit, f"断线期间{i}")["id"] for i in range(3)]
    outside = client_for("county_officer", "350103")  # another county's event: never replayed to us
    _report(outside, make_unit(database, division_code="350103001"), "别的区县")
    got = _read_stream(live_url, token, 4, headers={"Last-Event-ID": str(before)},
                       on_connected=lambda: _report(county, unit, "重连之后"))
    messages = [json.loads(d) for _, d in got]
    assert [m["payload"]["hazard_id"] for m in messages[:3]] == missed
    assert messages[3]["summary"].endswith("上报一般事故隐患：重连之后")  # the tier by its name
    assert len({m["id"] for m in messages}) == 4 and all(m["division_code"].startswith("350102") for m in messages)


def test_stream_replay_by_query_parameter_for_a_new_page(live_url, database, client_for, make_user):
    unit = make_unit(database, division_code="350102001")
    county = client_for("county_officer", "350102")
    before = _last_id(database)
    first = _report(county, unit, "跳转前")
    _, token = make_user("enterprise_manager", "350102", unit_id=unit)
    got = _read_stream(live_url, token, 1, params={"last_event_id": before})
    assert json.loads(got[0][1])["payload"]["hazard_id"] == first["id"]


def test_replay_is_bounded_and_says_so(live_url, database, client_for, make_user, app, monkeypatch):
    unit = make_unit(database)
    county = client_for("county_officer", "350102")
    _, token = make_user("enterprise_manager", "350102", unit_id=unit)
    before = _last_id(database)
    ids = [_report(county, unit, f"大量{i}")["id"] for i in range(4)]
    monkeypatch.setattr(app.state.settings, "sse_replay_limit", 2)
    got = _read_stream(live_url, token, 2, headers={"Last-Event-ID": str(before)})
    assert got[0][0] == "gap"
    assert [json.loads(d)["payload"]["hazard_id"] for _, d in got[1:]] == ids[-2:]  # the most recent


def test_events_after_filters_scope_and_unit_in_sql(database, client_for):
    unit, other = make_unit(database), make_unit(database)
    county = client_for("county_officer", "350102")
    before = _last_id(database)
    a = _report(county, unit, "甲")["id"]
    _report(county, other, "乙")
    principal = system_principal("350102")
    principal.unit_id = unit
    with database.session() as s:
        rows, truncated = service.events_after(s, principal=principal, after=before)
    assert [r["payload"]["hazard_id"] for r in rows] == [a] and not truncated


# --- conditional GET, server-side cache, gzip -------------------------------------------------------

def test_risk_map_answers_304_until_the_data_changes(client_for, database):
    city = client_for("city_duty", "350100")
    first = city.get("/api/v1/risk/map", params={"level": "major"})
    assert first.status_code == 200 and first.headers["etag"].startswith('W/"')
    assert "no-cache" in first.headers["cache-control"]
    again = city.get("/api/v1/risk/map", params={"level": "major"},
                     headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    other_filter = city.get("/api/v1/risk/map", params={"level": "low"},
                            headers={"If-None-Match": first.headers["etag"]})
    assert other_filter.status_code == 200 and other_filter.headers["etag"] != first.headers["etag"]
    make_unit_via_api = city.post("/api/v1/units", json={
        "name": "缓存测试单位", "credit_code": "91350102MA2CACHE01", "industry": "hazchem",
        "division_code": "350102001", "address": "鼓楼区", "lon": 119.3, "lat": 26.08})
    assert make_unit_via_api.status_code == 201, make_unit_via_api.text
    changed = city.get("/api/v1/risk/map", params={"level": "major"},
                       headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]


def test_etag_and_cached_answer_are_per_scope(client_for, database):
    city = client_for("city_duty", "350100")
    county = client_for("county_officer", "350103")
    unit = make_unit(database, division_code="350102001")
    _report(city, unit, "仅鼓楼区可见")
    a = city.get("/api/v1/hazards", params={"q": "仅鼓楼区可见"})
    b = county.get("/api/v1/hazards", params={"q": "仅鼓楼区可见"},
                   headers={"If-None-Match": a.headers["etag"]})
    assert a.json()["total"] == 1
    assert b.status_code == 200 and b.json()["total"] == 0 and b.headers["etag"] != a.headers["etag"]
    again = city.get("/api/v1/hazards", params={"q": "仅鼓楼区可见"})  # from the server-side cache
    assert again.json() == a.json() and again.headers["etag"] == a.headers["etag"]


def test_hazard_list_from_cache_shows_a_new_report_at_once(client_for, database):
    county = client_for("county_officer", "350102")
    unit = make_unit(database)
    params = {"unit_id": unit}
    assert county.get("/api/v1/hazards", params=params).json()["total"] == 0
    _report(county, unit, "新上报")
    assert county.get("/api/v1/hazards", params=params).json()["total"] == 1


def test_large_json_is_gzipped_and_the_stream_is_not(client_for, live_url, make_user):
    city = client_for("city_duty", "350100")
    r = city.get("/api/v1/divisions/geojson", params={"level": "county"}, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    assert r.json()["type"] == "FeatureCollection"  # httpx decoded it
    js = city.get("/static/js/yingji.js", headers={"Accept-Encoding": "gzip"})
    assert js.headers.get("content-encoding") == "gzip"
    _, token = make_user("city_duty", "350100")
    with httpx.Client(base_url=live_url, timeout=30) as http:
        with http.stream("GET", "/api/v1/events/stream", params={"max_events": 1, "heartbeat": 0.05},
                         headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}) as resp:
            assert "content-encoding" not in resp.headers


def test_cache_entry_for_gzip_is_the_same_body():
    from yingji.core.caching import ResponseCache

    cache = ResponseCache(ttl=10, max_bytes=10_000, clock=lambda: 0.0)
    entry = cache.put("k", b"x" * 3000)
    assert gzip.decompress(cache.add_gzip("k", entry)) == b"x" * 3000
    cache.put("big", b"y" * 3000)
    cache.put("bigger", b"z" * 2400)
    assert cache.get("k") is None and cache.get("bigger") is not None  # least recently used went first


def test_cache_entries_expire():
    from yingji.core.caching import ResponseCache

    now = [0.0]
    cache = ResponseCache(ttl=30, clock=lambda: now[0])
    cache.put("k", b"{}")
    now[0] = 29.9
    assert cache.get("k") is not None
    now[0] = 30.0
    assert cache.get("k") is None


# --- `yingji serve` -----------------------------------------------------------------------------------

def test_serve_refuses_several_workers_with_the_in_process_bus(monkeypatch, tmp_path):
    from yingji.cli import app
    from yingji.config import get_settings

    monkeypatch.setenv("YINGJI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("YINGJI_BUS_URL", "memory://")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--workers", "2"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2 and "YINGJI_BUS_URL=redis://" in result.output


def test_a_browser_on_one_worker_gets_events_written_through_another(database, make_user, tmp_path):
    """Two workers (own Database, relay thread, Redis bus): the stream of B shows A's writes."""
    import secrets
    import socket

    import uvicorn
    from fastapi.testclient import TestClient

    from yingji.app import create_app
    from yingji.config import Settings
    from yingji.core.db import Database

    url = _redis_url()
    channel = f"yingji.test.{secrets.token_hex(4)}"
    workers = []
    for name in ("a", "b"):
        settings = Settings(data_dir=tmp_path / name, secret_key="test-secret-key", bus_url=url, bus_channel=channel,
                            workers=2)
        own = Database(database.url)
        workers.append((own, create_app(settings, database=own, start_background=True)))
    (db_a, app_a), (db_b, app_b) = workers
    unit = make_unit(database)
    _, writer = make_user("county_officer", "350102")
    _, token = make_user("enterprise_manager", "350102", unit_id=unit)  # sees only this unit's events
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app_b, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    ready = threading.Event()
    for _ in range(1000):
        if server.started:
            break
        ready.wait(0.01)
    try:
        with TestClient(app_a, headers={"Authorization": f"Bearer {writer}"}) as worker_a:
            got = _read_stream(f"http://127.0.0.1:{sock.getsockname()[1]}", token, 1,
                               on_connected=lambda: _report(worker_a, unit, "经由另一进程"))
        assert json.loads(got[0][1])["summary"].endswith("上报一般事故隐患：经由另一进程")
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        db_a.dispose()
        db_b.dispose()


def _redis_url() -> str:
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        import os

        if os.environ.get("CI") or os.environ.get("YINGJI_REQUIRE_SERVICES"):
            pytest.fail("Redis is not reachable on 127.0.0.1:6379 but the suite requires it")
        pytest.skip("Redis not running")
    return url


def test_redis_cache_is_shared_between_workers_and_expires():
    import secrets

    from yingji.core.caching import RedisResponseCache

    url = _redis_url()
    prefix = f"yingji:test:{secrets.token_hex(4)}:"
    one, two = RedisResponseCache(url, ttl=30, prefix=prefix), RedisResponseCache(url, ttl=30, prefix=prefix)
    try:
        entry = one.put("k", b"a" * 2000)
        one.add_gzip("k", entry)
        seen = two.get("k")  # another worker
        assert seen is not None and seen.body == b"a" * 2000 and gzip.decompress(seen.gz) == seen.body
        assert 0 < one._redis.pttl(prefix + "k") <= 30_000  # expires with the TTL
    finally:
        one.clear()
        one.close()
        two.close()


def test_unreachable_redis_cache_is_a_miss_not_an_error():
    from yingji.core.caching import RedisResponseCache

    with socket_port() as port:
        cache = RedisResponseCache(f"redis://127.0.0.1:{port}/0", ttl=30)
        assert cache.get("k") is None
        assert cache.put("k", b"{}").body == b"{}"


class socket_port:
    def __enter__(self) -> int:
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        return self.port

    def __exit__(self, *exc: object) -> None:
        return None


def test_load_benchmark_scenario_runs_against_the_server(live_url, make_user, tmp_path):
    """Smoke test of bench/locustfile.py (the benchmark itself stays out of the suite)."""
    import csv
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    locust = Path(sys.executable).parent / "locust"
    tokens = [make_user("city_duty", "350100")[1], make_user("county_officer", "350102")[1]]
    env = os.environ | {"YINGJI_LOAD_TOKENS": ",".join(tokens), "YINGJI_LOAD_THINK": "0.05,0.1"}
    out = subprocess.run([str(locust), "-f", str(root / "bench" / "locustfile.py"), "--headless", "-u", "2", "-r", "2",
                          "-t", "3s", "--host", live_url, "--csv", str(tmp_path / "smoke"), "--only-summary",
                          "--loglevel", "ERROR"], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    with open(tmp_path / "smoke_stats.csv", newline="") as fh:
        total = next(r for r in csv.DictReader(fh) if r["Name"] == "Aggregated")
    assert int(total["Request Count"]) > 0 and int(total["Failure Count"]) == 0
