"""How the enforcement domain takes part in the hazards domain's actions and pages (core.hooks).

The hazards domain lies below enforcement and does not import it. When an inspection is recorded
for a planned enforcement visit (年度执法检查计划), hazards sends a hook; the handler here validates
the visit in the same transaction (in scope, same unit, department inspection, not yet done),
marks it done, and audits and emits like any action. A second, read-only hook describes the
planned visit an inspection form is opened for.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from yingji.core import audit, events, hooks
from yingji.core.auth import Principal
from yingji.core.errors import Conflict, Forbidden, ValidationFailed, YingjiError
from yingji.core.home import HOME_HOOK, count_by_county
from yingji.core.scope import get_scoped
from yingji.core.timeutil import local_now
from yingji.enforcement import permissions
from yingji.enforcement.models import PlannedInspection
from yingji.hazards.actions import INSPECTION_RECORDED_HOOK
from yingji.hazards.models import Inspection
from yingji.hazards.pages import PLANNED_VISIT_HOOK

FIELD = "planned_inspection_id"


@hooks.handler(INSPECTION_RECORDED_HOOK)
def complete_planned_visit(db: Session, actor: Principal, *, inspection: Inspection,
                           planned_inspection_id: int) -> None:
    if (reason := permissions.visit_refusal(actor)) is not None:
        raise Forbidden(reason, field=FIELD)
    planned = get_scoped(db, actor, PlannedInspection, planned_inspection_id, what="计划检查")
    if planned.unit_id != inspection.unit_id:
        raise ValidationFailed("计划检查不属于该单位", field=FIELD)
    if inspection.kind != "department":
        raise ValidationFailed("年度执法检查计划只能由部门检查完成，企业自查不能关联", field=FIELD)
    if planned.done_inspection_id is not None:
        raise Conflict("该计划检查已关联检查记录", field=FIELD)
    planned.done_inspection_id = inspection.id
    audit.record(db, actor, "planned_inspection.done", "planned_inspection", planned.id,
                 division_code=planned.division_code, after={"inspection_id": inspection.id})
    events.emit(db, "planned_inspection.done", division_code=planned.division_code, actor=actor.username,
                summary=f"计划检查 #{planned.id} 已完成",
                payload={"item_id": planned.id, "unit_id": planned.unit_id, "inspection_id": inspection.id})


@hooks.handler(PLANNED_VISIT_HOOK)
def describe_planned_visit(db: Session, actor: Principal, *, planned_inspection_id: int) -> dict[str, Any] | None:
    try:
        p = get_scoped(db, actor, PlannedInspection, planned_inspection_id, what="计划检查")
    except YingjiError:
        return None
    return {"id": p.id, "unit_id": p.unit_id, "planned_date": p.planned_date.isoformat(), "sequence": p.sequence,
            "plan_id": p.plan_id, "month": p.planned_date.month, "done_inspection_id": p.done_inspection_id}


@hooks.handler(HOME_HOOK)
def enforcement_cards(db: Session, principal: Principal, *, division: str | None) -> dict[str, Any] | None:
    """This month's planned enforcement visits (年度执法检查计划) not yet done, per county."""
    if not principal.can("enforcement:read") or principal.unit_id is not None:
        return None
    today = local_now().date()
    start = date(today.year, today.month, 1)
    end = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    month = (PlannedInspection.planned_date >= start) & (PlannedInspection.planned_date < end)
    open_ = count_by_county(db, principal, PlannedInspection, month, PlannedInspection.done_inspection_id.is_(None),
                            division=division)
    done = sum(count_by_county(db, principal, PlannedInspection, month,
                               PlannedInspection.done_inspection_id.is_not(None), division=division).values())
    late = sum(count_by_county(db, principal, PlannedInspection, month, PlannedInspection.planned_date < today,
                               PlannedInspection.done_inspection_id.is_(None), division=division).values())
    remaining = sum(open_.values())
    return {"key": "enforcement.month", "title": f"本月（{today.month} 月）待完成的计划执法检查", "count": remaining,
            "severity": "warning" if late else "info", "href": f"/supervision/enforcement?month={today.month}",
            "by_district": open_, "order": 50, "unit": "次",
            "note": f"本月已完成 {done} 次" + (f"，{late} 次已过计划日期" if late else ""),
            "parts": [{"label": "已过计划日期", "count": late, "severity": "warning" if late else "info",
                       "href": f"/supervision/enforcement?month={today.month}"},
                      {"label": "本月已完成", "count": done, "href": f"/supervision/enforcement?month={today.month}"}]}
