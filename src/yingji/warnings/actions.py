"""Every write of the warnings domain: drafts, reviews (two-person approval), publication (a CAP
version + a broadcast campaign), update/upgrade/downgrade and cancel, and CAP imports.

Each public function is one action: permission checked, one transaction (``atomic``), an audit
record and an event. A published version is never changed: an update or cancel is a new version
whose CAP message ``references`` every earlier one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.config import get_settings
from yingji.core import audit, events
from yingji.core.auth import Principal
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Division
from yingji.core.errors import Conflict, Forbidden, ValidationFailed
from yingji.core.scope import ensure_in_scope, get_scoped
from yingji.core.timeutil import local_tz
from yingji.warnings import cap, catalog, messages, permissions
from yingji.warnings.models import CapImport, EarlyWarning, WarningReview, WarningVersion
from yingji.warnings.schemas import (
    AreaIn,
    CancelIn,
    ImportIn,
    RejectIn,
    ReviewIn,
    UpdateIn,
    WarningIn,
    WarningPatch,
)

Submitter = Callable[..., int]
TYPE_OF_EVENT = {"台风": "typhoon", "暴雨": "rainstorm", "洪水": "flood", "地质": "geological", "森林火险": "forest_fire",
                 "火险": "forest_fire", "危险化学品": "hazchem", "危化": "hazchem", "地震": "earthquake", "高温": "heat",
                 "寒潮": "cold_wave"}


# -- helpers ------------------------------------------------------------------------------------
def _snapshot(w: EarlyWarning) -> dict[str, Any]:
    return {"key": w.key, "hazard_type": w.hazard_type, "level": w.level, "headline": w.headline,
            "status": w.status, "review": w.review, "op": w.op, "version": w.version, "revision": w.revision,
            "area": w.area, "onset": w.onset, "expires": w.expires}


def _payload(w: EarlyWarning, **extra: Any) -> dict[str, Any]:
    return {"warning_id": w.id, "key": w.key, "hazard_type": w.hazard_type, "level": w.level, "status": w.status,
            "review": w.review, "version": w.version, **extra}


def _label(w: EarlyWarning) -> str:
    return messages.label(w.hazard_type, w.level)


def _area_dict(area: AreaIn | dict[str, Any]) -> dict[str, Any]:
    data = area.model_dump(mode="json") if isinstance(area, AreaIn) else dict(area)
    out = {"divisions": sorted(set(data.get("divisions") or [])), "polygons": data.get("polygons") or [],
           "circles": data.get("circles") or []}
    for i, ring in enumerate(out["polygons"]):
        try:
            out["polygons"][i] = [list(p) for p in cap.ring_points(ring)]
        except (ValueError, TypeError, IndexError):
            raise ValidationFailed(f"第 {i + 1} 个多边形至少需要 3 个不同的顶点", field="area.polygons") from None
    if not (out["divisions"] or out["polygons"] or out["circles"]):
        raise ValidationFailed("发布范围为空：请选择区划，或绘制多边形或圆", field="area")
    return out


def _place(db: Session, actor: Principal, area: dict[str, Any]) -> tuple[str, str]:
    """(division_code, area description) of an area; the area must lie in the actor's jurisdiction."""
    codes = list(area["divisions"])
    names = dict(db.execute(select(Division.code, Division.name).where(Division.code.in_(codes))).all()) \
        if codes else {}
    unknown = [c for c in codes if c not in names]
    if unknown:
        raise ValidationFailed(f"区划代码 {', '.join(unknown[:5])} 不存在", field="area.divisions")
    drawn = len(area["polygons"]) + len(area["circles"])
    scope_codes = codes + ([actor.scope_code] if drawn else [])
    division = messages.common_division(scope_codes, get_settings().city_code)
    for c in codes:
        ensure_in_scope(actor, c, field="area.divisions")
    ensure_in_scope(actor, division, field="area")
    parts = [names[c] for c in codes[:12]]
    if len(codes) > 12:
        parts.append(f"等 {len(codes)} 个区划")
    if drawn:
        parts.append(f"绘制区域 {drawn} 处")
    return division, "、".join(parts)[:500]


