"""Stored XSS canary: text from users is text, whatever the widget (issue 6 item 1).

Every user-editable text field of every entity gets a payload, written through the API by a role
that may write it; then each role opens every page that shows those records — the maps included
(each marker hovered, each popup and tooltip opened) and the dialogs that name them — and the test
fails if a payload ran (``window.__xss``) or was parsed into markup (``[data-xss-canary]``).
The server runs with its Content-Security-Policy switched off (``YINGJI_CSP_ENABLED=0``), so what
is proven is the escaping itself, not the policy behind it. Each page must also show a payload
*as text* where it lists those records, so the sweep cannot pass by showing nothing.
"""

from __future__ import annotations

import secrets
import struct
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import serve
from tests.e2e.helpers import wait_booted

pytestmark = pytest.mark.e2e

CANARY = "data-xss-canary"
_RUN = "window.__xss=(window.__xss||0)+1"
PAYLOADS = [
    f'<img src=x {CANARY} onerror="{_RUN}">',
    f'"><svg {CANARY} onload="{_RUN}">',
    f"</script><script>{_RUN}</script><b {CANARY}>x</b>",
    f"'><iframe {CANARY} srcdoc=\"<script>parent.__xss=(parent.__xss||0)+1</script>\"></iframe>",
]
SHORT = f"<img src=x {CANARY} onerror={_RUN}>"  # fields of at most 100 characters
TINY = f"<b {CANARY}>k</b>"  # fields of at most 32 characters
PASSWORD = "Xss-canary-Pass-2026"
TOWNSHIP = "350102001"
COUNTY = "350102"
ROLES = ["admin", "city_duty", "county_officer", "township_officer", "enterprise_manager", "leader"]
SCOPES = {"city_duty": "350100", "county_officer": COUNTY, "township_officer": TOWNSHIP,
          "enterprise_manager": TOWNSHIP, "leader": "350100"}

_counter = iter(range(10**6))


def payload(tag: str) -> str:
    """A payload marked with a tag (to find the record), rotating through the variants."""
    return f"XSS{tag} {PAYLOADS[next(_counter) % len(PAYLOADS)]}"


