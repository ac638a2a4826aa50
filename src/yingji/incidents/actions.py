"""Every write of the incidents domain: take a call (typed, or recorded with speech recognition), create or merge, counts and regrading, status,
reports (generate, save a draft, submit, receive).

Each public function is one action: permission checked (``permissions``), one transaction
(``atomic``), an audit record per changed entity, an event after commit, a timeline entry.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core import audit, events, uploads
from yingji.core.auth import Principal
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Division
from yingji.core.errors import Conflict, Forbidden, ValidationFailed
from yingji.core.geo import haversine_m
from yingji.core.scope import ensure_in_scope, get_scoped, in_scope
from yingji.incidents import permissions, records, service, speech
from yingji.incidents.grading import Counts, grade
from yingji.incidents.models import STATUS_LABELS, Call, Incident, MergeProposal, Report
from yingji.incidents.reporting import KIND_LABELS, level_label
from yingji.incidents.schemas import (
    AudioCallIn,
    CallIn,
    CountsIn,
    IncidentIn,
    MergeIn,
    ReceiveIn,
    ReportDraftIn,
    ReportIn,
    ReportSubmitIn,
    StatusIn,
    TranscriptIn,
)
from yingji.incidents.speech import SpeechEngine

log = logging.getLogger(__name__)

MERGE_MINUTES = 60  # calls about the same incident: same type, within an hour …
MERGE_METERS = 1000  # … and a kilometre (or the same township when a point is missing)


def _refuse(reason: str | None, field: str | None = None) -> None:
    if reason is not None:
        raise Forbidden(reason, field=field)


def _extract(text: str, names: dict[str, str]) -> Any:
    from yingji.incidents.extract import extract

    return extract(text, gazetteer_names=names)


def _division_for(db: Session, actor: Principal, county_name: str | None, place: Any) -> str:
    """The most precise division known: the place's township, its county, the county said, else the user's own.

    A call about a place outside the call-taker's jurisdiction is refused (转交属地) — for a township
    officer also a call placed only at the level of the county around it (the county takes it); the
    call-taker's own division is used only when nothing was located.
    """
    said = db.scalar(select(Division.code).where(Division.name == county_name, Division.level == "county")) \
        if county_name else None
    for code in (getattr(place, "township_code", None), getattr(place, "county_code", None), said):
        if not code:
            continue
        if in_scope(actor.scope_code, code):
            return code
        raise Forbidden(f"来电所述地点（{county_name or getattr(place, 'name', code)}）不在您的管辖范围内，请转交属地处理",
                        field="transcript")
    return actor.scope_code


def _candidates(db: Session, actor: Principal, type_: str | None, lon: float | None, lat: float | None,
                division_code: str, at: datetime) -> list[dict[str, Any]]:
    out = []
    if not type_:
        return out
    for i in records.open_incidents(db, type_):
        if not in_scope(actor.scope_code, i.division_code):
            continue
        minutes = abs((at - i.received_at).total_seconds()) / 60
        if minutes > MERGE_MINUTES:
            continue
        distance = (haversine_m(lon, lat, i.lon, i.lat) if None not in (lon, lat, i.lon, i.lat) else None)
        near = distance <= MERGE_METERS if distance is not None else (
            i.division_code.startswith(division_code) or division_code.startswith(i.division_code))
        if near:
            out.append({"incident_id": i.id, "code": i.code, "title": i.title, "minutes_apart": round(minutes, 1),
                        "distance_m": round(distance) if distance is not None else None})
    return out


def _propose(db: Session, actor: Principal, transcript: str, near: tuple[float, float] | None, extractor: Any,
             locator: Any) -> dict[str, Any]:
    """Extract the form from a transcript, locate the place, grade (reads only: runs before the write lock)."""
    if locator is None:
        from yingji.places.service import gazetteer_names, locate

        names = gazetteer_names(db)
        locator = lambda text, near: locate(db, text, near=near, limit=5, principal=actor)
    else:
        names = {}
    ex = (extractor or (lambda t: _extract(t, names)))(transcript)
    fields = ex.to_dict()
    place_text = ex.value("place_text") or ""
    places = locator(place_text or transcript, near) if (place_text or near) else []
    best = places[0] if places else None
    division_code = _division_for(db, actor, ex.value("county"), best)
    counts = {k: ex.value(k) or 0 for k in ("trapped", "injured", "dead")}
    result = grade(Counts(**counts))
    lon, lat = (best.lon, best.lat) if best else (None, None)
    form = {
        "type": fields.get("type"), "category": fields.get("category"), "place_text": fields.get("place_text"),
        "county": fields.get("county"), "trapped": fields.get("trapped"), "injured": fields.get("injured"),
        "dead": fields.get("dead"), "hazards": fields.get("hazards"), "keywords": fields.get("keywords"),
        "lon": {"value": lon, "confidence": best.confidence if best else 0.0,
                "evidence": best.matched_on if best else ""},
        "lat": {"value": lat, "confidence": best.confidence if best else 0.0,
                "evidence": best.matched_on if best else ""},
        "division_code": {"value": division_code, "confidence": best.confidence if best else 0.5,
                          "evidence": (best.name if best else (ex.value("county") or "接警员辖区"))},
    }
    return {"type": ex.value("type"), "place_text": place_text, "fields": fields, "form": form, "places": places,
            "grade": result, "division_code": division_code, "lon": lon, "lat": lat}


def _propose_merges(db: Session, actor: Principal, call: Call, p: dict[str, Any]) -> list[dict[str, Any]]:
    candidates = _candidates(db, actor, p["type"], p["lon"], p["lat"], p["division_code"], call.received_at)
    for c in candidates:
        db.add(MergeProposal(call_id=call.id, incident_id=c["incident_id"], division_code=p["division_code"],
                             distance_m=c["distance_m"], minutes_apart=c["minutes_apart"], state="proposed",
                             at=utcnow()))
    return candidates


def _answer(call: Call, p: dict[str, Any] | None, candidates: list[dict[str, Any]], started: float,
            **extra: Any) -> dict[str, Any]:
    return {"call": call, "form": p["form"] if p else None,
            "places": [x.to_dict() for x in p["places"]] if p else [],
            "grade": p["grade"].to_dict() if p else None, "merge_candidates": candidates,
            "seconds": round(time.perf_counter() - started, 4), **extra}


def take_call(db: Session, actor: Principal, data: CallIn, *, extractor: Any = None,
              locator: Any = None) -> dict[str, Any]:
    """Record a call; extract the form from the transcript, locate the place, grade, find merge candidates.

    Nothing is created but the call: the proposed form goes back to the call-taker, who edits it and
    creates an incident (:func:`create_incident`) or merges the call (:func:`merge_call`).
    ``extractor``/``locator``: replacements for tests (default: ``incidents.extract`` and
    ``places.service.locate``).
    """
    _refuse(permissions.write_refusal(actor))
    started = time.perf_counter()
    received_at = data.received_at or utcnow()
    near = (data.caller_lon, data.caller_lat) if data.caller_lon is not None and data.caller_lat is not None else None
    # reading and extracting happen before the write lock is taken (they are the slow part)
    p = _propose(db, actor, data.transcript, near, extractor, locator)
    with atomic(db):
        call = Call(caller_number=data.caller_number, received_at=received_at, transcript=data.transcript,
                    audio_path=data.audio_path, extraction={"fields": p["fields"], "form": p["form"]},
                    division_code=p["division_code"], incident_id=None, merged=False, taken_by=actor.username)
        db.add(call)
        db.flush()
        candidates = _propose_merges(db, actor, call, p)
        _audit_taken(db, actor, call, p, candidates)
    return _answer(call, p, candidates, started)


def _audit_taken(db: Session, actor: Principal, call: Call, p: dict[str, Any], candidates: list[dict[str, Any]],
                 action: str = "incident_call.taken", **after: Any) -> None:
    audit.record(db, actor, action, "incident_call", call.id, division_code=call.division_code,
                 after={"caller_number": call.caller_number, "type": p["type"], **after})
    events.emit(db, action, division_code=call.division_code, actor=actor.username,
                summary=f"接警：{p['type'] or '类型待定'}，{p['place_text'] or '地点待核实'}",
                payload={"call_id": call.id, "type": p["type"], "merge_candidates": len(candidates)})


def _transcribe(engine: SpeechEngine | None, unavailable: str, audio: bytes, info: speech.AudioInfo,
                typed: str) -> dict[str, Any]:
    """The transcription block of an audio call: typed text wins; else the engine's; else why there is none."""
    out: dict[str, Any] = {"status": "typed", "engine": None, "confidence": None, "seconds": None,
                           "audio_seconds": round(info.seconds, 1), "message": "", "text": typed}
    if typed:
        out["message"] = "已使用接警员输入的来电内容，录音已保存"
        return out
    if engine is None:
        return out | {"status": "not_configured", "text": "",
                      "message": f"{unavailable}。录音已保存，请在“来电内容”中输入文字后点击“识别并填表”"}
    try:
        t = engine.transcribe(audio, info.content_type)
    except Exception:  # an engine may fail in many ways; the recording is kept and text intake goes on
        log.exception("speech engine %s failed", getattr(engine, "name", "?"))
        return out | {"status": "failed", "engine": getattr(engine, "name", None), "text": "",
                      "message": "语音识别失败。录音已保存，请在“来电内容”中输入文字后点击“识别并填表”"}
    text = t.text.strip()[:20000]
    if not text:
        return out | {"status": "empty", "engine": t.engine, "seconds": t.seconds, "text": "",
                      "message": "语音识别没有识别出文字。录音已保存，请在“来电内容”中输入文字后点击“识别并填表”"}
    return out | {"status": "transcribed", "engine": t.engine, "confidence": t.confidence, "seconds": t.seconds,
                  "text": text, "message": f"已自动转写（{speech.ENGINE_LABELS.get(t.engine, t.engine)}，"
                                           f"置信度 {round(t.confidence * 100)}%），请核对来电内容"}


