"""Concurrent writes (issue 6 item 10) against a real uvicorn with the relay thread, SQLite and PostgreSQL.

Many parallel writers from two users must queue, not stall or fail: no 5xx, every 201 is a row,
every row answered once, and a write that committed never answers an error.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from tests.conftest import make_database
from tests.integration.samples_hazards import make_unit
from yingji.app import create_app
from yingji.config import Settings
from yingji.core import audit, events
from yingji.core.auth import system_principal
from yingji.core.db import Database, atomic
from yingji.core.events import InMemoryBus, OutboxEvent, OutboxRelay
from yingji.core.migrate import upgrade
from yingji.hazards.models import Hazard

PARALLEL = 100
BOUND_S = 60.0  # generous: the old design stalled ~30 s per pool timeout and answered 500


def test_a_committed_write_answers_success_even_if_publishing_fails(client_for, database, monkeypatch):
    """Nothing after the commit may turn the answer into an error (here: the outbox flush breaks)."""
    county = client_for("county_officer", "350102")
    unit = make_unit(database)
    h = county.post("/api/v1/hazards", json={"unit_id": unit, "title": "提交后发布失败", "tier": "general"}).json()

    def broken_flush() -> int:
        raise RuntimeError("broker and database connection lost after commit")

    relay = OutboxRelay(database, InMemoryBus())  # no relay thread: atomic() flushes inline
    monkeypatch.setattr(relay, "flush", broken_flush)
    monkeypatch.setattr(database, "relay", relay)
    r = county.post(f"/api/v1/hazards/{h['id']}/transitions", json={"action": "confirm"})
    assert r.status_code == 200 and r.json()["state"] == "confirmed"
    with database.session() as s:
        assert s.get(Hazard, h["id"]).state == "confirmed"


@pytest.fixture(scope="module")
def server(database, tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The platform as `yingji serve` runs it: uvicorn, lifespan on, relay thread running."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("conc"), secret_key="test-secret-key")
    previous = database.relay
    app = create_app(settings, database=database, start_background=True)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", backlog=1024))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    ready = threading.Event()
    for _ in range(1000):  # bounded wait for start-up
        if server.started:
            break
        ready.wait(0.01)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=15)
    database.relay = previous


def _run_parallel(jobs: list, workers: int = PARALLEL) -> tuple[list[httpx.Response], float]:
    barrier = threading.Barrier(min(workers, len(jobs)))

    def run(job):  # type: ignore[no-untyped-def]
        method, url, headers, body = job
        with httpx.Client(timeout=120) as http:
            barrier.wait(timeout=60)
            return http.request(method, url, headers=headers, json=body)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        responses = list(pool.map(run, jobs))
    return responses, time.perf_counter() - start


def test_parallel_hazard_reports_from_two_users_all_succeed_once(server, make_user, database):
    unit = make_unit(database)
    users = [make_user("city_duty", "350100")[1], make_user("county_officer", "350102")[1]]
    tag = f"并发上报{time.monotonic_ns()}"
    jobs = [("POST", f"{server}/api/v1/hazards", {"Authorization": f"Bearer {users[i % 2]}"},
             {"unit_id": unit, "title": f"{tag}-{i}", "tier": "general"}) for i in range(PARALLEL)]
    responses, elapsed = _run_parallel(jobs)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: PARALLEL}, (statuses, [r.text for r in responses if r.status_code != 201][:3])
    assert elapsed < BOUND_S
    answered = [r.json()["title"] for r in responses]
    assert len(set(answered)) == PARALLEL
    with database.session() as s:
        stored = Counter(s.scalars(select(Hazard.title).where(Hazard.title.startswith(tag))))
        ids = {r.json()["id"] for r in responses}
        assert s.scalar(select(func.count()).select_from(Hazard).where(Hazard.id.in_(ids))) == PARALLEL
    assert stored == Counter(answered)  # every 201 is a row, every row was answered, none twice
    assert database.relay.wait_idle(timeout=60)
    with database.session() as s:  # the relay thread published every event of these writes
        assert s.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.type == "hazard.reported", OutboxEvent.payload["hazard_id"].as_integer().in_(ids),
            OutboxEvent.published_at.is_not(None))) == PARALLEL


def test_parallel_transitions_answer_what_was_committed(server, make_user, database, client_for):
    unit = make_unit(database)
    county = client_for("county_officer", "350102")
    hazard_ids = []
    for i in range(PARALLEL // 2):
        r = county.post("/api/v1/hazards", json={"unit_id": unit, "title": f"待确认{i}", "tier": "general"})
        assert r.status_code == 201
        hazard_ids.append(r.json()["id"])
    tokens = [make_user("city_duty", "350100")[1], make_user("county_officer", "350102")[1]]
    # every hazard confirmed twice at once: exactly one wins (200), the other is refused (409)
    jobs = [("POST", f"{server}/api/v1/hazards/{hid}/transitions", {"Authorization": f"Bearer {tokens[k]}"},
             {"action": "confirm"}) for hid in hazard_ids for k in (0, 1)]
    responses, elapsed = _run_parallel(jobs)
    assert all(r.status_code in (200, 409) for r in responses), Counter(r.status_code for r in responses)
    assert elapsed < BOUND_S
    ok = [r.json() for r in responses if r.status_code == 200]
    assert sorted(h["id"] for h in ok) == sorted(hazard_ids) and all(h["state"] == "confirmed" for h in ok)
    with database.session() as s:
        states = {i: st for i, st in s.execute(select(Hazard.id, Hazard.state).where(Hazard.id.in_(hazard_ids)))}
    assert set(states.values()) == {"confirmed"}


# --- several processes on one SQLite file -------------------------------------------------------

WRITER = """
import sys
from yingji.core import audit
from yingji.core.auth import system_principal
from yingji.core.db import Database, atomic
db = Database(sys.argv[1])
for i in range(int(sys.argv[3])):
    with db.session() as s, atomic(s):
        audit.record(s, system_principal(), "proc.write", "thing", f"{sys.argv[2]}-{i}", division_code="350102")
