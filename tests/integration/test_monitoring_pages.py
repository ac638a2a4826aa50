"""Monitoring pages render (Chinese, CSP-clean modules) and check scope server-side; the home card answers."""

from __future__ import annotations

from tests.integration.samples_monitoring import make_alarm


def test_pages_render_and_device_detail_checks_scope(client_for, database):
    ctx: dict = {}
    make_alarm(database, ctx)
    admin = client_for("admin")
    for path in ("/monitoring/map", "/monitoring/alarms", "/monitoring/devices", f"/monitoring/devices/{ctx['mon_point_id']}"):
        r = admin.get(path)
        assert r.status_code == 200, (path, r.text[:300])
        assert "monitoring/js/" in r.text
    page = admin.get(f"/monitoring/devices/{ctx['mon_point_id']}").text
    assert "yingji/telemetry/" in page and "mon-line" in page  # the history chart is drawn
    other = client_for("county_officer", "350121")
    r = other.get(f"/monitoring/devices/{ctx['mon_point_id']}")
    assert r.status_code == 404 and "监测点" in r.text
    cards = admin.get("/api/v1/home").json()
    card = next(c for c in cards["cards"] if c["key"] == "monitoring.alarms")
    assert card["count"] >= 1 and card["href"] == "/monitoring/alarms"
