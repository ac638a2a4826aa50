"""The publishing console in a real browser: a drill to 鼓楼区 goes out and its coverage rises live."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e


def test_drill_from_the_console_shows_live_coverage(page: Any, live_server: str, admin_password: str,
                                                    probe: Any) -> None:
    login(page, live_server, "admin", admin_password, "/monitoring/warnings/console")
    page.select_option("#bc-drill select[name=division]", "350102")
    page.fill("#bc-drill input[name=text]", "应急广播系统演练（浏览器测试）")
    page.click("#bc-drill button[type=submit]")
    page.locator("#bc-body").wait_for()
    assert "演练" in page.text_content("#bc-title")
    # the in-process worker reaches the officials first, then the village loudspeakers over MQTT:
    # the coverage KPI leaves 0 and the district row appears (no SMS gateway is configured here)
    page.wait_for_function("() => /^[1-9]\\d*\\.\\d%$|^0\\.[1-9]%$/.test(document.querySelector('#bc-rate').textContent)",
                           timeout=60_000)
    assert page.locator("#bc-districts tr[data-code='350102']").count() == 1
    assert re.search(r"\d", page.text_content("#bc-count"))
    page.goto(f"{live_server}/monitoring/warnings/coverage")
    page.locator("#cov-table tbody tr").first.wait_for()
    assert not probe.page_errors and not probe.external_requests
