"""The broadcast API and pages on SQLite and PostgreSQL: recipients, live counts, drills, coverage."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete

from yingji.broadcast import service
from yingji.broadcast.channels import HttpChannel
from yingji.broadcast.delivery import Deliverer, technical
from yingji.broadcast.gateway import Gateway
from yingji.broadcast.models import Campaign, Delivery, Recipient
from yingji.config import Settings

TOWNSHIP = "350102001"


def _wipe(database: Any) -> None:
    with technical(database) as db:
        db.execute(delete(Delivery))
        db.execute(delete(Campaign))
        db.execute(delete(Recipient))
    service.forget_index()


@pytest.fixture(autouse=True)
def clean(database):  # type: ignore[no-untyped-def]
    # the session's database is shared: other tests (the actions walk, warnings) leave recipients and campaigns
    _wipe(database)
    yield
    _wipe(database)


def register(client: Any, **kw: Any) -> dict[str, Any]:
    body = {"kind": "sms", "division_code": TOWNSHIP, "lon": 119.30, "lat": 26.08, "address": "13900000000"} | kw
    r = client.post("/api/v1/broadcast/recipients", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_register_count_drill_deliver_and_coverage(client_for, database):  # type: ignore[no-untyped-def]
    city = client_for("city_duty", "350100")
    register(city, address="13900000001", population=3)
    register(city, kind="app", address="device-1", population=2)
    term = register(city, kind="terminal", level="village", division_code=TOWNSHIP + "001", lon=None, lat=None,
                    address="T1", population=400)
    assert term["located"] is False  # placed at its division's representative point
    register(city, division_code="350103001", lon=119.33, lat=26.05, address="13900000009")
    listed = city.get("/api/v1/broadcast/recipients", params={"division_code": "350102"}).json()
    assert listed["total"] == 3
    count = city.post("/api/v1/broadcast/count", json={"divisions": ["350102"]}).json()
    assert count["by_kind"] == {"terminal": 1, "sms": 1, "app": 1, "official": 0} and count["population"] == 405
    circle = city.post("/api/v1/broadcast/count", json={"circles": [{"lon": 119.30, "lat": 26.08, "radius_m": 300}]})
    assert circle.json()["recipients"] == 2  # the located subscribers, not the terminal at the township's point
    bad = city.post("/api/v1/broadcast/count", json={"polygons": [[[119.3, 26.0], [119.3, 26.0], [119.31, 26.0]]]})
    assert bad.status_code == 422 and "多边形" in bad.json()["error"]["message"], bad.text

    r = city.post("/api/v1/broadcast/drills", json={"area": {"divisions": ["350102"]}, "text": "演练内容"})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    assert r.json()["state"] == "targeting" and r.json()["text"] == "【演练】演练内容"
    with database.session() as db:  # units with a phone in the area (other tests' in this shared database)
        n_off = db.get(Campaign, cid).officials
    gw = Gateway().start()
    try:
        d = Deliverer(database, Settings(broadcast_rate_sms=1e6, broadcast_rate_app=1e6), owner="api-test",
                      channels={"sms": HttpChannel("sms", gw.url + "/sms"), "app": HttpChannel("app", gw.url + "/app"),
                                "mqtt": _FakeTerminals()})
        assert d.run_until_idle() == 3 + n_off
    finally:
        gw.stop()
    cov = city.get(f"/api/v1/broadcast/campaigns/{cid}/coverage").json()
    assert (cov["state"], cov["targeted"], cov["delivered"], cov["rate"]) == ("done", 405, 405, 1.0)
    assert cov["by_township"] == {TOWNSHIP: {"recipients": 3, "delivered_recipients": 3, "targeted": 405,
                                             "delivered": 405, "rate": 1.0}}
    assert cov["channels"] == {"sms": {"pending": 0, "delivered": 1 + n_off, "failed": 0},
                               "app": {"pending": 0, "delivered": 1, "failed": 0},
                               "mqtt": {"pending": 0, "delivered": 1, "failed": 0}}
    assert city.get("/api/v1/broadcast/campaigns").json()["items"][0]["id"] == cid
    # another county sees neither the campaign nor may count or publish in 鼓楼区
    other = client_for("county_officer", "350121")
    assert other.get(f"/api/v1/broadcast/campaigns/{cid}/coverage").status_code == 404
    assert other.post("/api/v1/broadcast/count", json={"divisions": ["350102"]}).status_code == 403
    assert other.post("/api/v1/broadcast/drills", json={"area": {"divisions": ["350102"]},
                                                        "text": "x"}).status_code == 403
    leader = client_for("leader", "350100")
    assert leader.post("/api/v1/broadcast/recipients", json={"kind": "sms", "division_code": TOWNSHIP,
                                                             "address": "1"}).status_code == 403


def test_pages_render(client_for):  # type: ignore[no-untyped-def]
    city = client_for("city_duty", "350100")
    for path in ("/monitoring/warnings/console", "/monitoring/warnings/coverage"):
        r = city.get(path)
        assert r.status_code == 200 and "broadcast/js/" in r.text, path


class _FakeTerminals:
    """Terminals answered in-process (the MQTT path is covered by test_broadcast_delivery)."""

    name = "mqtt"

    def send(self, messages: list[Any]) -> dict[int, str | None]:
        return {m.delivery_id: None for m in messages}

    def close(self) -> None:
        pass
