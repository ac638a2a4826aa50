"""Who may do what to a hazard — the one source of truth for the actions AND the pages' buttons.

Each function answers ``None`` when the actor may act, or the Chinese reason why not. The actions
raise :class:`~yingji.core.errors.Forbidden` with that reason; the detail API and the pages offer
only what these functions allow, so a button is never shown for something the API refuses.

Rules (defaults; tiers configurable in ``hazards/config/tiers.json``):
* writing at all needs ``hazards:write`` (the read-only leader has none);
* 确认、验收、退回、销号 are government acts (enterprise users report, plan and rectify);
* a tier with ``separate_acceptance`` (重大事故隐患 by default) is not accepted by its reporter;
* 挂牌督办: county users list at county level, city users at city level (a city-wide administrator
  at either); 摘牌: a government user at the listing's level or above;
* the overdue escalation run is a city-level act (or the platform's scheduled job).
"""

from __future__ import annotations

from typing import Any

from yingji.core.auth import Principal
from yingji.core.scope import division_level
from yingji.hazards.catalog import default_tier_config
from yingji.hazards.escalation import SUPERVISION_LABELS
from yingji.hazards.lifecycle import ACTION_LABELS, allowed_actions

GOVERNMENT_ACTIONS = frozenset({"confirm", "accept", "reject", "close"})
LEVEL_RANK = {"county": 1, "city": 2, "province": 3}
_SCOPE_RANK = {"village": 0, "township": 0, "county": 1, "city": 2, "province": 3}


def write_refusal(actor: Principal) -> str | None:
    if not actor.can("hazards:write"):
        return f"您的角色（{actor.role_label}）只能查看，不能修改隐患"
    return None


def transition_refusal(actor: Principal, hazard: Any, action: str) -> str | None:
    if (reason := write_refusal(actor)) is not None:
        return reason
    if action in GOVERNMENT_ACTIONS and actor.unit_id is not None:
        return f"“{ACTION_LABELS[action]}”须由监管部门执行，企业用户不能操作"
    if action == "accept":
        tier = next((t for t in default_tier_config().tiers if t.key == hazard.tier), None)
        if tier is not None and tier.separate_acceptance and hazard.reported_by == actor.username:
            return f"{tier.label}须由上报人以外的人员验收（职责分离）"
    return None


def permitted_transitions(actor: Principal, hazard: Any) -> list[str]:
    """The lifecycle steps possible from the hazard's state that this actor may take."""
    return [a for a in allowed_actions(hazard.state) if transition_refusal(actor, hazard, a) is None]


def listing_levels(actor: Principal) -> list[str]:
    """The 挂牌督办 levels this actor may list at."""
    if write_refusal(actor) is not None or actor.unit_id is not None:
        return []
    level = division_level(actor.scope_code)
    if level in ("city", "province"):
        return ["county", "city"] if actor.is_admin else ["city"]
    return ["county"] if level == "county" else []


def listing_refusal(actor: Principal, level: str) -> str | None:
    if (reason := write_refusal(actor)) is not None:
        return reason
    if actor.unit_id is not None:
        return "挂牌督办须由政府监管部门执行"
    if level not in listing_levels(actor):
        return (f"您的管辖级别不能作出{SUPERVISION_LABELS[level]}"
                "（区县应急管理人员只能县级挂牌，市级用户市级挂牌）")
    return None


def lift_refusal(actor: Principal, listing_level: str) -> str | None:
    if (reason := write_refusal(actor)) is not None:
        return reason
    if actor.unit_id is not None:
        return "摘牌须由政府监管部门执行"
    if LEVEL_RANK.get(division_level(actor.scope_code), 0) < LEVEL_RANK[listing_level]:
        return (f"{SUPERVISION_LABELS[listing_level]}只能由同级或上级监管部门摘牌"
                "（县级挂牌由区县或市级用户、市级挂牌由市级用户摘牌）")
    return None


def escalation_refusal(actor: Principal) -> str | None:
    if (reason := write_refusal(actor)) is not None:
        return reason
    if actor.via == "system":
        return None
    if actor.unit_id is not None or division_level(actor.scope_code) not in ("city", "province"):
        return "逾期检查与自动升级须由市级监管用户运行（日常由定时任务 yingji hazards escalate 执行）"
    return None


def todo_levels(actor: Principal) -> list[str]:
    """The supervising levels whose to-dos (待办) are addressed to this government user.

    A county-level to-do goes to the county's and its townships' officers; a city-level one (a hazard
    under 市级挂牌督办) to the city's users as well. Read-only users and enterprise users get no
    government to-dos (enterprise users get their unit's).
    """
    if write_refusal(actor) is not None or actor.unit_id is not None:
        return []
    rank = _SCOPE_RANK.get(division_level(actor.scope_code), 9)
    return [level for level in ("county", "city") if rank <= LEVEL_RANK[level]]


def gets_unit_todos(actor: Principal) -> bool:
    """Whether this user receives its unit's to-dos (an enterprise user who may write)."""
    return actor.unit_id is not None and write_refusal(actor) is None


def page_flags(actor: Principal) -> dict[str, Any]:
    """What the hazards pages may offer this user (record-independent parts)."""
    return {
        "can_write": write_refusal(actor) is None,
        "is_government": actor.unit_id is None,
        "can_report": write_refusal(actor) is None,
        "can_inspect_department": write_refusal(actor) is None and actor.unit_id is None,
        "can_escalate": escalation_refusal(actor) is None,
        "listing_levels": listing_levels(actor),
        "lift_levels": [lv for lv in ("county", "city") if lift_refusal(actor, lv) is None],
        "gets_todos": bool(todo_levels(actor)) or gets_unit_todos(actor),
    }
