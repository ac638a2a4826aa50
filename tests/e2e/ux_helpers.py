"""Helpers of the browser tests of issue 8: users of each role, a fresh browser context per user, and the
visible text of a page (for the check that no English identifier reaches the user)."""

from __future__ import annotations

import re
import secrets
from typing import Any

from tests.e2e.helpers import call_api, wait_booted

PASSWORD = "Ux-role-Pass-2026"
TOWN = "350102001"  # 鼓楼区 鼓东街道
COUNTY = "350102"
SCOPES = {"admin": "350100", "city_duty": "350100", "county_officer": COUNTY, "township_officer": TOWN,
          "enterprise_manager": TOWN, "leader": "350100"}
ROLES = list(SCOPES)

# text of the page a person reads: rendered, visible, not in code-like or form elements, not the technical
# provenance marked data-allow-code (the reproducible method of a dataset)
VISIBLE_TEXT = """() => {
  const skip = 'code, kbd, samp, [data-allow-code], script, style, input, textarea, select, option, title';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest(skip) || !node.textContent.trim()) continue;
    if (!parent.checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true })) continue;
    out.push(node.textContent.trim());
  }
  return out;
}"""
# snake_case identifiers, dotted codes (hazard.escalated), permission strings (hazards:write)
ENGLISH = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z][a-z0-9_]*\.[a-z][a-z0-9_]+\b"
                     r"|\b[a-z*]+:(?:read|write|manage|import|verify|\*)")
FILE_NAME = re.compile(r"\.(png|jpe?g|webp|pdf|xlsx|csv|geojson)\b")


def english_in(page: Any) -> list[tuple[str, str]]:
    """(identifier, text) for every English identifier or code of the label registry in the visible text."""
    keys: set[str] = set()
    context = page.evaluate("() => JSON.parse(document.getElementById('yingji-context').textContent)")
    for table in (context.get("labels") or {}).values():
        keys |= {k for k in table if re.fullmatch(r"[a-z][a-z_]{3,}", k)}
    hits = []
    for text in page.evaluate(VISIBLE_TEXT):
        for match in ENGLISH.findall(text):
            if not FILE_NAME.search(match):
                hits.append((match, text[:80]))
        hits += [(word, text[:80]) for word in re.findall(r"\b[a-z][a-z_]{3,}\b", text) if word in keys]
    return hits


def make_user(admin_page: Any, role: str, *, unit_id: int | None = None, name: str | None = None) -> dict:
    """A user of ``role`` (in 鼓楼区 / 鼓东街道), created by the administrator's page through the API."""
    body = {"username": f"ux_{role}_{secrets.token_hex(3)}", "display_name": name or f"界面测试{role}"[:20],
            "role": role, "scope_code": SCOPES[role], "password": PASSWORD}
    if unit_id is not None:
        body["unit_id"] = unit_id
    return call_api(admin_page, "/users", body, "POST")


def signed_in(browser: Any, base: str, username: str, password: str = PASSWORD, path: str = "/") -> Any:
    """A new browser context signed in as ``username``, on ``path``; returns the page."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login?next={path}")
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/login" not in url)
    wait_booted(page)
    return page


def open_page(page: Any, base: str, path: str) -> Any:
    page.goto(f"{base}{path}")
    wait_booted(page)
    return page
