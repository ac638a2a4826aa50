"""Pure dispatch rules: fire-alarm grades, grade × type requirements, never lowered, ranking, status."""

from __future__ import annotations

import pytest

from yingji.dispatch.grading import (
    GradeLowered,
    dispatch_config,
    fire_grade,
    merge_plan,
    requirements,
    settle_grade,
)
from yingji.dispatch.ranking import Candidate, fmt_duration, rank
from yingji.dispatch.status import allowed_next, transition_refusal

CFG = dispatch_config()


@pytest.mark.parametrize("trapped,area,building,grade", [
    (0, 0, None, 1),
    (0, 0, "ordinary", 1),
    (1, 0, None, 2),
    (2, 10, "residential", 2),
    (3, 0, None, 3),
    (9, 0, None, 3),
    (10, 0, None, 4),
    (30, 0, None, 5),
    (0, 49.9, None, 1),
    (0, 50, None, 2),
    (0, 200, None, 3),
    (0, 500, None, 4),
    (0, 1000, None, 5),
    (0, 0, "crowded", 2),
    (0, 0, "high_rise", 2),
    (0, 0, "super_high_rise", 3),
    (0, 0, "hazchem_site", 3),
    (0, 0, "petrochemical", 4),
    (3, 600, "high_rise", 4),   # the highest criterion wins
    (12, 10, "petrochemical", 4),
    (31, 1200, "petrochemical", 5),
])
def test_fire_grade(trapped, area, building, grade):
    result = fire_grade(trapped, area, building)
    assert result.grade == grade
    assert result.basis and all(isinstance(b, str) for b in result.basis)


def test_fire_grade_rejects_bad_input():
    with pytest.raises(ValueError):
        fire_grade(-1, 0)
    with pytest.raises(ValueError):
        fire_grade(0, 0, "castle")


@pytest.mark.parametrize("computed,requested,current,result", [
    (2, None, None, 2),
    (2, 2, None, 2),
    (2, 4, None, 4),    # raised by the dispatcher
    (1, 5, None, 5),
    (2, None, 3, 3),    # an order already at 3 stays at 3
    (2, 4, 3, 4),
    (3, 1, None, GradeLowered),  # below the rules
    (3, 2, None, GradeLowered),
    (2, 2, 3, GradeLowered),     # below the current grade
    (1, 3, 4, GradeLowered),
])
def test_grade_can_be_raised_never_lowered(computed, requested, current, result):
    if result is GradeLowered:
        with pytest.raises(GradeLowered, match="只能提升"):
            settle_grade(computed, requested, current)
    else:
        assert settle_grade(computed, requested, current) == result


@pytest.mark.parametrize("itype", sorted(CFG["requirements"]))
def test_requirements_grow_with_the_grade(itype):
    totals = [sum(requirements(itype, g).values()) for g in range(1, 6)]
    assert totals == sorted(totals) and totals[0] >= 1
    for g in range(1, 5):  # never fewer of any type at a higher grade
        low, high = requirements(itype, g), requirements(itype, g + 1)
        assert all(high.get(t, 0) >= n for t, n in low.items()), (itype, g)


@pytest.mark.parametrize("itype,grade,building,expected", [
    ("fire", 1, None, {"water_tender": 2}),
    ("fire", 2, "high_rise", {"water_tender": 3, "rescue": 1, "aerial": 1}),
    ("fire", 3, "hazchem_site", {"water_tender": 4, "rescue": 1, "aerial": 1, "command": 1, "hazmat": 1, "foam": 1}),
    ("hazchem", 1, "high_rise", {"hazmat": 1, "water_tender": 1}),  # building extras only for fires
    ("elevator", 1, None, {"elevator_team": 1}),
])
def test_requirements_table(itype, grade, building, expected):
    assert requirements(itype, grade, building) == expected


def test_merge_plan_takes_the_larger_count_and_names_the_source():
    rows = merge_plan({"water_tender": 3, "rescue": 1}, [{"unit_type": "water_tender", "count": 2},
                                                        {"unit_type": "hazmat", "count": 2, "note": "预案要求"}])
    assert rows == [{"unit_type": "water_tender", "count": 3, "source": "grade+plan", "note": ""},
                    {"unit_type": "rescue", "count": 1, "source": "grade", "note": ""},
                    {"unit_type": "hazmat", "count": 2, "source": "plan", "note": "预案要求"}]


