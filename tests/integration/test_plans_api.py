"""Contingency plans through the HTTP API (SQLite and PostgreSQL): lifecycle and versions, the diff,
activation into a task board with a controlled clock, overdue flags, drills feeding a revision, the
template import, and what dispatch asks for (matching plans, resources)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from tests.integration.samples_plans import CONTENT, make_plan
from yingji.core.auth import system_principal
from yingji.plans import actions, service
from yingji.plans.importing import template_docx, template_xlsx
from yingji.plans.models import PlanTask

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def county(client_for):
    return client_for("county_officer", "350102")


@pytest.fixture
def drill_app(app, database):
    """The application in an installation that allows a set clock (drills, tests)."""
    from yingji.app import create_app

    return create_app(app.state.settings.model_copy(update={"clock_override": True}), database=database,
                      start_background=False)


def _new(client, **extra):
    body = {"title": "鼓楼区防台风应急预案", "kind": "special", "level": "county", "division_code": "350102",
            "department": "鼓楼区应急管理局", "content": CONTENT, **extra}
    r = client.post("/api/v1/plans", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_plan_lifecycle_with_versions_and_a_readable_diff(county):
    p = _new(county)
    assert p["state"] == "draft" and p["version"] == 1 and p["can_edit"] and p["actions"] == ["approve"]
    assert p["incident_types"] == ["typhoon"]
    content = {**CONTENT, "resources": [{"unit_type": "water_team", "count": 4, "note": "易涝点前置", "levels": []}]}
    r = county.patch(f"/api/v1/plans/{p['id']}", json={"content": content, "note": "增加水域救援力量"})
    assert r.status_code == 200 and r.json()["version"] == 2
    r = county.post(f"/api/v1/plans/{p['id']}/transitions", json={"action": "file", "filing_no": "X"})
    assert r.status_code == 409 and "不能备案" in r.json()["error"]["message"]
    r = county.post(f"/api/v1/plans/{p['id']}/transitions", json={"action": "approve"})
    assert r.status_code == 200 and r.json()["state"] == "approved" and r.json()["version"] == 3
    assert not r.json()["can_edit"] and r.json()["can_activate"]
    r = county.patch(f"/api/v1/plans/{p['id']}", json={"title": "改名"})
    assert r.status_code == 403 and "启动修订" in r.json()["error"]["message"]
    r = county.post(f"/api/v1/plans/{p['id']}/transitions", json={"action": "file"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "filing_no"
    r = county.post(f"/api/v1/plans/{p['id']}/transitions", json={"action": "file", "filing_no": "鼓应急备〔2026〕12号"})
    assert r.json()["state"] == "filed" and r.json()["filing_no"] == "鼓应急备〔2026〕12号"
    r = county.post(f"/api/v1/plans/{p['id']}/transitions", json={"action": "revise"})
    assert r.json()["state"] == "revised" and r.json()["can_edit"]

    versions = county.get(f"/api/v1/plans/{p['id']}/versions").json()
    assert [v["number"] for v in versions] == [3, 2, 1]
    assert [v["state"] for v in versions] == ["approved", "draft", "draft"]
    v1 = county.get(f"/api/v1/plans/{p['id']}/versions/1").json()
    assert v1["content"]["resources"][0]["count"] == 2  # the snapshot is immutable
    d = county.get(f"/api/v1/plans/{p['id']}/diff", params={"from": 1, "to": 2}).json()
    assert d["changes"] == [{"section": "调用资源", "op": "changed", "before": "水域救援队 × 2（各级） 易涝点前置",
                             "after": "水域救援队 × 4（各级） 易涝点前置"}]
    assert county.get(f"/api/v1/plans/{p['id']}/diff").json()["from_version"] == 2  # default: previous → current

    # the library filters
    listed = county.get("/api/v1/plans", params={"state": "revised", "incident_type": "typhoon"}).json()
    assert p["id"] in [x["id"] for x in listed["items"]]
    assert p["id"] not in [x["id"] for x in county.get("/api/v1/plans", params={"kind": "general"}).json()["items"]]


def test_bad_content_is_a_chinese_422(county):
    bad = {**CONTENT, "resources": [{"unit_type": "tank", "count": 1}]}
    r = county.post("/api/v1/plans", json={"title": "错误预案", "kind": "special", "level": "county",
                                           "division_code": "350102", "content": bad})
    assert r.status_code == 422 and "力量类型" in r.text
    r = county.post("/api/v1/plans", json={"title": "越界预案", "kind": "special", "level": "county",
                                           "division_code": "350121"})
    assert r.status_code == 403


def test_activation_creates_the_task_board_with_deadlines_on_a_controlled_clock(county, drill_app, database):
    pid = make_plan(database, state="filed")
    with TestClient(drill_app, headers=dict(county.headers)) as client:
        r = client.post(f"/api/v1/plans/{pid}/activations", json={
            "incident_type": "typhoon", "grade": "Ⅱ", "title": "台风“海葵”", "lon": 119.3, "lat": 26.08,
            "at": T0.isoformat()})
        assert r.status_code == 201, r.text
        board = r.json()
    assert board["response_level"] == 2 and board["incident_id"] is None
    assert [(t["title"], t["deadline_minutes"]) for t in board["tasks"]] == [("发布启动响应通知", 15), ("汇总报送灾情", 120)]
    due = [datetime.fromisoformat(t["due_at"]) for t in board["tasks"]]
    assert due == [T0 + timedelta(minutes=15), T0 + timedelta(minutes=120)]
    assert board["resources"] == [{"unit_type": "water_team", "count": 2, "note": "易涝点前置"}]
    assert [t["status"] for t in board["tasks"]] == ["todo", "todo"]

    # the clock is not settable in a production installation
    r = county.post(f"/api/v1/plans/{pid}/activations", json={"incident_type": "typhoon", "grade": 2,
                                                               "at": T0.isoformat()})
    assert r.status_code == 422 and r.json()["error"]["field"] == "at"

    # 20 minutes in: the 15-minute task is overdue, the 2-hour one is not
    with database.session() as s:
        # (the shared database holds other tests' boards: look at this one's tasks)
        flagged = actions.check_overdue(s, system_principal(), T0 + timedelta(minutes=20))
        assert [t.title for t in flagged if t.activation_id == board["id"]] == ["发布启动响应通知"]
        again = actions.check_overdue(s, system_principal(), T0 + timedelta(minutes=21))
        assert [t for t in again if t.activation_id == board["id"]] == []  # flagged once
    first, second = board["tasks"]
    r = county.patch(f"/api/v1/plans/tasks/{second['id']}", json={"status": "doing", "person": "林志强"})
    assert r.status_code == 200 and r.json()["status_label"] == "进行中" and r.json()["started_at"]
    r = county.patch(f"/api/v1/plans/tasks/{first['id']}", json={"status": "done"})
    assert r.json()["overdue"] is True  # done late stays marked
    b = county.get(f"/api/v1/plans/activations/{board['id']}").json()
    assert (b["tasks_total"], b["tasks_done"], b["tasks_overdue"]) >= (2, 1, 1)
    assert county.get("/api/v1/plans/activations", params={"plan_id": pid}).json()["items"][0]["tasks_done"] == 1

    r = county.post(f"/api/v1/plans/activations/{board['id']}/close")
    assert r.status_code == 200 and r.json()["state"] == "closed"
    r = county.patch(f"/api/v1/plans/tasks/{second['id']}", json={"status": "done"})
    assert r.status_code == 409


def test_activation_needs_an_approved_plan_and_accepts_an_incident_id(county, client_for, database):
    draft = make_plan(database, state="draft")
    r = county.post(f"/api/v1/plans/{draft}/activations", json={"incident_type": "typhoon", "grade": 2})
    assert r.status_code == 409 and "审批或备案" in r.json()["error"]["message"]
    pid = make_plan(database)
    r = county.post(f"/api/v1/plans/{pid}/activations", json={"incident_id": 4711, "incident_type": "typhoon",
                                                               "grade": "重大"})
    assert r.status_code == 201 and r.json()["incident_id"] == 4711 and r.json()["title"] == "事件 #4711"
    assert county.get("/api/v1/plans/activations", params={"incident_id": 4711}).json()["total"] == 1
    leader = client_for("leader", "350102")  # a read-only leader cannot start plans
    r = leader.post(f"/api/v1/plans/{pid}/activations", json={"incident_type": "typhoon", "grade": 2})
    assert r.status_code == 403
    dispatcher = client_for("dispatcher", "350102")  # the duty room's dispatcher can
    r = dispatcher.post(f"/api/v1/plans/{pid}/activations", json={"incident_type": "typhoon", "grade": 2})
    assert r.status_code == 201


def test_matching_plans_and_resources_for_dispatch(county, database):
    special = make_plan(database, content={**CONTENT, "triggers": [
        {"incident_type": "hazchem", "grades": [1, 2, 3], "response_level": 2, "condition": ""}],
        "resources": [{"unit_type": "hazmat_team", "count": 2, "note": "", "levels": []}]}, title="危化品测试预案")
    general = make_plan(database, level="city", division_code="350100", title="总体测试预案", content={
        **CONTENT, "triggers": [{"incident_type": "*", "grades": [1, 2], "response_level": 1, "condition": ""}],
        "resources": [{"unit_type": "medical_team", "count": 3, "note": "", "levels": [1]}]})
    draft = make_plan(database, state="draft", content={**CONTENT, "triggers": [
        {"incident_type": "hazchem", "grades": [], "response_level": 1, "condition": ""}]})
    with database.session() as s:
        ids = [m["plan_id"] for m in service.matching_plans(s, "hazchem", "Ⅱ")]
        assert ids.index(special) < ids.index(general) and draft not in ids  # special first; drafts never
        assert general not in [m["plan_id"] for m in service.matching_plans(s, "hazchem", 3)]
        rows = service.resources_for(s, "hazchem", 2, "350102001")
        assert {"unit_type": "hazmat_team", "count": 2, "note": "", "plan_id": special} in rows
        assert {"unit_type": "medical_team", "count": 3, "note": "", "plan_id": general} in rows
        assert special not in [r["plan_id"] for r in service.resources_for(s, "hazchem", 2, "350121001")]
        from yingji.core import hooks

        suggestions = hooks.collect(s, system_principal(), "incidents.plan_suggestions", incident_type="hazchem",
                                    grade=2, division_code="350102")
        assert suggestions and suggestions[0][0]["href"] == f"/command/plans/{special}"
    r = county.get("/api/v1/plans/resources", params={"incident_type": "hazchem", "grade": "2"})
    assert r.status_code == 200 and any(x["plan_id"] == special for x in r.json())
    assert county.get("/api/v1/plans/match", params={"incident_type": "hazchem", "grade": "九"}).status_code == 422


def test_a_drill_is_evaluated_and_its_findings_feed_a_revision(county, database):
    pid = make_plan(database, state="filed")
    r = county.post("/api/v1/plans/drills", json={"plan_id": pid, "title": "防台风桌面推演", "kind": "tabletop",
                                                  "held_at": "2026-10-20T09:00:00+08:00", "participants": "区应急局"})
    assert r.status_code == 201, r.text
    did = r.json()["id"]
    assert county.post(f"/api/v1/plans/drills/{did}/revision").status_code == 422  # not evaluated yet
    r = county.post(f"/api/v1/plans/drills/{did}/evaluation", json={"score": 78, "findings": [
        {"text": "通讯保障组未在 30 分钟内建立现场通讯", "section": "roles", "severity": "high"}]})
    assert r.status_code == 200 and r.json()["score"] == 78
    r = county.post(f"/api/v1/plans/drills/{did}/revision")
    assert r.status_code == 200 and r.json()["state"] == "revised" and r.json()["can_edit"]
    notes = r.json()["content"]["revision_notes"]
    assert notes[-1]["drill_id"] == did and "现场通讯" in notes[-1]["text"]
    d = county.get(f"/api/v1/plans/{pid}/diff").json()
    assert d["changes"][0]["section"] == "修订事项" and d["changes"][0]["op"] == "added"
    assert county.get(f"/api/v1/plans/drills/{did}").json()["revision_version"] == r.json()["version"]
    assert county.post(f"/api/v1/plans/drills/{did}/revision").status_code == 409  # once


def test_import_from_the_word_and_excel_templates(county):
    r = county.get("/api/v1/plans/template.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = county.get("/api/v1/plans/template.docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = county.post("/api/v1/plans/import", files={"file": ("模板.docx", template_docx(), "application/octet-stream")},
                    data={"dry_run": "true"})
    assert r.status_code == 200 and r.json()["ok"] and r.json()["plan_id"] is None
    r = county.post("/api/v1/plans/import", files={"file": ("模板.xlsx", template_xlsx(), "application/octet-stream")})
    assert r.json()["ok"] and r.json()["plan_id"]
    plan = county.get(f"/api/v1/plans/{r.json()['plan_id']}").json()
    assert plan["title"] == "XX区防台风应急预案" and plan["state"] == "draft" and len(plan["content"]["roles"]) == 2

    wb = load_workbook(io.BytesIO(template_xlsx()))
    wb["职责任务"].append(["值班调度", "", "", "布置任务", "半小时", ""])
    buf = io.BytesIO()
    wb.save(buf)
    r = county.post("/api/v1/plans/import", files={"file": ("坏.xlsx", buf.getvalue(), "application/octet-stream")})
    assert r.json()["ok"] is False and r.json()["plan_id"] is None
    assert r.json()["errors"] == [{"where": "工作表“职责任务”第 5 行", "message": "时限须为分钟数：“半小时”"}]


def test_pages_render_and_refuse_outsiders(county, client_for, database):
    pid = make_plan(database)
    with database.session() as s:
        from yingji.plans.schemas import ActivationIn

        a = actions.activate_plan(s, system_principal(), pid, ActivationIn(incident_type="typhoon", grade=2))
        aid = a.id
        assert s.scalar(select(PlanTask.id).where(PlanTask.activation_id == aid)) is not None
    for path in ("/command/plans", f"/command/plans/{pid}", f"/command/plans/activations/{aid}", "/command/drills"):
        r = county.get(path)
        assert r.status_code == 200 and "应急" in r.text, path
    outsider = client_for("county_officer", "350121")
    for path in (f"/command/plans/{pid}", f"/command/plans/activations/{aid}"):
        r = outsider.get(path)
        assert r.status_code == 404 and "不存在" in r.text
    # a township of the county reads its county's plan (not another county's)
    town = client_for("township_officer", "350102001")
    assert town.get(f"/api/v1/plans/{pid}").status_code == 200
    assert town.get(f"/api/v1/plans/{pid}").json()["can_activate"] is False
    card = next(c for c in county.get("/api/v1/home").json()["cards"] if c["key"] == "plans.active")
    assert card["count"] >= 1 and card["by_district"].get("350102", 0) >= 1


def test_the_background_check_flags_overdue_tasks_and_can_be_switched_off(app, database):
    from yingji.plans import background
    from yingji.plans.schemas import ActivationIn

    pid = make_plan(database)
    with database.session() as s:
        a = actions.activate_plan(s, system_principal(), pid, ActivationIn(incident_type="typhoon", grade=2),
                                  now=T0 - timedelta(days=1))
    settings = app.state.settings
    assert background.start(settings.model_copy(update={"plans_overdue_interval": 0}), database, None) is None
    assert background.run_once(settings, database) >= 2
    with database.session() as s:
        assert all(t.overdue for t in s.scalars(select(PlanTask).where(PlanTask.activation_id == a.id)))
    assert background.run_once(settings, database) == 0  # flagged once
