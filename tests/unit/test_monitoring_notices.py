"""Who gets an alarm's graded notice (``monitoring.alarming.address``, pure): by role, unit and
jurisdiction — nobody outside scope, nobody twice, inactive accounts never."""

from __future__ import annotations

import pytest

from yingji.monitoring.alarming import Addressee, address

USERS = [
    Addressee(1, "enterprise_manager", "350102001", unit_id=7),    # the owner unit's safety manager
    Addressee(2, "enterprise_manager", "350102001", unit_id=8),    # another unit, same township
    Addressee(3, "county_officer", "350102"),                      # the alarm's county
    Addressee(4, "county_officer", "350121"),                      # a neighbouring county
    Addressee(5, "township_officer", "350102001"),                 # the township (not addressed)
    Addressee(6, "city_duty", "350100"),                           # the city duty office
    Addressee(7, "leader", "350100"),                              # read-only leader (not addressed)
    Addressee(8, "admin", "350100"),                               # administrator (not addressed)
    Addressee(9, "county_officer", "350102", active=False),        # deactivated
    Addressee(10, "enterprise_manager", "350121001", unit_id=7),   # unit 7's account outside the point's township
    Addressee(11, "city_duty", "350200"),                          # another city's duty office
    Addressee(12, "dispatcher", "350100"),
    Addressee(13, "county_officer", "350102001"),                  # a county officer scoped to a township
]


@pytest.mark.parametrize(("level", "unit_id", "escalated", "expected"), [
    ("yellow", 7, False, {1: "unit", 3: "county"}),                # 三级: unit + county, not the city
    ("blue", 7, False, {1: "unit", 3: "county"}),
    ("orange", 7, False, {1: "unit", 3: "county", 6: "city"}),     # 二级 reaches the city duty office
    ("red", 7, False, {1: "unit", 3: "county", 6: "city"}),
    ("yellow", 7, True, {1: "unit", 3: "county", 6: "city"}),      # an escalation too
    ("yellow", None, False, {3: "county"}),                        # no owner unit: no unit audience
    ("red", 99, False, {3: "county", 6: "city"}),                  # a unit without accounts
])
def test_who_gets_the_notice(level, unit_id, escalated, expected):
    got = address(USERS, level=level, division_code="350102001", unit_id=unit_id, escalated=escalated)
    assert dict(got) == expected
    assert len(got) == len({uid for uid, _ in got})  # each user once


def test_another_county_reaches_its_own_officers_only():
    got = dict(address(USERS, level="red", division_code="350121001", unit_id=7))
    assert got == {4: "county", 6: "city", 10: "unit"}


def test_nobody_outside_the_city():
    assert address(USERS, level="red", division_code="350203001", unit_id=None) == [(11, "city")]


def test_a_user_listed_twice_is_addressed_once():
    assert address([USERS[2], USERS[2]], level="blue", division_code="350102003", unit_id=None) == [(3, "county")]
