"""Demo historical warnings (合成) for ``yingji demo load``: a typhoon warning issued orange, upgraded
to red and cancelled (its CAP chain of three versions), and a rainstorm yellow warning still in force.

Written in one transaction with ONE summary audit record and event; every version carries its CAP
1.2 document (schema-checked) with identifiers and references as a real publication would. No
broadcast campaign is made for them (they are history, not deliveries).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from yingji.config import get_settings
from yingji.core import audit, events
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Dataset, Division
from yingji.core.timeutil import local_tz
from yingji.warnings import cap, catalog, messages
from yingji.warnings.models import EarlyWarning, WarningReview, WarningVersion

DATASET_KEY = "demo-warnings-synthetic"
COAST = ["350122", "350128", "350181", "350112"]  # 连江、平潭、福清、长乐 (when present)


def _chain(db: Any, w: EarlyWarning, steps: list[dict[str, Any]], tz: Any, author: str, approver: str) -> int:
    """Write the versions of ``w`` (Alert, then Update/Cancel), each referencing every earlier one."""
    s = get_settings()
    refs: list[tuple[str, str, datetime]] = []
    for n, step in enumerate(steps, 1):
        for k, v in step.get("set", {}).items():
            setattr(w, k, v)
        sent = step["at"]
        ident = cap.identifier(w.division_code[:6], s.warnings_org_code, s.warnings_sub_code, "00", sent, tz, 0)
        msg = messages.cap_message(w, version=n, msg_type=step["type"], identifier=ident, sender=s.warnings_sender,
                                   sent=sent, references=list(refs), note=step.get("note", ""))
        doc = cap.build(msg, tz)
        if errors := cap.validate(doc):
            raise RuntimeError(f"demo CAP invalid: {errors[:2]}")
        db.add(WarningVersion(warning_id=w.id, version=n, division_code=w.division_code, msg_type=step["type"],
                              identifier=ident, sender=s.warnings_sender, sent=sent,
                              references=" ".join(f"{a},{b}" for a, b, _ in refs), level=w.level,
                              content={"headline": msg.headline, "description": w.description,
                                       "instruction": w.instruction, "level": w.level, "hazard_type": w.hazard_type,
                                       "area": w.area, "area_desc": w.area_desc,
                                       "onset": w.onset.isoformat() if w.onset else None,
                                       "expires": w.expires.isoformat() if w.expires else None,
                                       "note": step.get("note", ""), "synthetic": True},
                              cap_xml=doc.decode("utf-8"), author=author, approved_by=approver,
                              published_by=approver))
        for kind, who, at in (("submit", author, sent - timedelta(minutes=20)),
                              ("approve", approver, sent - timedelta(minutes=8)), ("publish", approver, sent)):
            db.add(WarningReview(warning_id=w.id, division_code=w.division_code, kind=kind, revision=n, actor=who,
                                 text=step.get("note", "") if kind == "submit" else "", at=at))
        refs.append((s.warnings_sender, ident, sent))
        w.version, w.revision, w.published_at = n, n, sent
    return len(steps)


def load(ctx: Any) -> None:
    tz = local_tz()
    with ctx.database.session() as db:
        if db.get(Dataset, DATASET_KEY) is not None:
            ctx.console.print("预警演示数据已存在，跳过")
            return
        names = dict(db.execute(select(Division.code, Division.name).where(Division.level == "county")).all())
    coast = [c for c in COAST if c in names] or sorted(names)[:2]
    if not coast:
        ctx.console.print("没有行政区划，跳过预警演示数据")
        return
    city = ctx.city_code
    now: datetime = ctx.now if ctx.now.tzinfo else ctx.now.replace(tzinfo=tz)
    actor = ctx.actor
    author, approver = "demo-duty-a", "demo-duty-b"
    with ctx.database.session() as db, atomic(db):
        ty_start = now - timedelta(days=40)
        text = catalog.draft_text("typhoon", "orange", "沿海各区县")
        typhoon = EarlyWarning(
            key="W" + uuid.uuid4().hex[:20], hazard_type="typhoon", level="orange", headline=text["headline"],
            description="（演示数据）受台风影响，预计 12 小时内沿海地区平均风力可达 10 级以上。" + text["description"],
            instruction=text["instruction"], area={"divisions": coast, "polygons": [], "circles": []},
            area_desc="、".join(names[c] for c in coast), division_code=messages.common_division(coast, city),
            onset=ty_start, expires=ty_start + timedelta(days=2), status="cancelled", review="published", op="update",
            version=0, revision=1, note="", author=author, approved_by=approver, approved_revision=3,
            source="local", synthetic=True, created_at=ty_start - timedelta(hours=1), updated_at=ty_start)
        db.add(typhoon)
        db.flush()
        red = catalog.draft_text("typhoon", "red", "沿海各区县")
        n_typhoon = _chain(db, typhoon, [
            {"type": "Alert", "at": ty_start},
            {"type": "Update", "at": ty_start + timedelta(hours=9), "note": "台风加强，升级为红色预警",
             "set": {"level": "red", "headline": red["headline"], "instruction": red["instruction"],
                     "description": "（演示数据）预计 6 小时内沿海地区平均风力可达 12 级以上。" + red["description"]}},
            {"type": "Cancel", "at": ty_start + timedelta(hours=40), "note": "台风已减弱并远离，解除预警"},
        ], tz, author, approver)
        typhoon.note = "台风已减弱并远离，解除预警"
        rain_at = now - timedelta(hours=3)
        urban = [c for c in ("350102", "350103", "350104") if c in names] or coast[:1]
        rtext = catalog.draft_text("rainstorm", "yellow", names[urban[0]])
        rain = EarlyWarning(
            key="W" + uuid.uuid4().hex[:20], hazard_type="rainstorm", level="yellow",
            headline=f"{'、'.join(names[c] for c in urban)}暴雨黄色预警（演示）",
            description="（演示数据）预计 6 小时内城区降雨量将达 50 毫米以上。" + rtext["description"],
            instruction=rtext["instruction"], area={"divisions": urban, "polygons": [], "circles": []},
            area_desc="、".join(names[c] for c in urban), division_code=messages.common_division(urban, city),
            onset=rain_at, expires=max(now, utcnow()) + timedelta(days=1), status="active", review="published", op="update",
            version=0, revision=1, note="", author=author, approved_by=approver, approved_revision=1, source="local",
            synthetic=True, created_at=rain_at - timedelta(minutes=30), updated_at=rain_at)
        db.add(rain)
        db.flush()
        n_rain = _chain(db, rain, [{"type": "Alert", "at": rain_at}], tz, author, approver)
        db.add(Dataset(key=DATASET_KEY, name="演示历史预警（合成）", source="合成数据，由平台生成",
                       licence="无（合成数据）", datum="WGS84", synthetic=True,
                       method="yingji.warnings.seed：台风橙色预警→升级红色→解除（3 版 CAP），城区暴雨黄色预警；均为虚构",
                       record_count=2, loaded_at=utcnow()))
        db.flush()
        counts = {"warnings": 2, "versions": n_typhoon + n_rain}
        audit.record(db, actor, "warnings.demo_loaded", "dataset", DATASET_KEY, division_code=actor.scope_code,
                     after=counts)
        events.emit(db, "warnings.demo_loaded", division_code=actor.scope_code, actor=actor.username,
                    summary="预警演示数据已载入：2 条预警、4 版 CAP 消息", payload=counts)
    ctx.console.print("预警演示数据：台风预警（橙→红→解除）与暴雨黄色预警，共 4 版 CAP 消息")
