"""Accident grade, 较大涉险 flags and response level from the 条例 table (data/grading.json)."""

from __future__ import annotations

import pytest

from yingji.incidents.grading import Counts, grade

GRADE_CASES = [
    # (counts, expected grade) — "以上" includes the bound, "以下" excludes it
    (Counts(), "general"),
    (Counts(dead=2), "general"),
    (Counts(dead=3), "larger"),
    (Counts(dead=9), "larger"),
    (Counts(dead=10), "major"),
    (Counts(dead=29), "major"),
    (Counts(dead=30), "especially_major"),
    (Counts(seriously_injured=9), "general"),
    (Counts(seriously_injured=10), "larger"),
    (Counts(seriously_injured=49), "larger"),
    (Counts(seriously_injured=50), "major"),
    (Counts(seriously_injured=99), "major"),
    (Counts(seriously_injured=100), "especially_major"),
    (Counts(loss_wan=999.99), "general"),
    (Counts(loss_wan=1000), "larger"),
    (Counts(loss_wan=4999.9), "larger"),
    (Counts(loss_wan=5000), "major"),
    (Counts(loss_wan=9999), "major"),
    (Counts(loss_wan=10000), "especially_major"),
    # the highest criterion wins
    (Counts(dead=2, seriously_injured=9, loss_wan=5000), "major"),
    (Counts(dead=30, seriously_injured=0, loss_wan=0), "especially_major"),
    (Counts(dead=3, seriously_injured=50), "major"),
    # counts that are not grading criteria do not raise the grade
    (Counts(injured=500, trapped=40), "general"),
]


@pytest.mark.parametrize(("counts", "expected"), GRADE_CASES)
def test_grade_table(counts, expected):
    assert grade(counts).grade == expected


def test_grade_reasons_name_the_criterion():
    r = grade(Counts(dead=2, seriously_injured=12))
    assert r.grade_label == "较大"
    assert r.reasons == ["重伤（含急性工业中毒）12人（较大：10人以上）"]


FLAG_CASES = [
    (Counts(endangered=9), []),
    (Counts(endangered=10), ["endangered"]),
    (Counts(trapped=2), []),
    (Counts(trapped=3), ["trapped_or_missing"]),
    (Counts(trapped=1, missing=2), ["trapped_or_missing"]),
    (Counts(evacuated=499), []),
    (Counts(evacuated=500), ["evacuated"]),
    (Counts(hospitalised=10, pollution=True), ["hospitalised", "pollution"]),
    (Counts(key_facility=True), ["key_facility"]),
]


@pytest.mark.parametrize(("counts", "flags"), FLAG_CASES)
def test_risk_flags(counts, flags):
    assert grade(counts).risk_flags == flags


RESPONSE_CASES = [
    (Counts(), "IV"),
    (Counts(dead=2), "IV"),
    (Counts(dead=3), "III"),
    (Counts(dead=2, missing=1), "III"),
    (Counts(endangered=10), "III"),
    (Counts(seriously_injured=29), "IV"),
    (Counts(seriously_injured=30), "III"),
    (Counts(dead=10), "II"),
    (Counts(dead=29, missing=1), "I"),
    (Counts(endangered=30), "I"),
    (Counts(seriously_injured=100), "I"),
    (Counts(loss_wan=10000), "I"),
    (Counts(relocated=99999), "IV"),
    (Counts(relocated=100000), "I"),
]


@pytest.mark.parametrize(("counts", "level"), RESPONSE_CASES)
def test_response_level(counts, level):
    assert grade(counts).response_level == level


def test_rules_are_data(monkeypatch):
    import copy

    from yingji.incidents.grading import grading_rules

    rules = copy.deepcopy(grading_rules())
    next(g for g in rules["grades"] if g["key"] == "larger")["deaths"] = 2
    assert grade(Counts(dead=2), rules).grade == "larger"
    assert grade(Counts(dead=2)).grade == "general"
