"""A county officer takes a major hazard from inspection to 销号 in a real browser."""

from __future__ import annotations

import io
import re
import time
from typing import Any

import pytest

from tests.e2e.helpers import call_api, login, wait_booted

pytestmark = pytest.mark.e2e

OFFICER_PASSWORD = "E2e-officer-Pass-2024"


def test_major_hazard_from_inspection_to_closure_with_escalation_and_ledger_export(
        browser: Any, page: Any, live_server: str, admin_password: str, probe: Any) -> None:
    # the administrator creates a county officer of 鼓楼区
    login(page, live_server, "admin", admin_password, "/supervision/hazards")
    username = f"gulou_{int(time.time() * 1000) % 10**8}"
    call_api(page, "/users", {"username": username, "display_name": "鼓楼区执法人员", "role": "county_officer",
                         "scope_code": "350102", "password": OFFICER_PASSWORD}, "POST")

    officer_ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1440, "height": 900})
    officer = officer_ctx.new_page()
    officer.set_default_timeout(15_000)
    try:
        login(officer, live_server, username, OFFICER_PASSWORD, "/supervision/inspections/new")
        # record an inspection: the first checklist item fails, as a major hazard
        # pick the unit with the search-as-you-type picker, by keyboard (its credit code is unique)
        catalog = call_api(officer, "/hazards/catalog")
        industries = {c["industry"] for c in catalog["checklists"] if c["items"]}
        unit = next(u for u in call_api(officer, "/units?page_size=200")["items"] if u["industry"] in industries)
        officer.fill("#insp-unit-search", unit["credit_code"])
        officer.locator(f"#insp-unit-list [data-unit-id='{unit['id']}']").wait_for()
        assert officer.get_attribute("#insp-unit-search", "aria-expanded") == "true"
        officer.press("#insp-unit-search", "Enter")
        assert officer.input_value("#insp-unit") == str(unit["id"])
        assert officer.input_value("#insp-unit-search") == unit["name"]
        first = officer.locator("#insp-items tbody tr[data-code]").first
        first.locator("select[name^='result_']").select_option("fail")
        first.locator("select[name^='tier_']").select_option("major")
        officer.fill("input[name=deadline]", "2027-01-10")
        officer.click("#insp-submit")
        officer.locator("a.hz-new-hazard").first.click()
        officer.wait_for_url(re.compile(r"/supervision/hazards/\d+$"))
        wait_booted(officer)
        hazard_id = int(officer.url.rsplit("/", 1)[1])

        officer.click("button[data-action=confirm]")
        officer.locator("#hz-badges", has_text="已确认").wait_for()
        # without the 五到位 plan the rectification is refused, naming what is missing
        officer.click("button[data-action=start_rectification]")
        officer.locator("#hz-error", has_text="五到位").wait_for()
        officer.fill("#hz-plan-form textarea[name=measures]", "局部停产，更换紧急切断阀")
        officer.fill("#hz-plan-form input[name=funds]", "30")
        officer.fill("#hz-plan-form input[name=deadline]", "2027-01-10")
        officer.fill("#hz-plan-form input[name=responsible_person]", "陈建华")
        officer.fill("#hz-plan-form textarea[name=contingency_plan]", "整改期间专项应急预案")
        officer.click("button[data-action=start_rectification]")
        officer.locator("#hz-badges", has_text="整改中").wait_for()

        # the overdue check runs (city level, clock in the future): the hazard is listed for supervision
        result = call_api(page, "/hazards/escalation/run", {"now": "2027-03-01T09:00:00+08:00"}, "POST")
        assert result["county_listed"] >= 1 and hazard_id in result["hazard_ids"]
        officer.reload()
        officer.locator("#hz-listed-badge", has_text="挂牌督办").wait_for()
        assert "逾期" in officer.locator("#hz-badges").inner_text()

        # the county officer lifts the county listing (摘牌) with a reason; the timeline shows it
        officer.locator("#hz-listings button.hz-lift").first.click()
        officer.click("#hz-lift-confirm")
        officer.locator("dialog[open] #hz-lift-reason:invalid").wait_for()  # the reason is required
        officer.fill("#hz-lift-reason", "经督办整改措施已落实，报请摘牌")
        officer.click("#hz-lift-confirm")
        officer.locator("#hz-timeline li.hz-tl-lift", has_text="报请摘牌").wait_for()
        assert "已摘牌" in officer.locator("#hz-listings").inner_text()

        officer.click("button[data-action=submit_acceptance]")
        officer.locator("#hz-badges", has_text="待验收").wait_for()
        # separation of duties: the officer who reported this major hazard is not offered its acceptance
        assert officer.locator("button[data-action=reject]").count() == 1
        assert officer.locator("button[data-action=accept]").count() == 0
        call_api(page, f"/hazards/{hazard_id}/transitions", {"action": "accept"}, "POST")  # another user accepts
        officer.reload()
        officer.locator("#hz-badges", has_text="已验收").wait_for()
        officer.click("button[data-action=close]")
        officer.locator("#hz-badges", has_text="已销号").wait_for()
        timeline = officer.locator("#hz-timeline").inner_text()
        assert "销号" in timeline and "开始整改" in timeline

        # the 挂牌督办 ledger lists it and exports to Excel
        officer.goto(f"{live_server}/supervision/ledger")
        officer.locator("#ledger-table tbody tr").first.wait_for()
        with officer.expect_download() as info:
            officer.click("#ledger-export")
        download = info.value
        assert download.suggested_filename.endswith(".xlsx")
        from openpyxl import load_workbook

        with open(download.path(), "rb") as fh:
            ws = load_workbook(io.BytesIO(fh.read())).active
        assert ws.cell(1, 2).value == "隐患编号" and ws.max_row >= 2
        header = [c.value for c in ws[1]]
        reasons = [ws.cell(i, header.index("摘牌原因") + 1).value for i in range(2, ws.max_row + 1)]
        assert "经督办整改措施已落实，报请摘牌" in reasons
    finally:
        officer_ctx.close()

    # the administrator completes a planned enforcement visit from the annual plan's calendar
    plan = call_api(page, "/enforcement/plans")["items"][0]
    summary = call_api(page, f"/enforcement/plans/{plan['id']}")
    month = next(m["month"] for m in summary["by_month"] if m["planned"] > m["done"])
    page.goto(f"{live_server}/supervision/enforcement?plan={plan['id']}&month={month}")
    link = page.locator("#plan-items-table a.plan-inspect").first
    item_id = link.get_attribute("data-item-id")
    link.click()
    page.wait_for_url(re.compile(r"/supervision/inspections/new\?"))
    wait_booted(page)
    assert page.input_value("#insp-unit") != "" and page.input_value("#insp-unit-search") != ""
    page.click("#insp-submit")
    page.locator("#insp-plan-done").wait_for()
    page.locator("#insp-plan-done a").click()
    page.wait_for_url(re.compile(r"/supervision/enforcement\?plan="))
    row = page.locator(f"#plan-items-table tr[data-item-id='{item_id}']")
    row.locator(".plan-done", has_text="已完成").wait_for()
    row.locator(".plan-done a").click()
    page.wait_for_url(re.compile(r"/supervision/inspections/\d+$"))
    page.locator("#insp-info", has_text="计划检查 #" + item_id).wait_for()
    assert not probe.page_errors
