"""Demo calls and incidents (合成) for ``yingji demo load``: the sample calls of ``data/demo_calls.json``
(the project's own writing, labelled synthetic) go through the real extraction and geolocation; each
becomes an incident (some handled, one closed) and most have their first report submitted. The duty
roster is seeded by ``duty.seed``. One summary audit record and event; idempotent (a dataset row)."""

from __future__ import annotations

import json
from datetime import timedelta
from importlib import resources
from typing import Any

from yingji.core import audit, events
from yingji.core.db import atomic
from yingji.core.divisions import Dataset, Division
from yingji.incidents.models import Call, Report
from yingji.incidents.reporting import schedule

DATASET_KEY = "demo-incidents-synthetic"


def load(ctx: Any) -> None:
    from yingji.incidents import records, service
    from yingji.incidents.extract import extract
    from yingji.places.service import gazetteer_names, locate

    data = json.loads(resources.files("yingji.incidents").joinpath("data/demo_calls.json").read_text("utf-8"))
    actor = ctx.actor
    with ctx.database.session() as db:
        if db.get(Dataset, DATASET_KEY) is not None:
            ctx.console.print("事件演示数据已存在，跳过")
            return
        names = gazetteer_names(db)
        prepared = []
        for c in data["calls"]:
            ex = extract(c["text"], gazetteer_names=names)
            places = locate(db, ex.value("place_text") or c["text"], limit=1)
            best = places[0] if places else None
            county = db.query(Division.code).filter(Division.name == ex.value("county"),
                                                    Division.level == "county").scalar()
            division = (best.township_code or best.county_code) if best else None
            prepared.append((c, ex, best, division or county or ctx.city_code))
    with ctx.database.session() as db, atomic(db):
        n = 0
        for c, ex, best, division in prepared:
            if db.get(Division, division) is None:
                continue
            at = ctx.now - timedelta(minutes=c["minutes_before"])
            counts = {"trapped": ex.value("trapped") or 0, "injured": ex.value("injured") or 0,
                      "dead": ex.value("dead") or 0, **c.get("counts", {})}
            call = Call(caller_number=c["caller"], received_at=at, transcript=c["text"], audio_path=None,
                        extraction={"fields": ex.to_dict()}, division_code=division, merged=False,
                        taken_by=actor.username, synthetic=True)
            db.add(call)
            i = records.new_incident(
                db, actor, type=ex.value("type") or "其他", category=ex.value("category") or "",
                title="", place_text=ex.value("place_text") or "", lon=best.lon if best else None,
                lat=best.lat if best else None, division_code=division, counts=counts,
                hazards=ex.value("hazards") or [], keywords=ex.value("keywords") or [], description="（合成演示）",
                occurred_at=at, received_at=at, source="call", synthetic=True,
                origin_text=f"接报（来电 {c['caller']}，合成演示）：{c['text']}")
            db.flush()
            call.incident_id = i.id
            if c["status"] != "received":
                i.status = c["status"]
                records.timeline(db, i, "status", "状态：接警 → 处置中", actor.username, at=at + timedelta(minutes=8))
            if c["status"] == "closed":
                i.closed_at = at + timedelta(hours=4)
                records.timeline(db, i, "status", "状态：处置中 → 结束", actor.username, at=i.closed_at)
            if c.get("report"):
                first = schedule(grade=i.grade, risk_flagged=bool(i.risk_flags), received_at=at, submitted=[],
                                 closed_at=None, now=ctx.now)[0]
                sub = at + timedelta(minutes=40)
                db.add(Report(incident_id=i.id, division_code=division, kind="first", level="county",
                              text=service.report_text(db, i, "first", "county", "演示值班员", sub),
                              due_at=first.due_at, submitted_at=sub, submitted_by=actor.username,
                              on_time=sub <= first.due_at, received_by="区县应急管理局值班室（演示）",
                              received_at=sub + timedelta(minutes=5), created_by=actor.username, created_at=sub))
                records.timeline(db, i, "report_submitted", "报送首报至县级应急管理部门", actor.username, at=sub)
            n += 1
        db.add(Dataset(key=DATASET_KEY, name="演示接警与事件（合成）", source="项目自行编写的演示来电，非真实警情",
                       licence="项目自有", datum="WGS84", synthetic=True,
                       method="data/demo_calls.json 经平台抽取与地名定位生成事件", record_count=n))
        audit.record(db, actor, "incidents.demo_loaded", "dataset", DATASET_KEY, division_code=actor.scope_code,
                     after={"incidents": n})
        events.emit(db, "incidents.demo_loaded", division_code=actor.scope_code, actor=actor.username,
                    summary=f"载入演示事件 {n} 起（合成）", payload={"incidents": n})
    ctx.console.print(f"事件演示数据：{n} 起（合成）")
