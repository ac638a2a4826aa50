"""Who may do what to incidents and reports — the one source of truth for the actions AND the pages.

Each function answers ``None`` when the actor may act, or the Chinese reason why not.
Rules: writing needs ``incidents:write`` (duty officers, county/township officers, dispatchers);
enterprise users take no calls and see no incidents (incidents are government records); a closed
incident's counts and status no longer change (its reports — 终报 — still go out); a submitted
report is not edited; it is received only once submitted.
"""

from __future__ import annotations

from typing import Any

from yingji.core.auth import Principal

TRANSITIONS = {"received": ("handling", "closed"), "handling": ("closed",), "closed": ()}


def write_refusal(actor: Principal) -> str | None:
    if not actor.can("incidents:write"):
        return f"您的角色（{actor.role_label}）只能查看，不能接警或修改事件"
    if actor.unit_id is not None:
        return "接警与事件处置由应急管理部门办理，企业用户不能操作"
    return None


def update_refusal(actor: Principal, incident: Any) -> str | None:
    if (reason := write_refusal(actor)) is not None:
        return reason
    if incident.status == "closed":
        return "事件已结束，不能再修改"
    return None


def status_refusal(actor: Principal, incident: Any, status: str) -> str | None:
    if (reason := write_refusal(actor)) is not None:
        return reason
    if status not in TRANSITIONS.get(incident.status, ()):
        from yingji.incidents.models import STATUS_LABELS

        return f"事件状态不能从“{STATUS_LABELS[incident.status]}”改为“{STATUS_LABELS.get(status, status)}”"
    return None


def report_refusal(actor: Principal, incident: Any, kind: str) -> str | None:
    if (reason := write_refusal(actor)) is not None:
        return reason
    if kind == "final" and incident.status != "closed":
        return "终报须在事件结束后报送"
    if kind != "final" and incident.status == "closed":
        return "事件已结束，请报送终报"
    return None


def submit_refusal(actor: Principal, report: Any) -> str | None:
    if (reason := write_refusal(actor)) is not None:
        return reason
    if report.submitted_at is not None:
        return "该报告已报送，不能再修改"
    return None


def receive_refusal(actor: Principal, report: Any) -> str | None:
    if (reason := write_refusal(actor)) is not None:
        return reason
    if report.submitted_at is None:
        return "报告尚未报送"
    if report.received_at is not None:
        return "该报告已签收"
    return None


def page_flags(actor: Principal) -> dict[str, Any]:
    return {"can_write": write_refusal(actor) is None}
