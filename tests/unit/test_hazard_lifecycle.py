"""Hidden-hazard lifecycle: every (state, action) pair, the 五到位 guard, reject reasons."""

from __future__ import annotations

import itertools

import pytest

from yingji.core.errors import Conflict, ValidationFailed
from yingji.hazards.catalog import default_tier_config, load_checklists
from yingji.hazards.lifecycle import (
    ACTION_LABELS,
    ACTIONS,
    STATE_LABELS,
    STATES,
    allowed_actions,
    missing_plan_fields,
    next_state,
)

FULL_PLAN = {
    "measures": "更换储罐紧急切断阀",
    "funds": 35.5,
    "deadline": "2026-12-31",
    "responsible_person": "张三",
    "contingency_plan": "储罐区泄漏专项应急预案",
}

LEGAL = {
    ("reported", "confirm"): "confirmed",
    ("confirmed", "start_rectification"): "rectifying",
    ("rectifying", "submit_acceptance"): "submitted",
    ("submitted", "accept"): "accepted",
    ("submitted", "reject"): "rectifying",
    ("accepted", "close"): "closed",
}
ALL_PAIRS = list(itertools.product(STATES, ACTIONS))


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS)
@pytest.mark.parametrize("requires_plan", [False, True])
def test_every_state_action_pair(state, action, requires_plan):
    if (state, action) in LEGAL:
        got = next_state(state, action, tier_requires_plan=requires_plan, plan=FULL_PLAN, reason="复查不合格")
        assert got == LEGAL[(state, action)]
    else:
        with pytest.raises(Conflict) as exc:
            next_state(state, action, tier_requires_plan=requires_plan, plan=FULL_PLAN, reason="复查不合格")
        err = exc.value
        assert err.code == "illegal_transition"
        assert err.status == 409
        assert STATE_LABELS[state] in err.message
        assert ACTION_LABELS[action] in err.message
        for allowed in allowed_actions(state):
            assert ACTION_LABELS[allowed] in err.message


@pytest.mark.parametrize(
    ("state", "expected"),
    [("reported", ("confirm",)), ("confirmed", ("start_rectification",)), ("rectifying", ("submit_acceptance",)),
     ("submitted", ("accept", "reject")), ("accepted", ("close",)), ("closed", ())],
)
def test_allowed_actions(state, expected):
    assert allowed_actions(state) == expected


def test_closed_hazard_message_says_the_process_is_over():
    with pytest.raises(Conflict) as exc:
        next_state("closed", "confirm", tier_requires_plan=False)
    assert "已销号" in exc.value.message and "流程已结束" in exc.value.message


@pytest.mark.parametrize(
    ("bad_kwargs", "field"),
    [({"state": "lost"}, "state"), ({"action": "delete"}, "action")],
)
def test_unknown_state_or_action_is_a_validation_error(bad_kwargs, field):
    args = {"state": "reported", "action": "confirm", **bad_kwargs}
    with pytest.raises(ValidationFailed) as exc:
        next_state(args["state"], args["action"], tier_requires_plan=False)
    assert exc.value.field == field


@pytest.mark.parametrize(
    ("missing", "labels"),
    [
        (["measures"], ["整改措施"]),
        (["funds"], ["整改资金"]),
        (["deadline"], ["整改期限"]),
        (["responsible_person"], ["责任人"]),
        (["contingency_plan"], ["应急预案"]),
        (["funds", "contingency_plan"], ["整改资金", "应急预案"]),
        (["measures", "funds", "deadline", "responsible_person", "contingency_plan"],
         ["整改措施", "整改资金", "整改期限", "责任人", "应急预案"]),
    ],
)
@pytest.mark.parametrize(("state", "action"), [("confirmed", "start_rectification"), ("submitted", "reject")])
def test_major_hazard_needs_every_five_in_place_field_to_enter_rectification(missing, labels, state, action):
    plan = {k: v for k, v in FULL_PLAN.items() if k not in missing}
    with pytest.raises(ValidationFailed) as exc:
        next_state(state, action, tier_requires_plan=True, plan=plan, reason="复查不合格")
    err = exc.value
    assert err.code == "plan_incomplete"
    assert err.field == f"plan.{missing[0]}"
    for label in labels:
        assert label in err.message
    present = [f.label for f in default_tier_config().plan_fields if f.key not in missing]
    for label in present:
        assert label not in err.message
    assert [d["field"] for d in err.details] == [f"plan.{m}" for m in missing]


@pytest.mark.parametrize("blank", [None, "", "   ", [], {}])
def test_blank_values_count_as_missing(blank):
    plan = {**FULL_PLAN, "measures": blank}
    assert [f.key for f in missing_plan_fields(plan)] == ["measures"]


def test_zero_funds_is_a_value_not_a_missing_field():
    assert missing_plan_fields({**FULL_PLAN, "funds": 0}) == []


def test_no_plan_at_all_lists_all_five_fields():
    with pytest.raises(ValidationFailed) as exc:
        next_state("confirmed", "start_rectification", tier_requires_plan=True, plan=None)
    assert len(exc.value.details) == 5


def test_general_hazard_needs_no_plan():
    assert next_state("confirmed", "start_rectification", tier_requires_plan=False, plan=None) == "rectifying"


def test_plan_guard_does_not_apply_to_other_transitions():
    assert next_state("reported", "confirm", tier_requires_plan=True, plan=None) == "confirmed"
    assert next_state("rectifying", "submit_acceptance", tier_requires_plan=True, plan=None) == "submitted"


@pytest.mark.parametrize("reason", [None, "", "  "])
def test_reject_requires_a_reason(reason):
    with pytest.raises(ValidationFailed) as exc:
        next_state("submitted", "reject", tier_requires_plan=False, reason=reason)
    assert exc.value.field == "reason"


def test_illegal_transition_is_reported_before_guards():
    # closed + reject without reason: the transition itself is illegal -> Conflict, not 422
    with pytest.raises(Conflict):
        next_state("closed", "reject", tier_requires_plan=True, plan=None, reason=None)


def test_reject_loop_can_repeat_until_accepted():
    state = "reported"
    for action in ["confirm", "start_rectification", "submit_acceptance", "reject", "submit_acceptance",
                   "reject", "submit_acceptance", "accept", "close"]:
        state = next_state(state, action, tier_requires_plan=True, plan=FULL_PLAN, reason="不合格")
    assert state == "closed"


def test_tier_config_marks_major_hazards_as_requiring_a_plan():
    cfg = default_tier_config()
    assert cfg.tier("major").requires_plan is True
    assert cfg.tier("general").requires_plan is False
    assert cfg.tier("major").label == "重大事故隐患"
    with pytest.raises(ValidationFailed) as exc:
        cfg.tier("huge")
    assert exc.value.field == "tier"


def test_checklists_cover_industries_with_6_to_12_items():
    lists = load_checklists()
    assert len(lists) >= 10
    for industry, items in lists.items():
        assert 6 <= len(items) <= 12, industry
        assert len({i.code for i in items}) == len(items)
        assert {i.suggested_tier for i in items} <= {"general", "major"}
