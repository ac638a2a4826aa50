"""Server-side web sessions: logout, lifetimes, Secure cookies, signing out everywhere, own sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from yingji.app import create_app
from yingji.config import Settings
from yingji.core.audit import AuditRecord
from yingji.core.db import utcnow
from yingji.core.sessions import COOKIE_NAME, UserSession

PASSWORD = "correct-horse-1"


def signed_in(app, user, **client_kwargs) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app, raise_server_exceptions=False, **client_kwargs)
    r = client.post("/api/v1/auth/login", json={"username": user.username, "password": PASSWORD},
                    headers={"User-Agent": "pytest-browser"})
    assert r.status_code == 200, r.text
    client.csrf = r.json()["csrf_token"]  # type: ignore[attr-defined]
    return client


def copy_of(app, client: TestClient) -> TestClient:  # type: ignore[no-untyped-def]
    """Another client holding the same cookie (as if it had been captured)."""
    return TestClient(app, raise_server_exceptions=False,
                      cookies={COOKIE_NAME: client.cookies[COOKIE_NAME]})


def sessions_of(database, user_id: int) -> list[UserSession]:  # type: ignore[no-untyped-def]
    with database.session() as s:
        return list(s.scalars(select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.id)))


def test_a_cookie_captured_before_logout_stops_working(app, make_user):
    user, _ = make_user()
    browser = signed_in(app, user)
    stolen = copy_of(app, browser)
    assert stolen.get("/api/v1/auth/me").status_code == 200
    assert browser.post("/api/v1/auth/logout").status_code == 204
    assert stolen.get("/api/v1/auth/me").status_code == 401
    assert browser.get("/api/v1/auth/me").status_code == 401


def test_the_cookie_is_opaque_httponly_and_lax(app, make_user, database):
    user, _ = make_user()
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"username": user.username, "password": PASSWORD})
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP, secure_cookies off
    value = r.cookies[COOKIE_NAME]
    assert "." not in value and len(value) >= 40  # a random id, not a signed payload
    row = sessions_of(database, user.id)[-1]
    assert row.token_hash != value and len(row.token_hash) == 64  # only its hash is stored
    assert row.user_agent == "testclient" and row.client_address == "testclient"


@pytest.mark.parametrize("how", ["https", "setting"])
def test_cookie_is_secure_over_https_or_when_configured(app, database, make_user, tmp_path, how):
    user, _ = make_user()
    if how == "https":  # what uvicorn reports for a trusted proxy's X-Forwarded-Proto: https
        client = TestClient(app, base_url="https://testserver")
    else:
        client = TestClient(create_app(Settings(data_dir=tmp_path, secure_cookies=True), database=database,
                                       start_background=False))
    with client:
        r = client.post("/api/v1/auth/login", json={"username": user.username, "password": PASSWORD})
    assert r.status_code == 200 and "Secure" in r.headers["set-cookie"]


def test_idle_and_absolute_lifetimes_end_a_session(app, make_user, database):
    user, _ = make_user()
    idle, old = signed_in(app, user), signed_in(app, user)
    first, second = sessions_of(database, user.id)[-2:]
    now = utcnow()
    with database.session() as s:
        s.execute(update(UserSession).where(UserSession.id == first.id)
                  .values(last_seen_at=now - timedelta(hours=2, seconds=1)))  # default idle timeout: 2 h
        s.execute(update(UserSession).where(UserSession.id == second.id)
                  .values(expires_at=now - timedelta(seconds=1)))  # absolute lifetime over
        s.commit()
    assert idle.get("/api/v1/auth/me").status_code == 401
    assert old.get("/api/v1/auth/me").status_code == 401


def test_last_seen_is_written_at_most_every_touch_interval(app, make_user, database):
    user, _ = make_user()
    client = signed_in(app, user)
    row = sessions_of(database, user.id)[-1]
    assert client.get("/api/v1/auth/me").status_code == 200
    assert sessions_of(database, user.id)[-1].last_seen_at == row.last_seen_at  # within 5 min: no write
    earlier = utcnow() - timedelta(minutes=6)
    with database.session() as s:
        s.execute(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=earlier))
        s.commit()
    assert client.get("/api/v1/auth/me").status_code == 200
    assert sessions_of(database, user.id)[-1].last_seen_at > earlier + timedelta(minutes=5)


def test_password_change_ends_every_session_of_the_user(app, make_user, database):
    user, _ = make_user()
    here, elsewhere = signed_in(app, user), signed_in(app, user)
    r = here.post("/api/v1/auth/password", headers={"X-CSRF-Token": here.csrf},
                  json={"old_password": PASSWORD, "new_password": "a-new-secret-42"})
    assert r.status_code == 204
    assert here.get("/api/v1/auth/me").status_code == 401
    assert elsewhere.get("/api/v1/auth/me").status_code == 401
    assert {s.end_reason for s in sessions_of(database, user.id)} == {"password_changed"}


@pytest.mark.parametrize("patch,reason", [({"role": "leader"}, "role_changed"),
                                          ({"scope_code": "350103"}, "role_changed"),
                                          ({"active": False}, "deactivated"),
                                          ({"password": "reset-by-admin-1"}, "password_changed")])
def test_admin_changes_end_the_users_sessions(app, make_user, client_for, database, patch, reason):
    user, _ = make_user("county_officer", "350102")
    browser = signed_in(app, user)
    assert client_for("admin").patch(f"/api/v1/users/{user.id}", json=patch).status_code == 200
    assert browser.get("/api/v1/auth/me").status_code == 401
    assert sessions_of(database, user.id)[-1].end_reason == reason


def test_a_display_name_change_keeps_the_session(app, make_user, client_for):
    user, _ = make_user()
    browser = signed_in(app, user)
    assert client_for("admin").patch(f"/api/v1/users/{user.id}", json={"display_name": "新名字"}).status_code == 200
    assert browser.get("/api/v1/auth/me").status_code == 200


def test_users_list_and_end_their_own_sessions(app, make_user, database):
    user, _ = make_user()
    office, phone = signed_in(app, user), signed_in(app, user)
    listed = office.get("/api/v1/auth/sessions").json()
    assert len(listed) == 2 and [s["current"] for s in listed].count(True) == 1
    other = next(s for s in listed if not s["current"])
    r = office.delete(f"/api/v1/auth/sessions/{other['id']}", headers={"X-CSRF-Token": office.csrf})
    assert r.status_code == 200, r.text
    assert phone.get("/api/v1/auth/me").status_code == 401
    assert office.get("/api/v1/auth/me").status_code == 200
    stranger, _ = make_user()
    mine = office.get("/api/v1/auth/sessions").json()[0]["id"]
    r = signed_in(app, stranger).delete(f"/api/v1/auth/sessions/{mine}")
    assert r.status_code in (403, 404)  # CSRF first; with the token it is 404 (not theirs)
    intruder = signed_in(app, stranger)
    r = intruder.delete(f"/api/v1/auth/sessions/{mine}", headers={"X-CSRF-Token": intruder.csrf})
    assert r.status_code == 404
    assert office.get("/api/v1/auth/me").status_code == 200


def test_logins_and_logouts_are_audited(app, make_user, database):
    user, _ = make_user()
    client = signed_in(app, user)
    client.post("/api/v1/auth/logout")
    with database.session() as s:
        actions = list(s.scalars(select(AuditRecord.action).where(AuditRecord.actor_id == user.id,
                                                                  AuditRecord.action.like("auth.%"))
                                 .order_by(AuditRecord.seq)))
    assert actions == ["auth.login", "auth.logout"]


def test_signing_in_again_replaces_the_previous_session(app, make_user, database):
    user, _ = make_user()
    client = signed_in(app, user)
    before = client.cookies[COOKIE_NAME]
    stale = copy_of(app, client)
    r = client.post("/api/v1/auth/login", json={"username": user.username, "password": PASSWORD})
    assert r.status_code == 200 and client.cookies[COOKIE_NAME] != before
    assert stale.get("/api/v1/auth/me").status_code == 401
    assert [s.end_reason for s in sessions_of(database, user.id)] == ["replaced", None]