def _review(db: Session, w: EarlyWarning, kind: str, actor: Principal, text: str = "") -> None:
    db.add(WarningReview(warning_id=w.id, division_code=w.division_code, kind=kind, revision=w.revision,
                         actor=actor.username, text=text, at=utcnow()))


def _check(actor: Principal, w: EarlyWarning, op: str) -> None:
    if (reason := permissions.refusal(actor, w, op)) is not None:
        raise (Forbidden if "角色" in reason or "企业" in reason or "双人" in reason else Conflict)(reason)


def _load(db: Session, actor: Principal, warning_id: int) -> EarlyWarning:
    w = get_scoped(db, actor, EarlyWarning, warning_id, what="预警")
    ensure_in_scope(actor, w.division_code)
    return w


def _times(onset: datetime | None, expires: datetime | None) -> None:
    if onset is not None and expires is not None and expires <= onset:
        raise ValidationFailed("失效时间必须晚于生效时间", field="expires")


def _new_warning(db: Session, actor: Principal, *, hazard_type: str, level: str, area: dict[str, Any],
                headline: str | None = None, description: str | None = None, instruction: str | None = None,
                onset: datetime | None = None, expires: datetime | None = None, source: str = "local",
                alarm_id: int | None = None, synthetic: bool = False) -> EarlyWarning:
    """Write a draft inside the caller's transaction (the create action and the alarm hook use it)."""
    catalog.hazard_type(hazard_type)
    catalog.level(level)
    _times(onset, expires)
    area = _area_dict(area)
    division, area_desc = _place(db, actor, area)
    text = catalog.draft_text(hazard_type, level, area_desc.split("、")[0] if area["divisions"] else "")
    now = utcnow()
    w = EarlyWarning(key="W" + uuid.uuid4().hex[:20], hazard_type=hazard_type, level=level,
                     headline=headline or text["headline"], description=description or text["description"],
                     instruction=instruction or text["instruction"], area=area, area_desc=area_desc,
                     division_code=division, onset=onset, expires=expires, status="draft", review="editing",
                     op="alert", version=0, revision=1, note="", author=actor.username, source=source,
                     alarm_id=alarm_id, synthetic=synthetic, created_at=now, updated_at=now)
    db.add(w)
    db.flush()
    _review(db, w, "edit", actor, "起草")
    audit.record(db, actor, "warning.drafted", "warning", w.id, division_code=w.division_code, after=_snapshot(w))
    events.emit(db, "warning.drafted", division_code=w.division_code, actor=actor.username,
                summary=f"起草{_label(w)}：{w.headline}", payload=_payload(w, source=source))
    return w


# -- actions ----------------------------------------------------------------------------------------
def create_warning(db: Session, actor: Principal, data: WarningIn) -> EarlyWarning:
    if (reason := permissions.write_refusal(actor)) is not None:
        raise Forbidden(reason)
    with atomic(db):
        return _new_warning(db, actor, hazard_type=data.hazard_type, level=data.level, area=data.area.model_dump(),
                           headline=data.headline, description=data.description, instruction=data.instruction,
                           onset=data.onset, expires=data.expires)


def _apply(db: Session, actor: Principal, w: EarlyWarning, data: WarningPatch) -> None:
    fields = data.model_dump(exclude_unset=True, exclude={"note"})
    if "level" in fields and fields["level"] is not None:
        catalog.level(fields["level"])
        w.level = fields["level"]
    for name in ("headline", "description", "instruction"):
        if fields.get(name) is not None:
            setattr(w, name, fields[name])
    if "onset" in fields:
        w.onset = fields["onset"]
    if "expires" in fields:
        w.expires = fields["expires"]
    _times(w.onset, w.expires)
    if fields.get("area") is not None:
        area = _area_dict(data.area)  # type: ignore[arg-type]
        w.division_code, w.area_desc = _place(db, actor, area)
        w.area = area
    w.revision += 1
    w.updated_at = utcnow()


