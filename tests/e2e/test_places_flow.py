"""A duty officer locates places said in a call on the 地名地址 page, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e


def test_locate_places_on_the_map(page: Any, live_server: str, admin_password: str) -> None:
    login(page, live_server, "admin", admin_password, "/command/places?q=三叉街地铁站出口那边")
    first = page.locator("#places-results li[data-matched-on]").first
    first.wait_for()
    assert "三叉街" in first.inner_text() and first.get_attribute("data-kind") == "metro"
    page.locator("#map[data-state='ready']").wait_for()
    assert page.locator(".place-marker").count() >= 1
    page.fill("#places-q", "鼓楼")
    page.click("#places-search button[type=submit]")
    page.locator("#places-results li[data-kind='county']").first.wait_for()
    top = page.locator("#places-results li").first
    assert "鼓楼区" in top.inner_text() and top.get_attribute("data-matched-on") == "简称"
    assert "q=%E9%BC%93%E6%A5%BC" in page.url  # the search is kept in the address
