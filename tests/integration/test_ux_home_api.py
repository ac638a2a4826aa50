"""The duty officer's home page API (GET /api/v1/home): cards from every package, counted per county in
the user's jurisdiction, each count the size of the list it links to; slots for the coming domains;
a failing card costs only itself — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

from tests.integration.samples_hazards import make_unit
from yingji.core import hooks
from yingji.core.home import HOME_HOOK, SLOTS

JINAN = "350111001"  # 晋安区 茶园街道 (no other test uses 晋安区)
JINAN_COUNTY = "350111"
MAWEI = "350105100"  # 马尾区 马尾镇
MAWEI_COUNTY = "350105"


def _hazard(client, unit_id: int, deadline: datetime | None, tier: str = "general") -> dict:
    body = {"unit_id": unit_id, "title": "首页样例隐患", "tier": tier}
    if deadline is not None:
        body["deadline"] = deadline.isoformat()
    r = client.post("/api/v1/hazards", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _cards(client, division: str | None = None) -> dict:
    r = client.get("/api/v1/home", params={"division": division} if division else {})
    assert r.status_code == 200, r.text
    return r.json()


def _card(data: dict, key: str) -> dict:
    return next(c for c in data["cards"] if c["key"] == key)


def _list_total(client, href: str, division: str) -> int:
    """The size of the list a card links to (its page URL → the same filters on the API)."""
    url = urlsplit(href)
    params = dict(parse_qsl(url.query)) | {"division": division, "page_size": 1}
    api = {"/supervision/hazards": "/api/v1/hazards", "/supervision/ledger": "/api/v1/hazards/ledger"}[url.path]
    r = client.get(api, params=params)
    assert r.status_code == 200, r.text
    return r.json()["total"]


def test_cards_count_per_county_and_each_count_is_its_list(client_for, database):
    city = client_for("city_duty", "350100")
    now = datetime.now(UTC)
    unit_j = make_unit(database, division_code=JINAN)
    unit_m = make_unit(database, division_code=MAWEI)
    _hazard(city, unit_j, now + timedelta(days=3))  # due within 7 days
    _hazard(city, unit_j, now + timedelta(days=40))  # not due yet
    _hazard(city, unit_m, now + timedelta(days=1))
    data = _cards(city)
    due = _card(data, "hazards.due")
    assert due["by_district"].get(JINAN_COUNTY, 0) >= 1 and due["by_district"].get(MAWEI_COUNTY, 0) >= 1
    assert due["count"] == sum(due["by_district"].values())
    # every county's count is exactly the list the card links to, filtered to that county
    for county, n in due["by_district"].items():
        assert _list_total(city, due["href"], county) == n, county
    narrowed = _cards(city, JINAN)
    assert set(_card(narrowed, "hazards.due")["by_district"]) == {JINAN_COUNTY}
    assert _card(narrowed, "hazards.due")["count"] == due["by_district"][JINAN_COUNTY]
    # every slot is listed; one a domain fills is one of the cards (whether it is filled depends on
    # the data the other tests left in this shared database), and no domain's card failed
    assert [s["key"] for s in data["slots"]] == [k for k, _, _ in SLOTS]
    assert {s["key"] for s in data["slots"] if s["provided"]} <= {c["key"] for c in data["cards"]}
    assert data["failed"] == []
    assert {"hazards.listed", "risk.major", "enforcement.month"} <= {c["key"] for c in data["cards"]}


def test_a_county_user_sees_only_its_county_and_an_enterprise_only_its_unit(client_for, database):
    now = datetime.now(UTC)
    city = client_for("city_duty", "350100")
    unit_j = make_unit(database, division_code=JINAN)
    other = make_unit(database, division_code=JINAN)
    _hazard(city, unit_j, now + timedelta(days=2))
    _hazard(city, other, now + timedelta(days=2))
    jinan = client_for("county_officer", JINAN_COUNTY)
    due = _card(_cards(jinan), "hazards.due")
    assert set(due["by_district"]) == {JINAN_COUNTY}
    outsider = client_for("county_officer", MAWEI_COUNTY)
    assert JINAN_COUNTY not in _card(_cards(outsider), "hazards.due")["by_district"]
    ent = client_for("enterprise_manager", JINAN, unit_id=unit_j)
    mine = _card(_cards(ent), "hazards.due")
    own = ent.get("/api/v1/hazards", params={"due_within_days": 7, "page_size": 1}).json()["total"]
    assert mine["count"] == own and own >= 1  # its unit's hazards, not its neighbour's
    assert "enforcement.month" not in {c["key"] for c in _cards(ent)["cards"]}  # plans are the bureau's


def test_todo_card_only_for_those_who_act(client_for, database):
    leader = client_for("leader", "350100")
    assert "hazards.todo" not in {c["key"] for c in _cards(leader)["cards"]}  # read-only: nothing to do
    county = client_for("county_officer", MAWEI_COUNTY)
    unit = make_unit(database, division_code=MAWEI)
    before = _card(_cards(county), "hazards.todo")["count"]
    _hazard(county, unit, None)  # reported: the county must confirm it
    after = _card(_cards(county), "hazards.todo")
    assert after["count"] == before + 1 and after["by_district"][MAWEI_COUNTY] == after["count"]
    assert _list_total(county, after["href"], MAWEI_COUNTY) == after["count"]


def test_a_failing_card_costs_only_itself(client_for, monkeypatch):
    def broken(db, principal, *, division):
        raise RuntimeError("boom")

    def malformed(db, principal, *, division):
        return {"key": "bad key", "title": "坏卡片", "count": -1, "href": "x"}

    from tests.integration.test_risk_api import make_unit as register_unit

    handlers = dict(hooks._HANDLERS)
    monkeypatch.setitem(hooks._HANDLERS, HOME_HOOK, [*handlers[HOME_HOOK], broken, malformed])
    city = client_for("city_duty", "350100")
    register_unit(city, town=MAWEI)  # a write: a new data version, so no cached answer is reused
    data = _cards(city)
    assert len(data["failed"]) == 2
    assert {"hazards.due", "risk.major"} <= {c["key"] for c in data["cards"]}


def test_division_outside_the_jurisdiction_shows_nothing_of_it(client_for):
    county = client_for("county_officer", MAWEI_COUNTY)
    data = _cards(county, JINAN)
    assert all(not c["by_district"] and c["count"] == 0 for c in data["cards"])
