"""Action samples of the routing package for tests/integration/test_actions_walk.py."""

from __future__ import annotations

from typing import Any

from yingji.core.auth import system_principal

SYSTEM = system_principal()
Sample = Any
# a short link of the Fuzhou central-city network (data/fuzhou/roads)
LINK = "l_0_0_f"


def _close(s: Any) -> int:
    from yingji.routing import actions

    return actions.close_road(s, SYSTEM, {"reason": "动作巡检：下穿隧道积水", "link_ids": [LINK],
                                          "division_code": "350102"}).id


def SAMPLES(tmp_path: Any) -> dict[str, Sample]:  # noqa: N802 (the walk's name)
    return {
        "yingji.routing.actions.close_road": lambda s, ctx: _close(s),
        "yingji.routing.actions.reopen_road": lambda s, ctx: __import__(
            "yingji.routing.actions", fromlist=["reopen_road"]).reopen_road(s, SYSTEM, _close(s), {"reason": "已排水"}),
    }
