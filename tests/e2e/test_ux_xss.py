"""Text from users stays text on the pages of issue 8 (the XSS canary of tests/e2e/test_xss_canary.py, reused):
payloads in a user's name, a unit's name and details, a hazard reported in free text, shown by the
home page's ticker and notices, the to-do list, the hazard's notices, the unit edit form, the unit picker
of the report form, the administration's user table, edit dialog and audit before/after. The server runs
without its Content-Security-Policy, so the escaping itself is proven."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import serve
from tests.e2e.test_xss_canary import CANARY, SHORT, Session, assert_clean, payload, visit, wait_text

pytestmark = pytest.mark.e2e

TOWN = "350102001"
PASSWORD = "Ux-xss-Pass-2026"


@pytest.fixture(scope="module")
def ux_planted(browser: Any, tmp_path_factory: pytest.TempPathFactory, admin_password: str) -> Iterator[dict[str, Any]]:
    with serve(tmp_path_factory.mktemp("yingji-e2e-ux-xss"), {"YINGJI_CSP_ENABLED": "0"}) as base:
        sessions: list[Session] = []
        try:
            admin = Session(browser, base, "admin", admin_password)
            sessions.append(admin)
            tag = secrets.token_hex(3)
            unit = admin.api("GET", f"/units?division={TOWN}&page_size=1")["items"][0]
            admin.api("PATCH", f"/units/{unit['id']}", {"name": payload("单位"), "address": payload("地址"),
                                                         "safety_manager": SHORT, "notes": payload("备注")})
            victim = admin.api("POST", "/users", {"username": f"xss_victim_{tag}", "display_name": payload("用户"),
                                                  "role": "leader", "scope_code": "350100", "password": PASSWORD})
            admin.api("PATCH", f"/users/{victim['id']}", {"display_name": payload("改名")})
            county = admin.api("POST", "/users", {"username": f"xss_county_{tag}", "display_name": payload("区县"),
                                                  "role": "county_officer", "scope_code": "350102", "password": PASSWORD})
            ent = admin.api("POST", "/users", {"username": f"xss_ent_{tag}", "display_name": payload("企业"),
                                               "role": "enterprise_manager", "scope_code": TOWN, "unit_id": unit["id"],
                                               "password": PASSWORD})
            county_s = Session(browser, base, county["username"], PASSWORD)
            ent_s = Session(browser, base, ent["username"], PASSWORD)
            sessions += [county_s, ent_s]
            hazard = ent_s.api("POST", "/hazards", {"unit_id": unit["id"], "title": payload("自述隐患"),
                                                    "description": payload("隐患描述"), "tier": "general"})
            county_s.api("POST", f"/hazards/{hazard['id']}/transitions", {"action": "confirm"})
            yield {"base": base, "admin": admin, "county": county_s, "ent": ent_s, "unit": unit, "hazard": hazard,
                   "victim": victim}
        finally:
            for s in sessions:
                s.close()


def test_user_text_stays_text_on_the_new_pages(ux_planted: dict[str, Any]) -> None:
    admin, county, ent = ux_planted["admin"], ux_planted["county"], ux_planted["ent"]
    hazard, unit = ux_planted["hazard"], ux_planted["unit"]

    # administration: the user table, the edit dialog, an audit record's before/after
    page = visit(admin, "/admin")
    page.fill("#user-filters [name=q]", "xss_victim_")
    page.click("#user-filters button[type=submit]")
    victim = page.locator(f"#users-table tr[data-username='{ux_planted['victim']['username']}']")
    victim.wait_for()
    wait_text(page, "#users-table", "用户表")
    victim.locator("button.user-edit").click()
    page.locator("#user-edit-dialog").wait_for()
    assert CANARY in page.input_value("#user-edit-dialog [name=display_name]")
    assert_clean(page, "修改用户对话框")
    page.keyboard.press("Escape")
    page.select_option("#audit-action", "user.updated")
    page.click("#audit-filters button[type=submit]")
    page.locator("#audit-table tr.audit-row[data-action='user.updated']").first.click()
    wait_text(page, "#audit-table tr.audit-detail", "审计变更内容")
    assert_clean(page, "审计日志")

    # the unit: its edit form (values), the report form's unit picker
    page = visit(admin, f"/supervision/units/{unit['id']}")
    assert CANARY in page.input_value("#unit-edit-form [name=address]")
    assert_clean(page, "单位修改表单")
    page = visit(county, "/supervision/hazards/new")
    page.fill("#hz-new-unit-search", "XSS单位")
    wait_text(page, "#hz-new-unit-list", "上报隐患·单位选择")
    assert_clean(page, "上报隐患")

    # the free-text hazard: the enterprise's to-do list, the notices, the home page and its ticker
    page = visit(ent, "/supervision/hazards?todo=true")
    page.wait_for_selector("#hz-table[data-loaded]")
    wait_text(page, "#hz-table", "待我处理")
    assert_clean(page, "待我处理")
    page = visit(ent, f"/supervision/hazards/{hazard['id']}")
    wait_text(page, "#hz-notices", "隐患通知（待办）")
    wait_text(page, "#hz-info", "隐患描述")
    assert_clean(page, "隐患详情")
    for who in (ent, county):
        page = visit(who, "/")
        page.wait_for_selector("#home-cards[data-loaded]")
        page.click("#ticker-more")
        wait_text(page, "#ticker-panel-list", "实时动态")
        assert_clean(page, "首页")
        assert who.errors == [] and who.external == []
