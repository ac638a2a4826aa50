"""Login throttling: per account and per address, in the database, with the same answers for every name."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from tests.integration.conftest import unique
from yingji.app import create_app
from yingji.config import Settings
from yingji.core import throttle
from yingji.core.audit import AuditRecord
from yingji.core.auth import User
from yingji.core.db import atomic, utcnow
from yingji.core.errors import TooManyRequests
from yingji.core.throttle import LoginThrottle, ThrottlePolicy

PASSWORD = "correct-horse-1"
_addresses = itertools.count(1)


def settings(tmp) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(data_dir=tmp, login_max_failures=3, login_max_failures_per_ip=5, login_lockout=60,
                    login_lockout_max=240)


@pytest.fixture(scope="module")
def strict_app(database, tmp_path_factory):  # type: ignore[no-untyped-def]
    return create_app(settings(tmp_path_factory.mktemp("throttle")), database=database, start_background=False)


def from_address(app) -> TestClient:  # type: ignore[no-untyped-def]
    """A client at an address of its own (198.51.100.0/24, TEST-NET-2)."""
    n = next(_addresses)
    return TestClient(app, raise_server_exceptions=False, client=(f"198.51.{100 + n // 250}.{n % 250 + 1}", 40000))


def attempt(client: TestClient, username: str, password: str = "wrong-password"):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_an_account_is_locked_after_repeated_failures_even_for_the_right_password(strict_app, make_user):
    user, _ = make_user()
    client = from_address(strict_app)
    assert [attempt(client, user.username).status_code for _ in range(3)] == [401, 401, 401]
    r = attempt(client, user.username, PASSWORD)
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "login_throttled"
    assert "登录失败次数过多" in r.json()["error"]["message"] and "1 分钟" in r.json()["error"]["message"]
    assert 0 < int(r.headers["retry-after"]) <= 60
    # from another address too: the account is what is locked
    assert attempt(from_address(strict_app), user.username, PASSWORD).status_code == 429


def test_unknown_and_known_names_get_the_same_answers_and_no_user_is_created(strict_app, make_user, database):
    user, _ = make_user()
    ghost = unique("ghost")
    known, unknown = from_address(strict_app), from_address(strict_app)
    answers = [[(r.status_code, r.json()["error"]) for r in (attempt(c, name) for _ in range(4))]
               for c, name in ((known, user.username), (unknown, ghost))]
    assert answers[0] == answers[1]
    assert [status for status, _ in answers[0]] == [401, 401, 401, 429]
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(User).where(User.username == ghost)) == 0
        failed = list(s.scalars(select(AuditRecord).where(AuditRecord.action == "auth.login_failed")
                                .order_by(AuditRecord.seq.desc()).limit(20)))
    ghost_rows = [a for a in failed if a.after["username"] == ghost]
    assert len(ghost_rows) == 3 and ghost_rows[0].actor_id is None and ghost_rows[0].entity_id == "-"
    assert ghost_rows[0].after["reason"] == "unknown_user"
    assert ghost_rows[0].division_code == "350100"  # visible to the city's auditors


def test_an_address_is_locked_after_failures_over_many_accounts(strict_app, make_user):
    user, _ = make_user()
    client = from_address(strict_app)
    for _ in range(5):
        assert attempt(client, unique("spray")).status_code == 401
    assert attempt(client, user.username, PASSWORD).status_code == 429  # the address is locked
    assert attempt(from_address(strict_app), user.username, PASSWORD).status_code == 200


def test_a_successful_login_clears_the_account_count(strict_app, make_user):
    user, _ = make_user()
    client = from_address(strict_app)
    for _ in range(2):
        assert attempt(client, user.username).status_code == 401
    assert attempt(client, user.username, PASSWORD).status_code == 200
    other = from_address(strict_app)
    assert [attempt(other, user.username).status_code for _ in range(2)] == [401, 401]
    assert attempt(other, user.username, PASSWORD).status_code == 200


def test_the_lock_is_shared_by_every_worker_process(strict_app, database, make_user, tmp_path):
    """Two application instances (as two uvicorn workers) on one database see the same lock."""
    other_worker = create_app(settings(tmp_path), database=database, start_background=False)
    user, _ = make_user()
    client = from_address(strict_app)
    for _ in range(3):
        attempt(client, user.username)
    assert attempt(from_address(other_worker), user.username, PASSWORD).status_code == 429


def test_the_lock_expires_and_failures_are_audited(strict_app, make_user, database):
    user, _ = make_user()
    client = from_address(strict_app)
    for _ in range(3):
        attempt(client, user.username)
    with database.session() as s:
        locked = s.scalars(select(AuditRecord).where(AuditRecord.action == "auth.locked")
                           .order_by(AuditRecord.seq.desc())).first()
        assert locked is not None and locked.after["key"] == user.username and locked.after["kind"] == "account"
        s.execute(update(LoginThrottle).where(LoginThrottle.key == user.username)
                  .values(locked_until=utcnow() - timedelta(seconds=1)))
        s.commit()
    assert attempt(client, user.username, PASSWORD).status_code == 200


def test_repeated_lockouts_back_off_up_to_the_maximum(database):
    policy = ThrottlePolicy(max_failures=2, max_failures_per_address=100, window=timedelta(minutes=15),
                            lockout=timedelta(minutes=1), lockout_max=timedelta(minutes=3))
    name, address, t = unique("backoff"), "192.0.2.77", utcnow()
    durations = []
    with database.session() as s:
        for _ in range(4):
            with atomic(s):
                throttle.record_failure(s, name, address, policy, now=t)
                locks = throttle.record_failure(s, name, address, policy, now=t)
            assert [lock.kind for lock in locks] == ["account"]
            durations.append(locks[0].until - t)
            with pytest.raises(TooManyRequests):
                throttle.check(s, name, "192.0.2.78", now=t + durations[-1] - timedelta(seconds=1))
            throttle.check(s, name, "192.0.2.78", now=t + durations[-1])  # lock over: no error
            t = t + durations[-1]
    assert durations == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=3), timedelta(minutes=3)]
