"""Action samples of the routing package for tests/integration/test_actions_walk.py.

Each sample prepares what the action needs and returns the call to measure."""

from __future__ import annotations

from typing import Any

from yingji.core.auth import system_principal

SYSTEM = system_principal()
Sample = Any
# a short link of the Fuzhou central-city network (data/fuzhou/roads)
LINK = "l_0_0_f"
BODY = {"reason": "动作巡检：下穿隧道积水", "link_ids": [LINK], "division_code": "350102"}


def SAMPLES(tmp_path: Any) -> dict[str, Sample]:
    from yingji.routing import actions

    def reopen(s: Any, ctx: dict[str, Any]) -> Any:
        cid = actions.close_road(s, SYSTEM, BODY).id
        return lambda: actions.reopen_road(s, SYSTEM, cid, {"reason": "已排水"})

    return {
        "yingji.routing.actions.close_road": lambda s, ctx: lambda: actions.close_road(s, SYSTEM, BODY),
        "yingji.routing.actions.reopen_road": reopen,
    }