def _png() -> bytes:
    """A valid 1×1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


class Session:
    """One role signed in: a browser page and the API with its session and CSRF token."""

    def __init__(self, browser: Any, base: str, username: str, password: str) -> None:
        self.base = base
        self.external: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                           viewport={"width": 1440, "height": 900})
        server = urlparse(base).netloc

        def route(r: Any) -> None:
            if urlparse(r.request.url).netloc == server or r.request.url.startswith(("data:", "blob:", "about:")):
                r.continue_()
            else:
                self.external.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        resp = self.context.request.post(f"{base}/api/v1/auth/login", data={"username": username, "password": password})
        assert resp.ok, resp.text()
        self.csrf = resp.json()["csrf_token"]

    def api(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        resp = self.context.request.fetch(f"{self.base}/api/v1{path}", method=method, data=body,
                                          headers={"X-CSRF-Token": self.csrf}, **kwargs)
        assert resp.ok, f"{method} {path}: {resp.status} {resp.text()}"
        return resp.json() if resp.status != 204 else None

    def close(self) -> None:
        self.context.close()


def _future(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("yingji-e2e-xss"), {"YINGJI_CSP_ENABLED": "0"}) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def planted(browser: Any, xss_server: str, admin_password: str) -> Iterator[dict[str, Any]]:
    """Payloads in every user-editable text field, each written by a role that may write it."""
    sessions: dict[str, Session] = {}
    try:
        admin = sessions["admin"] = Session(browser, xss_server, "admin", admin_password)
        me = admin.api("GET", "/auth/me")
        admin.api("PATCH", f"/users/{me['id']}", {"display_name": payload("管理员")})
        ids: dict[str, Any] = {}
        suffix = secrets.token_hex(3)
        users = {}
        for role in ("city_duty", "county_officer", "township_officer", "leader"):
            users[role] = admin.api("POST", "/users", {
                "username": f"xss_{role}_{suffix}", "display_name": payload(f"用户{role}"), "role": role,
                "scope_code": SCOPES[role], "password": PASSWORD})
        admin.api("POST", f"/users/{users['county_officer']['id']}/tokens", {"name": payload("令牌")})
        county = sessions["county_officer"] = Session(browser, xss_server, users["county_officer"]["username"], PASSWORD)

        # the unit (生产经营单位), in an industry that has a checklist
        catalog = county.api("GET", "/hazards/catalog")
        checklist = next(c for c in catalog["checklists"] if c["items"])
        credit = ("91350102X" + secrets.token_hex(5).upper())[:18]
        unit = county.api("POST", "/units", {
            "name": payload("单位"), "credit_code": credit, "industry": checklist["industry"],
            "division_code": TOWNSHIP, "address": payload("地址"), "lon": 119.2960, "lat": 26.0820,
            "legal_person": SHORT, "safety_manager": SHORT, "supervising_department": SHORT,
            "notes": payload("备注")})
        ids["unit"] = unit["id"]
        manager = admin.api("POST", "/users", {
            "username": f"xss_enterprise_{suffix}", "display_name": payload("企业用户"), "role": "enterprise_manager",
            "scope_code": TOWNSHIP, "unit_id": unit["id"], "password": PASSWORD})
        enterprise = sessions["enterprise_manager"] = Session(browser, xss_server, manager["username"], PASSWORD)

        # risk sources (the enterprise names them), assessment, control measures
        ids["sources"] = []
        for i, (lon, lat) in enumerate([(119.2960, 26.0820), (119.2990, 26.0840)]):
            source = enterprise.api("POST", "/risk/sources", {
                "unit_id": unit["id"], "name": payload(f"风险源{i}"), "subclass_code": "A01",
                "lon": lon, "lat": lat, "description": payload("风险源描述")})
            ids["sources"].append(source["id"])
        enterprise.api("POST", f"/risk/sources/{ids['sources'][0]}/assess",
                       {"method": "lec", "l": 10, "e": 6, "c": 15, "assessor": SHORT, "note": payload("评估说明")})
        county.api("POST", f"/risk/sources/{ids['sources'][0]}/measures", {
            "measure": payload("措施"), "kind": TINY, "responsible_tier": TINY, "responsible_person": SHORT})

        # an inspection with a failed item: a hazard named by the inspector
        item = checklist["items"][0]
        inspection = county.api("POST", "/hazards/inspections", {
            "unit_id": unit["id"], "kind": "department", "inspector": payload("检查人"), "department": payload("部门"),
            "inspected_at": _future(-1), "notes": payload("检查备注"), "deadline": _future(30),
            "items": [{"code": item["code"], "result": "fail", "note": payload("检查项说明"), "tier": "general",
                       "title": payload("检查项隐患")}]})
        ids["inspection"] = inspection["id"]

        # a hazard reported by the enterprise, its 五到位 plan, a rejected acceptance (reason)
        hazard = enterprise.api("POST", "/hazards", {"unit_id": unit["id"], "title": payload("隐患"),
                                                     "description": payload("隐患描述"), "tier": "major"})
        ids["hazard"] = hazard["id"]
        county.api("POST", f"/hazards/{hazard['id']}/transitions", {"action": "confirm", "deadline": _future(30)})
        enterprise.api("PUT", f"/hazards/{hazard['id']}/plan", {
            "goal": payload("目标"), "measures": payload("整改措施"), "funds": 3, "funds_unit": "万元",
            "materials": payload("物资"), "responsible_person": payload("责任人"),
            "contingency_plan": payload("应急预案"), "safety_measures": payload("安全措施")})
        county.api("PUT", f"/hazards/{hazard['id']}/plan", {"deadline": _future(30)})
        for action in ("start_rectification", "submit_acceptance"):
            county.api("POST", f"/hazards/{hazard['id']}/transitions", {"action": action})
        county.api("POST", f"/hazards/{hazard['id']}/transitions", {"action": "reject", "reason": payload("退回原因")})
        # 挂牌督办, 摘牌 with a reason, then listed again (one lifted and one active listing)
        first = county.api("POST", f"/hazards/{hazard['id']}/listings", {
            "level": "county", "listed_by": payload("挂牌单位"), "notice_no": payload("文号"),
            "deadline": _future(20), "reason": payload("挂牌原因")})
        county.api("POST", f"/hazards/{hazard['id']}/listings/{first['id']}/lift", {"reason": payload("摘牌原因")})
        county.api("POST", f"/hazards/{hazard['id']}/listings", {
            "level": "county", "listed_by": payload("挂牌单位2"), "notice_no": payload("文号2"),
            "deadline": _future(25), "reason": payload("挂牌原因2")})
        county.api("POST", f"/hazards/{hazard['id']}/attachments", multipart={
            "file": {"name": f"XSS附件<img src=x {CANARY} onerror=window.__xss=1>.png", "mimeType": "image/png",
                     "buffer": _png()}})

        # enforcement: a penalty, a blacklist entry removed with a reason and one still listed, a plan
        county.api("POST", "/enforcement/penalties", {
            "unit_id": unit["id"], "decision_no": payload("决定书"), "amount_yuan": "5000",
            "reason": payload("违法事实"), "decided_at": _future(-2)})
        entry = county.api("POST", "/enforcement/blacklist", {"unit_id": unit["id"], "reason": payload("黑名单原因")})
        county.api("POST", f"/enforcement/blacklist/{entry['id']}/removal", {"removal_reason": payload("移出原因")})
        county.api("POST", "/enforcement/blacklist", {"unit_id": unit["id"], "reason": payload("黑名单原因2")})
        plan = county.api("POST", "/enforcement/plans", {"year": 2027, "division_code": TOWNSHIP})
        ids["plan"] = plan["id"]
        ids["plan_month"] = next(m for m in range(1, 13) if any(
            i["unit_id"] == unit["id"] for i in county.api(
                "GET", f"/enforcement/plans/{plan['id']}/items?month={m}&page_size=500")["items"]))

        for role in ("city_duty", "township_officer", "leader"):
            sessions[role] = Session(browser, xss_server, users[role]["username"], PASSWORD)
        yield {"sessions": sessions, "ids": ids, "base": xss_server}
    finally:
        for s in sessions.values():
            s.close()


# ------------------------------------------------------------------------------------------ the sweep

_STATE = "() => ({ran: window.__xss || 0, nodes: document.querySelectorAll('[data-xss-canary]').length})"


def assert_clean(page: Any, where: str) -> None:
    state = page.evaluate(_STATE)
    assert state == {"ran": 0, "nodes": 0}, f"{where}: a payload ran or became markup: {state}"


def wait_text(page: Any, selector: str, where: str) -> None:
    """Until the payload is shown as text inside ``selector`` (the sweep reached the records)."""
    try:
        page.wait_for_function("([sel, mark]) => [...document.querySelectorAll(sel)].some(n => n.textContent.includes(mark))",
                               arg=[selector, CANARY], timeout=15_000)
    except Exception as exc:
        raise AssertionError(f"{where}: no payload shown as text in {selector}") from exc


def visit(s: Session, path: str) -> Any:
    s.page.goto(f"{s.base}{path}")
    wait_booted(s.page)
    return s.page


GOVERNMENT = {"admin", "city_duty", "county_officer", "township_officer", "leader"}
CAN_LIFT = {"admin", "city_duty", "county_officer"}
CAN_REMOVE_FROM_BLACKLIST = {"admin", "city_duty", "county_officer", "township_officer"}


@pytest.mark.parametrize("role", ROLES)
def test_no_user_text_runs_or_becomes_markup_on_any_page(planted: dict[str, Any], role: str) -> None:
    s: Session = planted["sessions"][role]
    ids = planted["ids"]
    page = s.page

    # home: the ticker (event summaries name records), the jurisdiction map, data sources
    visit(s, "/")
    page.locator("#source-list .source-item").first.wait_for()
    page.click("#ticker-more")
    assert_clean(page, "首页")

    visit(s, "/admin")
    if role == "admin":
        wait_text(page, "#users-table", "政务管理·用户")
    if role != "enterprise_manager":
        page.locator("#audit-table tbody tr[data-seq]").first.wait_for()
    assert_clean(page, "政务管理")

    for path in ("/supervision", "/supervision/risk-stats"):
        visit(s, path)
        assert_clean(page, path)

    # lists: units, hazards, ledger (filtered to the planted records through the URL)
    for path, table in [("/supervision/units?q=XSS", "#units-table"), ("/supervision/hazards?q=XSS", "#hz-table"),
                        ("/supervision/ledger?q=XSS", "#ledger-table")]:
        visit(s, path)
        page.wait_for_selector(f"{table}[data-loaded]")
        assert_clean(page, path)
        wait_text(page, table, path)
    if role in CAN_LIFT:  # the 摘牌 dialog names the listing
        page.locator("#ledger-table button.hz-lift").first.click()
        wait_text(page, "dialog[open]", "台账·摘牌对话框")
        assert_clean(page, "台账·摘牌对话框")
        page.keyboard.press("Escape")

    # the unit: its page and its four-colour map, every marker hovered (tooltip with the name)
    visit(s, f"/supervision/units/{ids['unit']}")
    wait_text(page, "main", "单位页")
    points = page.locator("#unit-map path.risk-point")
    points.first.wait_for()
    assert points.count() == len(ids["sources"])
    for i in range(points.count()):
        points.nth(i).hover()
        page.locator("#unit-map .leaflet-tooltip").last.wait_for()
        assert_clean(page, f"单位一图·标记 {i}")
        wait_text(page, "#unit-map .leaflet-tooltip", f"单位一图·标记 {i}")

    # each source: its page, its card, and its marker on the city risk map (hover + popup)
    for source_id in ids["sources"]:
        for path in (f"/supervision/sources/{source_id}", f"/supervision/sources/{source_id}/card"):
            visit(s, path)
            wait_text(page, "main", path)
            assert_clean(page, path)
        visit(s, f"/supervision/risk-map?focus={source_id}")
        page.wait_for_selector(f"#map[data-focused='{source_id}']", timeout=30_000)
        marker = page.locator(f".risk-marker [data-source-id='{source_id}']")
        marker.hover()
        assert_clean(page, f"风险一张图·标记 {source_id}")
        marker.click()
        page.locator(".leaflet-popup .risk-popup a").wait_for()  # the source's details have arrived
        assert_clean(page, f"风险一张图·弹窗 {source_id}")
        wait_text(page, ".leaflet-popup .risk-popup", f"风险一张图·弹窗 {source_id}")

    # the hazard: facts, plan, listings, attachments, timeline, notices; the 摘牌 dialog
    visit(s, f"/supervision/hazards/{ids['hazard']}")
    page.locator("#hz-timeline li").first.wait_for()
    for box in ("#hz-info", "#hz-listings", "#hz-attachments", "#hz-timeline", "#hz-notices"):
        wait_text(page, box, f"隐患详情 {box}")
    assert CANARY in page.input_value("#hz-plan-form [name=measures]")  # into a value, as text
    assert_clean(page, "隐患详情")
    if role in CAN_LIFT:
        page.locator("#hz-listings button.hz-lift").first.click()
        wait_text(page, "dialog[open]", "隐患详情·摘牌对话框")
        assert_clean(page, "隐患详情·摘牌对话框")
        page.keyboard.press("Escape")

    visit(s, f"/supervision/inspections/{ids['inspection']}")
    wait_text(page, "#insp-info", "检查记录")
    wait_text(page, "#insp-detail-items", "检查记录·检查项")
    assert_clean(page, "检查记录")

    # the unit picker lists the unit by name (the read-only leader gets no inspection form: issue 8)
    visit(s, f"/supervision/inspections/new?unit_id={ids['unit']}")
    if role != "leader":
        page.fill("#insp-unit-search", "XSS单位")
        wait_text(page, "#insp-unit-list", "登记检查·单位选择")
    assert_clean(page, "登记检查")

    # enforcement: penalties, blacklist (and its removal dialog), the plan's month with the unit
    visit(s, f"/supervision/enforcement?plan={ids['plan']}&month={ids['plan_month']}")
    if role in GOVERNMENT:
        wait_text(page, "#penalties-table", "执法检查·处罚")
        wait_text(page, "#blacklist-table", "执法检查·黑名单")
        wait_text(page, "#plan-items-table", "执法检查·计划")
    page.wait_for_timeout(300)
    assert_clean(page, "执法检查")
    if role in CAN_REMOVE_FROM_BLACKLIST:
        page.locator("#blacklist-table button.bl-remove").first.click()
        wait_text(page, "dialog[open]", "执法检查·移出黑名单对话框")
        assert_clean(page, "执法检查·移出黑名单对话框")
        page.keyboard.press("Escape")

    assert s.external == [], s.external
    assert s.errors == [], s.errors
