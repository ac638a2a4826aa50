"""Jurisdiction-walk samples of the monitoring domain (records in county A: 鼓楼区 350102 / 350102001)."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from typing import Any

from tests.integration.samples_hazards import TOWNSHIP_A, make_unit
from yingji.core.auth import system_principal
from yingji.core.db import Database, utcnow

_n = itertools.count(1)


def make_source(db: Database, unit_id: int, name: str = "液氯储罐区") -> int:
    from yingji.risk import actions as rk
    from yingji.risk.schemas import SourceIn

    with db.session() as s:
        return rk.create_source(s, system_principal(), SourceIn(unit_id=unit_id, name=name, subclass_code="A01")).id


def make_point(db: Database, device_type: str = "tank", *, division_code: str = TOWNSHIP_A, unit_id: int | None = None,
               risk_source_id: int | None = None, code: str | None = None, name: str | None = None,
               rules_override: dict[str, Any] | None = None) -> tuple[int, str]:
    from yingji.monitoring import actions
    from yingji.monitoring.schemas import PointIn

    code = code or f"T-{device_type}-{uuid.uuid4().hex[:10]}"
    with db.session() as s:
        p = actions.create_point(s, system_principal(), PointIn(
            code=code, name=name or f"测试监测点{next(_n)}", device_type=device_type, division_code=division_code,
            lon=119.3, lat=26.08, unit_id=unit_id, risk_source_id=risk_source_id, rules_override=rules_override))
        return p.id, code


def make_alarm(db: Database, ctx: dict[str, Any] | None = None) -> int:
    """A tank point of a major hazard source with a raised pressure alarm."""
    from yingji.monitoring.ingest import Message, store_batch

    ctx = ctx if ctx is not None else {}
    if "mon_alarm_id" not in ctx:
        unit = make_unit(db)
        source = make_source(db, unit)
        pid, code = make_point(db, "tank", risk_source_id=source)
        ctx["mon_point_id"] = pid
        with db.session() as s:
            r = store_batch(s, [Message({"device": code, "ts": (utcnow() - timedelta(seconds=5)).isoformat(),
                                         "values": {"pressure": 1.7}}, source="http")])
        ctx["mon_alarm_id"] = r.alarm_ids[0]
    return ctx["mon_alarm_id"]


def _point(db: Database, ctx: dict[str, Any]) -> int:
    if "mon_point_id" not in ctx:
        make_alarm(db, ctx)
    return ctx["mon_point_id"]


PATH_SAMPLES = {
    "point_id": _point,
    "alarm_id": lambda db, ctx: make_alarm(db, ctx),
}

WRITE_BODIES = {
    ("POST", "/api/v1/monitoring/points"): lambda ctx: {
        "code": f"X-{uuid.uuid4().hex[:8]}", "name": "越权监测点", "device_type": "tank", "division_code": TOWNSHIP_A,
        "lon": 119.3, "lat": 26.08},
    ("PATCH", "/api/v1/monitoring/points/{point_id}"): lambda ctx: {"name": "越权改名"},
    ("POST", "/api/v1/monitoring/points/import"): lambda ctx: {"__files__": {"file": (
        "p.csv", f"设备编码,监测点名称,设备类型,乡镇（街道）代码,经度,纬度\nX-{uuid.uuid4().hex[:8]},越权,tank,{TOWNSHIP_A},119.3,26.08\n"
        .encode(), "text/csv")}},
    ("POST", "/api/v1/monitoring/telemetry"): lambda ctx: {"messages": [
        {"device": "NO-SUCH-DEVICE", "ts": utcnow().isoformat(), "values": {"pressure": 1}}]},
    ("POST", "/api/v1/monitoring/alarms/{alarm_id}/actions"): lambda ctx: {"action": "acknowledge"},
    ("POST", "/api/v1/monitoring/alarms/{alarm_id}/incident"): lambda ctx: {},
    ("POST", "/api/v1/monitoring/alarms/{alarm_id}/warning"): lambda ctx: {},
    ("POST", "/api/v1/monitoring/checks/run"): lambda ctx: {},
}

BULK_REPORTS = {("POST", "/api/v1/monitoring/points/import")}