print("ok")
"""


@pytest.fixture
def sqlite_file(tmp_path) -> Iterator[Database]:
    gen = make_database("sqlite", tmp_path)
    test_db = next(gen)
    upgrade(test_db.url)
    db = Database(test_db.url)
    yield db
    db.dispose()


def test_processes_writing_one_sqlite_file_queue_instead_of_failing(sqlite_file):
    """Web workers and CLI jobs: BEGIN IMMEDIATE + busy_timeout make them wait their turn."""
    n = 40
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, sqlite_file.url, f"p{k}", str(n)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k in range(3)]
    for i in range(n):  # and this process at the same time
        with sqlite_file.session() as s, atomic(s):
            audit.record(s, system_principal(), "proc.write", "thing", f"main-{i}", division_code="350102")
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and out.strip() == "ok", err[-2000:]
    with sqlite_file.session() as s:
        result = audit.verify_chain(s)
    assert result.ok and result.checked == 4 * n  # one unbroken chain: no write lost or forked


def test_a_writer_reads_inside_its_write_transaction_on_sqlite(sqlite_file):
    """What an action reads cannot change under it before it writes (another process's commit)."""
    import sqlite3

    with sqlite_file.session() as s, atomic(s):
        audit.record(s, system_principal(), "first", "thing", "1", division_code="350102")
    other = sqlite3.connect(sqlite_file.url.removeprefix("sqlite:///"), timeout=0.05, isolation_level=None)
    try:
        with sqlite_file.session() as s, atomic(s):
            seq = s.scalar(select(audit.AuditHead.last_seq))
            with pytest.raises(sqlite3.OperationalError, match="locked"):  # another process must wait for us
                other.execute("BEGIN IMMEDIATE")
            assert s.scalar(select(audit.AuditHead.last_seq)) == seq
    finally:
        other.close()


# --- the relay thread ----------------------------------------------------------------------------

def test_relay_thread_publishes_after_commit_without_the_writer_flushing(sqlite_file):
    bus = InMemoryBus()
    seen: list[str] = []
    bus.subscribe(lambda m: seen.append(m["type"]))
    relay = OutboxRelay(sqlite_file, bus)
    sqlite_file.relay = relay
    flushed_by: list[str] = []
    original = relay.flush

    def flush() -> int:
        flushed_by.append(threading.current_thread().name)
        return original()

    relay.flush = flush  # type: ignore[method-assign]
    relay.start(interval=3600)  # only woken by commits (and wait_idle)
    try:
        with sqlite_file.session() as s, atomic(s):
            events.emit(s, "thing.done", division_code="350102", summary="完成", payload={"unit_id": 7})
        assert relay.wait_idle(timeout=30)
        assert seen == ["thing.done"]
        assert set(flushed_by) == {"outbox-relay"}  # never the writer's thread
    finally:
        relay.stop()
    with sqlite_file.session() as s:
        ev = s.scalars(select(OutboxEvent)).one()
    assert ev.published_at is not None and ev.unit_id == 7


# --- admission: requests beyond the threads queue without holding a connection -------------------

def test_many_readers_queue_for_threads_without_exhausting_the_pool(database, make_user, tmp_path):
    """4 threads, 5 connections, 60 officers at once: all answered, none waits on the pool."""
    settings = Settings(data_dir=tmp_path, secret_key="test-secret-key", threads=4, cache_ttl=0)
    own = Database(database.url, pool_size=5, max_overflow=0, pool_timeout=3)
    app = create_app(settings, database=own, start_background=False)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    ready = threading.Event()
    for _ in range(1000):
        if server.started:
            break
        ready.wait(0.01)
    try:
        _, token = make_user("county_officer", "350102")
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        jobs = [("GET", f"{url}/api/v1/hazards?page={1 + i % 3}", {"Authorization": f"Bearer {token}"}, None)
                for i in range(60)]
        responses, elapsed = _run_parallel(jobs, workers=60)
        assert Counter(r.status_code for r in responses) == {200: 60}
        assert elapsed < BOUND_S
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        own.dispose()


def test_admission_queue_bounds_requests_in_progress_and_answers_503_when_full():
    import asyncio

    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from yingji.core.admission import AdmissionLimit

    async def scenario() -> tuple[int, list[int], int]:
        gate = asyncio.Event()
        inside = peak = 0

        async def slow(request):  # type: ignore[no-untyped-def]
            nonlocal inside, peak
            inside += 1
            peak = max(peak, inside)
            await gate.wait()
            inside -= 1
            return PlainTextResponse("ok")

        app = AdmissionLimit(Starlette(routes=[Route("/x", slow)]), limit=2, timeout=30)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            tasks = [asyncio.create_task(client.get("/x")) for _ in range(6)]
            while inside < 2:  # the first two are in; the other four wait in the queue
                await asyncio.sleep(0)
            gate.set()
            statuses = [r.status_code for r in await asyncio.gather(*tasks)]
            gate.clear()
            short = AdmissionLimit(Starlette(routes=[Route("/x", slow)]), limit=1, timeout=0.05)
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=short), base_url="http://t") as c2:
                first = asyncio.create_task(c2.get("/x"))
                while inside < 1:
                    await asyncio.sleep(0)
                refused = await c2.get("/x")  # waits 0.05 s for the only slot, then 503
                gate.set()
                await first
        assert refused.json()["error"]["message"] == "系统繁忙，请稍后重试"
        return peak, statuses, refused.status_code

    out: list[tuple[int, list[int], int]] = []  # own thread: the browser tests leave a loop running here
    runner = threading.Thread(target=lambda: out.append(asyncio.run(scenario())))
    runner.start()
    runner.join(timeout=60)
    peak, statuses, refused = out[0]
    assert peak == 2 and statuses == [200] * 6 and refused == 503
