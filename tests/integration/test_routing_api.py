"""Routing through the HTTP API on the real Fuzhou network (SQLite and PostgreSQL): travel times,
routes, closures that take effect at once, the fallback model labelled, attribution, permissions."""

from __future__ import annotations

from sqlalchemy import select

from yingji.core.audit import AuditRecord

# 鼓楼 (near 东街口) → 台江 (near 万达), both inside the central-city network
GULOU = {"lon": 119.2965, "lat": 26.0870}
TAIJIANG = {"lon": 119.3150, "lat": 26.0600}
CANGSHAN = {"lon": 119.3120, "lat": 26.0380}
PINGTAN = {"lon": 119.7900, "lat": 25.5000}  # outer county, not covered by the network


def test_travel_times_route_and_status(client_for):
    c = client_for("city_duty")
    r = c.post("/api/v1/routing/travel-times", json={"origins": [GULOU, CANGSHAN, PINGTAN], "dest": TAIJIANG})
    assert r.status_code == 200, r.text
    body = r.json()
    assert "OpenStreetMap" in body["attribution"]
    items = body["items"]
    assert [i["index"] for i in items] == [0, 1, 2]
    assert [i["model"] for i in items] == ["network", "network", "fallback"]
    assert items[0]["label"].startswith("路网（") and "速度系数 0.7" in items[0]["label"]
    assert items[2]["label"].startswith("估算模型：直线距离×迂回系数1.4÷") and "覆盖范围外" in items[2]["label"]
    assert 120 < items[0]["seconds"] < 1800 and items[0]["minutes"] == round(items[0]["seconds"] / 60, 2)

    top = c.post("/api/v1/routing/travel-times", json={"origins": [PINGTAN, GULOU, CANGSHAN], "dest": TAIJIANG,
                                                       "k": 2}).json()["items"]
    assert len(top) == 2 and top[0]["seconds"] <= top[1]["seconds"] and {t["index"] for t in top} == {1, 2}

    rt = c.post("/api/v1/routing/route", json={"origin": GULOU, "dest": TAIJIANG}).json()
    assert rt["model"] == "network" and len(rt["coords"]) > 5 and rt["link_ids"]
    assert rt["coords"][0] == [GULOU["lon"], GULOU["lat"]] and "OpenStreetMap" in rt["attribution"]

    st = c.get("/api/v1/routing/status").json()
    assert st["nodes"] == 16539 and st["links"] == 34056 and "OpenStreetMap" in st["attribution"]


def test_time_of_day_factor(client_for):
    c = client_for("city_duty")
    rush = c.post("/api/v1/routing/travel-times", json={
        "origins": [GULOU], "dest": TAIJIANG, "at": "2026-12-01T08:00:00+08:00"}).json()["items"][0]
    noon = c.post("/api/v1/routing/travel-times", json={
        "origins": [GULOU], "dest": TAIJIANG, "at": "2026-12-01T12:00:00+08:00"}).json()["items"][0]
    assert rush["seconds"] > noon["seconds"] and "时段系数 0.75" in rush["label"]


