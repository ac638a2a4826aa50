"""Reads of the incidents domain: lists, the detail, the reporting board, timeliness, report text."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core.auth import Principal
from yingji.core.db import utcnow
from yingji.core.listing import ListSpec, contains, eq, within_division
from yingji.core.scope import get_scoped, in_scope, scoped
from yingji.core.service import division_names
from yingji.core.timeutil import fmt_local, local_midnight, local_now
from yingji.incidents import permissions
from yingji.incidents.grading import grade_label, grading_rules
from yingji.incidents.models import (
    STATUS_LABELS,
    Call,
    GradeRevision,
    Incident,
    MergeProposal,
    Report,
    TimelineEntry,
)
from yingji.incidents.reporting import (
    KIND_LABELS,
    Due,
    Submitted,
    level_label,
    next_due,
    schedule,
    timeliness,
)
from yingji.incidents.schemas import CallQuery, IncidentOut, IncidentQuery

RESPONSE_LABELS = {lv["key"]: lv["label"] for lv in grading_rules()["response_levels"]}

INCIDENTS = ListSpec(
    model=Incident,
    query=IncidentQuery,
    filters={"status": eq(Incident.status), "type": eq(Incident.type), "grade": eq(Incident.grade),
             "division": within_division(Incident.division_code), "q": contains(Incident.title, Incident.code,
                                                                                 Incident.place_text),
             "open": lambda v: (Incident.status != "closed") if v else (Incident.status == "closed")},
    sorts={"received_at": Incident.received_at, "id": Incident.id, "grade": Incident.grade,
           "status": Incident.status, "code": Incident.code},
    labels={"received_at": "接警时间"},
    default_sort=("-received_at",),
)

CALLS = ListSpec(model=Call, query=CallQuery, filters={"division": within_division(Call.division_code)},
                 sorts={"received_at": Call.received_at, "id": Call.id}, default_sort=("-received_at",))


def submitted_reports(db: Session, incident_ids: Iterable[int]) -> dict[int, list[Submitted]]:
    """The submitted reports of many incidents in one query (boards and lists: no query per incident)."""
    out: dict[int, list[Submitted]] = defaultdict(list)
    ids = list(incident_ids)
    for chunk in (ids[k:k + 5000] for k in range(0, len(ids), 5000)):
        for iid, kind, level, at in db.execute(select(Report.incident_id, Report.kind, Report.level,
                                                      Report.submitted_at)
                                               .where(Report.incident_id.in_(chunk), Report.submitted_at.is_not(None))):
            out[iid].append(Submitted(kind, level, at))
    return out


def incident_schedule(db: Session, i: Incident, now: datetime | None = None,
                      submitted: list[Submitted] | None = None) -> list[Due]:
    """The report chain of one incident; ``submitted`` when the caller loaded them for many at once."""
    if submitted is None:
        submitted = submitted_reports(db, [i.id]).get(i.id, [])
    return schedule(grade=i.grade, risk_flagged=bool(i.risk_flags), received_at=i.received_at,
                    submitted=submitted, closed_at=i.closed_at, now=now or utcnow())


def decorate(db: Session, rows: list[Incident], now: datetime | None = None) -> list[IncidentOut]:
    names = division_names(db, {r.division_code for r in rows})
    now = now or utcnow()
    out = []
    done = submitted_reports(db, [i.id for i in rows])
    for i in rows:
        items = incident_schedule(db, i, now, done.get(i.id, []))
        nd = next_due(items)
        o = IncidentOut.model_validate(i)
        o.division_name = names.get(i.division_code, "")
        o.status_label = STATUS_LABELS.get(i.status, i.status)
        o.grade_label = grade_label(i.grade)
        o.response_label = RESPONSE_LABELS.get(i.response_level, i.response_level)
        o.next_due = nd.to_dict() if nd else None
        o.overdue_reports = sum(1 for d in items if d.overdue)
        out.append(o)
    return out


def list_incidents(db: Session, principal: Principal, query: IncidentQuery) -> dict[str, Any]:
    return INCIDENTS.page(db, principal, query, out=lambda rows: decorate(db, rows))


def detail(db: Session, principal: Principal, incident_id: int) -> dict[str, Any]:
    i = get_scoped(db, principal, Incident, incident_id, what="事件")

    def rows(model: Any, order: Any) -> list[Any]:
        return list(db.scalars(select(model).where(model.incident_id == i.id).order_by(order, model.id)))

    return {"incident": decorate(db, [i])[0], "timeline": rows(TimelineEntry, TimelineEntry.at),
            "grades": rows(GradeRevision, GradeRevision.at), "reports": rows(Report, Report.created_at),
            "calls": rows(Call, Call.received_at), "schedule": [d.to_dict() for d in incident_schedule(db, i)],
            "proposals": rows(MergeProposal, MergeProposal.at),
            "can_write": permissions.write_refusal(principal) is None}


def board(db: Session, principal: Principal, now: datetime | None = None) -> list[dict[str, Any]]:
    """Every report still to submit for the incidents in scope, the most urgent first."""
    now = now or utcnow()
    final_in = select(Report.incident_id).where(Report.kind == "final", Report.submitted_at.is_not(None))
    incidents = list(db.scalars(scoped(principal, Incident).where(
        (Incident.status != "closed") | Incident.id.not_in(final_in))))  # closed: until the 终报 is in
    names = division_names(db, {i.division_code for i in incidents})
    out = []
    done = submitted_reports(db, [i.id for i in incidents])
    for i in incidents:
        for d in incident_schedule(db, i, now, done.get(i.id, [])):
            if d.submitted_at is None:
                out.append({"incident_id": i.id, "code": i.code, "title": i.title, "division_code": i.division_code,
                            "division_name": names.get(i.division_code, ""), "grade": i.grade, "due": d.to_dict()})
    out.sort(key=lambda r: r["due"]["due_at"])
    return out


def overdue_count(db: Session, principal: Principal, division: str | None = None,
                  now: datetime | None = None) -> dict[str, int]:
    """``{county code: overdue reports}`` in scope."""
    counts: dict[str, int] = defaultdict(int)
    for row in board(db, principal, now):
        if row["due"]["overdue"] and (not division or in_scope(division, row["division_code"])):
            counts[row["division_code"][:6]] += 1
    return dict(counts)


def timeliness_stats(db: Session, principal: Principal, year: int | None, month: int | None,
                     now: datetime | None = None) -> dict[str, Any]:
    """On-time reports per county for the incidents received in one (local) month, against 100 %."""
    local = local_now()
    year, month = year or local.year, month or local.month
    start = local_midnight(datetime(year, month, 1).date())
    end = local_midnight(datetime(year + (month == 12), month % 12 + 1, 1).date())
    now = now or utcnow()
    incidents = db.scalars(scoped(principal, Incident).where(Incident.received_at >= start,
                                                             Incident.received_at < end))
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    incidents = list(incidents)
    done = submitted_reports(db, [i.id for i in incidents])
    for i in incidents:
        ok, n = timeliness(incident_schedule(db, i, now, done.get(i.id, [])), now)
        per[i.division_code[:6]][0] += ok
        per[i.division_code[:6]][1] += n
    names = division_names(db, per)
    rows = [{"county_code": c, "county_name": names.get(c, c), "on_time": ok, "counted": n,
             "rate": round(ok / n, 4) if n else None, "target": 1.0} for c, (ok, n) in sorted(per.items())]
    ok_all, n_all = sum(r["on_time"] for r in rows), sum(r["counted"] for r in rows)
    return {"year": year, "month": month, "rows": rows, "on_time": ok_all, "counted": n_all,
            "rate": round(ok_all / n_all, 4) if n_all else None}


def report_text(db: Session, i: Incident, kind: str, level: str, author: str, now: datetime | None = None) -> str:
    """The report in the official layout (事故信息报告): every line editable before submission."""
    now = now or utcnow()
    division = division_names(db, [i.division_code]).get(i.division_code, "")
    counts = "、".join(f"{label}{getattr(i, f)}人" for f, label in (
        ("dead", "死亡"), ("missing", "失踪"), ("seriously_injured", "重伤"), ("injured", "受伤"),
        ("trapped", "被困")))
    flags = [f["label"] for f in grading_rules()["risk_flags"] if f["key"] in (i.risk_flags or [])]
    recent = list(db.scalars(select(TimelineEntry).where(TimelineEntry.incident_id == i.id)
                             .order_by(TimelineEntry.at.desc(), TimelineEntry.id.desc()).limit(5)))
    lines = [
        f"【{KIND_LABELS[kind]}】报{level_label(level)}",
        f"事件编号：{i.code}",
        f"事件名称：{i.title}",
        f"事发时间：{fmt_local(i.occurred_at)}",
        f"事发地点：{division}{i.place_text}",
        f"事件类型：{i.category + '／' if i.category else ''}{i.type}",
        f"人员伤亡：{counts}；涉险{i.endangered}人，疏散{i.evacuated}人",
        f"直接经济损失：{i.loss_wan:g}万元（初步估计）",
        f"事件等级（初判）：{grade_label(i.grade)}事故；响应级别：{RESPONSE_LABELS.get(i.response_level, '')}"
        + (f"；较大涉险：{'、'.join(flags)}" if flags else ""),
        f"危险因素：{'、'.join(i.hazards) if i.hazards else '暂无'}",
        f"事件状态：{STATUS_LABELS.get(i.status, i.status)}",
        "处置情况：" + ("；".join(f"{fmt_local(e.at, '%H:%M')} {e.text}" for e in reversed(recent)) or "正在处置"),
        f"报告人：{author}　报告时间：{fmt_local(now)}",
    ]
    return "\n".join(lines)


def handover_summary(db: Session, principal: Principal, division_code: str) -> dict[str, Any]:
    """Open incidents and overdue reports inside ``division_code`` (for the duty hand-over)."""
    from yingji.core.scope import within

    now = utcnow()
    open_rows = list(db.scalars(scoped(principal, Incident).where(
        Incident.status != "closed", within(Incident.division_code, division_code)).order_by(Incident.received_at)))
    overdue = [r for r in board(db, principal, now) if r["due"]["overdue"] and in_scope(division_code, r["division_code"])]
    return {
        "open_incidents": [{"id": i.id, "code": i.code, "title": i.title, "status": STATUS_LABELS[i.status],
                            "grade": grade_label(i.grade)} for i in open_rows],
        "overdue_reports": [{"incident_id": r["incident_id"], "code": r["code"], "kind": r["due"]["kind_label"],
                             "level": r["due"]["level_label"], "due_at": fmt_local(r["due"]["due_at"])}
                            for r in overdue],
        "at": now.astimezone(UTC).isoformat(),
    }
