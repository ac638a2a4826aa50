"""Risk in a real browser: the assessment form's safe defaults (nothing chosen for a new source, the
current assessment for an assessed one, a confirmation before a level jumps more than one step), the
map's clusters as rings of the four levels' shares, the statistics following the division picker."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.helpers import call_api, login, wait_booted
from tests.e2e.ux_helpers import TOWN

pytestmark = pytest.mark.e2e


def _level(page: Any) -> str:
    return page.locator("#source-level .risk-badge").get_attribute("data-level")


def test_assessment_form_defaults_and_confirmation(page: Any, live_server: str, admin_password: str) -> None:
    login(page, live_server, "admin", admin_password, "/supervision")
    unit = call_api(page, f"/units?division={TOWN}&page_size=1")["items"][0]
    source = call_api(page, "/risk/sources", {"unit_id": unit["id"], "name": "安全默认值样例", "subclass_code": "A01"}, "POST")
    page.goto(f"{live_server}/supervision/sources/{source['id']}")
    wait_booted(page)
    # a new source: nothing chosen (not L=10, E=10, C=100); nothing is submitted until every factor is
    for factor in ("#lec-l", "#lec-e", "#lec-c"):
        assert page.input_value(factor) == ""
    assert "请选择全部评估因子" in page.locator("#assess-preview").inner_text()
    page.click("#assess-submit")
    page.locator("#assess-error", has_text="请选择全部评估因子").wait_for()
    # the low level first: L=1, E=1, C=7 → D=7 → 低
    page.select_option("#lec-l", "1.0")
    page.select_option("#lec-e", "1.0")
    page.select_option("#lec-c", "7.0")
    page.click("#assess-submit")
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.querySelector('#source-level .risk-badge').dataset.level === 'low'")
    page.reload()
    wait_booted(page)
    # an assessed source: the form opens at its current assessment
    assert (page.input_value("#lec-l"), page.input_value("#lec-e"), page.input_value("#lec-c")) == ("1.0", "1.0", "7.0")
    assert "当前" not in page.locator("#assess-preview").inner_text()
    # a jump of three levels (蓝 → 红) asks first; cancelling changes nothing
    page.select_option("#lec-l", "10.0")
    page.select_option("#lec-e", "6.0")
    page.select_option("#lec-c", "15.0")
    assert "（当前 蓝 · 低风险）" in page.locator("#assess-preview").inner_text()
    page.click("#assess-submit")
    dialog = page.locator("#assess-confirm-dialog")
    dialog.wait_for()
    assert "蓝 · 低风险" in dialog.inner_text() and "红 · 重大风险" in dialog.inner_text() and "3 级" in dialog.inner_text()
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    assert call_api(page, f"/risk/sources/{source['id']}")["level"] == "low"
    page.click("#assess-submit")
    page.click("#assess-confirm")
    page.wait_for_function("() => document.querySelector('#source-level .risk-badge').dataset.level === 'major'")
    # one step (红 → 橙) needs no confirmation
    page.reload()
    wait_booted(page)
    page.select_option("#lec-c", "7.0")
    page.select_option("#lec-e", "2.0")  # D = 10 × 2 × 7 = 140 → 较大
    page.click("#assess-submit")
    page.wait_for_function("() => document.querySelector('#source-level .risk-badge').dataset.level === 'significant'")
    assert page.locator("#assess-confirm-dialog").count() == 0


def test_clusters_show_the_mix_of_levels(page: Any, live_server: str, admin_password: str) -> None:
    login(page, live_server, "admin", admin_password, "/supervision/risk-map")
    page.wait_for_selector("#map[data-state=ready]", timeout=30_000)
    levels = {lv["key"]: lv["hex"].lower() for lv in call_api(page, "/risk/levels")["levels"]}
    rings = page.locator(".risk-cluster svg")
    rings.first.wait_for()
    arcs = page.locator(".risk-cluster svg circle[data-key]").evaluate_all(
        "cs => cs.map(c => [c.dataset.key, c.getAttribute('stroke').toLowerCase(), Number(c.dataset.value)])")
    assert arcs and all(value > 0 for _, _, value in arcs)
    assert {key for key, _, _ in arcs} >= {"major", "low"}  # at city zoom the rings show red AND blue
    assert all(stroke == levels[key] for key, stroke, _ in arcs if key in levels)  # colours from the grading config
    mixed = page.locator(".risk-cluster svg").evaluate_all("ss => ss.filter(s => s.querySelectorAll('circle[data-key]').length > 1).length")
    assert mixed > 0
    title = rings.first.locator("title").text_content()
    assert "个风险源" in title and "风险" in title


def test_statistics_follow_the_division_picker(page: Any, live_server: str, admin_password: str) -> None:
    login(page, live_server, "admin", admin_password, "/supervision/risk-stats")
    assert "（福州市）" in page.locator(".page-subtitle").inner_text()
    page.wait_for_function("() => document.querySelectorAll('#division-county option').length > 1")
    page.select_option("#division-county", "350102")
    page.wait_for_url(lambda url: "division=350102" in url)
    wait_booted(page)
    assert "（鼓楼区）" in page.locator(".page-subtitle").inner_text()
    stats = call_api(page, "/risk/stats?division=350102")
    rows = page.locator("#risk-chart-district .risk-chart-row")
    assert rows.count() == 1 and rows.first.get_attribute("data-total") == str(stats["totals"]["all"])
    page.select_option("#division-county", "")  # back to the whole city
    page.wait_for_url(lambda url: "division=" not in url)
    assert "（福州市）" in page.locator(".page-subtitle").inner_text()
