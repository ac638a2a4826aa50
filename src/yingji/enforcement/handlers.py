"""How the enforcement domain takes part in the hazards domain's actions and pages (core.hooks).

The hazards domain lies below enforcement and does not import it. When an inspection is recorded
for a planned enforcement visit (年度执法检查计划), hazards sends a hook; the handler here validates
the visit in the same transaction (in scope, same unit, department inspection, not yet done),
marks it done, and audits and emits like any action. A second, read-only hook describes the
planned visit an inspection form is opened for.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yingji.core import audit, events, hooks
from yingji.core.auth import Principal
from yingji.core.errors import Conflict, ValidationFailed, YingjiError
from yingji.core.scope import get_scoped
from yingji.enforcement.models import PlannedInspection
from yingji.hazards.actions import INSPECTION_RECORDED_HOOK
from yingji.hazards.models import Inspection
from yingji.hazards.pages import PLANNED_VISIT_HOOK

FIELD = "planned_inspection_id"


@hooks.handler(INSPECTION_RECORDED_HOOK)
def complete_planned_visit(db: Session, actor: Principal, *, inspection: Inspection,
                           planned_inspection_id: int) -> None:
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
