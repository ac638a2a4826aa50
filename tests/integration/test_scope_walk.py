"""Walk EVERY API route and EVERY page as users outside county A — and as an enterprise user of
another unit inside it — and check nothing of county A's records leaks or changes.

New routes and pages are covered automatically: the walk fails if it cannot fill a route's path
parameters or body (register them in scope_samples.py / samples_<package>.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.integration import scope_samples as S
from yingji.core.audit import AuditRecord
from yingji.core.scope import ancestors, in_scope


@pytest.fixture(autouse=True)
def _all_samples() -> None:
    S.load()


CODE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")
LEAK_KEYS = {"code", "division_code", "scope_code"}

WALKERS = [("admin", "350121"), ("county_officer", "350121"), ("township_officer", "350102002"),
           ("leader", "350103"), ("enterprise_manager", S.TOWNSHIP_A)]
# readable by an enterprise user inside county A although not its unit's: the division it lies in
SHARED_IN_SCOPE = {"/api/v1/divisions/{code}"}
# the marks the samples put into county A's records (names, titles): never in an outsider's page
SAMPLE_MARKS = ("辖区A", "巡查样例")


def _walker(client_for, database, role: str, scope: str):  # type: ignore[no-untyped-def]
    """A client for the role; an enterprise manager gets a unit of its own in county A."""
    if role != "enterprise_manager":
        return client_for(role, scope), None
    from tests.integration.samples_hazards import make_unit

    own = make_unit(database, division_code=scope, name="巡查员自己的企业")
    return client_for(role, scope, unit_id=own), own


def _foreign_units(value: Any, own: int):  # type: ignore[no-untyped-def]
    """unit_id values of records that are not the enterprise user's own unit."""
    if isinstance(value, dict):
        if isinstance(value.get("unit_id"), int) and value["unit_id"] != own:
            yield value["unit_id"]
        for v in value.values():
            yield from _foreign_units(v, own)
    elif isinstance(value, list):
        for v in value:
            yield from _foreign_units(v, own)


