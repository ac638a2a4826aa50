"""Operations endpoints: /docs, /openapi.json and /metrics configurable; /healthz open but terse."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from yingji.app import create_app
from yingji.config import Settings


def app_with(database, tmp_path, **settings):  # type: ignore[no-untyped-def]
    return create_app(Settings(data_dir=tmp_path, **settings), database=database, start_background=False)


def test_by_default_docs_and_metrics_are_open_for_local_use(anon):
    assert anon.get("/openapi.json").json()["info"]["title"].startswith("yingji")
    assert anon.get("/docs").status_code == 200
    assert "yingji_http_requests_total" in anon.get("/metrics").text


def test_the_docs_page_uses_only_local_assets_and_no_inline_script(anon):
    html = anon.get("/docs").text
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert "/vendor/swagger-ui-dist/swagger-ui-bundle.js" in urls and "/docs/swagger-init.js" in urls
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []  # every script is external
    init = anon.get("/docs/swagger-init.js")
    assert init.status_code == 200 and "javascript" in init.headers["content-type"]
    assert anon.get("/vendor/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200


def test_docs_for_signed_in_users_only(database, tmp_path, make_user):
    app = app_with(database, tmp_path, docs="login")
    _, token = make_user("leader")
    with TestClient(app, raise_server_exceptions=False) as anon:
        assert anon.get("/openapi.json").status_code == 401
        r = anon.get("/docs", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/docs"
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as user:
        assert user.get("/openapi.json").status_code == 200 and user.get("/docs").status_code == 200


def test_docs_off(database, tmp_path):
    app = app_with(database, tmp_path, docs="off")
    with TestClient(app, raise_server_exceptions=False) as anon:
        for path in ("/openapi.json", "/docs", "/docs/swagger-init.js"):
            assert anon.get(path).status_code == 404, path


def test_metrics_restricted_to_a_token_or_allowed_addresses(database, tmp_path):
    app = app_with(database, tmp_path, metrics="token", metrics_token="scrape-secret-123",
                   metrics_allow="10.8.0.0/16, 192.0.2.10")
    with TestClient(app, raise_server_exceptions=False) as anywhere:
        r = anywhere.get("/metrics")
        assert r.status_code == 401 and "指标" in r.json()["error"]["message"]
        assert anywhere.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert anywhere.get("/metrics", headers={"Authorization": "Bearer scrape-secret-123"}).status_code == 200
    for address in ("10.8.3.4", "192.0.2.10"):
        with TestClient(app, client=(address, 9000)) as prometheus:
            assert prometheus.get("/metrics").status_code == 200, address
    with TestClient(app, raise_server_exceptions=False, client=("192.0.2.11", 9000)) as outsider:
        assert outsider.get("/metrics").status_code == 401


def test_metrics_off(database, tmp_path):
    with TestClient(app_with(database, tmp_path, metrics="off"), raise_server_exceptions=False) as anon:
        assert anon.get("/metrics").status_code == 404


def test_token_mode_needs_a_token_or_an_address_list():
    with pytest.raises(ValidationError, match="YINGJI_METRICS_TOKEN"):
        Settings(metrics="token")
    with pytest.raises(ValidationError, match="不是有效的 IP"):
        Settings(metrics="token", metrics_allow="10.0.0.0/8, not-an-address")


def test_healthz_stays_open_and_reveals_nothing_internal(anon):
    r = anon.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": {"ok": True}, "broker": {"ok": True}}
