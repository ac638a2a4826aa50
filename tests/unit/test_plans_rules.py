"""Pure rules of the plans domain: grades, trigger matching, the task board, overdue, the diff, lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from yingji.plans.catalog import parse_grade
from yingji.plans.content import (
    board_tasks,
    diff,
    is_overdue,
    matching_trigger,
    resources_at,
    response_level_for,
)
from yingji.plans.lifecycle import LifecycleError, allowed_actions, next_state

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
CONTENT = {
    "triggers": [{"incident_type": "typhoon", "grades": [1, 2], "response_level": 1},
                 {"incident_type": "typhoon", "grades": [3, 4], "response_level": 3},
                 {"incident_type": "*", "grades": [1], "response_level": 1}],
    "roles": [{"name": "值班调度", "owner": "应急局", "tasks": [
        {"title": "通知", "deadline_minutes": 15, "levels": []},
        {"title": "报送", "deadline_minutes": 120, "levels": [1, 2]}]},
        {"name": "转移", "owner": "街道", "tasks": [{"title": "转移群众", "deadline_minutes": 60, "levels": []}]}],
    "resources": [{"unit_type": "water_team", "count": 2, "levels": [1, 2]}, {"unit_type": "drainage_vehicle", "count": 6}],
}


@pytest.mark.parametrize("value,expected", [(1, 1), ("2", 2), ("Ⅲ", 3), ("IV", 4), ("Ⅱ级", 2), ("重大", 2),
                                            ("特别重大", 1), ("一般", 4), ("五", 5), ("橙", 2), ("红色", 1)])
def test_grades_are_read_in_every_usual_spelling(value, expected):
    assert parse_grade(value) == expected


def test_fire_alarm_grades_map_onto_incident_grades():
    from yingji.plans.catalog import grade_from_fire_alarm

    assert [grade_from_fire_alarm(a) for a in (5, 4, 3, 2, 1)] == [1, 2, 3, 4, 4]


@pytest.mark.parametrize("value", [0, 6, "X", "", True])
def test_bad_grades_are_refused_in_chinese(value):
    with pytest.raises(ValueError):
        parse_grade(value)


@pytest.mark.parametrize("itype,grade,level", [("typhoon", 1, 1), ("typhoon", 2, 1), ("typhoon", 4, 3),
                                               ("flood", 1, 1), ("flood", 3, None)])
def test_triggers_match_by_type_and_grade_exact_type_first(itype, grade, level):
    trigger = matching_trigger(CONTENT, itype, grade)
    assert (trigger or {}).get("response_level") == level


def test_response_level_falls_back_to_the_grade():
    assert response_level_for(CONTENT, "typhoon", 3) == 3
    assert response_level_for(CONTENT, "fire", 2) == 2  # no trigger: Ⅱ级 event → Ⅱ级 response
    assert response_level_for({}, "fire", 5) == 4  # capped at Ⅳ


@pytest.mark.parametrize("level,titles", [(1, ["通知", "转移群众", "报送"]), (3, ["通知", "转移群众"])])
def test_board_tasks_follow_the_level_and_are_due_minutes_after_activation(level, titles):
    tasks = board_tasks(CONTENT, level, T0)
    assert [t.title for t in tasks] == titles
    assert all(t.due_at == T0 + timedelta(minutes=t.deadline_minutes) for t in tasks)
    assert [t.order for t in tasks] == list(range(len(titles)))


def test_resources_follow_the_level():
    assert [r["unit_type"] for r in resources_at(CONTENT, 1)] == ["water_team", "drainage_vehicle"]
    assert [r["unit_type"] for r in resources_at(CONTENT, 3)] == ["drainage_vehicle"]


@pytest.mark.parametrize("status,now_min,done_min,expected", [
    ("todo", 10, None, False), ("todo", 16, None, True), ("doing", 16, None, True),
    ("done", 30, 14, False), ("done", 30, 20, True)])
def test_overdue(status, now_min, done_min, expected):
    due = T0 + timedelta(minutes=15)
    done = T0 + timedelta(minutes=done_min) if done_min is not None else None
    assert is_overdue(status, due, T0 + timedelta(minutes=now_min), done) is expected


def test_diff_names_each_change_in_words():
    new = {**CONTENT, "resources": [{"unit_type": "water_team", "count": 4, "levels": [1, 2]}],
           "roles": [{**CONTENT["roles"][0], "tasks": [{"title": "通知", "deadline_minutes": 10, "levels": []}]},
                     CONTENT["roles"][1]],
           "summary": "新概述"}
    changes = diff(CONTENT, new)
    ops = {(c["section"], c["op"]) for c in changes}
    assert ("概述", "changed") in ops
    assert ("调用资源", "removed") in ops and ("调用资源", "changed") in ops
    assert ("职责与任务 · 值班调度 · 任务", "changed") in ops and ("职责与任务 · 值班调度 · 任务", "removed") in ops
    water = next(c for c in changes if c["section"] == "调用资源" and c["op"] == "changed")
    assert "水域救援队 × 2" in water["before"] and "水域救援队 × 4" in water["after"]
    assert diff(CONTENT, CONTENT) == []


@pytest.mark.parametrize("state,action,target", [("draft", "approve", "approved"), ("approved", "file", "filed"),
                                                 ("filed", "revise", "revised"), ("revised", "approve", "approved"),
                                                 ("approved", "revise", "revised")])
def test_lifecycle_steps(state, action, target):
    assert next_state(state, action) == target


@pytest.mark.parametrize("state,action", [("draft", "file"), ("draft", "revise"), ("filed", "approve"),
                                          ("revised", "file")])
def test_lifecycle_refuses_skipping_steps(state, action):
    with pytest.raises(LifecycleError, match="不能"):
        next_state(state, action)
    assert action not in allowed_actions(state)
