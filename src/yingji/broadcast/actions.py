"""Every write of the broadcast package: register / deactivate recipients, send a drill.

(Publishing a real warning is the warnings domain's action: it calls :func:`service.submit`.)
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from yingji.broadcast import permissions, service
from yingji.broadcast.models import Campaign, Recipient
from yingji.broadcast.schemas import DrillIn, RecipientIn
from yingji.core import audit, events
from yingji.core.auth import Principal
from yingji.core.db import atomic
from yingji.core.divisions import Division
from yingji.core.errors import Forbidden, ValidationFailed
from yingji.core.scope import ensure_in_scope, get_scoped


def _check(actor: Principal) -> None:
    if (reason := permissions.write_refusal(actor)) is not None:
        raise Forbidden(reason)


def _snapshot(r: Recipient) -> dict[str, Any]:
    return {"kind": r.kind, "level": r.level, "division_code": r.division_code, "lon": r.lon, "lat": r.lat,
            "name": r.name, "address": r.address, "population": r.population, "active": r.active}


def register_recipient(db: Any, actor: Principal, data: RecipientIn) -> Recipient:
    """登记一个接收对象；没有坐标的按所在区划的代表点参与范围圈定。"""
    _check(actor)
    with atomic(db):
        ensure_in_scope(actor, data.division_code)
        lon, lat, located = data.lon, data.lat, True
        if lon is None or lat is None:
            code = data.division_code
            div = None
            for width in (12, 9, 6):
                if len(code) >= width and (div := db.get(Division, code[:width])) is not None:
                    break
            if div is None or div.centroid_lon is None:
                raise ValidationFailed("请填写经纬度（所在区划没有代表点）", field="lon")
            lon, lat, located = div.centroid_lon, div.centroid_lat, False
        if data.kind == "terminal" and data.level is None:
            raise ValidationFailed("应急广播终端须选择终端级别", field="level")
        r = Recipient(kind=data.kind, level=data.level if data.kind == "terminal" else None,
                      division_code=data.division_code, lon=lon, lat=lat, located=located, name=data.name,
                      address=data.address, population=data.population, active=True, synthetic=False)
        db.add(r)
        db.flush()
        audit.record(db, actor, "broadcast.recipient_registered", "broadcast_recipient", r.id,
                     division_code=r.division_code, after=_snapshot(r))
        events.emit(db, "broadcast.recipient_registered", division_code=r.division_code, actor=actor.username,
                    summary=f"登记预警接收对象 {r.name or r.address}", payload={"recipient_id": r.id, "kind": r.kind})
    return r


def deactivate_recipient(db: Any, actor: Principal, recipient_id: int) -> Recipient:
    """停用一个接收对象（之后的发布不再圈定它；已有投递记录保留）。"""
    _check(actor)
    with atomic(db):
        r = get_scoped(db, actor, Recipient, recipient_id, what="接收对象")
        before = _snapshot(r)
        r.active = False
        db.flush()
        audit.record(db, actor, "broadcast.recipient_deactivated", "broadcast_recipient", r.id,
                     division_code=r.division_code, before=before, after=_snapshot(r))
        events.emit(db, "broadcast.recipient_deactivated", division_code=r.division_code, actor=actor.username,
                    summary=f"停用预警接收对象 {r.name or r.address}", payload={"recipient_id": r.id})
    return r


def send_drill(db: Any, actor: Principal, data: DrillIn) -> Campaign:
    """发送演练消息：与正式预警同一条投递链路（责任人优先、覆盖率统计），消息标注“演练”。"""
    _check(actor)
    with atomic(db):
        area = data.area.plain()
        for code in area["divisions"]:
            ensure_in_scope(actor, code, field="area.divisions")
        text = data.text if data.text.startswith("【演练】") else f"【演练】{data.text}"
        cid = service.submit(db, actor, message_key=f"drill-{uuid.uuid4().hex[:16]}", version=1, area=area,
                             severity_colour=data.severity_colour, text=text)
        c = db.execute(select(Campaign).where(Campaign.id == cid)).scalar_one()
        ensure_in_scope(actor, c.division_code, field="area")
        audit.record(db, actor, "broadcast.drill_sent", "broadcast_campaign", c.id, division_code=c.division_code,
                     after={"message_key": c.message_key, "area": area, "text": text, "officials": c.officials})
        events.emit(db, "broadcast.drill_sent", division_code=c.division_code, actor=actor.username,
                    summary=f"发送预警演练消息（{c.officials} 名责任人优先）",
                    payload={"campaign_id": c.id, "message_key": c.message_key})
    return c
