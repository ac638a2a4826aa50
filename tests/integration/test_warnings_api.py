"""Warnings through the HTTP API on SQLite and PostgreSQL: draft → two-person approval → publish
(CAP version, broadcast campaign) → update (upgrade) → cancel, with the CAP chain; refusals."""

from __future__ import annotations

import pytest
from lxml import etree

from yingji.warnings import cap

TOWN = "350102001"
NS = {"c": cap.NS}


@pytest.fixture
def author(client_for):
    return client_for("county_officer", "350102")


@pytest.fixture
def approver(client_for):
    return client_for("county_officer", "350102")


def _draft(client, **extra):
    body = {"hazard_type": "typhoon", "level": "orange", "area": {
        "divisions": [TOWN], "polygons": [[[119.28, 26.07], [119.32, 26.07], [119.32, 26.10]]],
        "circles": [{"lon": 119.30, "lat": 26.08, "radius_m": 1500}]},
        "onset": "2026-12-01T08:00:00+08:00", "expires": "2026-12-31T08:00:00+08:00", **extra}
    r = client.post("/api/v1/warnings", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _through(author, approver, wid, first="submit"):
    if first == "submit":
        r = author.post(f"/api/v1/warnings/{wid}/submit", json={"text": "请审批"})
        assert r.status_code == 200, r.text
    r = approver.post(f"/api/v1/warnings/{wid}/approve", json={"text": "同意"})
    assert r.status_code == 200, r.text
    r = approver.post(f"/api/v1/warnings/{wid}/publish")
    assert r.status_code == 200, r.text
    return r.json()


def test_draft_from_template_has_guidance_and_scope(author):
    w = _draft(author)
    assert w["status"] == "draft" and w["review"] == "editing"
    assert "台风橙色预警" in w["headline"] and "停课" in w["instruction"]
    assert w["division_code"] == "350102"  # township + drawn shapes of a county officer
    assert w["area"]["polygons"][0][0] == w["area"]["polygons"][0][-1]  # closed ring
    assert "edit" in w["allowed"] and "approve" not in w["allowed"]


def test_two_person_rule_and_rejection_with_reason(author, approver):
    w = _draft(author)
    wid = w["id"]
    assert author.post(f"/api/v1/warnings/{wid}/publish").status_code == 409  # not approved
    assert author.post(f"/api/v1/warnings/{wid}/submit", json={}).status_code == 200
    r = author.post(f"/api/v1/warnings/{wid}/approve", json={})
    assert r.status_code == 403 and "双人" in r.json()["error"]["message"]
    assert approver.post(f"/api/v1/warnings/{wid}/reject", json={"text": ""}).status_code == 422
    r = approver.post(f"/api/v1/warnings/{wid}/reject", json={"text": "范围过大，请缩小到沿海乡镇"})
    assert r.status_code == 200 and r.json()["review"] == "rejected"
    assert r.json()["reviews"][-1]["text"] == "范围过大，请缩小到沿海乡镇"
    r = author.patch(f"/api/v1/warnings/{wid}", json={"area": {"divisions": [TOWN]}})
    assert r.status_code == 200 and r.json()["revision"] == 2
    queue = approver.get("/api/v1/warnings", params={"queue": "true"}).json()["items"]
    assert wid not in [x["id"] for x in queue]  # editing, not submitted
    assert author.post(f"/api/v1/warnings/{wid}/submit", json={}).status_code == 200
    assert wid in [x["id"] for x in approver.get("/api/v1/warnings", params={"queue": "true"}).json()["items"]]
    assert wid not in [x["id"] for x in author.get("/api/v1/warnings", params={"queue": "true"}).json()["items"]]


def test_publish_update_cancel_chain_is_schema_valid_cap(author, approver):
    w = _draft(author)
    wid = w["id"]
    d = _through(author, approver, wid)
    assert d["status"] == "active" and d["version"] == 1 and d["versions"][0]["msg_type"] == "Alert"
    v1 = d["versions"][0]
    assert cap.ID_PATTERN.match(v1["identifier"]) and v1["identifier"].startswith("350102")
    # upgrade orange → red: an Update referencing v1
    r = author.post(f"/api/v1/warnings/{wid}/update", json={"level": "red", "note": "台风加强，升级为红色",
                                                            "headline": "鼓楼区台风红色预警"})
    assert r.status_code == 200 and r.json()["review"] == "pending", r.text
    d = _through(author, approver, wid, first="approve")
    assert [v["msg_type"] for v in d["versions"]] == ["Alert", "Update"] and d["level"] == "red"
    r = author.post(f"/api/v1/warnings/{wid}/cancel", json={"note": "台风已减弱远离"})
    assert r.status_code == 200, r.text
    d = _through(author, approver, wid, first="approve")
    assert d["status"] == "cancelled" and [v["msg_type"] for v in d["versions"]] == ["Alert", "Update", "Cancel"]
    ids = [v["identifier"] for v in d["versions"]]
    for n in (1, 2, 3):
        r = author.get(f"/api/v1/warnings/{wid}/versions/{n}/cap.xml")
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/cap+xml")
        assert cap.validate(r.content) == []
        doc = etree.fromstring(r.content)
        refs = (doc.findtext("c:references", namespaces=NS) or "").split()
        assert [x.split(",")[1] for x in refs] == ids[:n - 1]
        assert doc.findtext("c:sent", namespaces=NS).endswith("+08:00")
        poly = doc.findtext("c:info/c:area/c:polygon", namespaces=NS)
        if poly:
            pts = poly.split()
            assert len(pts) >= 4 and pts[0] == pts[-1]
    last = etree.fromstring(author.get(f"/api/v1/warnings/{wid}/versions/3/cap.xml").content)
    assert last.findtext("c:msgType", namespaces=NS) == "Cancel"
    params = {p.findtext("c:valueName", namespaces=NS): p.findtext("c:value", namespaces=NS)
              for p in last.iterfind("c:info/c:parameter", namespaces=NS)}
    assert params["COLOUR"] == "RED" and params["LEVEL"] == "Ⅰ级"
    # a cancelled warning takes no more steps
    assert author.post(f"/api/v1/warnings/{wid}/update", json={"note": "x"}).status_code == 409


def test_outside_jurisdiction_and_read_only_refused(client_for, author):
    other = client_for("county_officer", "350121")
    r = other.post("/api/v1/warnings", json={"hazard_type": "rainstorm", "level": "blue",
                                            "area": {"divisions": [TOWN]}})
    assert r.status_code == 403
    leader = client_for("leader", "350100")
    r = leader.post("/api/v1/warnings", json={"hazard_type": "rainstorm", "level": "blue",
                                             "area": {"divisions": [TOWN]}})
    assert r.status_code == 403
    r = author.post("/api/v1/warnings", json={"hazard_type": "rainstorm", "level": "purple",
                                             "area": {"divisions": [TOWN]}})
    assert r.status_code == 422
    r = author.post("/api/v1/warnings", json={"hazard_type": "rainstorm", "level": "blue", "area": {}})
    assert r.status_code == 422 and "发布范围" in r.json()["error"]["message"]


def test_public_page_and_atom_feed_without_login(anon, author, approver):
    w = _draft(author, hazard_type="rainstorm", level="yellow", headline="公开页面测试暴雨黄色预警")
    _through(author, approver, w["id"])
    r = anon.get("/public/warnings")
    assert r.status_code == 200 and "公开页面测试暴雨黄色预警" in r.text
    r = anon.get("/public/warnings/feed.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    feed = etree.fromstring(r.content)
    assert any("公开页面测试" in (e.text or "") for e in feed.iter("{http://www.w3.org/2005/Atom}title"))
    r = anon.get(f"/public/warnings/{w['id']}/cap.xml")
    assert r.status_code == 200 and cap.validate(r.content) == []
    draft = _draft(author)
    assert anon.get(f"/public/warnings/{draft['id']}/cap.xml").status_code == 404


def test_home_card_counts_active_warnings_per_county(client_for, author, approver):
    w = _draft(author, hazard_type="heat", level="red", headline="首页卡片测试高温红色预警")
    _through(author, approver, w["id"])
    city = client_for("city_duty", "350100")
    data = city.get("/api/v1/home").json()
    card = next(c for c in data["cards"] if c["key"] == "warnings.active")
    assert card["by_district"].get("350102", 0) >= 1 and card["count"] == sum(card["by_district"].values())
    assert next(s for s in data["slots"] if s["key"] == "warnings.active")["provided"]
    listed = city.get("/api/v1/warnings", params={"status": "active", "division": "350102", "page_size": 1}).json()
    assert listed["total"] == card["by_district"]["350102"]