def edit_warning(db: Session, actor: Principal, warning_id: int, data: WarningPatch) -> EarlyWarning:
    """Change the working text of a draft or a rejected revision (a new revision)."""
    if (reason := permissions.write_refusal(actor)) is not None:
        raise Forbidden(reason)
    with atomic(db):
        w = _load(db, actor, warning_id)
        _check(actor, w, "edit")
        before = _snapshot(w)
        _apply(db, actor, w, data)
        w.review = "editing"
        _review(db, w, "edit", actor)
        audit.record(db, actor, "warning.edited", "warning", w.id, division_code=w.division_code, before=before,
                     after=_snapshot(w))
        events.emit(db, "warning.edited", division_code=w.division_code, actor=actor.username,
                    summary=f"修改{_label(w)}：{w.headline}", payload=_payload(w))
    return w


def _submit(db: Session, actor: Principal, w: EarlyWarning, text: str) -> None:
    w.review = "pending"
    w.submitted_by = actor.username
    w.approved_by, w.approved_revision = None, None
    _review(db, w, "submit", actor, text)


def _review_step(db: Session, actor: Principal, warning_id: int, op: str, action: str,
                 change: Callable[[EarlyWarning], None], summary: Callable[[EarlyWarning], str],
                 **extra: Any) -> EarlyWarning:
    """One step of the two-person review: check ``op`` is allowed, change the warning, audit ``action``
    (with ``extra`` in the record and the event's payload) and emit it, in one transaction."""
    if (reason := permissions.write_refusal(actor)) is not None:
        raise Forbidden(reason)
    with atomic(db):
        w = _load(db, actor, warning_id)
        _check(actor, w, op)
        before = _snapshot(w)
        change(w)
        audit.record(db, actor, action, "warning", w.id, division_code=w.division_code, before=before,
                     after={**_snapshot(w), **extra})
        events.emit(db, action, division_code=w.division_code, actor=actor.username, summary=summary(w),
                    payload=_payload(w, **extra))
    return w


def submit_warning(db: Session, actor: Principal, warning_id: int, data: ReviewIn) -> EarlyWarning:
    """Send the current revision to a second person for approval."""
    return _review_step(db, actor, warning_id, "submit", "warning.submitted",
                        lambda w: _submit(db, actor, w, data.text),
                        lambda w: f"{_label(w)}待审批：{w.headline}")


def approve_warning(db: Session, actor: Principal, warning_id: int, data: ReviewIn) -> EarlyWarning:
    """The second person approves the submitted revision (never its author or submitter)."""
    def change(w: EarlyWarning) -> None:
        w.review, w.approved_by, w.approved_revision = "approved", actor.username, w.revision
        _review(db, w, "approve", actor, data.text)

    return _review_step(db, actor, warning_id, "approve", "warning.approved", change,
                        lambda w: f"{_label(w)}审批通过，待签发：{w.headline}")


def reject_warning(db: Session, actor: Principal, warning_id: int, data: RejectIn) -> EarlyWarning:
    """Send the submitted revision back with the reason; an update/cancel request is dropped."""
    def change(w: EarlyWarning) -> None:
        w.review = "rejected"
        if w.op == "cancel":  # a rejected cancel: the warning stays in force as published
            w.op, w.review = "update", "published"
        _review(db, w, "reject", actor, data.text)

    return _review_step(db, actor, warning_id, "reject", "warning.rejected", change,
                        lambda w: f"{_label(w)}被退回：{data.text[:60]}", reason=data.text)


