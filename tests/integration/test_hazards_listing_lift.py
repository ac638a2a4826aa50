"""Manual 摘牌 of a 挂牌督办 listing through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.integration.samples_hazards import make_unit
from yingji.core.audit import AuditRecord
from yingji.core.events import OutboxEvent

DEADLINE = "2027-01-31T00:00:00+08:00"


@pytest.fixture
def county(client_for):
    return client_for("county_officer", "350102")


@pytest.fixture
def city(client_for):
    return client_for("city_duty", "350100")


def _hazard(client, database, tier="major"):
    r = client.post("/api/v1/hazards", json={"unit_id": make_unit(database), "title": "储罐区可燃气体报警器失效",
                                             "tier": tier})
    assert r.status_code == 201, r.text
    return r.json()


def _list(client, hid, level, notice="鼓安委办督〔2026〕1号"):
    r = client.post(f"/api/v1/hazards/{hid}/listings", json={
        "level": level, "listed_by": "安委办", "notice_no": notice, "deadline": DEADLINE})
    assert r.status_code == 201, r.text
    return r.json()


def _lift(client, hid, lid, reason="整改完成，经现场复查符合要求"):
    body = {} if reason is None else {"reason": reason}
    return client.post(f"/api/v1/hazards/{hid}/listings/{lid}/lift", json=body)


def test_county_officer_lifts_a_county_listing_with_reason_audit_event_and_ledger(county, database):
    h = _hazard(county, database)
    listing = _list(county, h["id"], "county")
    r = _lift(county, h["id"], listing["id"])
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["lifted_at"] is not None and out["lift_reason"] == "整改完成，经现场复查符合要求"
    assert out["lifted_by"] == county.user.username
    detail = county.get(f"/api/v1/hazards/{h['id']}").json()
    assert detail["supervision_level"] is None and detail["listed_at"] is None
    assert detail["state"] == "reported"  # 摘牌 does not move the hazard's lifecycle
    assert detail["listings"][0]["lift_reason"] == out["lift_reason"]
    assert any(n["kind"] == "lifted" and "摘牌原因" in n["message"] for n in detail["notifications"])
    with database.session() as s:
        rec = s.scalar(select(AuditRecord).where(AuditRecord.action == "hazard.listing_lifted",
                                                 AuditRecord.entity_id == str(h["id"])))
        assert rec is not None and rec.actor == county.user.username
        assert rec.before["supervision_level"] == "county" and rec.after["supervision_level"] is None
        assert rec.after["reason"] == out["lift_reason"]
        evs = list(s.scalars(select(OutboxEvent).where(OutboxEvent.type == "hazard.listing_lifted")))
        assert any(e.payload.get("listing_id") == listing["id"] and e.payload.get("unit_id") == h["unit_id"]
                   for e in evs)
    rows = county.get("/api/v1/hazards/ledger", params={"active": "false", "q": h["code"]}).json()["items"]
    assert [x["id"] for x in rows] == [listing["id"]] and rows[0]["lift_reason"] == out["lift_reason"]
    assert county.get("/api/v1/hazards/ledger", params={"active": "true", "q": h["code"]}).json()["total"] == 0
    ws = load_workbook(io.BytesIO(county.get("/api/v1/hazards/ledger/export.xlsx",
                                             params={"q": h["code"]}).content)).active
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("摘牌原因") + 1).value == out["lift_reason"]
    # the hazard can be listed again after the lift
    _list(county, h["id"], "county", notice="鼓安委办督〔2026〕2号")


def test_city_listing_is_lifted_by_city_users_only_and_level_falls_back(county, city, database):
    h = _hazard(county, database)
    county_listing = _list(county, h["id"], "county")
    city_listing = _list(city, h["id"], "city", notice="榕安委办督〔2026〕9号")
    r = _lift(county, h["id"], city_listing["id"])
    assert r.status_code == 403 and r.json()["error"]["field"] == "listing_id"
    assert "市级挂牌督办" in r.json()["error"]["message"]
    r = _lift(city, h["id"], city_listing["id"])
    assert r.status_code == 200, r.text
    detail = city.get(f"/api/v1/hazards/{h['id']}").json()
    assert detail["supervision_level"] == "county"  # the county listing is still active
    # a city user may lift a county listing too (level or above)
    assert _lift(city, h["id"], county_listing["id"]).status_code == 200
    assert city.get(f"/api/v1/hazards/{h['id']}").json()["supervision_level"] is None


@pytest.mark.parametrize("role,scope", [("township_officer", "350102001"), ("leader", "350100")])
def test_users_below_the_listing_level_or_without_write_rights_cannot_lift(client_for, county, database, role, scope):
    h = _hazard(county, database)
    listing = _list(county, h["id"], "county")
    assert _lift(client_for(role, scope), h["id"], listing["id"]).status_code == 403
    assert county.get(f"/api/v1/hazards/{h['id']}").json()["supervision_level"] == "county"


def test_enterprise_manager_cannot_lift_own_units_listing(client_for, county, database):
    h = _hazard(county, database)
    listing = _list(county, h["id"], "county")
    manager = client_for("enterprise_manager", "350102001", unit_id=h["unit_id"])
    assert manager.get(f"/api/v1/hazards/{h['id']}").status_code == 200
    r = _lift(manager, h["id"], listing["id"])
    assert r.status_code == 403 and "政府监管部门" in r.json()["error"]["message"]


@pytest.mark.parametrize("reason", [None, "", "   \n "])
def test_lift_requires_a_reason(county, database, reason):
    h = _hazard(county, database)
    listing = _list(county, h["id"], "county")
    r = _lift(county, h["id"], listing["id"], reason=reason)
    assert r.status_code == 422, r.text
    assert county.get(f"/api/v1/hazards/{h['id']}").json()["listings"][0]["lifted_at"] is None


def test_lifting_twice_or_after_closure_is_409(county, database):
    h = _hazard(county, database, tier="general")
    listing = _list(county, h["id"], "county")
    assert _lift(county, h["id"], listing["id"]).status_code == 200
    r = _lift(county, h["id"], listing["id"])
    assert r.status_code == 409 and "已摘牌" in r.json()["error"]["message"]
    # 销号 lifts the remaining listings automatically, with its own reason; a manual lift then is 409
    second = _list(county, h["id"], "county", notice="鼓安委办督〔2026〕3号")
    for action in ("confirm", "start_rectification", "submit_acceptance", "accept", "close"):
        assert county.post(f"/api/v1/hazards/{h['id']}/transitions", json={"action": action}).status_code == 200
    rows = {x["id"]: x for x in county.get(f"/api/v1/hazards/{h['id']}").json()["listings"]}
    assert rows[second["id"]]["lifted_at"] is not None and "销号" in rows[second["id"]]["lift_reason"]
    assert _lift(county, h["id"], second["id"]).status_code == 409


def test_out_of_scope_or_mismatched_listing_is_404(client_for, county, database):
    h = _hazard(county, database)
    listing = _list(county, h["id"], "county")
    other = _hazard(county, database)
    assert _lift(client_for("county_officer", "350121"), h["id"], listing["id"]).status_code == 404
    assert _lift(client_for("admin", "350121"), h["id"], listing["id"]).status_code == 404
    assert _lift(county, other["id"], listing["id"]).status_code == 404  # listing of another hazard
    assert _lift(county, h["id"], 2**31 - 1).status_code == 404
    assert _lift(county, h["id"], 0).status_code == 422
    with database.session() as s:
        assert s.scalar(select(AuditRecord.seq).where(AuditRecord.action == "hazard.listing_lifted",
                                                      AuditRecord.entity_id == str(h["id"]))) is None


def test_detail_and_ledger_pages_offer_the_lift_to_government_users(client_for, county, database):
    h = _hazard(county, database)
    _list(county, h["id"], "county")
    page = county.get(f"/supervision/hazards/{h['id']}").text
    assert '"lift_levels": ["county"]' in page
    assert '"lift_levels": ["county", "city"]' in client_for("city_duty", "350100").get("/supervision/ledger").text
    manager = client_for("enterprise_manager", "350102001", unit_id=h["unit_id"])
    assert '"lift_levels": []' in manager.get(f"/supervision/hazards/{h['id']}").text
