"""Monitoring in a real browser: a simulated tank over-pressure at a major hazard source turns the source
red on the live monitoring map (through the SSE stream, without a reload), and a county officer
acknowledges the alarm on the alarm board."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.e2e.helpers import call_api, wait_booted

pytestmark = pytest.mark.e2e

OFFICER_PASSWORD = "Officer-Pass-2026"


def _login(page: Any, base: str, username: str, password: str, path: str) -> None:
    page.goto(f"{base}{path}")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("#login-submit")
    page.wait_for_url(f"{base}{path}")
    wait_booted(page)


def test_tank_alarm_turns_source_red_and_officer_acknowledges(
        page: Any, live_server: str, admin_password: str, probe: Any) -> None:
    _login(page, live_server, "admin", admin_password, "/monitoring/map")
    page.wait_for_selector("#map[data-state=ready]")
    tanks = call_api(page, "/monitoring/points?device_type=tank&page_size=1&sort=id")["items"]
    assert tanks, "the demo seed registers tanks at the major hazard sources"
    tank = tanks[0]
    source_id, county = tank["risk_source_id"], tank["division_code"][:6]
    assert not page.locator(f".mon-source [data-source-id='{source_id}'][data-level=red]").count()

    # the simulated excursion arrives (HTTP batch upload: the same ingest path as MQTT)
    now = datetime.now(UTC).isoformat()
    out = call_api(page, "/monitoring/telemetry", {"messages": [
        {"device": tank["code"], "ts": now, "values": {"pressure": 1.72, "level": 61, "temperature": 26}}]})
    assert out["stored"] == 3 and out["alarms_raised"] >= 1
    page.wait_for_selector(f".mon-source [data-source-id='{source_id}'][data-level=red]", timeout=15000)
    assert page.locator(f"#mon-sources li[data-source-id='{source_id}'][data-level=red]").count() == 1

    # the city risk map shows the same source alarming, and a second source's alarm arrives live
    page.goto(f"{live_server}/supervision/risk-map")
    wait_booted(page)
    page.wait_for_selector("#map[data-state=ready]")
    page.wait_for_selector(f".risk-alarm [data-source-id='{source_id}'][data-level=red]", timeout=15000)
    assert page.locator(f"#risk-alarms li[data-source-id='{source_id}']").count() == 1
    other = next(t for t in call_api(page, "/monitoring/points?device_type=tank&page_size=50&sort=id")["items"]
                 if t["risk_source_id"] != source_id)
    call_api(page, "/monitoring/telemetry", {"messages": [
        {"device": other["code"], "ts": datetime.now(UTC).isoformat(), "values": {"pressure": 1.75}}]})
    page.wait_for_selector(f".risk-alarm [data-source-id='{other['risk_source_id']}'][data-level=red]", timeout=15000)

    # a county officer of that county acknowledges it on the alarm board
    username = "e2e_mon_" + secrets.token_hex(3)
    call_api(page, "/users", {"username": username, "display_name": "区县应急局（监测 E2E）",
                              "role": "county_officer", "scope_code": county, "password": OFFICER_PASSWORD})
    page.context.clear_cookies()
    _login(page, live_server, username, OFFICER_PASSWORD, "/monitoring/alarms")
    row = page.locator("#alarm-table tr[data-level=red]", has_text=tank["name"]).first
    row.wait_for()
    row.locator("button[data-action=acknowledge]").click()
    page.wait_for_selector("#alarm-table tr[data-state=acknowledged]", timeout=10000)
    alarm_id = int(page.locator("#alarm-table tr[data-state=acknowledged]").first.get_attribute("data-alarm-id"))
    alarm = call_api(page, f"/monitoring/alarms/{alarm_id}")
    assert alarm["state"] == "acknowledged" and alarm["acknowledged_by"] == username
    assert not probe.page_errors, probe.page_errors
