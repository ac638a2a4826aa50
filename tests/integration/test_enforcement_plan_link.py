"""Completing a planned enforcement visit (计划检查) by recording its inspection, on both backends."""

from __future__ import annotations

from sqlalchemy import select

from tests.integration.samples_hazards import make_unit
from yingji.core.audit import AuditRecord
from yingji.core.events import OutboxEvent

DIVISION = "350102007"


def _plan_items(client, database, year):
    unit = make_unit(database, division_code=DIVISION, risk_level="significant")
    r = client.post("/api/v1/enforcement/plans", json={"year": year, "division_code": DIVISION, "replace": True})
    assert r.status_code == 201, r.text
    items = client.get(f"/api/v1/enforcement/plans/{r.json()['id']}/items",
                       params={"unit_id": unit, "page_size": 50}).json()["items"]
    assert items
    return unit, r.json(), items


def _inspect(client, unit, **extra):
    return client.post("/api/v1/hazards/inspections", json={
        "unit_id": unit, "kind": "department", "inspector": "执法二队", "inspected_at": "2026-10-15T10:00:00+08:00",
        "items": [], **extra})


def test_inspection_form_with_planned_inspection_id_completes_the_planned_visit(client_for, database):
    county = client_for("county_officer", "350102")
    unit, plan, items = _plan_items(county, database, 2028)
    item = items[0]
    r = _inspect(county, unit, planned_inspection_id=item["id"])
    assert r.status_code == 201, r.text
    insp = r.json()
    assert insp["planned_inspection_id"] == item["id"]
    done = county.get(f"/api/v1/enforcement/plans/{plan['id']}/items", params={"unit_id": unit}).json()["items"]
    assert {i["id"]: i["done_inspection_id"] for i in done}[item["id"]] == insp["id"]
    month = int(item["planned_date"][5:7])
    summary = county.get(f"/api/v1/enforcement/plans/{plan['id']}").json()
    assert summary["by_month"][month - 1]["done"] >= 1
    with database.session() as s:
        assert s.scalar(select(AuditRecord.seq).where(AuditRecord.action == "planned_inspection.done",
                                                      AuditRecord.entity_id == str(item["id"]))) is not None
        evs = list(s.scalars(select(OutboxEvent).where(OutboxEvent.type == "planned_inspection.done")))
        assert any(e.payload.get("item_id") == item["id"] and e.payload.get("inspection_id") == insp["id"] for e in evs)
    # a visit is completed once; the inspection cannot complete a second visit either
    again = _inspect(county, unit, planned_inspection_id=item["id"])
    assert again.status_code == 409 and again.json()["error"]["field"] == "planned_inspection_id"
    if len(items) > 1:
        r = county.post(f"/api/v1/enforcement/plan-items/{items[1]['id']}/inspection", json={"inspection_id": insp["id"]})
        assert r.status_code == 409 and r.json()["error"]["field"] == "inspection_id"


def test_a_self_check_or_another_units_inspection_does_not_complete_a_planned_visit(client_for, database):
    county = client_for("county_officer", "350102")
    unit, _, items = _plan_items(county, database, 2029)
    r = _inspect(county, unit, kind="self", planned_inspection_id=items[0]["id"])
    assert r.status_code == 422 and r.json()["error"]["field"] == "planned_inspection_id"
    r = _inspect(county, make_unit(database, division_code=DIVISION), planned_inspection_id=items[0]["id"])
    assert r.status_code == 422
    own = _inspect(county, unit, kind="self").json()
    r = county.post(f"/api/v1/enforcement/plan-items/{items[0]['id']}/inspection", json={"inspection_id": own["id"]})
    assert r.status_code == 422 and r.json()["error"]["field"] == "inspection_id"
    # out of county: the planned visit is not found
    other = client_for("county_officer", "350121")
    r = _inspect(other, make_unit(database, division_code="350121001"), planned_inspection_id=items[0]["id"])
    assert r.status_code == 404


def test_enforcement_page_links_to_the_prefilled_inspection_form(client_for, database):
    county = client_for("county_officer", "350102")
    unit, _, items = _plan_items(county, database, 2030)
    page = county.get("/supervision/enforcement").text
    assert '"can_inspect": true' in page and 'id="penalty-unit-search"' in page and 'role="combobox"' in page
    form = county.get("/supervision/inspections/new",
                      params={"unit_id": unit, "planned_inspection_id": items[0]["id"]}).text
    assert f'name="planned_inspection_id" value="{items[0]["id"]}"' in form
    assert f'id="insp-unit" value="{unit}"' in form and 'id="insp-unit-search"' in form
    # out of scope: an empty form, nothing of the other county shown
    other = client_for("county_officer", "350121").get(
        "/supervision/inspections/new", params={"unit_id": unit, "planned_inspection_id": items[0]["id"]})
    assert other.status_code == 200 and 'name="planned_inspection_id"' not in other.text
    assert 'id="insp-unit" value=""' in other.text
    insp = _inspect(county, unit, planned_inspection_id=items[0]["id"]).json()
    assert county.get(f"/supervision/inspections/{insp['id']}").status_code == 200
