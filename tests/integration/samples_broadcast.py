"""Jurisdiction-walk samples of the broadcast package (records in county A: 鼓楼区 350102 / 350102001)."""

from __future__ import annotations

from typing import Any

from yingji.core.auth import system_principal
from yingji.core.db import Database

TOWNSHIP_A = "350102001"


def _recipient(db: Database, ctx: dict[str, Any]) -> int:
    if "bc_recipient_id" not in ctx:
        from yingji.broadcast import actions
        from yingji.broadcast.schemas import RecipientIn

        with db.session() as s:
            r = actions.register_recipient(s, system_principal(), RecipientIn(
                kind="sms", division_code=TOWNSHIP_A, lon=119.30, lat=26.08, name="巡查样例接收人",
                address="13900000001"))
            ctx["bc_recipient_id"] = r.id
    return ctx["bc_recipient_id"]


def _campaign(db: Database, ctx: dict[str, Any]) -> int:
    if "bc_campaign_id" not in ctx:
        from yingji.broadcast import actions
        from yingji.broadcast.schemas import DrillIn

        _recipient(db, ctx)
        with db.session() as s:
            c = actions.send_drill(s, system_principal(), DrillIn.model_validate(
                {"area": {"divisions": [TOWNSHIP_A]}, "text": "巡查样例演练"}))
            ctx["bc_campaign_id"] = c.id
    return ctx["bc_campaign_id"]


PATH_SAMPLES = {
    "recipient_id": _recipient,
    "campaign_id": _campaign,
}

WRITE_BODIES = {
    ("POST", "/api/v1/broadcast/recipients"): lambda ctx: {
        "kind": "sms", "division_code": TOWNSHIP_A, "lon": 119.3, "lat": 26.08, "address": "13900000009"},
    ("POST", "/api/v1/broadcast/recipients/{recipient_id}/deactivate"): lambda ctx: {},
    ("POST", "/api/v1/broadcast/count"): lambda ctx: {"divisions": [TOWNSHIP_A]},
    ("POST", "/api/v1/broadcast/drills"): lambda ctx: {"area": {"divisions": [TOWNSHIP_A]}, "text": "越权演练"},
}
