"""The structured content of a plan and what is computed from it — pure (no ORM, no web).

Content (a JSON object, validated by ``schemas.PlanContentIn``)::

    {"summary": "...",
     "triggers": [{"incident_type": "typhoon", "grades": [1, 2], "response_level": 1, "condition": "..."}],
     "response_levels": [{"level": 1, "name": "Ⅰ级响应", "criteria": "...", "commander": "..."}],
     "command": {"headquarters": "...", "commander": "...",
                 "groups": [{"name": "综合协调组", "lead": "...", "members": "..."}]},
     "roles": [{"name": "...", "group": "...", "owner": "...",
                "tasks": [{"title": "...", "deadline_minutes": 30, "levels": [1, 2]}]}],
     "resources": [{"unit_type": "fire_engine", "count": 4, "note": "...", "levels": [1, 2]}],
     "revision_notes": [{"source": "drill", "drill_id": 1, "text": "..."}]}

``levels`` empty = every response level. Grades and levels: 1 = Ⅰ (most severe) … 4 = Ⅳ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from yingji.plans.catalog import ANY_TYPE, INCIDENT_TYPES, RESPONSE_LEVELS, ROMAN, UNIT_TYPES

SECTIONS = {"summary": "概述", "triggers": "启动条件", "response_levels": "响应分级", "command": "指挥机构",
            "roles": "职责与任务", "resources": "调用资源", "revision_notes": "修订事项"}


def empty_content() -> dict[str, Any]:
    return {"summary": "", "triggers": [], "response_levels": [],
            "command": {"headquarters": "", "commander": "", "groups": []}, "roles": [], "resources": [],
            "revision_notes": []}


def normalise(content: dict[str, Any] | None) -> dict[str, Any]:
    out = empty_content()
    for key, value in (content or {}).items():
        if key in out and value is not None:
            out[key] = value
    return out


# --- matching ------------------------------------------------------------------------------------

def matching_trigger(content: dict[str, Any], incident_type: str, grade: int) -> dict[str, Any] | None:
    """The first trigger of the plan for this incident type and grade (an exact type before ``*``)."""
    triggers = normalise(content)["triggers"]
    for wanted in (incident_type, ANY_TYPE):
        for t in triggers:
            if t.get("incident_type") == wanted and (not t.get("grades") or grade in t["grades"]):
                return t
    return None


def response_level_for(content: dict[str, Any], incident_type: str, grade: int) -> int:
    """The response level a plan prescribes: its matching trigger's, else the grade itself (Ⅰ→Ⅰ…), capped at Ⅳ."""
    trigger = matching_trigger(content, incident_type, grade)
    if trigger is not None and trigger.get("response_level"):
        return int(trigger["response_level"])
    return min(max(grade, 1), 4)


def applies(item: dict[str, Any], level: int) -> bool:
    return not item.get("levels") or level in item["levels"]


def resources_at(content: dict[str, Any], level: int) -> list[dict[str, Any]]:
    return [{"unit_type": r["unit_type"], "count": int(r.get("count") or 0), "note": r.get("note") or ""}
            for r in normalise(content)["resources"] if applies(r, level)]


# --- the task board --------------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskSpec:
    order: int
    role: str
    group: str
    owner: str
    title: str
    deadline_minutes: int
    due_at: datetime


def board_tasks(content: dict[str, Any], level: int, activated_at: datetime) -> list[TaskSpec]:
    """The tasks an activation at ``level`` creates, each due ``deadline_minutes`` after activation,
    ordered by deadline then by their place in the plan."""
    specs: list[tuple[int, int, dict[str, Any], dict[str, Any]]] = []
    n = 0
    for role in normalise(content)["roles"]:
        for task in role.get("tasks") or []:
            if applies(task, level):
                specs.append((int(task.get("deadline_minutes") or 0), n, role, task))
                n += 1
    specs.sort(key=lambda s: (s[0], s[1]))
    return [TaskSpec(order=i, role=role.get("name", ""), group=role.get("group") or "", owner=role.get("owner") or "",
                     title=task["title"], deadline_minutes=minutes, due_at=activated_at + timedelta(minutes=minutes))
            for i, (minutes, _, role, task) in enumerate(specs)]


def is_overdue(status: str, due_at: datetime | None, now: datetime, done_at: datetime | None = None) -> bool:
    """A task is overdue when it was not done by its deadline (a task done late stays marked)."""
    if due_at is None:
        return False
    if status == "done":
        return done_at is not None and done_at > due_at
    return now > due_at