def take_audio_call(db: Session, actor: Principal, data: AudioCallIn, audio: bytes, *, data_dir: Path,
                    engine: SpeechEngine | None = None, unavailable: str = speech.NOT_CONFIGURED,
                    limits: speech.AudioLimits | None = None, extractor: Any = None,
                    locator: Any = None) -> dict[str, Any]:
    """Record a call with its recording (WAV, checked by content; stored under ``uploads/incidents/calls``).

    The transcript is what the call-taker typed, else what the speech ``engine`` heard; with a transcript
    the form is extracted as for :func:`take_call`. Without one (no engine configured, or it heard
    nothing) the call and its recording are kept all the same, and the answer says why in Chinese: the
    call-taker types the text and :func:`enter_transcript` completes the call.
    """
    _refuse(permissions.write_refusal(actor))
    started = time.perf_counter()
    info = speech.check_wav(audio, limits)
    near = (data.caller_lon, data.caller_lat) if data.caller_lon is not None and data.caller_lat is not None else None
    tr = _transcribe(engine, unavailable, audio, info, (data.transcript or "").strip())
    p = _propose(db, actor, tr["text"], near, extractor, locator) if tr["text"] else None
    with atomic(db):
        extraction: dict[str, Any] = {"transcription": {k: v for k, v in tr.items() if k != "text"}}
        if p is not None:
            extraction |= {"fields": p["fields"], "form": p["form"]}
        call = Call(caller_number=data.caller_number, received_at=utcnow(), transcript=tr["text"], audio_path=None,
                    extraction=extraction, division_code=p["division_code"] if p else actor.scope_code,
                    incident_id=None, merged=False, taken_by=actor.username)
        db.add(call)
        db.flush()
        stored = uploads.store(db, data_dir / "uploads" / "incidents" / "calls" / str(call.id),
                               uuid.uuid4().hex + info.extension, audio)
        call.audio_path = str(stored.relative_to(data_dir))
        audio_meta = {"audio_bytes": info.size, "audio_seconds": round(info.seconds, 1),
                      "transcription": tr["status"], "engine": tr["engine"]}
        if p is not None:
            candidates = _propose_merges(db, actor, call, p)
            _audit_taken(db, actor, call, p, candidates, **audio_meta)
        else:
            candidates = []
            audit.record(db, actor, "incident_call.audio_stored", "incident_call", call.id,
                         division_code=call.division_code,
                         after={"caller_number": call.caller_number, **audio_meta})
            events.emit(db, "incident_call.audio_stored", division_code=call.division_code, actor=actor.username,
                        summary="接警录音已保存，待补录来电内容", payload={"call_id": call.id})
    return _answer(call, p, candidates, started, transcription=tr)


