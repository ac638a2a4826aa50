"""Login, sessions, CSRF, API tokens, roles."""

from __future__ import annotations

from fastapi.testclient import TestClient

from yingji.core.auth import User


def test_login_sets_session_and_me_returns_scope(anon, make_user, database):
    user, _ = make_user("county_officer", "350102")
    r = anon.post("/api/v1/auth/login", json={"username": user.username, "password": "correct-horse-1"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["scope_code"] == "350102" and body["scope_name"] == "鼓楼区"
    assert body["role_label"] == "区县应急管理人员"
    me = anon.get("/api/v1/auth/me").json()
    assert me["username"] == user.username and me["csrf_token"] == body["csrf_token"]


def test_password_is_hashed_with_argon2(make_user, database):
    user, _ = make_user()
    with database.session() as s:
        stored = s.get(User, user.id).password_hash
    assert stored.startswith("$argon2") and "correct-horse-1" not in stored


def test_wrong_password_is_401_in_chinese(anon, make_user):
    user, _ = make_user()
    r = anon.post("/api/v1/auth/login", json={"username": user.username, "password": "wrong"})
    assert r.status_code == 401
    assert r.json()["error"] == {"code": "bad_credentials", "message": "用户名或密码错误", "field": None}
    r = anon.post("/api/v1/auth/login", json={"username": "nobody-here", "password": "wrong"})
    assert r.status_code == 401


def test_cookie_writes_need_the_csrf_token(app, make_user):
    user, _ = make_user("admin", "350100")
    with TestClient(app, raise_server_exceptions=False) as c:
        csrf = c.post("/api/v1/auth/login", json={"username": user.username,
                                                  "password": "correct-horse-1"}).json()["csrf_token"]
        body = {"name": "script"}
        assert c.post(f"/api/v1/users/{user.id}/tokens", json=body).status_code == 403
        r = c.post(f"/api/v1/users/{user.id}/tokens", json=body, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 201, r.text
        assert r.json()["token"].startswith("yj_")


def test_logout_ends_the_session(app, make_user):
    user, _ = make_user()
    with TestClient(app, raise_server_exceptions=False) as c:
        c.post("/api/v1/auth/login", json={"username": user.username, "password": "correct-horse-1"})
        assert c.get("/api/v1/auth/me").status_code == 200
        assert c.post("/api/v1/auth/logout").status_code == 204
        assert c.get("/api/v1/auth/me").status_code == 401


def test_revoked_token_no_longer_works(app, client_for):
    admin = client_for("admin")
    token = admin.post(f"/api/v1/users/{admin.user.id}/tokens", json={"name": "cron"}).json()
    machine = TestClient(app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {token['token']}"})
    assert machine.get("/api/v1/auth/me").status_code == 200
    assert admin.delete(f"/api/v1/users/{admin.user.id}/tokens/{token['id']}").status_code == 200
    r = machine.get("/api/v1/auth/me")
    assert r.status_code == 401 and "吊销" in r.json()["error"]["message"]


def test_deactivated_user_is_locked_out(client_for):
    admin = client_for("admin")
    officer = client_for("county_officer", "350103")
    assert officer.get("/api/v1/auth/me").status_code == 200
    r = admin.patch(f"/api/v1/users/{officer.user.id}", json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    assert officer.get("/api/v1/auth/me").status_code == 401


def test_read_only_leader_cannot_manage_users(app, make_user):
    user, _ = make_user("leader")
    with TestClient(app, raise_server_exceptions=False) as leader:  # a web session: the role decides
        csrf = leader.post("/api/v1/auth/login", json={"username": user.username,
                                                       "password": "correct-horse-1"}).json()["csrf_token"]
        r = leader.post("/api/v1/users", headers={"X-CSRF-Token": csrf},
                        json={"username": "leader_made", "display_name": "x", "role": "admin",
                              "scope_code": "350100", "password": "0123456789ab"})
    assert r.status_code == 403
    assert "无权" in r.json()["error"]["message"]


def test_county_admin_cannot_create_users_outside_county(client_for):
    county_admin = client_for("admin", "350102")
    r = county_admin.post("/api/v1/users", json={"username": "outside_user", "display_name": "x",
                                                 "role": "county_officer", "scope_code": "350103",
                                                 "password": "0123456789ab"})
    assert r.status_code == 403 and r.json()["error"]["field"] == "scope_code"
    r = county_admin.post("/api/v1/users", json={"username": "inside_user_1", "display_name": "x",
                                                 "role": "township_officer", "scope_code": "350102001",
                                                 "password": "0123456789ab"})
    assert r.status_code == 201, r.text


def test_duplicate_username_is_409(client_for):
    admin = client_for("admin")
    body = {"username": "dup_user_a", "display_name": "x", "role": "leader", "scope_code": "350100",
            "password": "0123456789ab"}
    first = admin.post("/api/v1/users", json=body)
    assert first.status_code in (201, 409)
    r = admin.post("/api/v1/users", json=body)
    assert r.status_code == 409 and r.json()["error"]["field"] == "username"


def test_enterprise_manager_requires_a_unit(client_for):
    admin = client_for("admin")
    r = admin.post("/api/v1/users", json={"username": "ent_no_unit", "display_name": "x",
                                          "role": "enterprise_manager", "scope_code": "350102",
                                          "password": "0123456789ab"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "unit_id"


def test_token_use_is_recorded(app, client_for):
    admin = client_for("admin")
    assert admin.get("/api/v1/auth/me").status_code == 200
    tokens = admin.get(f"/api/v1/users/{admin.user.id}/tokens").json()
    assert tokens and tokens[0]["last_used_at"] is not None
