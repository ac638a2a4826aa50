"""Reads of the warnings domain: lists (ListSpec), detail with its CAP chain and reviews, the Atom feed."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from yingji.core.auth import Principal
from yingji.core.db import utcnow
from yingji.core.listing import ListSpec, contains, eq, within_division
from yingji.core.scope import get_scoped
from yingji.core.timeutil import local_tz
from yingji.warnings import cap, catalog, messages, permissions
from yingji.warnings.models import CapImport, EarlyWarning, WarningReview, WarningVersion
from yingji.warnings.schemas import (
    ImportQuery,
    ImportRowOut,
    ReviewOut,
    VersionOut,
    WarningDetailOut,
    WarningOut,
    WarningQuery,
)


def in_force(now: datetime | None = None) -> Any:
    """SQL: published, not cancelled, not past its expiry."""
    now = now or utcnow()
    return and_(EarlyWarning.status == "active", or_(EarlyWarning.expires.is_(None), EarlyWarning.expires > now))


def _status(value: str) -> Any:
    now = utcnow()
    if value == "active":
        return in_force(now)
    if value == "expired":
        return and_(EarlyWarning.status == "active", EarlyWarning.expires <= now)
    return EarlyWarning.status == value


WARNINGS = ListSpec(
    model=EarlyWarning,
    query=WarningQuery,
    filters={"status": _status, "review": eq(EarlyWarning.review), "level": eq(EarlyWarning.level),
             "hazard_type": eq(EarlyWarning.hazard_type), "division": within_division(EarlyWarning.division_code),
             "q": contains(EarlyWarning.headline, EarlyWarning.key)},
    sorts={"created_at": EarlyWarning.created_at, "published_at": EarlyWarning.published_at,
           "level": EarlyWarning.level, "updated_at": EarlyWarning.updated_at, "id": EarlyWarning.id},
    labels={"created_at": "起草时间", "published_at": "签发时间", "level": "级别", "updated_at": "更新时间"},
    default_sort=("-updated_at",),
)

IMPORTS = ListSpec(model=CapImport, query=ImportQuery,
                   filters={"division": within_division(CapImport.division_code)},
                   sorts={"at": CapImport.at, "id": CapImport.id}, labels={"at": "导入时间"}, default_sort=("-at",))


def status_now(w: EarlyWarning, now: datetime | None = None) -> str:
    now = now or utcnow()
    if w.status == "active" and w.expires is not None and w.expires <= now:
        return "expired"
    return w.status


def out(w: EarlyWarning) -> WarningOut:
    o = WarningOut.model_validate(w)
    o.status = status_now(w)
    return o


def list_warnings(db: Session, *, principal: Principal, query: WarningQuery) -> dict[str, Any]:
    base = None
    if query.queue:  # 审批队列: submitted revisions this user did not write or submit (two-person rule)
        base = select(EarlyWarning).where(EarlyWarning.review == "pending",
                                          EarlyWarning.author != principal.username,
                                          or_(EarlyWarning.submitted_by.is_(None),
                                              EarlyWarning.submitted_by != principal.username))
    return WARNINGS.page(db, principal, query, out=lambda rows: [out(w) for w in rows], base=base)


def get_warning(db: Session, *, principal: Principal, warning_id: int) -> EarlyWarning:
    return get_scoped(db, principal, EarlyWarning, warning_id, what="预警")


def versions(db: Session, warning_id: int) -> list[WarningVersion]:
    return list(db.execute(select(WarningVersion).where(WarningVersion.warning_id == warning_id)
                           .order_by(WarningVersion.version)).scalars())


def detail(db: Session, *, principal: Principal, warning_id: int) -> WarningDetailOut:
    w = get_warning(db, principal=principal, warning_id=warning_id)
    reviews = db.execute(select(WarningReview).where(WarningReview.warning_id == w.id)
                         .order_by(WarningReview.at, WarningReview.id)).scalars()
    base = out(w).model_dump()
    coverage = None
    if w.campaign_id is not None:
        try:
            from yingji.broadcast import service as broadcast

            coverage = broadcast.coverage(db, w.campaign_id)
        except Exception:  # noqa: BLE001 — the delivery side is optional for the history page
            coverage = None
    return WarningDetailOut(**base, versions=[VersionOut.model_validate(v) for v in versions(db, w.id)],
                            reviews=[ReviewOut.model_validate(r) for r in reviews],
                            allowed=permissions.allowed(principal, w),
                            refusals=permissions.refusals(principal, w), coverage=coverage)


def version_xml(db: Session, *, principal: Principal, warning_id: int, version: int) -> str:
    w = get_warning(db, principal=principal, warning_id=warning_id)
    v = db.execute(select(WarningVersion).where(WarningVersion.warning_id == w.id, WarningVersion.version == version)
                   ).scalar_one_or_none()
    if v is None:
        from yingji.core.errors import NotFound

        raise NotFound(f"预警第 {version} 版不存在")
    return v.cap_xml


def list_imports(db: Session, *, principal: Principal, query: ImportQuery) -> dict[str, Any]:
    return IMPORTS.page(db, principal, query, out=lambda rows: [ImportRowOut.model_validate(r) for r in rows])


def active_public(db: Session, limit: int = 200) -> list[dict[str, Any]]:
    """Warnings in force, for the public page and the Atom feed (published content only, no drafts)."""
    rows = list(db.execute(select(EarlyWarning).where(in_force()).order_by(EarlyWarning.published_at.desc())
                           .limit(limit)).scalars())
    out_rows = []
    for w in rows:
        last = db.execute(select(WarningVersion).where(WarningVersion.warning_id == w.id)
                          .order_by(WarningVersion.version.desc()).limit(1)).scalar_one_or_none()
        if last is None:
            continue
        c = last.content or {}
        lv = next((x for x in catalog.levels() if x["key"] == last.level), {"label": "", "colour": "#888"})
        out_rows.append({"id": w.id, "identifier": last.identifier, "sender": last.sender, "sent": last.sent,
                         "version": last.version, "msg_type": last.msg_type, "level": last.level,
                         "level_label": lv["label"], "colour": lv["colour"],
                         "label": messages.label(w.hazard_type, last.level),
                         "headline": c.get("headline") or w.headline, "description": c.get("description") or "",
                         "instruction": c.get("instruction") or "", "area": c.get("area") or {},
                         "area_desc": c.get("area_desc") or "", "onset": c.get("onset"), "expires": c.get("expires")})
    return out_rows


def atom_feed(rows: list[dict[str, Any]], base_url: str, title: str) -> str:
    """An Atom 1.0 feed of the warnings in force; each entry links its CAP document."""
    tz = local_tz()
    updated = max((r["sent"] for r in rows), default=utcnow())
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
             f"<id>{escape(base_url)}/public/warnings/feed.atom</id>", f"<title>{escape(title)}</title>",
             f"<updated>{cap.cap_time(updated, tz)}</updated>",
             f'<link rel="self" href="{escape(base_url)}/public/warnings/feed.atom"/>']
    for r in rows:
        cap_url = f"{base_url}/public/warnings/{r['id']}/cap.xml"
        parts += ["<entry>", f"<id>urn:cap:{escape(r['sender'])}:{escape(r['identifier'])}</id>",
                  f"<title>{escape(r['headline'])}</title>", f"<updated>{cap.cap_time(r['sent'], tz)}</updated>",
                  f"<author><name>{escape(r['sender'])}</name></author>",
                  f"<summary>{escape(r['label'])}：{escape(r['area_desc'])}</summary>",
                  f'<link rel="alternate" type="application/cap+xml" href="{escape(cap_url)}"/>',
                  f'<category term="{escape(r["level"])}" label="{escape(r["level_label"])}"/>', "</entry>"]
    parts.append("</feed>")
    return "\n".join(parts)


def public_cap(db: Session, warning_id: int) -> str | None:
    w = db.get(EarlyWarning, warning_id)
    if w is None or w.status not in ("active", "cancelled"):
        return None
    last = db.execute(select(WarningVersion).where(WarningVersion.warning_id == w.id)
                      .order_by(WarningVersion.version.desc()).limit(1)).scalar_one_or_none()
    return last.cap_xml if last is not None else None