def enter_transcript(db: Session, actor: Principal, call_id: int, data: TranscriptIn, *, extractor: Any = None,
                     locator: Any = None) -> dict[str, Any]:
    """The text of a recorded call that has none yet (typed by the call-taker): extract the form as for
    :func:`take_call`."""
    _refuse(permissions.write_refusal(actor))
    started = time.perf_counter()
    call = get_scoped(db, actor, Call, call_id, what="来电记录")
    if call.transcript:
        raise Conflict("该来电已有来电内容", field="transcript")
    p = _propose(db, actor, data.transcript, None, extractor, locator)
    with atomic(db):
        call = get_scoped(db, actor, Call, call_id, what="来电记录")
        if call.transcript or call.incident_id is not None:
            raise Conflict("该来电已有来电内容", field="transcript")
        call.transcript = data.transcript
        call.division_code = p["division_code"]
        call.extraction = dict(call.extraction or {}) | {"fields": p["fields"], "form": p["form"]}
        candidates = _propose_merges(db, actor, call, p)
        _audit_taken(db, actor, call, p, candidates, action="incident_call.transcript_entered")
    return _answer(call, p, candidates, started)


def create_incident(db: Session, actor: Principal, data: IncidentIn) -> Incident:
    """Create an incident from the (edited) form; the call it came from is linked to it."""
    _refuse(permissions.write_refusal(actor))
    ensure_in_scope(actor, data.division_code)
    with atomic(db):
        if db.get(Division, data.division_code) is None:
            raise ValidationFailed("行政区划代码不存在", field="division_code")
        call = get_scoped(db, actor, Call, data.call_id, what="来电记录") if data.call_id else None
        if call is not None and call.incident_id is not None:
            raise Conflict("该来电已生成或并入事件", field="call_id")
        received_at = call.received_at if call else utcnow()
        origin = f"接报（来电 {call.caller_number or '未知号码'}）：{call.transcript[:120]}" if call else ""
        i = records.new_incident(
            db, actor, type=data.type, category=data.category, title=data.title, place_text=data.place_text,
            lon=data.lon, lat=data.lat, division_code=data.division_code,
            counts=data.model_dump(include=set(records.COUNT_FIELDS)), hazards=data.hazards,
            keywords=data.keywords, description=data.description, occurred_at=data.occurred_at or received_at,
            received_at=received_at, source="call" if call else "manual",
            source_ref=str(call.id) if call else None, origin_text=origin)
        if call is not None:
            call.incident_id = i.id
            for p in db.scalars(select(MergeProposal).where(MergeProposal.call_id == call.id,
                                                            MergeProposal.state == "proposed")):
                p.state, p.decided_by = "rejected", actor.username
    return i


