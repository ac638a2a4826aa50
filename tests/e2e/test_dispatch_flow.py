"""A dispatcher goes from a point + type to a printed dispatch order in a real browser: recommendation
with grade, candidates ranked by travel time with reasons, routes on the map, an edit, the order,
and the status board showing the units as dispatched."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.e2e.helpers import call_api, login, wait_booted

pytestmark = pytest.mark.e2e

PASSWORD = "E2e-dispatcher-Pass-2024"


def test_point_and_type_to_dispatch_order(browser: Any, page: Any, live_server: str, admin_password: str,
                                          probe: Any) -> None:
    login(page, live_server, "admin", admin_password, "/command/forces")
    username = f"dispatcher_{int(time.time() * 1000) % 10**8}"
    call_api(page, "/users", {"username": username, "display_name": "市119调度员", "role": "dispatcher",
                              "scope_code": "350100", "password": PASSWORD}, "POST")
    ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1440, "height": 900})
    d = ctx.new_page()
    d.set_default_timeout(20_000)
    errors: list[str] = []
    d.on("pageerror", lambda e: errors.append(str(e)))
    try:
        # a fire in 鼓楼区 with three people trapped in a high-rise
        login(d, live_server, username, PASSWORD, "/command/dispatch?lon=119.2965&lat=26.0845&incident_type=fire")
        assert float(d.input_value("#dp-lon")) == 119.2965
        d.fill("#dp-trapped", "3")
        d.select_option("#dp-building", "high_rise")
        d.fill("#dp-address", "鼓楼区某高层住宅（演练）")
        d.click("#dp-recommend")
        d.locator("#dp-groups .dp-cand").first.wait_for()
        assert d.inner_text("#dp-grade-badge") == "三级（黄）"
        assert "被困 3 人" in d.inner_text("#dp-basis")
        first_reason = d.locator("#dp-groups .dp-reason").first.inner_text()
        assert "行驶约" in first_reason and "到场标准" in first_reason
        aerial = d.locator("#dp-groups section[data-unit-type=aerial] .dp-cand")
        assert aerial.count() >= 1  # a high-rise adds an aerial appliance
        d.wait_for_function("() => Number(document.getElementById('map').dataset.routes || 0) > 0")
        # the dispatcher edits: swaps the last selected water tender for the first alternative
        tenders = d.locator("#dp-groups section[data-unit-type=water_tender]")
        selected = tenders.locator("> ul input[type=checkbox]")
        n_selected = selected.count()
        selected.nth(n_selected - 1).uncheck()
        tenders.locator("details summary").click()
        tenders.locator("details input[type=checkbox]").first.check()
        total = d.locator("#dp-groups input[type=checkbox]:checked").count()
        d.click("#dp-issue")
        d.wait_for_url(re.compile(r"/command/dispatch/orders/\d+$"))
        wait_booted(d)
        assert d.inner_text("#dp-order-code").startswith("DP")
        assert d.inner_text("#dp-order-grade") == "三级（黄）"
        assert d.locator("#dp-units tbody tr").count() == total
        assert "调度员改选备选力量" in d.inner_text("#dp-units")
        # the first unit reports on scene from the order page: its arrival is recorded against 5 minutes
        d.locator("#dp-units td.dp-status-cell select").first.select_option("on_scene")
        d.locator("#dp-units .badge.dp-ok").first.wait_for()
        wait_booted(d)
        # the status board shows them dispatched
        d.goto(f"{live_server}/command/forces")
        wait_booted(d)
        d.locator("#dp-board .badge[data-status=dispatched]").first.wait_for(state="attached")
        assert not errors and not probe.page_errors, errors + probe.page_errors
    finally:
        ctx.close()
