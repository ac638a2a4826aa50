"""Buttons match the role: the pages offer exactly what the permission modules allow — the same
functions the actions enforce — and the API refuses the rest in Chinese (on SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest

from tests.integration.samples_hazards import make_unit
from tests.integration.test_risk_api import make_source
from tests.integration.test_web_front_end import page_context

TOWN = "350102004"  # 鼓楼区


@pytest.fixture(scope="module")
def world(client_for, database):  # type: ignore[no-untyped-def]
    county = client_for("county_officer", "350102")
    unit = make_unit(database, division_code=TOWN, risk_level=None)
    source = make_source(county, unit)
    hazard = county.post("/api/v1/hazards", json={"unit_id": unit, "title": "权限样例", "tier": "general"}).json()
    return {"unit": unit, "source": source["id"], "hazard": hazard["id"]}


def _has(html: str, node_id: str) -> bool:
    return re.search(rf'id="{node_id}"', html) is not None


ROLES = [("admin", "350100"), ("city_duty", "350100"), ("county_officer", "350102"), ("township_officer", TOWN),
         ("enterprise_manager", TOWN), ("leader", "350100")]


@pytest.mark.parametrize("role,scope", ROLES)
def test_pages_offer_what_the_permission_modules_allow(client_for, world, role, scope):
    from yingji.core.auth import principal_for
    from yingji.enforcement import permissions as enforcement
    from yingji.hazards import permissions as hazards
    from yingji.risk import permissions as risk
    from yingji.units import permissions as units

    client = client_for(role, scope, unit_id=world["unit"] if role == "enterprise_manager" else None)
    me = principal_for(client.user)
    # the hazards pages hand the scripts the hazards permission module's flags, as they are
    ctx = page_context(client.get("/supervision/hazards").text)
    assert ctx["data"]["flags"] == hazards.page_flags(me)
    # the forms appear where the rules allow, and only there
    source_page = client.get(f"/supervision/sources/{world['source']}").text
    assert _has(source_page, "assess-form") is (risk.assess_refusal(me) is None)
    assert _has(source_page, "measure-form") is (risk.measure_refusal(me) is None)
    units_page = client.get("/supervision/units").text
    assert _has(units_page, "unit-form") is (units.register_refusal(me) is None)
    unit_page = client.get(f"/supervision/units/{world['unit']}").text
    assert _has(unit_page, "unit-edit-form") is (units.write_refusal(me) is None)
    assert _has(unit_page, "source-form") is (risk.register_refusal(me) is None)
    if _has(unit_page, "unit-edit-form"):  # only the fields this role may change
        assert page_context(unit_page)["data"]["editable"].keys() == set(units.editable_fields(me))
    enforcement_page = client.get("/supervision/enforcement").text
    assert _has(enforcement_page, "plan-form") is (enforcement.plan_refusal(me) is None)
    assert _has(enforcement_page, "penalty-form") is (enforcement.penalty_refusal(me) is None)
    assert _has(enforcement_page, "blacklist-form") is (enforcement.blacklist_refusal(me) is None)
    hazard = client.get(f"/api/v1/hazards/{world['hazard']}").json()
    assert [a["action"] for a in hazard["allowed_actions"]] == hazards.permitted_transitions(me, _Hazard(hazard))
    for path in ("/supervision/hazards/new", "/supervision/inspections/new"):
        r = client.get(path)
        if hazards.write_refusal(me) is None:
            assert r.status_code == 200 and _has(r.text, "hz-new-form" if "hazards" in path else "insp-form")
        else:  # a read-only role gets a Chinese page saying why, not a form that fails on submit
            assert r.status_code == 403 and "只能查看" in r.text
    admin_page = client.get("/admin").text
    assert _has(admin_page, "user-form") is (role == "admin")


class _Hazard:
    def __init__(self, data: dict) -> None:
        self.state, self.tier, self.reported_by = data["state"], data["tier"], data["reported_by"]


def test_the_api_refuses_what_the_pages_do_not_offer_in_chinese(client_for, world, database):
    ent = client_for("enterprise_manager", TOWN, unit_id=world["unit"])
    r = ent.post("/api/v1/units", json={"name": "新单位", "credit_code": "91350102PERM00001X", "industry": "hazchem",
                                        "division_code": TOWN})
    assert r.status_code == 403 and "企业用户" in r.json()["error"]["message"]
    r = ent.patch(f"/api/v1/units/{world['unit']}", json={"name": "改名"})
    assert r.status_code == 403 and r.json()["error"]["field"] == "name"
    assert ent.patch(f"/api/v1/units/{world['unit']}", json={"phone": "0591-88880000"}).status_code == 200
    r = ent.patch(f"/api/v1/risk/sources/{world['source']}", json={"management_tier": "岗位"})
    assert r.status_code == 403 and "管控层级" in r.json()["error"]["message"]
    assert ent.post(f"/api/v1/risk/sources/{world['source']}/assess",
                    json={"method": "ls", "l": 2, "s": 2}).status_code == 200  # its own risk: it grades it
    r = ent.post("/api/v1/enforcement/blacklist", json={"unit_id": world["unit"], "reason": "x"})
    assert r.status_code == 403 and re.search(r"[\u4e00-\u9fff]", r.json()["error"]["message"])
    from yingji.core.auth import system_principal
    from yingji.core.errors import Forbidden
    from yingji.enforcement.actions import record_penalty
    from yingji.enforcement.schemas import PenaltyIn
    from yingji.units.models import Unit

    with database.session() as s:  # the action itself refuses an enterprise actor (not only the route)
        who = system_principal(TOWN)
        who.unit_id = world["unit"]
        with pytest.raises(Forbidden, match="监管部门"):
            record_penalty(s, who, PenaltyIn(unit_id=world["unit"], decision_no="x", amount_yuan=1, reason="x",
                                             decided_at="2026-01-01T00:00:00+08:00"))
        assert s.get(Unit, world["unit"]) is not None