def comment_warning(db: Session, actor: Principal, warning_id: int, data: ReviewIn) -> EarlyWarning:
    if (reason := permissions.write_refusal(actor)) is not None:
        raise Forbidden(reason)
    if not data.text.strip():
        raise ValidationFailed("意见不能为空", field="text")
    with atomic(db):
        w = _load(db, actor, warning_id)
        _review(db, w, "comment", actor, data.text)
        audit.record(db, actor, "warning.commented", "warning", w.id, division_code=w.division_code,
                     after={"text": data.text})
        events.emit(db, "warning.commented", division_code=w.division_code, actor=actor.username,
                    summary=f"{actor.display_name or actor.username} 对{_label(w)}提出意见", payload=_payload(w))
    return w


def begin_update(db: Session, actor: Principal, warning_id: int, data: UpdateIn) -> EarlyWarning:
    """Revise a published warning (content, area, times; a new level = upgrade/downgrade) and submit it."""
    def change(w: EarlyWarning) -> None:
        _apply(db, actor, w, data)
        w.op, w.note = "update", data.note
        _submit(db, actor, w, data.note)

    return _review_step(db, actor, warning_id, "update", "warning.update_requested", change,
                        lambda w: f"{_label(w)}申请更新：{data.note}")


def begin_cancel(db: Session, actor: Principal, warning_id: int, data: CancelIn) -> EarlyWarning:
    """Request the cancellation (解除) of a published warning; it needs a second person's approval."""
    def change(w: EarlyWarning) -> None:
        w.op, w.note = "cancel", data.note
        w.revision += 1
        _submit(db, actor, w, data.note)

    return _review_step(db, actor, warning_id, "cancel", "warning.cancel_requested", change,
                        lambda w: f"{_label(w)}申请解除：{data.note}")


def _identifier(db: Session, division: str, sent: datetime) -> str:
    s = get_settings()
    base = cap.identifier(division[:6], s.warnings_org_code, s.warnings_sub_code, "00", sent, local_tz(), 0)[:-1]
    n = db.scalar(select(func.count()).select_from(WarningVersion)
                  .where(WarningVersion.identifier.like(base + "%"))) or 0
    if n >= 10:
        raise Conflict("同一秒内签发超过 10 条预警，请稍后重试")
    return base + str(n)


def _broadcast_text(w: EarlyWarning, msg_type: str) -> str:
    if msg_type == "Cancel":
        return f"【解除】{_label(w)}：{w.note or w.headline}"
    prefix = "【更新】" if msg_type == "Update" else ""
    return f"{prefix}{w.headline}。{w.instruction.splitlines()[0] if w.instruction else ''}"[:500]


def _default_submit() -> Submitter | None:
    if not get_settings().warnings_broadcast:
        return None
    try:
        from yingji.broadcast import service as broadcast
    except ImportError:  # the broadcast package is not installed in this deployment
        return None
    return broadcast.submit