def merge_call(db: Session, actor: Principal, call_id: int, data: MergeIn) -> Incident:
    """Merge a call into an open incident (another call about the same incident)."""
    _refuse(permissions.write_refusal(actor))
    with atomic(db):
        call = get_scoped(db, actor, Call, call_id, what="来电记录")
        i = get_scoped(db, actor, Incident, data.incident_id, what="事件")
        _refuse(permissions.update_refusal(actor, i), "incident_id")
        if call.incident_id is not None:
            raise Conflict("该来电已生成或并入事件", field="call_id")
        call.incident_id, call.merged = i.id, True
        for p in db.scalars(select(MergeProposal).where(MergeProposal.call_id == call.id,
                                                        MergeProposal.state == "proposed")):
            p.state, p.decided_by = ("merged" if p.incident_id == i.id else "rejected"), actor.username
        records.timeline(db, i, "call_merged", f"并入来电（{call.caller_number or '未知号码'}）：{call.transcript[:120]}",
                         actor.username, call_id=call.id)
        audit.record(db, actor, "incident.call_merged", "incident", i.id, division_code=i.division_code,
                     after={"call_id": call.id})
        events.emit(db, "incident.call_merged", division_code=i.division_code, actor=actor.username,
                    summary=f"来电并入事件 {i.code}", payload=records.payload(i, call_id=call.id))
    return i


