"""One sample call per monitoring action for tests/integration/test_actions_walk.py."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from yingji.core.auth import system_principal
from yingji.core.db import utcnow

TOWN = "350102003"
_n = itertools.count(1)
Sample = Callable[[Any, dict[str, Any]], Callable[[], Any]]


def _point(s: Any, ctx: dict[str, Any], device_type: str = "tank") -> tuple[int, str]:
    from yingji.monitoring import actions
    from yingji.monitoring.schemas import PointIn

    key = f"point_{device_type}"
    if key not in ctx:
        p = actions.create_point(s, system_principal(), PointIn(
            code=f"AW-{uuid.uuid4().hex[:10]}", name="巡检监测点", device_type=device_type, division_code=TOWN,
            lon=119.3, lat=26.08))
        ctx[key] = (p.id, p.code)
    return ctx[key]


def _alarm(s: Any, ctx: dict[str, Any], state: str = "raised") -> int:
    from yingji.monitoring import actions
    from yingji.monitoring.ingest import Message, store_batch
    from yingji.monitoring.schemas import AlarmActionIn

    _, code = _point(s, ctx)
    r = store_batch(s, [Message({"device": code, "ts": (utcnow() - timedelta(seconds=next(_n))).isoformat(),
                                 "values": {"pressure": 1.7}})])
    aid = r.alarm_ids[0]
    for action in {"raised": [], "acknowledged": ["acknowledge"], "handled": ["acknowledge", "handle"]}[state]:
        actions.act_on_alarm(s, system_principal(), aid, AlarmActionIn(action=action))
    return aid


def SAMPLES(tmp_path: Any) -> dict[str, Sample]:
    from yingji.monitoring import actions as mo
    from yingji.monitoring.schemas import AlarmActionIn, PointIn, PointPatch

    s_ = system_principal()

    def import_points(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        csv = f"设备编码,监测点名称,设备类型,乡镇（街道）代码,经度,纬度\nAWI-{uuid.uuid4().hex[:8]},导入点,tank,{TOWN},119.3,26.08\n"
        return lambda: mo.import_points(s, s_, csv.encode(), "p.csv")

    def telemetry(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        _, code = _point(s, ctx)
        return lambda: mo.ingest_telemetry(s, s_, [{"device": code, "ts": utcnow().isoformat(),
                                                    "values": {"pressure": 0.5}}])

    def act(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        aid = _alarm(s, ctx)
        return lambda: mo.act_on_alarm(s, s_, aid, AlarmActionIn(action="acknowledge"))

    def checks(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        return lambda: mo.run_checks(s, system_principal(TOWN), utcnow())

    def purge(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        return lambda: mo.purge_history(s, s_, retention_days=3650)

    return {
        "yingji.monitoring.actions.create_point": lambda s, ctx: lambda: mo.create_point(s, s_, PointIn(
            code=f"AWC-{uuid.uuid4().hex[:8]}", name="巡检新点", device_type="rain_gauge", division_code=TOWN,
            lon=119.3, lat=26.08)),
        "yingji.monitoring.actions.update_point": lambda s, ctx: (lambda pid: lambda: mo.update_point(
            s, s_, pid, PointPatch(name=f"巡检改名{next(_n)}")))(_point(s, ctx)[0]),
        "yingji.monitoring.actions.import_points": import_points,
        "yingji.monitoring.actions.ingest_telemetry": telemetry,
        "yingji.monitoring.actions.act_on_alarm": act,
        "yingji.monitoring.actions.run_checks": checks,
        "yingji.monitoring.actions.purge_history": purge,
        "yingji.monitoring.actions.rollup_history": lambda s, ctx: lambda: mo.rollup_history(s, s_, lookback_hours=2),
        "yingji.monitoring.actions.open_incident": lambda s, ctx: (lambda aid: lambda: _with_stand_in(
            mo.OPEN_INCIDENT_HOOK, lambda: mo.open_incident(s, s_, aid)))(_alarm(s, ctx)),
        "yingji.monitoring.actions.propose_warning": lambda s, ctx: (lambda aid: lambda: _with_stand_in(
            mo.PROPOSE_WARNING_HOOK, lambda: mo.propose_warning(s, s_, aid)))(_alarm(s, ctx)),
    }


def _with_stand_in(hook: str, call: Callable[[], Any]) -> Any:
    """Run ``call`` with a stand-in handler of ``hook`` when no upper domain answers it (incidents/warnings
    not deployed: the action would answer 409 and write nothing), removed afterwards."""
    from yingji.core import hooks

    if hooks.handlers(hook):
        return call()

    def stand_in(db: Any, actor: Any, **data: Any) -> None:
        assert {"alarm_id", "title", "kind", "level", "lon", "lat", "division_code", "unit_id", "occurred_at"} <= set(data)

    hooks.handler(hook)(stand_in)
    try:
        return call()
    finally:
        hooks._HANDLERS[hook].remove(stand_in)
