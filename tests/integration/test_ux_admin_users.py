"""Administration through the API: the password policy everywhere a password is set, enterprise
accounts tied to a unit of their jurisdiction, deleting only accounts that never acted (otherwise
deactivate), the audit log filtered by who/what/when with people named — on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient

from tests.integration.samples_hazards import make_unit

_n = itertools.count(1)


def _username() -> str:
    return f"ux_admin_{next(_n)}_{id(object()) % 9973}"


def _create(admin, **extra) -> object:  # type: ignore[no-untyped-def]
    body = {"username": _username(), "display_name": "测试用户", "role": "county_officer", "scope_code": "350102",
            "password": "Good-Password-123"} | extra
    return admin.post("/api/v1/users", json=body)


@pytest.mark.parametrize("password,reason", [
    ("short-1", "至少 10 个字符"), ("aaaaaaaaaaaaaa", "同一个字符"), ("{username}", "用户名"),
    ("{username}2024", "用户名"),
])
def test_weak_passwords_are_refused_in_chinese_wherever_they_are_set(client_for, password, reason):
    admin = client_for("admin", "350100")
    username = _username()
    r = _create(admin, username=username, password=password.format(username=username))
    assert r.status_code == 422 and r.json()["error"]["field"] == "password" and reason in r.json()["error"]["message"]
    user = _create(admin).json()
    r = admin.patch(f"/api/v1/users/{user['id']}", json={"password": password.format(username=user["username"])})
    assert r.status_code == 422 and reason in r.json()["error"]["message"]


def test_changing_ones_own_password_follows_the_policy(client_for, app):
    officer = client_for("county_officer", "350102")
    with TestClient(app) as web:
        me = web.post("/api/v1/auth/login", json={"username": officer.user.username, "password": "correct-horse-1"})
        csrf = {"X-CSRF-Token": me.json()["csrf_token"]}
        for new, reason in [(officer.user.username + "123", "用户名"), ("1111111111", "同一个字符"),
                            ("correct-horse-1", "不能与原密码相同")]:
            r = web.post("/api/v1/auth/password", json={"old_password": "correct-horse-1", "new_password": new},
                         headers=csrf)
            assert r.status_code == 422 and reason in r.json()["error"]["message"], r.text


def test_an_enterprise_account_needs_a_unit_inside_its_jurisdiction(client_for, database):
    admin = client_for("admin", "350100")
    unit = make_unit(database, division_code="350102001")
    r = _create(admin, role="enterprise_manager", scope_code="350102001")
    assert r.status_code == 422 and r.json()["error"]["field"] == "unit_id"
    r = _create(admin, role="enterprise_manager", scope_code="350121", unit_id=unit)  # 闽侯 manager of a 鼓楼 unit
    assert r.status_code == 422 and r.json()["error"]["field"] == "scope_code"
    r = _create(admin, role="enterprise_manager", scope_code="350102001", unit_id=2**31 - 1)
    assert r.status_code == 422 and r.json()["error"]["field"] == "unit_id"
    r = _create(admin, role="county_officer", unit_id=unit)  # only enterprise accounts have a unit
    assert r.status_code == 422 and r.json()["error"]["field"] == "unit_id"
    county_admin = client_for("admin", "350121")  # an administrator of 闽侯 cannot tie an account to a 鼓楼 unit
    r = _create(county_admin, role="enterprise_manager", scope_code="350121", unit_id=unit)
    assert r.status_code in (403, 422)
    ok = _create(admin, role="enterprise_manager", scope_code="350102001", unit_id=unit)
    assert ok.status_code == 201 and ok.json()["unit_id"] == unit
    # turning it into a government account drops the unit
    r = admin.patch(f"/api/v1/users/{ok.json()['id']}", json={"role": "township_officer"})
    assert r.status_code == 200 and r.json()["unit_id"] is None


def test_only_an_account_that_never_acted_can_be_deleted(client_for, app):
    admin = client_for("admin", "350100")
    fresh = _create(admin).json()
    used = _create(admin).json()
    with TestClient(app) as web:  # `used` signs in once: it has acted
        assert web.post("/api/v1/auth/login", json={"username": used["username"],
                                                    "password": "Good-Password-123"}).status_code == 200
    listed = {u["id"]: u for u in admin.get("/api/v1/users", params={"q": "ux_admin_", "page_size": 500}).json()["items"]}
    assert listed[fresh["id"]]["can_delete"] is True and listed[used["id"]]["can_delete"] is False
    r = admin.delete(f"/api/v1/users/{used['id']}")
    assert r.status_code == 409 and "只能停用" in r.json()["error"]["message"]
    assert admin.patch(f"/api/v1/users/{used['id']}", json={"active": False}).json()["active"] is False
    r = admin.delete(f"/api/v1/users/{fresh['id']}")
    assert r.status_code == 200 and r.json()["username"] == fresh["username"]
    assert admin.get(f"/api/v1/users/{fresh['id']}").status_code == 404
    audit = admin.get("/api/v1/audit", params={"action": "user.deleted", "entity_id": str(fresh["id"])}).json()
    assert audit["total"] == 1 and audit["items"][0]["before"]["username"] == fresh["username"]
    assert admin.delete(f"/api/v1/users/{admin.user.id}").status_code == 409  # never oneself
    officer = client_for("county_officer", "350102")
    assert officer.delete(f"/api/v1/users/{used['id']}").status_code == 403


def test_the_audit_log_filters_by_who_what_and_when_and_names_people(client_for):
    admin = client_for("admin", "350100")
    made = _create(admin, display_name="审计筛选样例").json()
    admin.patch(f"/api/v1/users/{made['id']}", json={"display_name": "审计筛选样例（改）"})
    page = admin.get("/api/v1/audit", params={"actor": admin.user.username, "action": "user.updated",
                                              "since": "2000-01-01T00:00:00+08:00"}).json()
    assert page["total"] >= 1
    row = page["items"][0]
    assert row["actor_name"] == "测试用户" and row["action"] == "user.updated"
    assert row["before"]["display_name"] == "审计筛选样例" and row["after"]["display_name"] == "审计筛选样例（改）"
    assert admin.get("/api/v1/audit", params={"actor": admin.user.username,
                                              "until": "2001-01-01T00:00:00+08:00"}).json()["total"] == 0
    system = admin.get("/api/v1/audit", params={"action": "division.created", "page_size": 1}).json()["items"]
    assert not system or system[0]["actor_name"] == "系统"