def _c(vid, vtype, seconds, specialties=(), model="network"):
    return Candidate(vehicle_id=vid, vehicle_type=vtype, name=f"车{vid}", force_id=vid, force_name=f"站{vid}",
                     specialties=tuple(specialties), seconds=seconds, meters=None if seconds is None else seconds * 10, model=model)


def test_rank_picks_fastest_of_the_type_with_reasons():
    cands = [_c(1, "water_tender", 400), _c(2, "water_tender", 120), _c(3, "water_tender", 250),
             _c(4, "rescue", 200), _c(5, "aerial", 100), _c(6, "water_tender", None)]
    groups = rank([{"unit_type": "water_tender", "count": 2}, {"unit_type": "rescue", "count": 1}], cands,
                  incident_type="fire", cfg=CFG)
    assert [p.candidate.vehicle_id for p in groups[0].selected] == [2, 3]
    assert [p.candidate.vehicle_id for p in groups[0].alternatives] == [1]
    assert groups[0].selected[0].within_standard and "满足 5 分钟到场标准" in groups[0].selected[0].reason
    assert "路网行驶约 2分00秒" in groups[0].selected[0].reason
    assert not groups[0].alternatives[0].within_standard and "超出" in groups[0].alternatives[0].reason
    assert [p.candidate.vehicle_id for p in groups[1].selected] == [4] and groups[1].shortfall == 0


def test_rank_substitutes_only_fill_what_exact_types_cannot():
    cands = [_c(1, "foam", 60), _c(2, "water_tender", 300), _c(3, "foam", 90)]
    groups = rank([{"unit_type": "water_tender", "count": 2}, {"unit_type": "foam", "count": 1}], cands,
                  incident_type="fire", cfg=CFG)
    # the exact water tender first, the foam group gets the fastest foam, a foam fills the second tender
    assert [p.candidate.vehicle_id for p in groups[1].selected] == [1]
    assert [p.candidate.vehicle_id for p in groups[0].selected] == [2, 3]
    assert groups[0].selected[1].substitute and "可替代水罐消防车" in groups[0].selected[1].reason


def test_rank_specialty_bonus_and_shortfall_and_exclusion():
    cands = [_c(1, "hazmat", 200), _c(2, "hazmat", 230, specialties=["hazchem"]), _c(3, "hazmat", 100)]
    groups = rank([{"unit_type": "hazmat", "count": 4}], cands, incident_type="hazchem", cfg=CFG, exclude={3})
    ids = [p.candidate.vehicle_id for p in groups[0].selected]
    assert ids == [2, 1]  # 230 − 60 s bonus beats 200; 3 is already dispatched
    assert "专业队伍：危化品泄漏" in groups[0].selected[0].reason
    assert groups[0].shortfall == 2


def test_fallback_model_is_named_in_the_reason():
    groups = rank([{"unit_type": "rescue", "count": 1}], [_c(1, "rescue", 700, model="fallback")],
                  incident_type="traffic", cfg=CFG)
    assert "估算行驶约 11分40秒" in groups[0].selected[0].reason


@pytest.mark.parametrize("seconds,text", [(0, "0秒"), (59.6, "1分00秒"), (61, "1分01秒"), (3700, "1小时01分")])
def test_fmt_duration(seconds, text):
    assert fmt_duration(seconds) == text


@pytest.mark.parametrize("current,new,ok", [
    ("available", "dispatched", True), ("available", "on_scene", False), ("dispatched", "en_route", True),
    ("en_route", "on_scene", True), ("on_scene", "returning", True), ("on_scene", "available", False),
    ("returning", "available", True), ("returning", "dispatched", True), ("available", "out_of_service", True),
    ("out_of_service", "dispatched", False), ("available", "available", False), ("available", "flying", False),
])
def test_status_transitions(current, new, ok):
    assert (transition_refusal(current, new) is None) is ok
    if ok:
        assert new in allowed_next(current)