def update_counts(db: Session, actor: Principal, incident_id: int, data: CountsIn) -> Incident:
    """Set the casualty counts and loss; the incident is regraded (history kept, raise/lower recorded)."""
    with atomic(db):
        i = get_scoped(db, actor, Incident, incident_id, what="事件")
        _refuse(permissions.update_refusal(actor, i))
        before = records.snapshot(i)
        changed = []
        for f in records.COUNT_FIELDS:
            new = getattr(data, f)
            if getattr(i, f) != new:
                changed.append(f"{records.COUNT_LABELS[f]} {getattr(i, f):g}→{new:g}")
                setattr(i, f, new)
        if changed:
            records.timeline(db, i, "counts", "核报：" + "，".join(changed) + (f"（{data.note}）" if data.note else ""),
                             actor.username)
        rev = records.regrade(db, actor, i)
        audit.record(db, actor, "incident.counts_updated", "incident", i.id, division_code=i.division_code,
                     before=before, after=records.snapshot(i))
        events.emit(db, "incident.updated", division_code=i.division_code, actor=actor.username,
                    summary=f"事件 {i.code} 核报伤亡" + ({"raised": "，等级上调", "lowered": "，等级下调"}.get(rev.change, "")),
                    payload=records.payload(i, change=rev.change))
    return i


def change_status(db: Session, actor: Principal, incident_id: int, data: StatusIn) -> Incident:
    """接警 → 处置中 → 结束 (closing starts the 终报 timer)."""
    with atomic(db):
        i = get_scoped(db, actor, Incident, incident_id, what="事件")
        _refuse(permissions.status_refusal(actor, i, data.status), "status")
        before = i.status
        i.status = data.status
        if data.status == "closed":
            i.closed_at = utcnow()
        records.timeline(db, i, "status", f"状态：{STATUS_LABELS[before]} → {STATUS_LABELS[i.status]}"
                         + (f"（{data.note}）" if data.note else ""), actor.username, status=i.status)
        audit.record(db, actor, "incident.status_changed", "incident", i.id, division_code=i.division_code,
                     before={"status": before}, after={"status": i.status})
        events.emit(db, "incident.updated", division_code=i.division_code, actor=actor.username,
                    summary=f"事件 {i.code} {STATUS_LABELS[i.status]}", payload=records.payload(i))
    return i


def generate_report(db: Session, actor: Principal, incident_id: int, data: ReportIn) -> Report:
    """A report draft (首报/续报/终报 to a level) in the official layout, with its deadline from the rules."""
    with atomic(db):
        i = get_scoped(db, actor, Incident, incident_id, what="事件")
        _refuse(permissions.report_refusal(actor, i, data.kind), "kind")
        now = utcnow()
        items = service.incident_schedule(db, i, now)
        due = next((d for d in items if d.kind == data.kind and d.level == data.level and d.submitted_at is None), None)
        if due is None:
            if data.kind == "first":
                raise Conflict(f"首报（{level_label(data.level)}）已报送或不在本事件的报送链中", field="level")
            due_at = now + timedelta(hours=24)
        else:
            due_at = due.due_at
        text = data.text or service.report_text(db, i, data.kind, data.level, actor.username, now)
        r = Report(incident_id=i.id, division_code=i.division_code, kind=data.kind, level=data.level, text=text,
                   due_at=due_at, created_by=actor.username, created_at=now)
        db.add(r)
        db.flush()
        records.timeline(db, i, "report_drafted", f"拟写{KIND_LABELS[data.kind]}（报{level_label(data.level)}）",
                         actor.username, report_id=r.id)
        audit.record(db, actor, "incident_report.generated", "incident_report", r.id, division_code=i.division_code,
                     after={"kind": r.kind, "level": r.level, "due_at": r.due_at})
        events.emit(db, "incident_report.generated", division_code=i.division_code, actor=actor.username,
                    summary=f"事件 {i.code} 拟写{KIND_LABELS[data.kind]}", payload=records.payload(i, report_id=r.id))
    return r


