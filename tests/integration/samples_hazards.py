"""Jurisdiction-walk samples of the hazards domain (records in county A: 鼓楼区 350102 / 350102001)."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests import filesamples
from yingji.core.auth import system_principal
from yingji.core.db import Database, bookkeeping

TOWNSHIP_A = "350102001"
_n = itertools.count(1)
WHEN = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def make_unit(db: Database, division_code: str = TOWNSHIP_A, industry: str = "hazchem",
              risk_level: str | None = "major", name: str | None = None) -> int:
    from yingji.units.models import Unit

    with db.session() as s:
        u = Unit(name=name or f"测试单位{next(_n)}", credit_code="T" + uuid.uuid4().hex[:20].upper(),
                 industry=industry, division_code=division_code, address="", risk_level=risk_level,
                 synthetic=True, lon=119.3, lat=26.08)
        s.add(u)
        with bookkeeping(s):  # test fixture data, written directly (no action, no audit)
            s.commit()
        return u.id


def _unit(db: Database, ctx: dict[str, Any]) -> int:
    if "hz_unit_id" not in ctx:
        ctx["hz_unit_id"] = make_unit(db)
    return ctx["hz_unit_id"]


def _hazard(db: Database, ctx: dict[str, Any]) -> int:
    if "hazard_id" not in ctx:
        from yingji.hazards import actions
        from yingji.hazards.models import Hazard
        from yingji.hazards.schemas import HazardIn

        unit_id = _unit(db, ctx)
        with db.session() as s:
            h = actions.report_hazard(s, system_principal(), HazardIn(
                unit_id=unit_id, title="巡查样例隐患", tier="general", deadline=WHEN + timedelta(days=10)))
            hazard = s.get(Hazard, h.id)
            hazard.attachments = [{"id": "a" * 32, "filename": "x.png", "content_type": "image/png", "size": 1,
                                   "stored": "uploads/none.png", "uploaded_at": WHEN.isoformat(),
                                   "uploaded_by": "system"}]
            with bookkeeping(s):  # test fixture data
                s.commit()
            ctx["hazard_id"] = h.id
    return ctx["hazard_id"]


def _inspection(db: Database, ctx: dict[str, Any]) -> int:
    if "inspection_id" not in ctx:
        from yingji.hazards import actions
        from yingji.hazards.schemas import InspectionIn

        with db.session() as s:
            insp, _ = actions.record_inspection(s, system_principal(), InspectionIn(
                unit_id=_unit(db, ctx), kind="department", inspector="巡查员", inspected_at=WHEN, items=[]))
            ctx["inspection_id"] = insp.id
    return ctx["inspection_id"]


def _listing(db: Database, ctx: dict[str, Any]) -> int:
    """An active county listing (挂牌督办) of the sample hazard, for the 摘牌 route."""
    if "listing_id" not in ctx:
        from yingji.hazards.models import Hazard, SupervisionListing

        hid = _hazard(db, ctx)
        with db.session() as s:
            h = s.get(Hazard, hid)
            listing = SupervisionListing(hazard_id=h.id, unit_id=h.unit_id, division_code=h.division_code,
                                         level="county", listed_by="鼓楼区安委办", notice_no="巡查样例督1号",
                                         deadline=WHEN + timedelta(days=30), reason="巡查样例", automatic=False,
                                         actor="system", listed_at=WHEN)
            s.add(listing)
            h.supervision_level, h.listed_at = "county", WHEN
            with bookkeeping(s):  # test fixture data
                s.commit()
            ctx["listing_id"] = listing.id
    return ctx["listing_id"]


PATH_SAMPLES = {
    "hazard_id": _hazard,
    "listing_id": _listing,
    "inspection_id": _inspection,
    "attachment_id": lambda db, ctx: (_hazard(db, ctx), "a" * 32)[1],
}

_PNG = filesamples.PNG

WRITE_BODIES = {
    ("POST", "/api/v1/hazards"): lambda ctx: {"unit_id": ctx["hz_unit_id"] if "hz_unit_id" in ctx else 1,
                                              "title": "越权隐患", "tier": "general"},
    ("POST", "/api/v1/hazards/{hazard_id}/transitions"): lambda ctx: {"action": "confirm"},
    ("PUT", "/api/v1/hazards/{hazard_id}/plan"): lambda ctx: {"measures": "越权"},
    ("POST", "/api/v1/hazards/{hazard_id}/listings"): lambda ctx: {
        "level": "county", "listed_by": "越权", "notice_no": "X-1", "deadline": "2027-01-01T00:00:00+08:00"},
    ("POST", "/api/v1/hazards/{hazard_id}/listings/{listing_id}/lift"): lambda ctx: {"reason": "越权摘牌"},
    ("POST", "/api/v1/hazards/{hazard_id}/attachments"): lambda ctx: {
        "__files__": {"file": ("a.png", _PNG, "image/png")}},
    ("POST", "/api/v1/hazards/inspections"): lambda ctx: {
        "unit_id": ctx.get("hz_unit_id", 1), "kind": "department", "inspector": "越权",
        "inspected_at": "2026-11-01T10:00:00+08:00", "items": []},
    ("POST", "/api/v1/hazards/escalation/run"): lambda ctx: {},
}
