"""API tokens: read/write scope within the owner's role, expiry, revocation with the password."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from yingji.core.auth import ApiToken
from yingji.core.db import bookkeeping, utcnow


def issue(owner: TestClient, body: dict) -> tuple[dict, TestClient]:  # type: ignore[type-arg]
    r = owner.post(f"/api/v1/users/{owner.user.id}/tokens", json=body)  # type: ignore[attr-defined]
    assert r.status_code == 201, r.text
    token = r.json()
    return token, TestClient(owner.app, raise_server_exceptions=False,
                             headers={"Authorization": f"Bearer {token['token']}"})


def a_write(client: TestClient):  # type: ignore[no-untyped-def]
    """A harmless write every role with users:manage or own-token rights may attempt."""
    return client.post(f"/api/v1/users/{client_user(client)}/tokens", json={"name": "child"})


def client_user(client: TestClient) -> int:
    return int(client.get("/api/v1/auth/me").json()["id"])


def test_a_token_is_read_only_unless_asked_otherwise(client_for):
    admin = client_for("admin")
    token, machine = issue(admin, {"name": "报表抓取"})
    assert token["scope"] == "read"
    assert machine.get("/api/v1/risk/map").status_code == 200
    r = a_write(machine)
    assert r.status_code == 403 and r.json()["error"]["code"] == "token_read_only"
    assert "只读" in r.json()["error"]["message"]


def test_a_write_token_writes_within_the_owners_role(client_for):
    admin = client_for("admin")
    _, machine = issue(admin, {"name": "同步", "scope": "write"})
    assert a_write(machine).status_code == 201
    county = client_for("county_officer", "350102")
    _, county_machine = issue(county, {"name": "同步", "scope": "write"})
    r = county_machine.post("/api/v1/users", json={"username": "via_token_x", "display_name": "x", "role": "leader",
                                                   "scope_code": "350102", "password": "0123456789ab"})
    assert r.status_code == 403 and "无权" in r.json()["error"]["message"]  # the role still decides


def test_a_read_only_role_cannot_mint_a_write_token(app, make_user, client_for):
    leader, _ = make_user("leader")
    with TestClient(app, raise_server_exceptions=False) as browser:  # signed in on the web
        csrf = browser.post("/api/v1/auth/login", json={"username": leader.username,
                                                        "password": "correct-horse-1"}).json()["csrf_token"]
        url = f"/api/v1/users/{leader.id}/tokens"
        r = browser.post(url, json={"name": "x", "scope": "write"}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 403
        body = r.json()["error"]
        assert body["field"] == "scope" and "只读" in body["message"] and body["code"] == "token_scope_exceeds_role"
        r = browser.post(url, json={"name": "x"}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 201 and r.json()["scope"] == "read"
    r = client_for("admin").post(f"/api/v1/users/{leader.id}/tokens", json={"name": "x", "scope": "write"})
    assert r.status_code == 403  # nor can an administrator mint one for them


def test_expiry_has_a_default_and_a_maximum(client_for):
    admin = client_for("admin")
    token, _ = issue(admin, {"name": "默认"})
    created, expires = (token[k] for k in ("created_at", "expires_at"))
    lifetime = datetime.fromisoformat(expires) - datetime.fromisoformat(created)
    assert lifetime == timedelta(days=90) and token["expired"] is False
    short, _ = issue(admin, {"name": "一周", "expires_in_days": 7})
    assert datetime.fromisoformat(short["expires_at"]) - datetime.fromisoformat(short["created_at"]) == timedelta(days=7)
    r = admin.post(f"/api/v1/users/{admin.user.id}/tokens", json={"name": "太久", "expires_in_days": 366})
    assert r.status_code == 422 and r.json()["error"]["field"] == "expires_in_days"
    assert "365" in r.json()["error"]["message"]


def test_an_expired_token_is_refused_in_chinese(client_for, database):
    admin = client_for("admin")
    token, machine = issue(admin, {"name": "过期"})
    with database.session() as s:
        s.execute(update(ApiToken).where(ApiToken.id == token["id"]).values(expires_at=utcnow() - timedelta(seconds=1)))
        with bookkeeping(s):  # test set-up: time passes
            s.commit()
    r = machine.get("/api/v1/auth/me")
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_expired" and "过期" in r.json()["error"]["message"]
    listed = {t["id"]: t for t in admin.get(f"/api/v1/users/{admin.user.id}/tokens").json()}
    assert listed[token["id"]]["expired"] is True and listed[token["id"]]["scope"] == "read"


def test_changing_the_password_revokes_every_token(app, make_user):
    user, first = make_user("county_officer", "350102")
    machine = TestClient(app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {first}"})
    with TestClient(app, raise_server_exceptions=False) as browser:
        csrf = browser.post("/api/v1/auth/login", json={"username": user.username,
                                                        "password": "correct-horse-1"}).json()["csrf_token"]
        r = browser.post("/api/v1/auth/password", headers={"X-CSRF-Token": csrf},
                         json={"old_password": "correct-horse-1", "new_password": "another-secret-9"})
        assert r.status_code == 204
    r = machine.get("/api/v1/auth/me")
    assert r.status_code == 401 and "吊销" in r.json()["error"]["message"]


def test_a_password_reset_or_deactivation_by_an_administrator_revokes_the_users_tokens(client_for):
    admin = client_for("admin")
    reset, leaver = client_for("county_officer", "350102"), client_for("county_officer", "350102")
    r = admin.patch(f"/api/v1/users/{reset.user.id}", json={"password": "reset-by-admin-2"})
    assert r.status_code == 200 and r.json()["active"] is True
    assert reset.get("/api/v1/auth/me").status_code == 401
    assert admin.patch(f"/api/v1/users/{leaver.user.id}", json={"active": False}).status_code == 200
    assert admin.patch(f"/api/v1/users/{leaver.user.id}", json={"active": True}).status_code == 200
    assert leaver.get("/api/v1/auth/me").status_code == 401  # reactivation does not revive the token


def test_a_downgraded_owner_cannot_write_with_an_old_write_token(client_for):
    county = client_for("county_officer", "350102")  # its fixture token has scope write
    assert a_write(county).status_code == 201
    client_for("admin").patch(f"/api/v1/users/{county.user.id}", json={"role": "leader"})
    r = county.post("/api/v1/users", json={"username": "downgraded_x", "display_name": "x", "role": "leader",
                                           "scope_code": "350102", "password": "0123456789ab"})
    assert r.status_code == 403


def test_a_read_only_token_may_ask_a_query_by_post_and_that_writes_nothing(app, database, client_for):
    from sqlalchemy import func, select

    from yingji.core.audit import AuditRecord

    admin = client_for("admin")
    _, machine = issue(admin, {"name": "通行时间查询"})
    with database.session() as s:
        before = s.scalar(select(func.count()).select_from(AuditRecord))
    body = {"origins": [{"lon": 119.30, "lat": 26.08}, {"lon": 119.28, "lat": 26.05}], "dest": {"lon": 119.31, "lat": 26.07}}
    r = machine.post("/api/v1/routing/travel-times", json=body)
    assert r.status_code == 200, r.text
    assert len(r.json()["items"]) == 2
    with database.session() as s:  # a query, not an action: nothing audited
        assert s.scalar(select(func.count()).select_from(AuditRecord)) == before
    # the marked routes are named in the API description; an unmarked POST stays refused
    marked = {f"{m.upper()} {p}" for p, ops in app.openapi()["paths"].items()
              for m, op in ops.items() if op.get("x-yingji-query")}
    assert {"POST /api/v1/routing/travel-times", "POST /api/v1/dispatch/recommendations",
            "POST /api/v1/broadcast/count"} <= marked
    assert not any("/actions" in k or "/import" in k for k in marked)
    assert machine.post("/api/v1/routing/closures", json={}).status_code == 403
