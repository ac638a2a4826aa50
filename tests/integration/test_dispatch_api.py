"""Dispatch through the HTTP API (SQLite and PostgreSQL): registry, recommendation, order, statuses,
arrival against the 5-minute standard, grade only raised, plan-based requirements, import row errors.

Travel times come from a fake router injected in place of the platform's (tests/integration/
samples_dispatch.py), so the figures are exact; test_dispatch_routing.py uses the real one.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.integration.samples_dispatch import FORCE_HEADER, FakeRouter, _xlsx
from yingji.core import hooks
from yingji.core.auth import system_principal
from yingji.core.divisions import Division

COUNTY = "350121"  # 闽侯县: no other test places forces here
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture()
def router(monkeypatch):  # type: ignore[no-untyped-def]
    fake = FakeRouter()
    monkeypatch.setattr("yingji.dispatch.service.default_router", lambda: fake)
    return fake


@pytest.fixture(scope="module")
def place(database):  # type: ignore[no-untyped-def]
    with database.session() as s:
        d = s.scalars(select(Division).where(Division.parent_code == COUNTY, Division.level == "township")
                      .order_by(Division.code)).first()
        return {"code": d.code, "lon": d.centroid_lon, "lat": d.centroid_lat}


@pytest.fixture(scope="module")
def officer(client_for):  # type: ignore[no-untyped-def]
    return client_for("county_officer", COUNTY)


_seq = iter(range(1, 10**6))


def _station(client, place, dx: float, vehicles: list[str], *, kind="station", specialties=()):  # type: ignore[no-untyped-def]
    n = next(_seq)
    r = client.post("/api/v1/dispatch/forces", json={
        "code": f"MH{n:05d}", "name": f"闽侯测试站{n}", "kind": kind, "specialties": list(specialties),
        "division_code": place["code"], "lon": place["lon"] + dx, "lat": place["lat"], "personnel": 20})
    assert r.status_code == 201, r.text
    fid = r.json()["id"]
    ids = []
    for i, t in enumerate(vehicles):
        r = client.post("/api/v1/dispatch/vehicles", json={"force_id": fid, "callsign": f"闽侯{n}-{i}", "vehicle_type": t})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return fid, ids


@pytest.fixture(scope="module")
def stations(officer, place):  # type: ignore[no-untyped-def]
    near = _station(officer, place, 0.005, ["water_tender", "water_tender", "rescue"])     # ~0.65 km
    mid = _station(officer, place, 0.02, ["water_tender", "aerial", "command", "foam"])    # ~2.6 km
    far = _station(officer, place, 0.08, ["water_tender", "water_tender", "rescue"])      # ~10 km
    team = _station(officer, place, 0.03, ["hazmat", "hazmat"], kind="professional", specialties=["hazchem"])
    return {"near": near, "mid": mid, "far": far, "team": team}


def _point(place, **kw):  # type: ignore[no-untyped-def]
    return {"lon": place["lon"], "lat": place["lat"], "incident_type": "fire"} | kw


def test_recommendation_grades_ranks_and_explains(officer, place, stations, router):
    r = officer.post("/api/v1/dispatch/recommendations", json=_point(place, trapped=3, building_type="residential"))
    assert r.status_code == 200, r.text
    rec = r.json()
    assert rec["division_code"] == place["code"]  # found from the point
    assert rec["grade"] == rec["computed_grade"] == 3 and rec["grade_label"] == "三级（黄）"
    assert any("被困 3 人" in b for b in rec["grade_basis"])
    groups = {g["unit_type"]: g for g in rec["groups"]}
    assert set(groups) == {"water_tender", "rescue", "aerial", "command"}
    tenders = groups["water_tender"]
    assert tenders["count"] == 4 and tenders["shortfall"] == 0
    secs = [c["seconds"] for c in tenders["selected"]]
    assert secs == sorted(secs)
    assert tenders["selected"][0]["force_id"] == stations["near"][0]
    assert "满足 5 分钟到场标准" in tenders["selected"][0]["reason"]
    assert "超出 5 分钟到场标准" in tenders["selected"][-1]["reason"]  # the far station
    assert groups["aerial"]["selected"][0]["vehicle_id"] == stations["mid"][1][1]
    assert rec["routing_note"] == "测试路网"


def test_grade_can_be_raised_never_lowered(officer, place, stations, router):
    r = officer.post("/api/v1/dispatch/recommendations", json=_point(place, trapped=10, fire_grade=2))
    assert r.status_code == 422 and r.json()["error"]["field"] == "fire_grade"
    assert "只能提升" in r.json()["error"]["message"]
    r = officer.post("/api/v1/dispatch/recommendations", json=_point(place, fire_grade=4))
    assert r.status_code == 200 and r.json()["grade"] == 4 and r.json()["computed_grade"] == 1


def test_specialist_team_for_hazchem(officer, place, stations, router):
    r = officer.post("/api/v1/dispatch/recommendations", json=_point(place, incident_type="hazchem"))
    hazmat = next(g for g in r.json()["groups"] if g["unit_type"] == "hazmat")
    assert hazmat["selected"][0]["force_id"] == stations["team"][0]
    assert "专业队伍" in hazmat["selected"][0]["reason"]


def test_order_statuses_arrival_and_closing(officer, place, stations, router, database):
    seen = []

    def timeline(db, actor, *, incident_id, order_id, summary):  # type: ignore[no-untyped-def]
        seen.append((incident_id, order_id, summary))

    hooks.handler("dispatch.order_issued")(timeline)
    try:
        rec = officer.post("/api/v1/dispatch/recommendations",
                           json=_point(place, incident_id=4242, trapped=1)).json()
        picks = [{"vehicle_id": c["vehicle_id"], "unit_type": g["unit_type"]}
                 for g in rec["groups"] for c in g["selected"]]
        manual = stations["far"][1][2]  # the dispatcher adds the far rescue truck by hand
        r = officer.post("/api/v1/dispatch/orders", json=_point(place, incident_id=4242, trapped=1, address="闽侯测试火场")
                         | {"vehicles": picks + [{"vehicle_id": manual, "unit_type": "rescue"}]})
        assert r.status_code == 201, r.text
        order = r.json()
    finally:
        hooks._HANDLERS["dispatch.order_issued"].remove(timeline)
    assert order["code"].startswith("DP") and order["grade"] == 2
    assert seen == [(4242, order["id"], seen[0][2])] and "调派单" in seen[0][2]
    detail = officer.get(f"/api/v1/dispatch/orders/{order['id']}").json()
    assert len(detail["units"]) == len(picks) + 1
    added = next(u for u in detail["units"] if u["vehicle_id"] == manual)
    assert added["recommended"] is False and added["reason"].startswith("调度员")
    assert all(u["status"] == "dispatched" for u in detail["units"])
    # the same vehicle cannot be sent twice
    r = officer.post("/api/v1/dispatch/orders", json=_point(place) | {"vehicles": [picks[0]]})
    assert r.status_code == 409 and "已调派" in r.json()["error"]["message"]
    # a new recommendation for the same incident keeps the grade and leaves out the busy units
    again = officer.post("/api/v1/dispatch/recommendations", json=_point(place, incident_id=4242)).json()
    assert again["grade"] == 2
    busy = {p["vehicle_id"] for p in picks} | {manual}
    assert not busy & {c["vehicle_id"] for g in again["groups"] for c in g["selected"] + g["alternatives"]}
    # raise: never lower; then add units
    r = officer.post(f"/api/v1/dispatch/orders/{order['id']}/raise", json={"grade": 1, "reason": "x"})
    assert r.status_code == 422
    r = officer.post(f"/api/v1/dispatch/orders/{order['id']}/raise", json={"grade": 3, "reason": "火势蔓延"})
    assert r.status_code == 200 and r.json()["grade"] == 3
    # arrivals against the 5-minute standard, with a controlled clock
    from yingji.dispatch import actions
    from yingji.dispatch.models import DispatchOrder
    from yingji.dispatch.schemas import StatusIn

    with database.session() as s:
        issued = s.get(DispatchOrder, order["id"]).issued_at
        first, last = detail["units"][0]["vehicle_id"], manual
        actions.set_vehicle_status(s, system_principal(), first, StatusIn(status="en_route"), now=issued + timedelta(seconds=40))
        actions.set_vehicle_status(s, system_principal(), first, StatusIn(status="on_scene"), now=issued + timedelta(seconds=280))
        actions.set_vehicle_status(s, system_principal(), last, StatusIn(status="on_scene"), now=issued + timedelta(seconds=700))
    detail = officer.get(f"/api/v1/dispatch/orders/{order['id']}").json()
    by = {u["vehicle_id"]: u for u in detail["units"]}
    assert by[first]["arrival_seconds"] == 280 and by[first]["within_standard"] is True
    assert by[last]["arrival_seconds"] == 700 and by[last]["within_standard"] is False
    # not allowed: on scene → available directly
    r = officer.post(f"/api/v1/dispatch/vehicles/{first}/status", json={"status": "available"})
    assert r.status_code == 409 and "不能从" in r.json()["error"]["message"]
    for u in detail["units"]:
        v = u["vehicle_id"]
        if officer.get(f"/api/v1/dispatch/vehicles?force_id={0}").status_code:  # keep the client warm
            pass
        status = u["status"]
        if status in ("dispatched",):
            assert officer.post(f"/api/v1/dispatch/vehicles/{v}/status", json={"status": "available"}).status_code == 200
    for v in (first, last):
        assert officer.post(f"/api/v1/dispatch/vehicles/{v}/status", json={"status": "returning"}).status_code == 200
    detail = officer.get(f"/api/v1/dispatch/orders/{order['id']}").json()
    assert detail["status"] == "closed"
    assert officer.post(f"/api/v1/dispatch/vehicles/{first}/status", json={"status": "available"}).status_code == 200
    board = {f["id"]: f for f in officer.get("/api/v1/dispatch/board").json()}
    assert all(v["status"] == "available" for v in board[stations["near"][0]]["vehicles"])


def test_plan_based_requirements(officer, place, stations, router, monkeypatch):
    import yingji.plans.service as plans_service

    monkeypatch.setattr(plans_service, "resources_for", lambda db, t, g, d=None: [
        {"unit_type": "fire_engine", "count": 5, "note": "预案：首批 5 车"},
        {"unit_type": "police", "count": 2, "note": ""}])
    rec = officer.post("/api/v1/dispatch/recommendations", json=_point(place)).json()
    assert rec["plan_based"] is True and "预案另需" in rec["plan_note"]
    tenders = next(g for g in rec["groups"] if g["unit_type"] == "water_tender")
    assert tenders["count"] == 5 and tenders["source"] == "grade+plan"
    rec = officer.post("/api/v1/dispatch/recommendations", json=_point(place, use_plan=False)).json()
    assert rec["plan_based"] is False and rec["groups"][0]["count"] == 2


def test_roles_and_scope(client_for, place, stations, router):
    leader = client_for("leader", COUNTY)
    assert leader.get("/api/v1/dispatch/board").status_code == 200
    r = leader.post("/api/v1/dispatch/orders", json=_point(place) | {
        "vehicles": [{"vehicle_id": stations["far"][1][0], "unit_type": "water_tender"}]})
    assert r.status_code == 403
    other = client_for("county_officer", "350102")
    r = other.post("/api/v1/dispatch/recommendations", json=_point(place))
    assert r.status_code == 403 and "管辖范围" in r.json()["error"]["message"]
    dispatcher = client_for("dispatcher", COUNTY)
    r = dispatcher.post("/api/v1/dispatch/recommendations", json=_point(place, incident_type="traffic"))
    assert r.status_code == 200
    pick = r.json()["groups"][0]["selected"][0]
    r = dispatcher.post("/api/v1/dispatch/orders", json=_point(place, incident_type="traffic") | {
        "vehicles": [{"vehicle_id": pick["vehicle_id"], "unit_type": "rescue"}]})
    assert r.status_code == 201
    r = dispatcher.post("/api/v1/dispatch/routes", json={"vehicle_id": pick["vehicle_id"], "lon": place["lon"],
                                                         "lat": place["lat"]})
    assert r.status_code == 200 and len(r.json()["coords"]) == 3
    assert dispatcher.post(f"/api/v1/dispatch/vehicles/{pick['vehicle_id']}/status",
                           json={"status": "available"}).status_code == 200  # cancelled


def test_import_reports_row_errors(officer, place):
    content = _xlsx([FORCE_HEADER,
                     ["IMP-1", "导入甲站", "消防救援站", "一级站", "危险化学品、水域救援", place["code"], "", place["lon"], place["lat"], 30],
                     ["IMP-2", "导入乙站", "飞行队", "", "", place["code"], "", place["lon"], place["lat"], 10],
                     ["IMP-3", "导入丙站", "专业救援队伍", "", "魔法", place["code"], "", place["lon"], place["lat"], 10],
                     ["IMP-4", "", "社会救援力量", "", "", place["code"], "", 200, place["lat"], 10],
                     ["IMP-5", "导入戊站", "社会救援力量", "", "", "350102001", "", place["lon"], place["lat"], 10]])
    r = officer.post("/api/v1/dispatch/forces/import", files={"file": ("f.xlsx", content, XLSX)})
    body = r.json()
    assert r.status_code == 200 and body["committed"] is False and body["total_rows"] == 5
    rows = {e["row"] for e in body["errors"]}
    assert rows == {3, 4, 5, 6}
    messages = " ".join(e["message"] for e in body["errors"])
    assert "飞行队" in messages and "魔法" in messages
    r = officer.post("/api/v1/dispatch/forces/import", files={"file": ("f.xlsx", content, XLSX)},
                     data={"mode": "valid_only"})
    assert r.json()["committed"] is True and r.json()["imported"] == 1
    got = officer.get("/api/v1/dispatch/forces?q=IMP-1").json()["items"]
    assert got[0]["specialties"] == ["hazchem", "water"]
    assert officer.get("/api/v1/dispatch/forces?specialty=water&q=IMP").json()["total"] == 1


def test_vehicle_import_and_the_incident_read_hook(officer, place, stations, router, database):
    from tests.integration.samples_dispatch import VEHICLE_HEADER
    from yingji.core.auth import system_principal as sp

    code = officer.get(f"/api/v1/dispatch/forces/{stations['near'][0]}").json()["code"]
    content = _xlsx([VEHICLE_HEADER, ["闽侯导入1", code, "泡沫消防车", "泡沫 6 t、水 2 t", 6],
                     ["闽侯导入2", "NO-SUCH", "水罐消防车", "", 4], ["闽侯导入3", code, "飞艇", "", 4]])
    body = officer.post("/api/v1/dispatch/vehicles/import", files={"file": ("v.xlsx", content, XLSX)},
                        data={"mode": "valid_only"}).json()
    assert body["committed"] is True and body["imported"] == 1 and {e["row"] for e in body["errors"]} == {3, 4}
    got = officer.get(f"/api/v1/dispatch/vehicles?force_id={stations['near'][0]}&vehicle_type=foam").json()["items"]
    assert got[0]["callsign"] == "闽侯导入1" and got[0]["capabilities"] == ["泡沫 6 t", "水 2 t"]
    with database.session() as s:
        out = hooks.collect(s, sp(), "incidents.dispatch_orders", incident_id=4242, lon=place["lon"], lat=place["lat"])
    assert out and isinstance(out[0]["orders"], list) and out[0]["recommend_href"].startswith("/command/dispatch?incident_id=4242")


def test_expert_import_and_suggestion(officer, place, stations, router):
    from tests.integration.samples_dispatch import EXPERT_HEADER

    content = _xlsx([EXPERT_HEADER, ["林工", "危险化学品、火灾扑救", "省化工设计院", "高级工程师", "13800001234", place["code"]],
                     ["", "危险化学品", "", "", "", place["code"]], ["王工", "炼丹", "", "", "", place["code"]]])
    body = officer.post("/api/v1/dispatch/experts/import", files={"file": ("e.xlsx", content, XLSX)},
                        data={"mode": "valid_only"}).json()
    assert body["imported"] == 1 and {e["row"] for e in body["errors"]} == {3, 4}
    assert officer.get("/api/v1/dispatch/experts?specialty=hazchem").json()["total"] >= 1
    rec = officer.post("/api/v1/dispatch/recommendations", json=_point(place, incident_type="hazchem")).json()
    assert any(e["name"] == "林工" for e in rec["experts"])


def test_home_card(officer, stations):
    cards = {c["key"]: c for c in officer.get("/api/v1/home").json()["cards"]}
    card = cards["dispatch.out"]
    assert card["href"] == "/command/forces" and "可调派" in card["note"]
    assert sum(p["count"] for p in card["parts"]) >= 10
