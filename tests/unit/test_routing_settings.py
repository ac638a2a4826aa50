"""Routing settings: time-of-day factors and fallback speeds parse as documented."""

from __future__ import annotations

import pytest

from yingji.routing.service import parse_hour_factors, parse_speeds


@pytest.mark.parametrize("text,expected", [
    ("", {}),
    ("7-9:0.75", {7: 0.75, 8: 0.75, 9: 0.75}),
    ("22-1:1.2", {22: 1.2, 23: 1.2, 0: 1.2, 1: 1.2}),
    ("8:0.5, 18-18:0.6", {8: 0.5, 18: 0.6}),
])
def test_hour_factors(text, expected):
    assert parse_hour_factors(text) == expected


def test_hour_factors_refuse_bad_hours():
    with pytest.raises(ValueError, match="0–23"):
        parse_hour_factors("7-25:0.5")


def test_fallback_speeds_default_and_override():
    assert parse_speeds("") == {"urban": 25.0, "suburban": 40.0, "rural": 55.0}
    assert parse_speeds("rural:60")["rural"] == 60.0
