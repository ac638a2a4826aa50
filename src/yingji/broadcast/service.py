"""The broadcast package's interface for the warnings domain (above it) and its reads.

* :func:`submit` — inside the caller's action (``atomic``): writes the campaign of one message
  version and the deliveries of its officials (first); the public deliveries are expanded from the
  target area by the delivery worker right after commit (:mod:`yingji.broadcast.delivery`).
* :func:`coverage` — delivered / targeted population per district and township, time to officials
  and to 90 % of the public.
* :func:`count_in_area` — recipients and population inside an area (the editor's live count).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from yingji.broadcast.models import Campaign, Delivery, Recipient
from yingji.broadcast.schemas import CampaignQuery, RecipientQuery
from yingji.broadcast.targeting import (
    KINDS,
    AreaError,
    RecipientIndex,
    Recipients,
    area_divisions,
    check_area,
    significant,
)
from yingji.config import get_settings
from yingji.core import hooks
from yingji.core.db import utcnow
from yingji.core.errors import Conflict, ValidationFailed
from yingji.core.listing import ListSpec, eq, within_division
from yingji.core.scope import get_scoped

OFFICIALS_HOOK = "warnings.officials"  # read hook: [{key, name, phone, division_code}], answered by duty
COVERAGE_TARGET = 0.90
OFFICIALS_AIM_SECONDS = 60
PUBLIC_AIM_SECONDS = 300
CHANNEL_OF_KIND = {"terminal": "mqtt", "sms": "sms", "app": "app", "official": "sms"}

_cache_lock = threading.Lock()
_cache: dict[str, tuple[tuple[Any, ...], RecipientIndex]] = {}


# -- the recipient index ------------------------------------------------------------------------
_generation = [0]


def forget_index() -> None:
    """Drop the cached index (after bulk loads or deletions that keep the highest id and time)."""
    with _cache_lock:
        _generation[0] += 1
        _cache.clear()


def _registry_version(db: Session) -> tuple[Any, ...]:
    # max(id) and max(updated_at) are index look-ups (a count of 8 million rows is not)
    row = db.execute(select(func.max(Recipient.id), func.max(Recipient.updated_at))).one()
    return (str(db.get_bind().url), row[0], row[1], _generation[0])


def load_recipients(db: Session, chunk: int = 200_000) -> Recipients:
    """Every active recipient as arrays, read through the driver's cursor in chunks (no ORM rows:
    a million recipients load in seconds rather than a minute)."""
    from yingji.broadcast.targeting import KINDS, code_number

    kind_index = {k: i for i, k in enumerate(KINDS)}
    cursor = db.connection().exec_driver_sql(
        "SELECT id, lon, lat, division_code, kind, population FROM broadcast_recipients "
        "WHERE active ORDER BY id" if db.get_bind().dialect.name == "postgresql" else
        "SELECT id, lon, lat, division_code, kind, population FROM broadcast_recipients WHERE active = 1 ORDER BY id")
    parts: list[Recipients] = []
    while rows := cursor.fetchmany(chunk):
        ids, lon, lat, code, kind, pop = zip(*rows)
        n = len(rows)
        parts.append(Recipients(np.fromiter(ids, np.int64, n), np.fromiter(lon, np.float64, n),
                                np.fromiter(lat, np.float64, n), np.fromiter(map(code_number, code), np.int64, n),
                                np.fromiter((kind_index.get(k, 1) for k in kind), np.int8, n),
                                np.fromiter(pop, np.int64, n)))
    if not parts:
        return Recipients.from_rows([])
    return Recipients(*(np.concatenate([getattr(p, f) for p in parts])
                        for f in ("ids", "lon", "lat", "code", "kind", "population")))


def recipient_index(db: Session) -> RecipientIndex:
    """The grid index of the registry, rebuilt when a recipient was added or changed."""
    version = _registry_version(db)
    key = version[0]
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
    index = RecipientIndex(load_recipients(db))
    with _cache_lock:
        _cache[key] = (version, index)
    return index


def _area_or_422(area: Any) -> Mapping[str, Any]:
    try:
        check_area(area)
    except AreaError as exc:
        raise ValidationFailed(str(exc), field=exc.field) from None
    return area


def count_in_area(db: Session, area: Mapping[str, Any]) -> dict[str, Any]:
    """Recipients by kind and the population they stand for, inside ``area``."""
    area = _area_or_422(area)
    index = recipient_index(db)
    out = index.summary(index.resolve(area))
    return {"by_kind": out["by_kind"], "recipients": out["recipients"], "population": out["population"]}


def _common_division(codes: list[str], city_code: str) -> str:
    """The narrowest county/township containing every code, else the city (the campaign's scope)."""
    if not codes:
        return city_code
    sig = [significant(c) for c in codes]
    for width in (12, 9, 6):
        heads = {s[:width] for s in sig if len(s) >= width}
        if len(heads) == 1 and all(len(s) >= width for s in sig):
            return heads.pop()
    return city_code


# -- submit ---------------------------------------------------------------------------------------
def _officials(db: Session, actor: Any, area: Mapping[str, Any], message_key: str, version: int) -> list[dict[str, Any]]:
    """Officials to reach first: the duty roles (read hook) and the contacts of units in the area."""
    out: dict[str, dict[str, Any]] = {}
    for answer in hooks.collect(db, actor, OFFICIALS_HOOK, area=dict(area), message_key=message_key,
                                version=version):
        for o in answer or []:
            phone = str(o.get("phone") or "").strip()
            if phone:
                key = f"official:{o.get('source', 'duty')}:{o.get('key') or phone}"[:64]
                out.setdefault(key, {"key": key, "address": phone, "division_code": str(o.get("division_code") or ""),
                                     "name": str(o.get("name") or "")})
    from yingji.units.models import Unit  # shared entity below broadcast

    stmt = select(Unit.id, Unit.name, Unit.phone, Unit.division_code, Unit.lon, Unit.lat).where(Unit.phone != "")
    rows = db.execute(stmt).all()
    if rows:
        rec = Recipients.from_rows([(r.id, r.lon if r.lon is not None else 0.0, r.lat if r.lat is not None else 0.0,
                                     r.division_code, "official", 1) for r in rows])
        hit = RecipientIndex(rec).resolve(area)
        for i in hit.tolist():
            r = rows[i]
            key = f"official:unit:{r.id}"
            out.setdefault(key, {"key": key, "address": r.phone, "division_code": r.division_code,
                                 "name": r.name})
    return list(out.values())


def submit(db: Session, actor: Any, *, message_key: str, version: int, area: dict[str, Any],
           severity_colour: str, text: str, officials_first: bool = True) -> int:
    """Start delivering one message version to ``area``; call inside the caller's ``atomic``.

    Writes the campaign and the deliveries of the officials now; the public recipients are
    expanded by the delivery worker after commit. Returns the campaign id. A version already
    submitted answers 409 (a recipient is never served twice for the same message version).
    """
    if not db.info.get("in_atomic"):
        raise RuntimeError("broadcast.submit must run inside the caller's action (atomic)")
    area = dict(_area_or_422(area))
    if not text.strip():
        raise ValidationFailed("预警内容不能为空", field="text")
    exists = db.execute(select(Campaign.id).where(Campaign.message_key == message_key,
                                                  Campaign.version == version)).scalar_one_or_none()
    if exists is not None:
        raise Conflict(f"预警 {message_key} 第 {version} 版已经发布过")
    index = recipient_index(db)
    hits = index.resolve(area)
    codes: list[str] = []
    if hits.size:
        lo, hi = int(index.rec.code[hits].min()), int(index.rec.code[hits].max())
        codes = [str(lo).zfill(12), str(hi).zfill(12)]
    scope_code = _common_division(list(area_divisions(area)) + codes, get_settings().city_code)
    now = utcnow()
    campaign = Campaign(message_key=message_key, version=version, division_code=scope_code, area=area,
                        severity_colour=severity_colour, text=text, officials_first=officials_first,
                        state="targeting", published_at=now, created_by=getattr(actor, "username", ""))
    db.add(campaign)
    db.flush()
    officials = _officials(db, actor, area, message_key, version)
    for o in officials:
        db.add(Delivery(campaign_id=campaign.id, recipient_key=o["key"], kind="official", channel="sms",
                        address=o["address"][:128], division_code=(o["division_code"] or scope_code)[:12],
                        population=0, priority=0 if officials_first else 1, state="pending", attempts=0,
                        next_attempt_at=now))
    campaign.officials = len(officials)
    db.flush()
    return campaign.id


# -- reads ----------------------------------------------------------------------------------------
def _rate(delivered: int, targeted: int) -> float | None:
    return round(delivered / targeted, 4) if targeted else None


def _seconds(at: datetime | None, start: datetime) -> float | None:
    return round((at - start).total_seconds(), 1) if at is not None else None


def coverage(db: Session, campaign_id: int, *, townships: bool = False) -> dict[str, Any]:
    """Delivered / targeted population per district (and township), times to officials and public."""
    c = db.get(Campaign, campaign_id)
    if c is None:
        raise ValidationFailed(f"发布任务 {campaign_id} 不存在", field="campaign_id")
    return _coverage(db, c, townships=townships)


def _coverage(db: Session, c: Campaign, *, townships: bool) -> dict[str, Any]:
    delivered = case((Delivery.state == "delivered", Delivery.population), else_=0)
    delivered_n = case((Delivery.state == "delivered", 1), else_=0)

    def group(width: int) -> dict[str, dict[str, Any]]:
        key = func.substr(Delivery.division_code, 1, width)
        rows = db.execute(select(key, func.count(), func.sum(delivered_n), func.sum(Delivery.population),
                                 func.sum(delivered))
                          .where(Delivery.campaign_id == c.id, Delivery.priority == 1)
                          .group_by(key)).all()
        return {r[0]: {"recipients": int(r[1]), "delivered_recipients": int(r[2] or 0), "targeted": int(r[3] or 0),
                       "delivered": int(r[4] or 0), "rate": _rate(int(r[4] or 0), int(r[3] or 0))} for r in rows}

    targeted = int(c.targeted_population or 0)
    out: dict[str, Any] = {
        "campaign_id": c.id, "message_key": c.message_key, "version": c.version, "state": c.state,
        "severity_colour": c.severity_colour, "published_at": c.published_at,
        "targeted": targeted, "delivered": int(c.delivered_population or 0),
        "rate": _rate(int(c.delivered_population or 0), targeted), "target_rate": COVERAGE_TARGET,
        "recipients": int(c.targeted or 0), "delivered_recipients": int(c.delivered or 0), "failed": int(c.failed or 0),
        "officials": int(c.officials or 0), "officials_delivered": int(c.officials_delivered or 0),
        "officials_seconds": _seconds(c.officials_done_at, c.published_at),
        "public_p90_seconds": _seconds(c.public_p90_at, c.published_at),
        "officials_aim_seconds": OFFICIALS_AIM_SECONDS, "public_aim_seconds": PUBLIC_AIM_SECONDS,
        "by_district": group(6),
    }
    if townships:
        out["by_township"] = group(9)
    return out


def by_channel(db: Session, campaign_id: int) -> dict[str, dict[str, int]]:
    rows = db.execute(select(Delivery.channel, Delivery.state, func.count()).where(Delivery.campaign_id == campaign_id)
                      .group_by(Delivery.channel, Delivery.state)).all()
    out: dict[str, dict[str, int]] = {}
    for ch, state, n in rows:
        out.setdefault(ch, {"pending": 0, "delivered": 0, "failed": 0})[state] = int(n)
    return out


def scoped_campaign(db: Session, actor: Any, campaign_id: int) -> Campaign:
    return get_scoped(db, actor, Campaign, campaign_id, what="发布任务")


def kinds() -> tuple[str, ...]:
    return KINDS


# -- lists ----------------------------------------------------------------------------------------
RECIPIENTS = ListSpec(Recipient, RecipientQuery,
                      filters={"kind": eq(Recipient.kind), "division_code": within_division(Recipient.division_code),
                               "synthetic": eq(Recipient.synthetic)},
                      sorts={"id": Recipient.id, "kind": Recipient.kind, "division_code": Recipient.division_code,
                             "population": Recipient.population},
                      default_sort=("division_code", "id"))
CAMPAIGNS = ListSpec(Campaign, CampaignQuery,
                     filters={"state": eq(Campaign.state), "message_key": eq(Campaign.message_key)},
                     sorts={"id": Campaign.id, "published_at": Campaign.published_at},
                     default_sort=("-published_at",))


def list_recipients(db: Session, principal: Any, query: RecipientQuery) -> dict[str, Any]:
    return RECIPIENTS.page(db, principal, query)


def list_campaigns(db: Session, principal: Any, query: CampaignQuery) -> dict[str, Any]:
    return CAMPAIGNS.page(db, principal, query)


def check_count_scope(principal: Any, area: Mapping[str, Any], index: RecipientIndex | None = None) -> None:
    """Counting (like publishing) is limited to the actor's jurisdiction (403 outside it)."""
    from yingji.core.scope import ensure_in_scope

    for code in area_divisions(area):
        ensure_in_scope(principal, code, field="area.divisions")
