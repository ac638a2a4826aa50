"""Chinese everywhere a user looks, through the API: field names in validation errors come from the
schemas' Chinese titles, limits are numbers for people, a refusal names the permission in Chinese,
every code has a label in the registry, an unknown page is a Chinese page — on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest

from tests.integration.samples_hazards import make_unit

ASCII_WORD = re.compile(r"[A-Za-z_]{3,}")
# the packages of the supervision domains and the core: every input field of their write routes
MY_PREFIXES = ("/api/v1/users", "/api/v1/auth", "/api/v1/units", "/api/v1/risk", "/api/v1/hazards",
               "/api/v1/enforcement", "/api/v1/divisions")


def _error(r) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code in (403, 409, 422), (r.status_code, r.text)
    return r.json()["error"]


def test_validation_errors_name_the_field_in_chinese_and_numbers_for_people(client_for, database):
    county = client_for("county_officer", "350102")
    hid = county.post("/api/v1/hazards", json={"unit_id": make_unit(database), "title": "中文报错样例",
                                               "tier": "major"}).json()["id"]
    err = _error(county.put(f"/api/v1/hazards/{hid}/plan", json={"funds": 2e9, "measures": "x"}))
    assert err["message"] == "整改资金：不能大于 10 亿" and err["field"] == "funds" and err["label"] == "整改资金"
    err = _error(county.post(f"/api/v1/hazards/{hid}/transitions", json={"action": "confirm", "plan": {"funds": -1}}))
    assert err["message"] == "整改资金：不能小于 0" and err["field"] == "plan.funds"
    err = _error(county.get("/api/v1/hazards", params={"since": "昨天"}))
    assert err["message"].startswith("时间起：") and not ASCII_WORD.search(err["message"])
    err = _error(county.post("/api/v1/enforcement/penalties", json={
        "unit_id": 1, "decision_no": "x", "amount_yuan": "1e12", "reason": "r", "decided_at": "2026-01-01T00:00:00+08:00"}))
    assert err["message"] == "罚款金额（元）：数值太大"
    # a business rule: the missing 五到位 fields by their names only
    county.post(f"/api/v1/hazards/{hid}/transitions", json={"action": "confirm"})
    err = _error(county.post(f"/api/v1/hazards/{hid}/transitions", json={"action": "start_rectification"}))
    assert "整改措施" in err["message"] and not ASCII_WORD.search(err["message"]), err["message"]


def test_a_refusal_names_the_permission_in_chinese(client_for, app):
    from fastapi.testclient import TestClient

    leader = client_for("leader", "350100")
    with TestClient(app) as web:  # a web session (the leader's API token is read-only: refused earlier)
        me = web.post("/api/v1/auth/login", json={"username": leader.user.username, "password": "correct-horse-1"})
        assert me.status_code == 200, me.text
        err = _error(web.post("/api/v1/hazards", json={"unit_id": 1, "title": "x", "tier": "general"},
                              headers={"X-CSRF-Token": me.json()["csrf_token"]}))
    assert "隐患排查治理：修改" in err["message"] and "hazards" not in err["message"]
    err = _error(leader.get("/api/v1/users"))
    assert "用户与权限：管理" in err["message"] and ":" not in err["message"]


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_every_input_field_of_the_write_routes_has_a_chinese_name(app):
    """So that no validation error of these routes can name a field in English."""
    from yingji.core.labels import field_label

    spec = app.openapi()
    schemas = spec["components"]["schemas"]
    missing = []

    def walk(schema: dict, where: str) -> None:
        if "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
        for key in ("anyOf", "allOf", "oneOf"):
            for part in schema.get(key, []):
                walk(part, where)
        if schema.get("type") == "array" and "items" in schema:
            walk(schema["items"], where)
        for name, prop in (schema.get("properties") or {}).items():
            title = prop.get("title", "")
            if not re.search(r"[\u4e00-\u9fff]", title) and not field_label(name):
                missing.append(f"{where}.{name}")
            walk(prop, f"{where}.{name}")

    for path, item in spec["paths"].items():
        if not path.startswith(MY_PREFIXES):
            continue
        for method, op in item.items():
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            if method in ("post", "put", "patch") and body:
                walk(body["schema"], f"{method.upper()} {path}")
            for param in op.get("parameters", []):
                if not field_label(param["name"]) and not re.search(r"[\u4e00-\u9fff]", param.get("description", "")):
                    missing.append(f"{method.upper()} {path} ?{param['name']}")
    assert not missing, f"give these fields a Chinese title (Field(title=…)) or a label: {sorted(set(missing))[:20]}"


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_every_audit_action_and_event_type_the_code_writes_has_a_chinese_label(client_for):
    """Scan the sources for the audit actions and event types they write: each one is labelled."""
    from pathlib import Path

    import yingji
    from yingji.hazards.lifecycle import ACTIONS

    labels = client_for("leader", "350100").get("/api/v1/labels").json()
    root = Path(yingji.__file__).parent
    audited, emitted = set(), set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        audited |= set(re.findall(r'audit\.record\(\s*db,\s*[^,]+,\s*"([a-z_.]+)"', text))
        emitted |= set(re.findall(r'(?:events\.emit\(\s*db,\s*|_security_event\(\s*db,\s*|event_type=)"([a-z_.]+)"', text))
    audited |= {f"hazard.{a}" for a in ACTIONS} | {"unit.imported", "risk_source.imported"}
    emitted |= {f"hazard.{a}" for a in ACTIONS}
    assert len(audited) > 30 and len(emitted) > 30
    assert sorted(audited - set(labels["audit_actions"])) == []
    assert sorted(emitted - set(labels["event_types"])) == []
    for table in ("roles", "industries", "hazard_states", "hazard_tiers", "risk_levels", "supervision_levels",
                  "permission_domains", "entity_types", "fields", "division_levels", "datasets"):
        assert labels[table] and all(re.search(r"[\u4e00-\u9fff]", v) for v in labels[table].values()), table


def test_an_unknown_page_is_a_chinese_page_and_the_api_keeps_json(client_for, anon):
    admin = client_for("admin", "350100")
    r = admin.get("/supervision/no-such-page", headers={"Accept": "text/html,application/xhtml+xml"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "未找到" in r.text and "页面不存在" in r.text and 'data-status="404"' in r.text
    assert "系统管理员" in r.text  # the platform's header, signed in
    r = admin.get("/api/v1/no-such-thing", headers={"Accept": "text/html"})
    assert r.status_code == 404 and r.json()["error"]["message"] == "请求的资源不存在"
    r = anon.get("/static/no/such.js", headers={"Accept": "text/html"})
    assert r.status_code == 404 and not r.headers["content-type"].startswith("text/html")
    r = anon.get("/nothing-here", headers={"Accept": "text/html"})
    assert r.status_code == 404 and "未找到" in r.text  # signed out: the page without a user


def test_the_label_registry_names_permissions_and_codes(client_for):
    labels = client_for("township_officer", "350102001").get("/api/v1/labels").json()
    assert labels["roles"]["leader"] == "领导（只读）"
    assert labels["industries"]["elderly_care"] == "养老服务机构"
    assert labels["audit_actions"]["hazard.escalated"] == "逾期升级"
    assert labels["hazard_states"]["submitted"] == "待验收"
    assert labels["fields"]["measures"] == "整改措施"
