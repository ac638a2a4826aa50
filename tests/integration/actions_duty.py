"""A sample call for every action of the duty domain (see test_actions_walk.py)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from yingji.core.auth import system_principal

SYSTEM = system_principal()
_n = itertools.count(1)


def SAMPLES(tmp_path: Any) -> dict[str, Any]:
    from yingji.duty import actions
    from yingji.duty.schemas import HandoverIn, LogIn, ShiftIn

    return {
        "yingji.duty.actions.add_shift": lambda s, ctx: lambda: actions.add_shift(s, SYSTEM, ShiftIn(
            division_code="350102", day=date(2026, 12, 1), role="officer", name=f"巡检值班员{next(_n)}")),
        "yingji.duty.actions.hand_over": lambda s, ctx: lambda: actions.hand_over(s, SYSTEM, HandoverIn(
            division_code="350102", from_name="甲", to_name="乙")),
        "yingji.duty.actions.add_log": lambda s, ctx: lambda: actions.add_log(s, SYSTEM, LogIn(
            division_code="350102", text="巡检日志")),
    }