def test_closure_takes_effect_at_once_and_reopen_restores(client_for, database):
    c = client_for("county_officer", "350102")
    at = "2026-12-01T12:00:00+08:00"
    before = c.post("/api/v1/routing/route", json={"origin": GULOU, "dest": TAIJIANG, "at": at}).json()
    links = before["link_ids"][len(before["link_ids"]) // 3:][:4]
    r = c.post("/api/v1/routing/closures", json={"reason": "下穿隧道积水", "link_ids": links})
    assert r.status_code == 201, r.text
    closure = r.json()
    assert closure["state"] == "active" and closure["links_affected"] == len(links)
    assert closure["division_code"] == "350102"
    after = c.post("/api/v1/routing/route", json={"origin": GULOU, "dest": TAIJIANG, "at": at}).json()
    assert after["seconds"] > before["seconds"] and not set(links) & set(after["link_ids"])
    tt = c.post("/api/v1/routing/travel-times", json={"origins": [GULOU], "dest": TAIJIANG, "at": at}).json()
    assert abs(tt["items"][0]["seconds"] - after["seconds"]) < 0.2

    listed = c.get("/api/v1/routing/closures", params={"state": "active"}).json()
    assert closure["id"] in [x["id"] for x in listed["items"]]
    assert c.get(f"/api/v1/routing/closures/{closure['id']}").json()["reason"] == "下穿隧道积水"

    r = c.post(f"/api/v1/routing/closures/{closure['id']}/reopen", json={"reason": "积水已排除"})
    assert r.status_code == 200 and r.json()["state"] == "reopened"
    again = c.post("/api/v1/routing/route", json={"origin": GULOU, "dest": TAIJIANG, "at": at}).json()
    assert abs(again["seconds"] - before["seconds"]) < 0.2
    assert c.post(f"/api/v1/routing/closures/{closure['id']}/reopen", json={}).status_code == 409
    with database.session() as s:
        actions = set(s.scalars(select(AuditRecord.action).where(AuditRecord.entity_type == "routing_closure",
                                                                 AuditRecord.entity_id == str(closure["id"]))))
    assert actions == {"routing.closure_created", "routing.closure_reopened"}


def test_polygon_closure_and_congestion(client_for):
    c = client_for("dispatcher")  # a dispatch desk may close roads too
    at = "2026-12-01T12:00:00+08:00"
    x, y = TAIJIANG["lon"], TAIJIANG["lat"]
    ring = [[x - 0.004, y - 0.004], [x + 0.004, y - 0.004], [x + 0.004, y + 0.004], [x - 0.004, y + 0.004],
            [x - 0.004, y - 0.004]]
    base = c.post("/api/v1/routing/travel-times", json={"origins": [GULOU], "dest": TAIJIANG, "at": at}).json()
    r = c.post("/api/v1/routing/closures", json={"reason": "城区内涝", "kind": "slow", "speed_factor": 0.25,
                                                "polygon": {"type": "Polygon", "coordinates": [ring]}})
    assert r.status_code == 201, r.text
    assert r.json()["links_affected"] > 10
    slow = c.post("/api/v1/routing/travel-times", json={"origins": [GULOU], "dest": TAIJIANG, "at": at}).json()
    assert slow["items"][0]["seconds"] > base["items"][0]["seconds"]
    assert slow["network_version"] > base["network_version"]
    assert c.post(f"/api/v1/routing/closures/{r.json()['id']}/reopen", json={}).status_code == 200


def test_closure_validation_and_permissions(client_for):
    officer = client_for("county_officer", "350102")
    r = officer.post("/api/v1/routing/closures", json={"reason": "x", "link_ids": ["no_such_link"]})
    assert r.status_code == 422 and "没有路段" in r.text
    r = officer.post("/api/v1/routing/closures", json={"reason": "x"})
    assert r.status_code == 422
    r = officer.post("/api/v1/routing/closures", json={"reason": "x", "kind": "slow", "link_ids": ["l_0_0_f"]})
    assert r.status_code == 422
    r = officer.post("/api/v1/routing/closures", json={"reason": "越界", "link_ids": ["l_0_0_f"],
                                                      "division_code": "350104"})
    assert r.status_code == 403
    leader = client_for("leader")
    assert leader.post("/api/v1/routing/closures", json={"reason": "x", "link_ids": ["l_0_0_f"]}).status_code == 403
    # travel times are open to every role that may sign in and reveal no records (a read-only API
    # token cannot POST: core allows it GET only — see docs/routing.md)
    reader = client_for("township_officer", "350104001")
    r = reader.post("/api/v1/routing/travel-times", json={"origins": [GULOU], "dest": TAIJIANG})
    assert r.status_code == 200 and set(r.json()) == {"items", "attribution", "network_version"}
    bad = reader.post("/api/v1/routing/travel-times", json={"origins": [], "dest": TAIJIANG})
    assert bad.status_code == 422


def test_closures_outside_scope_are_hidden(client_for):
    a = client_for("county_officer", "350102")
    cid = a.post("/api/v1/routing/closures", json={"reason": "鼓楼封闭", "link_ids": ["l_1_0_f"]}).json()["id"]
    b = client_for("county_officer", "350104")
    assert b.get(f"/api/v1/routing/closures/{cid}").status_code == 404
    assert cid not in [x["id"] for x in b.get("/api/v1/routing/closures").json()["items"]]
    assert b.post(f"/api/v1/routing/closures/{cid}/reopen", json={}).status_code in (403, 404)
    assert a.post(f"/api/v1/routing/closures/{cid}/reopen", json={}).status_code == 200


def test_closure_map_shows_links_and_area_in_scope(client_for):
    a = client_for("county_officer", "350102")
    x, y = GULOU["lon"], GULOU["lat"]
    ring = [[x - 0.002, y - 0.002], [x + 0.002, y - 0.002], [x + 0.002, y + 0.002], [x - 0.002, y - 0.002]]
    cid = a.post("/api/v1/routing/closures", json={"reason": "地图样例", "polygon": {
        "type": "Polygon", "coordinates": [ring]}}).json()["id"]
    fc = a.get("/api/v1/routing/closure-map").json()
    mine = [f for f in fc["features"] if f["properties"]["closure_id"] == cid]
    assert {f["properties"]["part"] for f in mine} == {"area", "links"}
    links = next(f for f in mine if f["properties"]["part"] == "links")
    assert len(links["geometry"]["coordinates"]) == links["properties"]["links_affected"]
    assert "OpenStreetMap" in fc["attribution"]
    other = client_for("county_officer", "350104").get("/api/v1/routing/closure-map").json()
    assert cid not in [f["properties"]["closure_id"] for f in other["features"]]
    assert a.post(f"/api/v1/routing/closures/{cid}/reopen", json={}).status_code == 200
    assert cid not in [f["properties"]["closure_id"] for f in a.get("/api/v1/routing/closure-map").json()["features"]]