def publish_warning(db: Session, actor: Principal, warning_id: int, *,
                    submit: Submitter | None = None) -> WarningVersion:
    """签发: the approved revision becomes an immutable version (a CAP message) and goes out through
    the broadcast package (``submit``; default :func:`yingji.broadcast.service.submit`)."""
    if (reason := permissions.write_refusal(actor)) is not None:
        raise Forbidden(reason)
    deliver = submit if submit is not None else _default_submit()
    s = get_settings()
    with atomic(db):
        w = _load(db, actor, warning_id)
        _check(actor, w, "publish")
        before = _snapshot(w)
        msg_type = {"alert": "Alert", "update": "Update", "cancel": "Cancel"}[w.op]
        if msg_type == "Alert" and w.version:
            msg_type = "Update"
        earlier = list(db.execute(select(WarningVersion).where(WarningVersion.warning_id == w.id)
                                  .order_by(WarningVersion.version)).scalars())
        if msg_type != "Alert" and not earlier:
            raise Conflict("没有已发布的版本，不能更新或解除")
        now = utcnow().replace(microsecond=0)
        version = w.version + 1
        identifier = _identifier(db, w.division_code, now)
        refs = [(v.sender, v.identifier, v.sent) for v in earlier]
        message = messages.cap_message(w, version=version, msg_type=msg_type, identifier=identifier, sender=s.warnings_sender,
                              sent=now, references=refs, note=w.note if msg_type != "Alert" else "")
        doc = cap.build(message, local_tz())
        if errors := cap.validate(doc):
            raise ValidationFailed("生成的 CAP 消息未通过 CAP 1.2 架构校验：" + "；".join(errors[:3]), code="cap_invalid")
        content = {"headline": message.headline, "description": w.description, "instruction": w.instruction,
                   "level": w.level, "hazard_type": w.hazard_type, "area": w.area, "area_desc": w.area_desc,
                   "onset": w.onset.isoformat() if w.onset else None,
                   "expires": w.expires.isoformat() if w.expires else None, "note": w.note}
        v = WarningVersion(warning_id=w.id, version=version, division_code=w.division_code, msg_type=msg_type,
                           identifier=identifier, sender=s.warnings_sender, sent=now,
                           references=" ".join(f"{a},{b}" for a, b, _ in refs), level=w.level, content=content,
                           cap_xml=doc.decode("utf-8"), author=w.author, approved_by=w.approved_by or "",
                           published_by=actor.username)
        db.add(v)
        db.flush()
        if deliver is not None:
            v.campaign_id = deliver(db, actor, message_key=w.key, version=version, area=dict(w.area),
                                    severity_colour=w.level, text=_broadcast_text(w, msg_type), officials_first=True)
            w.campaign_id = v.campaign_id
        w.version = version
        w.status = "cancelled" if msg_type == "Cancel" else "active"
        w.review, w.op = "published", "update"
        w.published_at = now
        _review(db, w, "publish", actor, f"第 {version} 版（{msg_type}）")
        audit.record(db, actor, "warning.published", "warning", w.id, division_code=w.division_code, before=before,
                     after={**_snapshot(w), "identifier": identifier, "msg_type": msg_type,
                            "campaign_id": v.campaign_id})
        events.emit(db, "warning.published", division_code=w.division_code, actor=actor.username,
                    summary=f"{'解除' if msg_type == 'Cancel' else '签发'}{_label(w)}：{w.headline}",
                    payload=_payload(w, identifier=identifier, msg_type=msg_type, campaign_id=v.campaign_id))
    return v


# -- CAP in ---------------------------------------------------------------------------------------------
def _type_of(event: str, headline: str) -> str:
    text = event + headline
    return next((k for word, k in TYPE_OF_EVENT.items() if word in text), "rainstorm" if "雨" in text else "")


