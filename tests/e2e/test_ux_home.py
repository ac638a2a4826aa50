"""The duty officer's home page in a real browser: the cards of what needs attention, counted per county,
each county's count opening the list it stands for (the same number), the slots of the domains to come,
the districts shaded by the chosen card over the offline road layer (with its OSM attribution), and the
cards following live events without a reload."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.helpers import call_api, login, wait_booted

pytestmark = pytest.mark.e2e


def _count(page: Any, key: str) -> int:
    return int(page.locator(f"#home-cards .home-card[data-key='{key}']").get_attribute("data-count"))


def test_cards_per_county_open_the_lists_they_count(page: Any, live_server: str, admin_password: str,
                                                     probe: Any) -> None:
    login(page, live_server, "admin", admin_password)
    page.wait_for_selector("#home-cards[data-loaded]")
    # every slot (alarms, incidents, warnings, on duty) is answered by its domain now: none pending
    assert page.locator("#home-cards .home-card[data-pending=true]").count() == 0
    for key in ("monitoring.alarms", "incidents.today", "warnings.active", "duty.on_duty"):
        assert page.locator(f"#home-cards .home-card[data-key='{key}']").count() == 1, key
    # the demo has hazards due or overdue (its clock is in the past): a card with counts per county
    due = page.locator("#home-cards .home-card[data-key='hazards.due']")
    assert _count(page, "hazards.due") > 0
    assert due.get_attribute("class").count("is-shown")  # the map shows it
    chips = due.locator(".home-card-districts a[data-county]")
    assert chips.count() >= 1
    # the districts are shaded by the card's counts; the road layer is drawn, with the OSM attribution
    page.wait_for_function("() => document.querySelectorAll('#map path.division-county').length === 13")
    fills = set(page.locator("#map path.division-county").evaluate_all("ps => ps.map(p => p.getAttribute('fill'))"))
    assert len(fills) > 1
    page.locator(".leaflet-road-pane canvas").first.wait_for(state="attached")
    assert "OpenStreetMap" in page.locator(".road-attribution").inner_text()
    assert "7 日内到期" in page.locator("#map-legend").inner_text()
    # one county's count opens the list filtered to that county: the same number
    chip = chips.first
    county, n = chip.get_attribute("data-county"), int(chip.locator("b").inner_text().replace(",", ""))
    chip.click()
    page.wait_for_url(lambda url: "/supervision/hazards?" in url)
    wait_booted(page)
    page.wait_for_selector("#hz-table[data-loaded]")
    page.wait_for_function("(c) => document.getElementById('division-picker').dataset.division === c", arg=county)
    assert page.locator("#hz-summary").inner_text() == f"共 {n:,} 条"
    assert page.input_value("select[name=due_within_days]") == "7"
    assert probe.external_requests == [] and probe.page_errors == []


def test_the_cards_follow_live_events(page: Any, live_server: str, admin_password: str) -> None:
    login(page, live_server, "admin", admin_password)
    page.wait_for_selector("#home-cards[data-loaded]")
    before = _count(page, "hazards.due")
    unit = call_api(page, "/units?page_size=1")["items"][0]
    deadline = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    call_api(page, "/hazards", {"unit_id": unit["id"], "title": "首页实时样例", "tier": "general", "deadline": deadline},
             "POST")
    page.wait_for_function("(n) => Number(document.querySelector(\"#home-cards .home-card[data-key='hazards.due']\")"
                           ".dataset.count) === n", arg=before + 1, timeout=20_000)
