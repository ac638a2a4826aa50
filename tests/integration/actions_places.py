"""Action samples of the places package for test_actions_walk.py."""

from __future__ import annotations

import itertools
from typing import Any

from yingji.core.auth import system_principal

_n = itertools.count(1)


def SAMPLES(tmp_path: Any) -> dict[str, Any]:
    from yingji.places import actions

    def import_sample(s: Any, ctx: dict[str, Any]) -> Any:
        n = next(_n)
        content = f"名称,类型,经度,纬度\n巡检地标{n},landmark,119.2960,26.0800\n".encode()
        return lambda: actions.import_places(s, system_principal(), content, f"walk{n}.csv")

    return {"yingji.places.actions.import_places": import_sample}