def import_cap(db: Session, actor: Principal, data: ImportIn) -> tuple[CapImport | None, bool, list[str]]:
    """Import one external CAP message (tolerant or strict). Returns (import row, duplicate, faults).

    Strict mode refuses anything not conforming (422 with every reason, nothing written); tolerant mode
    repairs what it can and records each fault. A message seen before (sender + identifier) is not
    imported twice. An Update/Cancel referencing an imported message becomes a new version of it.
    """
    if (reason := permissions.write_refusal(actor)) is not None:
        raise Forbidden(reason)
    parsed = cap.parse(data.xml.encode("utf-8"), strict=data.strict, tz=local_tz())
    if not parsed.ok:
        raise ValidationFailed("CAP 消息被拒收：" + "；".join(parsed.fatal[:5]), field="xml", code="cap_rejected",
                               details=[{"reason": r} for r in parsed.fatal])
    hazard_type = _type_of(parsed.event, parsed.headline)
    faults = list(parsed.faults)
    if not hazard_type:
        faults.append(f"事件类型 “{parsed.event}” 不在模板中，按“暴雨”以外的类型无法归类，已按地质灾害记录")
        hazard_type = "geological"
    city = get_settings().city_code
    with atomic(db):
        known = [c for c in parsed.divisions if db.get(Division, c) is not None]
        if len(known) < len(parsed.divisions):
            faults.append(f"{len(parsed.divisions) - len(known)} 个 geocode 不是本地区划，已忽略")
        area = {"divisions": sorted(set(known)), "polygons": parsed.polygons, "circles": parsed.circles}
        division = messages.common_division(known, city) if known else city
        if not (area["divisions"] or area["polygons"] or area["circles"]):
            area["divisions"] = [city]
            division = city
            faults.append("没有可用的预警区域，按全市处理")
        ensure_in_scope(actor, division, field="xml")
        dup = db.execute(select(CapImport).where(CapImport.sender == parsed.sender,
                                                 CapImport.identifier == parsed.identifier)).scalar_one_or_none()
        if dup is not None:
            return dup, True, list(dup.faults or [])
        earlier = None
        for ref_sender, ref_id in parsed.references:
            earlier = db.execute(select(CapImport).where(CapImport.sender == ref_sender, CapImport.identifier == ref_id,
                                                         CapImport.warning_id.is_not(None))).scalar_one_or_none() \
                or earlier
        if parsed.msg_type in ("Update", "Cancel") and parsed.references and earlier is None:
            faults.append("references 指向的消息未导入过，作为新预警记录")
        colour = parsed.colour or "blue"
        w = db.get(EarlyWarning, earlier.warning_id) if earlier is not None else None
        now = utcnow()
        if w is None:
            w = EarlyWarning(key="X" + uuid.uuid4().hex[:20], hazard_type=hazard_type, level=colour, headline="",
                             description="", instruction="", area=area, area_desc="", division_code=division,
                             status="active", review="published", op="update", version=0, revision=1, note="",
                             author=parsed.sender[:64], source="import", created_at=now, updated_at=now)
            db.add(w)
        w.level = colour
        w.headline = (parsed.headline or parsed.event or "外部预警")[:200]
        w.description, w.instruction = parsed.description, parsed.instruction
        w.area, w.area_desc, w.division_code = area, (parsed.area_desc or "")[:500], division
        w.onset, w.expires = parsed.onset, parsed.expires
        w.status = "cancelled" if parsed.msg_type == "Cancel" else "active"
        w.version += 1
        w.published_at = parsed.sent
        db.flush()
        content = {"headline": w.headline, "description": w.description, "instruction": w.instruction,
                   "level": w.level, "hazard_type": w.hazard_type, "area": area, "area_desc": w.area_desc,
                   "onset": w.onset.isoformat() if w.onset else None,
                   "expires": w.expires.isoformat() if w.expires else None, "note": "", "faults": faults}
        db.add(WarningVersion(warning_id=w.id, version=w.version, division_code=division,
                              msg_type=parsed.msg_type if parsed.msg_type in ("Alert", "Update", "Cancel") else "Alert",
                              identifier=parsed.identifier[:64], sender=parsed.sender[:128], sent=parsed.sent or now,
                              references=" ".join(f"{a},{b}" for a, b in parsed.references)[:4000], level=w.level,
                              content=content, cap_xml=data.xml, author=parsed.sender[:64], approved_by="",
                              published_by=actor.username))
        row = CapImport(sender=parsed.sender[:128], identifier=parsed.identifier[:128], division_code=division,
                        msg_type=parsed.msg_type, sent=parsed.sent, strict=data.strict, faults=faults,
                        warning_id=w.id, raw=data.xml, imported_by=actor.username, at=now)
        db.add(row)
        db.flush()
        audit.record(db, actor, "warning.imported", "warning_import", row.id, division_code=division,
                     after={"sender": row.sender, "identifier": row.identifier, "msg_type": row.msg_type,
                            "faults": len(faults), "warning_id": w.id})
        events.emit(db, "warning.imported", division_code=division, actor=actor.username,
                    summary=f"导入外部预警：{w.headline}" + (f"（{len(faults)} 处问题已记录）" if faults else ""),
                    payload=_payload(w, import_id=row.id, faults=len(faults)))
    return row, False, faults
