"""The front end as the server delivers it: static folders per domain, versioned module URLs, one
bootstrap per page, the page context (time zone, map settings), level colours from configuration,
no inline script. (The browser behaviour is in tests/e2e; the pure modules in frontend/tests.)"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin

import pytest
from fastapi.testclient import TestClient

from tests.integration.samples_hazards import make_unit
from yingji.app import create_app
from yingji.config import Settings
from yingji.risk.grading import all_levels
from yingji.web import STATIC_DIR
from yingji.web.assets import asset_version, domain_static_dirs

# the web layer does not depend on the database engine: once is enough
pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)

CONTEXT = re.compile(r'<script type="application/json" id="yingji-context">(.*?)</script>', re.DOTALL)
IMPORT = re.compile(r"""^\s*(?:import|export)\s[^'"]*?\sfrom\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]""", re.MULTILINE)


def page_context(html: str) -> dict[str, Any]:
    match = CONTEXT.search(html)
    assert match, "the page has no #yingji-context"
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def records(client_for, database) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """One unit, risk source, hazard and inspection in 鼓楼区, so every page has something to show."""
    county = client_for("county_officer", "350102")
    unit_id = make_unit(database)
    source = county.post("/api/v1/risk/sources", json={"unit_id": unit_id, "name": "液氨储罐", "subclass_code": "A01"})
    hazard = county.post("/api/v1/hazards", json={"unit_id": unit_id, "title": "页面样例", "tier": "general"})
    catalog = county.get("/api/v1/hazards/catalog").json()
    item = next(c for c in catalog["checklists"] if c["industry"] == "hazchem")["items"][0]
    inspection = county.post("/api/v1/hazards/inspections", json={
        "unit_id": unit_id, "kind": "department", "inspector": "检查员", "inspected_at": "2026-03-01T09:00:00+08:00",
        "items": [{"code": item["code"], "result": "pass"}]})
    point = county.post("/api/v1/monitoring/points", json={
        "code": f"WEB-{source.json()['id']}", "name": "页面样例储罐", "device_type": "tank", "division_code": "350102001",
        "lon": 119.3, "lat": 26.08, "risk_source_id": source.json()["id"]})
    for r in (source, hazard, inspection, point):
        assert r.status_code == 201, r.text
    warning = county.post("/api/v1/warnings", json={"hazard_type": "typhoon", "level": "red",
                                                    "area": {"divisions": ["350102001"]}})
    assert warning.status_code == 201, warning.text
    from tests.integration.samples_dispatch import POINT_A, make_force  # dispatch: a station and an order

    _, vehicles = make_force(database, division_code="350102001")
    order = county.post("/api/v1/dispatch/orders", json={
        "lon": POINT_A[0], "lat": POINT_A[1], "incident_type": "fire",
        "vehicles": [{"vehicle_id": vehicles[0], "unit_type": "water_tender"}]})
    assert order.status_code == 201, order.text
    from tests.integration.samples_plans import CONTENT  # plans: a plan, started (its task board)

    plan = county.post("/api/v1/plans", json={"title": "页面样例预案", "kind": "special", "level": "county",
                                              "division_code": "350102", "content": CONTENT}).json()
    county.post(f"/api/v1/plans/{plan['id']}/transitions", json={"action": "approve"})
    board = county.post(f"/api/v1/plans/{plan['id']}/activations", json={"incident_type": "typhoon", "grade": 2})
    assert board.status_code == 201, board.text
    incident = county.post("/api/v1/incidents", json={"type": "建筑火灾", "division_code": "350102001",
                                                      "place_text": "鼓楼区东街口"})
    assert incident.status_code == 201, incident.text
    return {"unit": unit_id, "source": source.json()["id"], "hazard": hazard.json()["id"],
            "incident": incident.json()["id"], "inspection": inspection.json()["id"], "warning": warning.json()["id"], "point": point.json()["id"],
            "dispatch_order": order.json()["id"], "plan": plan["id"], "activation": board.json()["id"]}


def pages(ids: dict[str, int]) -> list[str]:
    return ["/", "/admin", "/supervision", "/monitoring", "/supervision/risk-map", "/supervision/risk-stats",
            "/supervision/units", f"/supervision/units/{ids['unit']}", f"/supervision/sources/{ids['source']}",
            f"/supervision/sources/{ids['source']}/card", "/supervision/hazards", f"/supervision/hazards/{ids['hazard']}",
            "/supervision/inspections/new", f"/supervision/inspections/{ids['inspection']}", "/supervision/ledger",
            "/supervision/enforcement", "/supervision/hazards/new", "/command/places",
            "/command/calls", "/command/incidents", f"/command/incidents/{ids['incident']}", "/command/reports", "/command/duty",
            "/monitoring/warnings", "/monitoring/warnings/new", f"/monitoring/warnings/{ids['warning']}", "/public/warnings",
            "/monitoring/warnings/console", "/monitoring/warnings/coverage",
            "/monitoring/map", "/monitoring/alarms", "/monitoring/devices", f"/monitoring/devices/{ids['point']}",
            "/monitoring/elevators",
            "/command/forces", "/command/dispatch", f"/command/dispatch/orders/{ids['dispatch_order']}",
            "/command/plans", f"/command/plans/{ids['plan']}", f"/command/plans/activations/{ids['activation']}",
            "/command/drills"]


def test_every_page_boots_one_way_with_no_inline_script(client_for, anon, records) -> None:  # type: ignore[no-untyped-def]
    client = client_for("county_officer", "350102")
    rendered = [(path, client.get(path)) for path in pages(records)] + [("/login", anon.get("/login"))]
    for path, resp in rendered:
        assert resp.status_code == 200, (path, resp.status_code)
        html = resp.text
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL)
        modules = [a for a, _ in scripts if 'type="module"' in a]
        assert len(modules) == 1 and "/js/boot.js" in modules[0], (path, modules)  # the one bootstrap
        for attrs, body in scripts:
            if 'type="application/json"' in attrs:
                continue
            assert "src=" in attrs and not body.strip(), (path, attrs, body[:80])  # no inline script
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), path  # no inline event handler
        assert not re.search(r"<[^>]+\sstyle\s*=", html), path  # styles come from stylesheets
        ctx = page_context(html)
        if path not in ("/supervision", "/monitoring", "/supervision/risk-stats"):
            assert ctx["module"], path  # every interactive page names its module


