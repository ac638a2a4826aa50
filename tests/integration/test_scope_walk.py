"""Walk EVERY API route as users outside county A and check nothing of county A leaks or changes.

New routes are covered automatically: the walk fails if it cannot fill a route's path
parameters or body (register them in scope_samples.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.integration import scope_samples as S
from yingji.core.audit import AuditRecord
from yingji.core.scope import in_scope

CODE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")
LEAK_KEYS = {"code", "division_code", "scope_code"}

WALKERS = [("admin", "350121"), ("county_officer", "350121"), ("township_officer", "350102002"),
           ("leader", "350103")]


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
    client = client_for(role, scope)
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
                leaked = [c for c in _codes(r.json()) if not in_scope(scope, c)]
                assert not leaked, f"GET {path} leaked out-of-scope records {leaked[:5]} to {role}@{scope}"
            checked += 1
            continue
        if method == "GET":
            r = client.get(url)
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