def remaining_seconds(due_at: datetime | None, now: datetime) -> int | None:
    return None if due_at is None else int((due_at - now).total_seconds())


# --- versions: a readable, structured diff -----------------------------------------------------------

def _levels(levels: list[int] | None) -> str:
    return "、".join(ROMAN.get(int(v), str(v)) for v in levels) + "级" if levels else "各级"


def _describe(section: str, item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    if section == "triggers":
        return (f"{INCIDENT_TYPES.get(item.get('incident_type', ''), item.get('incident_type'))}"
                f"（{_levels(item.get('grades'))}事件）→ {RESPONSE_LEVELS.get(item.get('response_level'), '按等级')}"
                + (f"：{item['condition']}" if item.get("condition") else ""))
    if section == "response_levels":
        return f"{RESPONSE_LEVELS.get(item.get('level'), item.get('level'))} {item.get('name') or ''}".strip()
    if section == "groups":
        return f"{item.get('name')}（牵头：{item.get('lead') or '—'}）"
    if section == "roles":
        return f"{item.get('name')}（{item.get('owner') or '—'}，任务 {len(item.get('tasks') or [])} 项）"
    if section == "tasks":
        return f"{item.get('title')}（{item.get('deadline_minutes')} 分钟内，{_levels(item.get('levels'))}）"
    if section == "resources":
        return (f"{UNIT_TYPES.get(item.get('unit_type', ''), item.get('unit_type'))} × {item.get('count')}"
                f"（{_levels(item.get('levels'))}）" + (f" {item['note']}" if item.get("note") else ""))
    if section == "revision_notes":
        return str(item.get("text", ""))
    return str(item)


def _key(section: str, item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    if section == "triggers":
        return f"{item.get('incident_type')}|{sorted(item.get('grades') or [])}"
    if section == "response_levels":
        return str(item.get("level"))
    if section in ("groups", "roles"):
        return str(item.get("name"))
    if section == "tasks":
        return str(item.get("title"))
    if section == "resources":
        return str(item.get("unit_type"))
    return repr(sorted(item.items()))


def _diff_list(section: str, label: str, old: list[Any], new: list[Any]) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    old_by = {_key(section, i): i for i in old}
    new_by = {_key(section, i): i for i in new}
    for k, item in old_by.items():
        if k not in new_by:
            changes.append({"section": label, "op": "removed", "before": _describe(section, item), "after": None})
    for k, item in new_by.items():
        if k not in old_by:
            changes.append({"section": label, "op": "added", "before": None, "after": _describe(section, item)})
        elif old_by[k] != item:
            if section == "roles":
                plain_old = {x: y for x, y in old_by[k].items() if x != "tasks"}
                plain_new = {x: y for x, y in item.items() if x != "tasks"}
                if plain_old != plain_new:
                    changes.append({"section": label, "op": "changed", "before": _describe(section, old_by[k]),
                                    "after": _describe(section, item)})
                changes += _diff_list("tasks", f"{label} · {item.get('name')} · 任务",
                                      old_by[k].get("tasks") or [], item.get("tasks") or [])
            else:
                changes.append({"section": label, "op": "changed", "before": _describe(section, old_by[k]),
                                "after": _describe(section, item)})
    return changes


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed from ``old`` to ``new``, section by section, in words:
    ``[{section, op: added|removed|changed, before, after}]``."""
    a, b = normalise(old), normalise(new)
    changes: list[dict[str, Any]] = []
    if a["summary"] != b["summary"]:
        changes.append({"section": SECTIONS["summary"], "op": "changed", "before": a["summary"], "after": b["summary"]})
    for field, label in (("headquarters", "指挥部"), ("commander", "总指挥")):
        if a["command"].get(field) != b["command"].get(field):
            changes.append({"section": f"{SECTIONS['command']} · {label}", "op": "changed",
                            "before": a["command"].get(field) or "", "after": b["command"].get(field) or ""})
    changes += _diff_list("groups", f"{SECTIONS['command']} · 工作组", a["command"].get("groups") or [],
                          b["command"].get("groups") or [])
    for section in ("triggers", "response_levels", "roles", "resources", "revision_notes"):
        changes += _diff_list(section, SECTIONS[section], a[section], b[section])
    return changes
