"""CAP import through the API (SQLite and PostgreSQL): tolerant import with faults recorded,
de-duplication by sender + identifier, Update/Cancel chains onto the imported warning, strict
rejection with the reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "cap"


def _xml(name: str, unique: str) -> str:
    # each database session gets its own identifiers (the session-scoped databases are shared)
    return (DATA / name).read_text(encoding="utf-8").replace("fjqxt@fj.cma.example", f"fjqxt{unique}@fj.cma.example") \
        .replace("fzsqxt@fz.example", f"fzsqxt{unique}@fz.example")


@pytest.fixture
def city(client_for):
    return client_for("city_duty", "350100")


def test_tolerant_import_dedupe_and_chain(city, backend):
    u = f"{backend}a"
    r = city.post("/api/v1/warnings/import", json={"xml": _xml("01_valid_alert.xml", u)})
    assert r.status_code == 200, r.text
    first = r.json()
    assert not first["duplicate"] and first["faults"] == []
    again = city.post("/api/v1/warnings/import", json={"xml": _xml("01_valid_alert.xml", u)}).json()
    assert again["duplicate"] and again["warning_id"] == first["warning_id"]
    up = city.post("/api/v1/warnings/import", json={"xml": _xml("10_update_of_01.xml", u), "strict": True}).json()
    assert up["warning_id"] == first["warning_id"]
    d = city.get(f"/api/v1/warnings/{first['warning_id']}").json()
    assert d["level"] == "red" and d["source"] == "import" and d["status"] == "active"
    cancel = city.post("/api/v1/warnings/import", json={"xml": _xml("11_cancel_of_01.xml", u)}).json()
    d = city.get(f"/api/v1/warnings/{cancel['warning_id']}").json()
    assert d["status"] == "cancelled" and [v["msg_type"] for v in d["versions"]] == ["Alert", "Update", "Cancel"]
    rows = city.get("/api/v1/warnings/imports").json()["items"]
    assert sum(1 for x in rows if x["sender"].startswith(f"fjqxt{u}")) == 3


def test_faults_recorded_and_strict_rejects_with_reasons(city, backend):
    u = f"{backend}b"
    r = city.post("/api/v1/warnings/import", json={"xml": _xml("04_unclosed_swapped_polygon.xml", u)})
    assert r.status_code == 200 and any("未闭合" in f for f in r.json()["faults"])
    d = city.get(f"/api/v1/warnings/{r.json()['warning_id']}").json()
    assert d["area"]["polygons"][0][0] == [118.9, 25.85]
    r = city.post("/api/v1/warnings/import", json={"xml": _xml("06_cap11_namespace.xml", u), "strict": True})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "cap_rejected" and "命名空间" in err["message"] and err["details"]
    r = city.post("/api/v1/warnings/import", json={"xml": _xml("08_missing_identifier.xml", u)})
    assert r.status_code == 422 and "identifier" in r.json()["error"]["message"]
    r = city.post("/api/v1/warnings/import", json={"xml": _xml("07_missing_optional.xml", u)})
    assert r.status_code == 200 and any("area" in f for f in r.json()["faults"])


def test_import_is_a_government_act(client_for):
    leader = client_for("leader", "350100")
    r = leader.post("/api/v1/warnings/import", json={"xml": _xml("01_valid_alert.xml", "x")})
    assert r.status_code == 403
