"""Dispatch on the real router (routing package, Fuzhou central-city network): network travel times
in the central city, the labelled fallback model in an outer county, a route to draw."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from yingji.core.divisions import Division

pytest.importorskip("yingji.routing.service")


def _township(database, county: str) -> dict:  # type: ignore[type-arg]
    with database.session() as s:
        d = s.scalars(select(Division).where(Division.parent_code == county, Division.level == "township")
                      .order_by(Division.code)).first()
        return {"code": d.code, "lon": d.centroid_lon, "lat": d.centroid_lat}


def _station(client, place, code, name, dx):  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/dispatch/forces", json={
        "code": code, "name": name, "kind": "station", "division_code": place["code"],
        "lon": place["lon"] + dx, "lat": place["lat"]})
    assert r.status_code == 201, r.text
    r = client.post("/api/v1/dispatch/vehicles", json={"force_id": r.json()["id"], "callsign": f"{code}-1",
                                                       "vehicle_type": "elevator_team"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_network_in_the_city_and_fallback_outside(client_for, database):
    client = client_for("city_duty", "350100")
    city = _township(database, "350104")  # 仓山区, on the central-city network
    outer = _township(database, "350125")  # 永泰县, outside it
    v_city = _station(client, city, "RT-CITY", "路网测试站", 0.01)
    v_outer = _station(client, outer, "RT-OUTER", "县域测试站", 0.02)
    rec = client.post("/api/v1/dispatch/recommendations", json={
        "lon": city["lon"], "lat": city["lat"], "incident_type": "elevator"}).json()
    group = rec["groups"][0]
    assert group["unit_type"] == "elevator_team"
    first = group["selected"][0]
    assert first["vehicle_id"] == v_city and first["model"] == "network" and "路网行驶" in first["reason"]
    assert 0 < first["seconds"] < 1200 and first["meters"] > 500
    rec = client.post("/api/v1/dispatch/recommendations", json={
        "lon": outer["lon"], "lat": outer["lat"], "incident_type": "elevator"}).json()
    first = rec["groups"][0]["selected"][0]
    assert first["vehicle_id"] == v_outer and first["model"] == "fallback" and "估算行驶" in first["reason"]
    assert first["model_label"]  # the fallback model names itself
    r = client.post("/api/v1/dispatch/routes", json={"vehicle_id": v_city, "lon": city["lon"], "lat": city["lat"]})
    assert r.status_code == 200 and r.json()["model"] == "network" and len(r.json()["coords"]) > 2