def submit_report(db: Session, actor: Principal, report_id: int, data: ReportSubmitIn) -> Report:
    """Submit (报送) a report, optionally with its edited text; on time when submitted by its deadline."""
    with atomic(db):
        r = get_scoped(db, actor, Report, report_id, what="报告")
        _refuse(permissions.submit_refusal(actor, r))
        i = db.get(Incident, r.incident_id)
        now = utcnow()
        if data.text:
            r.text = data.text
        r.submitted_at, r.submitted_by, r.on_time = now, actor.username, now <= r.due_at
        late = "" if r.on_time else "（超时）"
        records.timeline(db, i, "report_submitted", f"报送{KIND_LABELS[r.kind]}至{level_label(r.level)}{late}",
                         actor.username, report_id=r.id, on_time=r.on_time)
        audit.record(db, actor, "incident_report.submitted", "incident_report", r.id, division_code=r.division_code,
                     after={"submitted_at": now, "on_time": r.on_time})
        events.emit(db, "incident_report.submitted", division_code=r.division_code, actor=actor.username,
                    summary=f"事件 {i.code} {KIND_LABELS[r.kind]}已报{level_label(r.level)}{late}",
                    payload=records.payload(i, report_id=r.id, on_time=r.on_time))
    return r


def receive_report(db: Session, actor: Principal, report_id: int, data: ReceiveIn) -> Report:
    """Record who received a submitted report (签收): the chain of who received what."""
    with atomic(db):
        r = get_scoped(db, actor, Report, report_id, what="报告")
        _refuse(permissions.receive_refusal(actor, r))
        i = db.get(Incident, r.incident_id)
        r.received_by, r.received_at = data.received_by, utcnow()
        records.timeline(db, i, "report_received", f"{level_label(r.level)}（{data.received_by}）签收{KIND_LABELS[r.kind]}",
                         actor.username, report_id=r.id)
        audit.record(db, actor, "incident_report.received", "incident_report", r.id, division_code=r.division_code,
                     after={"received_by": r.received_by})
        events.emit(db, "incident_report.received", division_code=r.division_code, actor=actor.username,
                    summary=f"事件 {i.code} {KIND_LABELS[r.kind]}已签收", payload=records.payload(i, report_id=r.id))
    return r


def save_report_draft(db: Session, actor: Principal, report_id: int, data: ReportDraftIn) -> Report:
    """Save the edited text of a report not yet submitted (草稿); submitting it later keeps this text."""
    with atomic(db):
        r = get_scoped(db, actor, Report, report_id, what="报告")
        _refuse(permissions.submit_refusal(actor, r), "text")
        i = db.get(Incident, r.incident_id)
        before = r.text
        if data.text == before:
            raise Conflict("报告正文没有修改", field="text")
        r.text = data.text
        records.timeline(db, i, "report_edited", f"修改{KIND_LABELS[r.kind]}草稿（报{level_label(r.level)}）",
                         actor.username, report_id=r.id)
        audit.record(db, actor, "incident_report.draft_saved", "incident_report", r.id,
                     division_code=r.division_code, before={"text": before}, after={"text": r.text})
        events.emit(db, "incident_report.draft_saved", division_code=r.division_code, actor=actor.username,
                    summary=f"事件 {i.code} {KIND_LABELS[r.kind]}草稿已保存", payload=records.payload(i, report_id=r.id))
    return r