def api_routes(app) -> list[tuple[str, str, dict]]:  # type: ignore[no-untyped-def]
    """Every (method, path) the application serves, from its OpenAPI description."""
    out = []
    for path, item in app.openapi()["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                out.append((method.upper(), path, op))
    assert len(out) > 10
    return out


def _codes(value: Any, key: str | None = None):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _codes(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _codes(v, key)
    elif key in LEAK_KEYS and isinstance(value, str) and CODE.match(value):
        yield value


def _call(client, method: str, path: str, body: Any):  # type: ignore[no-untyped-def]
    if isinstance(body, dict) and "__files__" in body:
        return client.request(method, path, files=body["__files__"], data=body.get("__data__"))
    return client.request(method, path, json=body) if body is not None else client.request(method, path)


def test_every_api_route_requires_login(app, anon):
    for method, path, route in api_routes(app):
        if path in S.PUBLIC or not path.startswith("/api/"):
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        r = anon.request(method, url)
        assert r.status_code == 401, f"{method} {path} answered {r.status_code} without login"


@pytest.mark.parametrize("role,scope", WALKERS)
def test_out_of_scope_user_walk_over_every_route(app, database, client_for, role, scope):
    ctx: dict[str, Any] = {}
    client, own_unit = _walker(client_for, database, role, scope)
    for make in S.PATH_SAMPLES.values():  # every sample record exists before any write body refers to it
        make(database, ctx)
    checked = 0
    for method, path, route in api_routes(app):
        if path in S.PUBLIC | S.SELF | S.STREAMS or not path.startswith("/api/"):
            continue
        params = re.findall(r"\{([^}]+)\}", path)
        missing = [p for p in params if p not in S.PATH_SAMPLES]
        assert not missing, f"register a sample for {missing} of {method} {path} in scope_samples.py"
        url = path
        for p in params:
            url = url.replace("{" + p + "}", str(S.PATH_SAMPLES[p](database, ctx)))
        if method == "GET" and not params:
            r = client.get(url)
            assert r.status_code in (200, 403), f"GET {path}: {r.status_code} {r.text[:200]}"
            if r.status_code == 200 and r.headers.get("content-type", "").startswith("application/json"):
                # a division containing the walker's (the city of a city-wide plan) reveals nothing of county A
                leaked = [c for c in _codes(r.json()) if not in_scope(scope, c) and c not in ancestors(scope)]
                assert not leaked, f"GET {path} leaked out-of-scope records {leaked[:5]} to {role}@{scope}"
                if own_unit is not None:
                    foreign = list(_foreign_units(r.json(), own_unit))
                    assert not foreign, f"GET {path} showed other units' records {foreign[:5]} to an enterprise user"
            checked += 1
            continue
        if method == "GET":
            r = client.get(url)
            if own_unit is not None and path in SHARED_IN_SCOPE:
                assert r.status_code == 200, f"GET {path}: {r.status_code}"
                checked += 1
                continue
        else:
            key = (method, path)
            assert key in S.WRITE_BODIES, f"register a body for {method} {path} in scope_samples.py"
            r = _call(client, method, url, S.WRITE_BODIES[key](ctx))
            if key in S.BULK_REPORTS and r.status_code == 200:
                assert r.json()["committed"] is False and r.json()["errors"], f"{method} {path} imported"
                checked += 1
                continue
        assert r.status_code in (403, 404), (
            f"{method} {path} as {role}@{scope} on county A answered {r.status_code}: {r.text[:300]}")
        checked += 1
    assert checked >= 10
    with database.session() as s:
        writes = s.scalar(select(func.count()).select_from(AuditRecord)
                          .where(AuditRecord.actor == client.user.username))
    assert writes == 0, "an out-of-scope user managed to write"


def page_routes(app) -> list[str]:  # type: ignore[no-untyped-def]
    """Every HTML page the application serves (GET routes outside /api, static files and docs)."""
    paths: set[str] = set()
    stack = list(app.routes)
    while stack:
        route = stack.pop()
        router = getattr(route, "original_router", None)
        if router is not None:
            stack.extend(router.routes)
            continue
        path, methods = getattr(route, "path", ""), getattr(route, "methods", None) or set()
        if "GET" in methods and not path.startswith(("/api/", "/static", "/vendor", "/docs", "/openapi",
                                                      "/redoc", "/healthz", "/metrics")) \
                and not path.endswith((".css", ".js")):  # generated assets, e.g. the level colours
            paths.add(path)
    assert len(paths) >= 10
    return sorted(paths)


def test_every_page_requires_login(app, anon):
    for path in page_routes(app):
        if path == "/login" or path in S.PUBLIC_PAGES:
            continue
        r = anon.get(re.sub(r"\{[^}]+\}", "1", path), follow_redirects=False)
        assert r.status_code in (302, 303) and "/login" in r.headers["location"], f"page {path}: {r.status_code}"


@pytest.mark.parametrize("role,scope", WALKERS)
def test_out_of_scope_user_walk_over_every_page(app, database, client_for, role, scope):
    """A page about a county-A record answers a Chinese 404 page to an outsider; list pages show none of it."""
    ctx: dict[str, Any] = {}
    client, _ = _walker(client_for, database, role, scope)
    for path in page_routes(app):
        if path in S.PUBLIC_PAGES:
            continue
        params = re.findall(r"\{([^}]+)\}", path)
        missing = [p for p in params if p not in S.PATH_SAMPLES]
        assert not missing, f"register a sample for {missing} of page {path} in scope_samples.py"
        url = path
        for p in params:
            url = url.replace("{" + p + "}", str(S.PATH_SAMPLES[p](database, ctx)))
        r = client.get(url, follow_redirects=False)
        if params:
            assert r.status_code in (403, 404), f"page {path} as {role}@{scope} answered {r.status_code}"
            assert r.headers["content-type"].startswith("text/html") and "未找到" in r.text or "无权" in r.text
        else:  # 403: a form page the role may not use (e.g. a read-only leader's 登记检查) says so in Chinese
            assert r.status_code in (200, 303, 403), f"page {path} as {role}@{scope} answered {r.status_code}"
        leaked = [m for m in SAMPLE_MARKS if m in r.text]
        assert not leaked, f"page {path} showed county A's {leaked} to {role}@{scope}"
