"""Hidden-hazard lifecycle through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests import filesamples
from tests.integration.samples_hazards import make_unit
from yingji.core.audit import AuditRecord
from yingji.core.events import OutboxEvent
from yingji.hazards.models import HazardTransition

FULL_PLAN = {"measures": "停产整改，更换紧急切断阀", "funds": 50, "funds_unit": "万元",
             "deadline": "2027-03-01T00:00:00+08:00", "responsible_person": "张建国",
             "contingency_plan": "整改期间专项应急预案"}


@pytest.fixture
def county(client_for):
    return client_for("county_officer", "350102")


def _new(client, unit_id, tier="general", **extra):
    r = client.post("/api/v1/hazards", json={"unit_id": unit_id, "title": "液化烃储罐未设注水措施",
                                             "tier": tier, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def _go(client, hid, action, **body):
    return client.post(f"/api/v1/hazards/{hid}/transitions", json={"action": action, **body})


def test_general_hazard_walks_the_whole_lifecycle_with_timeline_audit_and_events(county, database):
    unit = make_unit(database)
    h = _new(county, unit)
    assert h["state"] == "reported" and h["state_label"] == "已上报" and h["code"].startswith("YH")
    for action, state in [("confirm", "confirmed"), ("start_rectification", "rectifying"),
                          ("submit_acceptance", "submitted"), ("reject", "rectifying"),
                          ("submit_acceptance", "submitted"), ("accept", "accepted"), ("close", "closed")]:
        body = {"reason": "现场复查不合格"} if action == "reject" else {}
        r = _go(county, h["id"], action, **body)
        assert r.status_code == 200, r.text
        assert r.json()["state"] == state
    detail = county.get(f"/api/v1/hazards/{h['id']}").json()
    assert detail["closed_at"] is not None and detail["allowed_actions"] == []
    assert [t["action"] for t in detail["timeline"]] == [
        "report", "confirm", "start_rectification", "submit_acceptance", "reject", "submit_acceptance",
        "accept", "close"]
    assert detail["timeline"][4]["reason"] == "现场复查不合格"
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(HazardTransition)
                        .where(HazardTransition.hazard_id == h["id"])) == 8
        actions = set(s.scalars(select(AuditRecord.action).where(AuditRecord.entity_type == "hazard",
                                                                 AuditRecord.entity_id == str(h["id"]))))
        assert {"hazard.reported", "hazard.confirm", "hazard.reject", "hazard.close"} <= actions
        evs = list(s.scalars(select(OutboxEvent).where(OutboxEvent.type == "hazard.close")))
        assert any(e.payload.get("hazard_id") == h["id"] and e.payload.get("unit_id") == unit for e in evs)


@pytest.mark.parametrize("setup,action", [
    ([], "accept"), ([], "close"), ([], "submit_acceptance"), (["confirm"], "confirm"),
    (["confirm", "start_rectification"], "close"), (["confirm", "start_rectification"], "reject"),
])
def test_illegal_transitions_answer_409_with_the_chinese_reason(county, database, setup, action):
    h = _new(county, make_unit(database))
    for a in setup:
        assert _go(county, h["id"], a).status_code == 200
    r = _go(county, h["id"], action, reason="x")
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "illegal_transition" and "不能执行" in err["message"]


def test_closed_hazard_accepts_no_more_actions(county, database):
    h = _new(county, make_unit(database))
    for a in ["confirm", "start_rectification", "submit_acceptance", "accept", "close"]:
        assert _go(county, h["id"], a).status_code == 200
    r = _go(county, h["id"], "confirm")
    assert r.status_code == 409 and "流程已结束" in r.json()["error"]["message"]


def test_major_hazard_needs_the_five_point_plan_before_rectification(county, database):
    h = _new(county, make_unit(database), tier="major")
    assert _go(county, h["id"], "confirm").status_code == 200
    r = _go(county, h["id"], "start_rectification", plan={"measures": "更换阀门"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "plan_incomplete"
    for label in ("整改资金", "整改期限", "责任人", "应急预案"):
        assert label in err["message"]
    assert "整改措施" not in err["message"]  # given in this request
    assert {d["field"] for d in err["details"]} == {"plan.funds", "plan.deadline", "plan.responsible_person",
                                                    "plan.contingency_plan"}
    assert county.get(f"/api/v1/hazards/{h['id']}").json()["state"] == "confirmed"  # nothing half-written
    r = county.put(f"/api/v1/hazards/{h['id']}/plan", json=FULL_PLAN)
    assert r.status_code == 200 and r.json()["missing_plan_fields"] == []
    r = _go(county, h["id"], "start_rectification")
    assert r.status_code == 200 and r.json()["state"] == "rectifying"
    assert r.json()["deadline"].startswith("2027-02-28T16:00")


def test_reject_requires_a_reason(county, database):
    h = _new(county, make_unit(database))
    for a in ["confirm", "start_rectification", "submit_acceptance"]:
        assert _go(county, h["id"], a).status_code == 200
    for body in ({}, {"reason": "   "}):
        r = _go(county, h["id"], "reject", **body)
        assert r.status_code == 422 and r.json()["error"]["field"] == "reason"
        assert "原因" in r.json()["error"]["message"]


def test_unknown_tier_and_bad_input_are_422_never_500(county, database):
    unit = make_unit(database)
    r = county.post("/api/v1/hazards", json={"unit_id": unit, "title": "x", "tier": "huge"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "tier"
    r = county.post("/api/v1/hazards", json={"unit_id": unit, "title": "x", "tier": "general",
                                             "deadline": "2026-12-01T00:00:00"})
    assert r.status_code == 422  # naive datetime refused
    assert county.get("/api/v1/hazards/99999999999").status_code == 422
    assert _go(county, 2**31 - 1, "confirm").status_code == 404


def test_inspection_with_failed_items_creates_hazards_of_the_chosen_tier(county, database):
    unit = make_unit(database, industry="hazchem")
    body = {"unit_id": unit, "kind": "department", "inspector": "李检查", "department": "鼓楼区应急管理局",
            "inspected_at": "2026-11-20T10:00:00+08:00",
            "items": [{"code": "HC-01", "result": "pass"}, {"code": "HC-05", "result": "fail", "note": "探头失效"},
                      {"code": "HC-08", "result": "fail", "tier": "major"},
                      {"code": "HC-09", "result": "fail", "create_hazard": False}]}
    r = county.post("/api/v1/hazards/inspections", json=body)
    assert r.status_code == 201, r.text
    insp = r.json()
    assert insp["failed_count"] == 3 and len(insp["hazard_ids"]) == 2
    tiers = sorted(county.get(f"/api/v1/hazards/{i}").json()["tier"] for i in insp["hazard_ids"])
    assert tiers == ["general", "major"]
    assert county.get(f"/api/v1/hazards/inspections/{insp['id']}").json()["items"][1]["text"]
    bad = dict(body, items=[{"code": "MN-01", "result": "fail"}])
    r = county.post("/api/v1/hazards/inspections", json=bad)
    assert r.status_code == 422 and r.json()["error"]["field"] == "items.0.code"


def test_hazard_list_filters_and_excel_export(county, database):
    unit = make_unit(database, industry="fireworks", division_code="350102002")
    a = _new(county, unit, tier="major")
    _new(county, unit)
    r = county.get("/api/v1/hazards", params={"industry": "fireworks", "tier": "major", "division": "350102002"})
    assert r.status_code == 200 and a["id"] in [x["id"] for x in r.json()["items"]]
    assert all(x["tier"] == "major" for x in r.json()["items"])
    r = county.get("/api/v1/hazards", params={"q": a["code"]})
    assert [x["id"] for x in r.json()["items"]] == [a["id"]]
    r = county.get("/api/v1/hazards/export.xlsx", params={"industry": "fireworks"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.cell(1, 1).value == "隐患编号" and ws.max_row >= 3


def test_enterprise_manager_sees_and_acts_on_own_unit_only(client_for, county, database):
    mine, other = make_unit(database), make_unit(database)
    boss = client_for("enterprise_manager", "350102", unit_id=mine)
    h_mine = _new(boss, mine)
    h_other = _new(county, other)
    assert boss.get(f"/api/v1/hazards/{h_other['id']}").status_code == 404
    assert boss.post("/api/v1/hazards", json={"unit_id": other, "title": "x", "tier": "general"}).status_code == 404
    ids = [x["id"] for x in boss.get("/api/v1/hazards", params={"page_size": 500}).json()["items"]]
    assert h_mine["id"] in ids and h_other["id"] not in ids
    r = _go(boss, h_mine["id"], "confirm")
    assert r.status_code == 403  # confirmation is the supervisor's
    assert _go(county, h_mine["id"], "confirm").status_code == 200
    assert _go(boss, h_mine["id"], "start_rectification").status_code == 200


def test_out_of_county_officer_gets_404(client_for, county, database):
    h = _new(county, make_unit(database))
    other = client_for("county_officer", "350121")
    assert other.get(f"/api/v1/hazards/{h['id']}").status_code == 404
    assert _go(other, h["id"], "confirm").status_code == 404
    leader = client_for("leader", "350100")
    assert leader.get(f"/api/v1/hazards/{h['id']}").status_code == 200
    assert _go(leader, h["id"], "confirm").status_code == 403


PNG = filesamples.PNG


def test_attachment_upload_limits_and_download(county, database, client_for):
    h = _new(county, make_unit(database))
    url = f"/api/v1/hazards/{h['id']}/attachments"
    r = county.post(url, files={"file": ("现场.png", PNG, "image/png")})
    assert r.status_code == 201, r.text
    att = r.json()
    assert att["size"] == len(PNG)
    got = county.get(f"{url}/{att['id']}")
    assert got.status_code == 200 and got.content == PNG
    assert county.post(url, files={"file": ("a.exe", b"MZ\x90\x00", "application/x-msdownload")}).status_code == 422
    assert county.post(url, files={"file": ("fake.png", b"GIF89a....", "image/png")}).status_code == 422
    big = b"%PDF-" + b"0" * (10 * 1024 * 1024)
    r = county.post(url, files={"file": ("big.pdf", big, "application/pdf")})
    assert r.status_code == 422 and "10 MB" in r.json()["error"]["message"]
    assert client_for("county_officer", "350121").get(f"{url}/{att['id']}").status_code == 404
    detail = county.get(f"/api/v1/hazards/{h['id']}").json()
    assert [a["id"] for a in detail["attachments"]] == [att["id"]]


def test_manual_listing_levels_follow_the_users_jurisdiction(client_for, county, database):
    h = _new(county, make_unit(database), tier="major")
    body = {"listed_by": "鼓楼区安委办", "notice_no": "鼓安办督〔2026〕1号",
            "deadline": "2027-01-31T00:00:00+08:00"}
    r = county.post(f"/api/v1/hazards/{h['id']}/listings", json={**body, "level": "city"})
    assert r.status_code == 403 and r.json()["error"]["field"] == "level"
    r = county.post(f"/api/v1/hazards/{h['id']}/listings", json={**body, "level": "county"})
    assert r.status_code == 201 and r.json()["notice_no"] == body["notice_no"]
    assert county.post(f"/api/v1/hazards/{h['id']}/listings", json={**body, "level": "county"}).status_code == 409
    city = client_for("city_duty", "350100")
    assert city.post(f"/api/v1/hazards/{h['id']}/listings", json={**body, "level": "county"}).status_code == 403
    r = city.post(f"/api/v1/hazards/{h['id']}/listings", json={**body, "level": "city", "notice_no": "榕安委办督1号"})
    assert r.status_code == 201
    detail = county.get(f"/api/v1/hazards/{h['id']}").json()
    assert detail["supervision_level"] == "city" and len(detail["listings"]) == 2
    rows = county.get("/api/v1/hazards/ledger", params={"q": h["code"]}).json()["items"]
    assert {r["level"] for r in rows} == {"county", "city"}


def test_ledger_excel_export_opens_with_openpyxl(county, database):
    h = _new(county, make_unit(database), tier="major")
    county.post(f"/api/v1/hazards/{h['id']}/listings", json={
        "level": "county", "listed_by": "鼓楼区安委办", "notice_no": "=HYPERLINK(\"x\")",
        "deadline": "2027-01-31T00:00:00+08:00"})
    r = county.get("/api/v1/hazards/ledger/export.xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[1]]
    assert "限期整改通知文号" in header and ws.max_row >= 2
    notices = [ws.cell(i, header.index("限期整改通知文号") + 1).value for i in range(2, ws.max_row + 1)]
    assert "'=HYPERLINK(\"x\")" in notices  # no formula injection


def test_catalog_lists_tiers_plan_fields_and_checklists(county):
    r = county.get("/api/v1/hazards/catalog")
    body = r.json()
    assert {t["key"] for t in body["tiers"]} >= {"general", "major"}
    assert [f["key"] for f in body["plan_fields"]][:2] == ["measures", "funds"]
    assert any(c["industry"] == "hazchem" and c["items"] for c in body["checklists"])


_ = (datetime, timedelta, UTC)


def test_buttons_and_api_follow_the_same_rules_per_role(client_for, county, database):
    """The detail's allowed actions are exactly what the API then accepts, for each role."""
    township = "350102006"
    unit = make_unit(database, division_code=township)
    ent = client_for("enterprise_manager", township, unit_id=unit)
    leader = client_for("leader", "350100")
    h = _new(ent, unit, tier="major")
    # the enterprise reported it: it is not offered (and may not do) the government's confirmation
    assert ent.get(f"/api/v1/hazards/{h['id']}").json()["allowed_actions"] == []
    assert _go(ent, h["id"], "confirm").status_code == 403
    assert [a["action"] for a in county.get(f"/api/v1/hazards/{h['id']}").json()["allowed_actions"]] == ["confirm"]
    # the read-only leader is offered nothing, lists nothing and edits no plan
    detail = leader.get(f"/api/v1/hazards/{h['id']}").json()
    assert detail["allowed_actions"] == [] and detail["listing_levels"] == [] and not detail["can_edit_plan"]
    assert leader.post(f"/api/v1/hazards/{h['id']}/listings", json={
        "level": "city", "listed_by": "x", "notice_no": "x", "deadline": "2027-01-01T00:00:00+08:00"}).status_code == 403
    assert county.get(f"/api/v1/hazards/{h['id']}").json()["listing_levels"] == ["county"]


def test_a_major_hazard_is_not_accepted_by_whoever_reported_it(client_for, county, database):
    h = _new(county, make_unit(database), tier="major")
    for action in ("confirm", "start_rectification", "submit_acceptance"):
        body = {"plan": FULL_PLAN} if action == "start_rectification" else {}
        assert _go(county, h["id"], action, **body).status_code == 200
    assert "accept" not in [a["action"] for a in county.get(f"/api/v1/hazards/{h['id']}").json()["allowed_actions"]]
    r = _go(county, h["id"], "accept")
    assert r.status_code == 403 and "职责分离" in r.json()["error"]["message"]
    colleague = client_for("county_officer", "350102")
    assert _go(colleague, h["id"], "accept").status_code == 200
