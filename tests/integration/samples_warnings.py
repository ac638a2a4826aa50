"""Jurisdiction-walk samples of the warnings domain (a published warning in county A: 鼓楼区 350102001)."""

from __future__ import annotations

import itertools
from typing import Any

from yingji.core.auth import system_principal
from yingji.core.db import Database

TOWNSHIP_A = "350102001"
AUTHOR = system_principal(name="wn-author")
APPROVER = system_principal(name="wn-approver")
_n = itertools.count(1)


def published_warning(s: Any, division: str = TOWNSHIP_A, headline: str = "巡查样例暴雨蓝色预警") -> int:
    from yingji.warnings import actions
    from yingji.warnings.schemas import AreaIn, ReviewIn, WarningIn

    w = actions.create_warning(s, AUTHOR, WarningIn(hazard_type="rainstorm", level="blue", headline=headline,
                                                    area=AreaIn(divisions=[division])))
    actions.submit_warning(s, AUTHOR, w.id, ReviewIn())
    actions.approve_warning(s, APPROVER, w.id, ReviewIn())
    actions.publish_warning(s, APPROVER, w.id)
    return w.id


def _warning(db: Database, ctx: dict[str, Any]) -> int:
    if "warning_id" not in ctx:
        with db.session() as s:
            ctx["warning_id"] = published_warning(s)
    return ctx["warning_id"]


def cap_sample(identifier: str, geocode: str = TOWNSHIP_A) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>{identifier}</identifier>
<sender>walk@example</sender><sent>2026-07-01T08:00:00+08:00</sent><status>Actual</status><msgType>Alert</msgType>
<scope>Public</scope><info><category>Met</category><event>暴雨</event><urgency>Expected</urgency>
<severity>Minor</severity><certainty>Likely</certainty><headline>巡查样例外部预警</headline>
<area><areaDesc>辖区A</areaDesc><geocode><valueName>GB/T 2260</valueName><value>{geocode}</value></geocode></area>
</info></alert>"""


PATH_SAMPLES = {
    "warning_id": _warning,
    "version_no": lambda db, ctx: (_warning(db, ctx), 1)[1],
}

AREA_A = {"divisions": [TOWNSHIP_A]}
WRITE_BODIES = {
    ("POST", "/api/v1/warnings"): lambda ctx: {"hazard_type": "rainstorm", "level": "blue", "area": AREA_A},
    ("POST", "/api/v1/warnings/count"): lambda ctx: {"area": AREA_A},
    ("POST", "/api/v1/warnings/import"): lambda ctx: {"xml": cap_sample(f"walk-{next(_n)}")},
    ("PATCH", "/api/v1/warnings/{warning_id}"): lambda ctx: {"headline": "越权修改"},
    ("POST", "/api/v1/warnings/{warning_id}/submit"): lambda ctx: {"text": ""},
    ("POST", "/api/v1/warnings/{warning_id}/approve"): lambda ctx: {"text": ""},
    ("POST", "/api/v1/warnings/{warning_id}/reject"): lambda ctx: {"text": "越权退回"},
    ("POST", "/api/v1/warnings/{warning_id}/comments"): lambda ctx: {"text": "越权意见"},
    ("POST", "/api/v1/warnings/{warning_id}/publish"): lambda ctx: None,
    ("POST", "/api/v1/warnings/{warning_id}/update"): lambda ctx: {"note": "越权更新", "level": "red"},
    ("POST", "/api/v1/warnings/{warning_id}/cancel"): lambda ctx: {"note": "越权解除"},
}

# the public page, its feed and the published CAP documents need no login (published content only)
PUBLIC_PAGES = {"/public/warnings", "/public/warnings/feed.atom", "/public/warnings/{warning_id}/cap.xml"}
