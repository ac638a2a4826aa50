"""Pure rules of issue 8, table-driven: the password policy, numbers for people, whose turn it is after
each hazard step, the label registry's merging and permission names, the scope's containing divisions."""

from __future__ import annotations

import pytest

from yingji.core.labels import merge, permission_label
from yingji.core.numbers import human_number
from yingji.core.passwords import password_problems
from yingji.core.scope import ancestors
from yingji.hazards.lifecycle import STATES, next_step


@pytest.mark.parametrize("password,username,problems", [
    ("Good-Password-123", "alice", []),
    ("short1", "alice", ["密码至少 10 个字符"]),
    ("zzzzzzzzzzzz", None, ["密码不能由同一个字符重复组成"]),
    ("zzzz", None, ["密码至少 10 个字符", "密码不能由同一个字符重复组成"]),
    ("officer_gulou", "officer_gulou", ["密码不能与用户名相同（或只是用户名加数字）"]),
    ("OFFICER_GULOU", "officer_gulou", ["密码不能与用户名相同（或只是用户名加数字）"]),
    ("officer_gulou2026", "officer_gulou", ["密码不能与用户名相同（或只是用户名加数字）"]),
    ("uolug_reciffo", "officer_gulou", ["密码不能与用户名相同（或只是用户名加数字）"]),
    ("officer_gulou-is-fine", "officer_gulou", []),
    ("bell\x07here-1", None, ["密码不能包含控制字符"]),
    ("x" * 257 + "y", None, ["密码不能超过 256 个字符"]),
])
def test_password_policy(password, username, problems):
    assert password_problems(password, username) == problems


@pytest.mark.parametrize("value,text", [
    (1e9, "10 亿"), (10**10, "100 亿"), (1.2e8, "1.2 亿"), (50_000, "5 万"), (12_345, "12,345"),
    (1234.5, "1,234.5"), (3650, "3,650"), (0, "0"), (-3, "-3"), (0.25, "0.25"), (None, "—"), ("abc", "abc"),
    (float("inf"), "inf"),
])
def test_numbers_for_people(value, text):
    assert human_number(value) == text


@pytest.mark.parametrize("state,level,rejected,expected", [
    ("reported", None, False, ("government", "confirm", "county")),
    ("reported", "city", False, ("government", "confirm", "city")),
    ("confirmed", "county", False, ("unit", "start_rectification", None)),
    ("rectifying", None, False, ("unit", "submit_acceptance", None)),
    ("submitted", "county", False, ("government", "accept", "county")),
    ("submitted", "city", False, ("government", "accept", "city")),
    ("accepted", None, False, ("government", "close", "county")),
    ("closed", "city", False, None),
])
def test_whose_turn_it_is_after_each_step(state, level, rejected, expected):
    step = next_step(state, level, rejected=rejected)
    assert (None if step is None else (step.audience, step.action, step.level)) == expected
    if step is not None:
        assert step.message and all(ord(c) < 128 or "\u3000" <= c for c in step.message)


def test_every_open_state_has_a_next_step_and_a_rejection_says_so():
    assert {s for s in STATES if next_step(s) is None} == {"closed"}
    assert "退回整改" in next_step("rectifying", rejected=True).message
    assert "退回" not in next_step("rectifying").message


def test_label_tables_merge_by_name_and_permissions_read_in_chinese():
    merged = merge({"fields": {"a": "甲"}, "roles": {"x": "X"}}, {"fields": {"b": "乙", "a": "甲2"}})
    assert merged == {"fields": {"a": "甲2", "b": "乙"}, "roles": {"x": "X"}}
    assert permission_label("hazards:write") == "隐患排查治理：修改"
    assert permission_label("users:manage") == "用户与权限：管理"
    assert permission_label("nosuch:thing") == "业务数据：操作"


@pytest.mark.parametrize("code,expected", [
    ("350102001", ["350102", "350100", "350000"]), ("350102", ["350100", "350000"]),
    ("350100", ["350000"]), ("350000", []), ("350102001001", ["350102001", "350102", "350100", "350000"]),
])
def test_the_divisions_containing_a_scope(code, expected):
    assert ancestors(code) == expected
