"""Buttons match the role, in the browser: as each demo role (administrator, city duty officer, county and
township officers, enterprise manager, read-only leader) the pages show exactly the controls the
permission rules allow — and what they show works."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.helpers import call_api, login
from tests.e2e.ux_helpers import ROLES, TOWN, make_user, open_page, signed_in

pytestmark = pytest.mark.e2e

# what each role may do (the rules of hazards/risk/units/enforcement permissions.py and core/permissions.py)
GOVERNMENT_WRITERS = {"admin", "city_duty", "county_officer", "township_officer"}
WRITERS = GOVERNMENT_WRITERS | {"enterprise_manager"}
LISTING = {"admin": {"county", "city"}, "city_duty": {"city"}, "county_officer": {"county"}}


@pytest.fixture(scope="module")
def world(browser: Any, live_server: str, admin_password: str) -> Iterator[dict[str, Any]]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    admin = context.new_page()
    login(admin, live_server, "admin", admin_password)
    unit = call_api(admin, f"/units?division={TOWN}&page_size=1")["items"][0]
    hazard = call_api(admin, "/hazards", {"unit_id": unit["id"], "title": "角色检查样例隐患", "tier": "general"}, "POST")
    source = call_api(admin, "/risk/sources", {"unit_id": unit["id"], "name": "角色检查风险点", "subclass_code": "A01"},
                      "POST")
    users = {role: make_user(admin, role, unit_id=unit["id"] if role == "enterprise_manager" else None)
             for role in ROLES if role != "admin"}
    yield {"admin": admin, "unit": unit, "hazard": hazard, "source": source, "users": users}
    context.close()


def _page(world: dict[str, Any], browser: Any, base: str, role: str, admin_password: str) -> Any:
    if role == "admin":
        return signed_in(browser, base, "admin", admin_password)
    return signed_in(browser, base, world["users"][role]["username"])


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_what_it_may_do(world: dict[str, Any], browser: Any, live_server: str, admin_password: str,
                                       role: str) -> None:
    page = _page(world, browser, live_server, role, admin_password)
    try:
        count = page.locator
        # hazards list: report / inspect / escalate
        open_page(page, live_server, "/supervision/hazards")
        assert (count("#report-hazard").count() == 1) is (role in WRITERS)
        assert (count("#run-escalation").count() == 1) is (role in {"admin", "city_duty"})
        # a reported hazard: only the government confirms; the listing form at the role's level only
        open_page(page, live_server, f"/supervision/hazards/{world['hazard']['id']}")
        page.locator("#hz-timeline li").first.wait_for()
        assert (count("button[data-action=confirm]").count() == 1) is (role in GOVERNMENT_WRITERS)
        levels = set(page.locator("#hz-listing-form select[name=level] option").evaluate_all("o => o.map(x => x.value)"))
        assert levels == LISTING.get(role, set())
        assert page.locator("#hz-plan-form [name=measures]").is_disabled() is (role not in WRITERS)
        assert (count("#hz-upload").count() == 1) is (role in WRITERS)
        # the risk source: assessment and measures by any writer (the enterprise grades its own risks)
        open_page(page, live_server, f"/supervision/sources/{world['source']['id']}")
        assert (count("#assess-form").count() == 1) is (role in WRITERS)
        assert (count("#measure-form").count() == 1) is (role in WRITERS)
        # units: registration by the government; the enterprise edits only its contact details
        open_page(page, live_server, "/supervision/units")
        assert (count("#unit-form").count() == 1) is (role in GOVERNMENT_WRITERS)
        open_page(page, live_server, f"/supervision/units/{world['unit']['id']}")
        assert (count("#unit-edit-form").count() == 1) is (role in WRITERS)
        assert (count("#unit-edit-form [name=name]").count() == 1) is (role in GOVERNMENT_WRITERS)
        # enforcement: plans, penalties and the blacklist are the bureau's
        open_page(page, live_server, "/supervision/enforcement")
        for form in ("#plan-form", "#penalty-form", "#blacklist-form"):
            assert (count(form).count() == 1) is (role in GOVERNMENT_WRITERS), form
        # the inspection form, or a Chinese page saying why not
        response = page.goto(f"{live_server}/supervision/inspections/new")
        if role == "leader":
            assert response.status == 403 and "只能查看" in page.locator("main").inner_text()
        else:
            assert count("#insp-form").count() == 1
        # administration
        open_page(page, live_server, "/admin")
        assert (count("#user-form").count() == 1) is (role == "admin")
        assert (count("#users-denied").count() == 1) is (role != "admin")
    finally:
        page.context.close()


def test_the_enterprise_reports_in_its_own_words_and_the_county_is_told_to_confirm(
        world: dict[str, Any], browser: Any, live_server: str) -> None:
    ent = signed_in(browser, live_server, world["users"]["enterprise_manager"]["username"], path="/supervision/hazards/new")
    county = signed_in(browser, live_server, world["users"]["county_officer"]["username"], path="/supervision/hazards")
    try:
        assert ent.locator("#hz-new-unit-name").inner_text() == world["unit"]["name"]  # its own unit, fixed
        ent.fill("#hz-new-title", "二号仓库消防通道堆放纸箱")
        ent.fill("#hz-new-description", "仓库东侧通道约 5 米长堆放纸箱，影响疏散")
        ent.check("input[name=tier][value=general]")
        ent.click("#hz-new-submit")
        ent.wait_for_url(lambda url: "/supervision/hazards/" in url and "new=1" in url)
        hazard_id = ent.url.split("/supervision/hazards/")[1].split("?")[0]
        ent.locator("#hz-notices li[data-open=true]", has_text="请核实并确认").wait_for()
        assert ent.locator("button[data-action]").count() == 0  # the next step is the government's
        # the county officer is told (live, on the ticker) and finds it in the to-do list
        county.locator("#ticker-list .ticker-item.ticker-mine", has_text="二号仓库消防通道堆放纸箱").first.wait_for(
            timeout=20_000)
        assert "待我处理" in county.locator("#ticker-list .ticker-item.ticker-mine").first.inner_text()
        open_page(county, live_server, "/supervision/hazards?todo=true")
        row = county.locator(f"#hz-table tr[data-hazard-id='{hazard_id}']")
        row.wait_for()
        row.locator("a").click()
        county.click("button[data-action=confirm]")
        county.locator("#hz-badges", has_text="已确认").wait_for()
        county.locator("#hz-notices li[data-open=true]", has_text="请制定整改方案").wait_for()
        open_page(ent, live_server, "/supervision/hazards?todo=true")
        ent.locator(f"#hz-table tr[data-hazard-id='{hazard_id}']").wait_for()
    finally:
        ent.context.close()
        county.context.close()