def test_module_graph_resolves_under_one_versioned_prefix(client_for, records) -> None:  # type: ignore[no-untyped-def]
    """Each page's module and everything it imports (relative URLs) is served, from the same release."""
    client = client_for("admin", "350100")
    version = asset_version.get()
    todo = {page_context(client.get(path).text)["module"] for path in pages(records)} - {None}
    todo.add(f"/static/v/{version}/js/boot.js")
    todo |= {f"/static/v/{version}/js/pages/login.js"}
    seen: set[str] = set()
    while todo:
        url = todo.pop()
        seen.add(url)
        assert url.startswith(f"/static/v/{version}/"), url
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert "javascript" in resp.headers["content-type"], url
        for static, bare in IMPORT.findall(resp.text):
            target = urljoin(url, static or bare)
            if target not in seen:
                todo.add(target)
    on_disk = {f"/static/v/{version}/{prefix}{p.relative_to(folder).as_posix()}"
               for prefix, folder in [("", STATIC_DIR)] + [(f"{d}/", f) for d, f in domain_static_dirs().items()]
               for p in folder.rglob("*.js")}
    assert seen == on_disk  # every module is reachable from a page, and every import exists


def test_each_domain_static_folder_is_served_with_the_right_caching(anon) -> None:  # type: ignore[no-untyped-def]
    folders = domain_static_dirs()
    assert set(folders) >= {"risk", "hazards", "enforcement"}
    version = asset_version.get()
    for domain, folder in folders.items():
        for path in folder.rglob("*.*"):
            rel = f"{domain}/{path.relative_to(folder).as_posix()}"
            plain = anon.get(f"/static/{rel}")
            versioned = anon.get(f"/static/v/{version}/{rel}")
            assert plain.status_code == versioned.status_code == 200, rel
            assert plain.content == versioned.content == path.read_bytes()
            assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert plain.headers["cache-control"] == "no-cache"
    assert anon.get(f"/static/v/{version}/css/yingji.css").status_code == 200
    assert anon.get("/static/risk/js/no-such-module.js").status_code == 404


@pytest.mark.parametrize("path", ["/static/risk/%2e%2e/pages.py", "/static/v/x/%2e%2e/%2e%2e/config.py",
                                  "/static/%2e%2e/app.py", "/static/hazards/..%2fpages.py", "/static/v/x/risk/%2e%2e/%2e%2e/app.py"])
def test_static_paths_cannot_leave_the_asset_folders(anon, path: str) -> None:  # type: ignore[no-untyped-def]
    assert anon.get(path).status_code == 404


def test_page_context_carries_the_configured_time_zone_and_map(database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path, secret_key="k", timezone="Asia/Urumqi", map_center=(43.8, 87.6),
                        map_zoom=8, map_bounds=(42.0, 85.0, 45.5, 90.0))
    with TestClient(create_app(settings, database=database, start_background=False)) as client:
        ctx = page_context(client.get("/login").text)
    assert ctx["timezone"] == "Asia/Urumqi"
    assert ctx["map"] == {"center": [43.8, 87.6], "zoom": 8, "min_zoom": 6, "max_zoom": 18, "bounds": [42.0, 85.0, 45.5, 90.0]}
    assert ctx["labels"]["division_levels"]["township"] == "乡镇（街道）"
    assert ctx["user"] is None and ctx["module"].endswith("/js/pages/login.js")


def test_page_context_tells_the_scripts_who_may_do_what(client_for) -> None:  # type: ignore[no-untyped-def]
    ctx = page_context(client_for("leader", "350100").get("/supervision/hazards").text)
    assert ctx["user"]["role"] == "leader" and ctx["user"]["permissions"] == ["*:read"]
    assert ctx["data"]["flags"]["can_write"] is False
    assert ctx["data"]["supervision_labels"] == {"county": "县级挂牌督办", "city": "市级挂牌督办"}


def test_risk_level_colours_come_from_the_grading_configuration(anon, client_for) -> None:  # type: ignore[no-untyped-def]
    resp = anon.get("/supervision/risk-levels.css")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/css")
    css = resp.text
    for lv in all_levels():
        assert f".risk-{lv.key} {{ --risk: {lv.hex};" in css
    # white on the dark fills, dark text on the light ones (whatever the configured colours)
    text = dict(re.findall(r"\.risk-(\w+) \{ --risk: #\w+; --risk-text: (#\w+); \}", css))
    assert text["major"] == "#ffffff" and text["general"] == "#1f1a00"
    assert anon.get("/supervision/risk-levels.css", headers={"If-None-Match": resp.headers["etag"]}).status_code == 304
    # and the pages hand the same levels to their scripts (no level table in JS or CSS)
    ctx = page_context(client_for("city_duty", "350100").get("/supervision/risk-map").text)
    assert [lv["key"] for lv in ctx["data"]["levels"]] == [lv.key for lv in all_levels()]
    assert [lv["hex"] for lv in ctx["data"]["levels"]] == [lv.hex for lv in all_levels()]
