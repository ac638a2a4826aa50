"""Action samples of the broadcast package for the actions walk (each writes an audit record and an event)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yingji.core.auth import system_principal

Sample = Callable[[Any, dict[str, Any]], Callable[[], Any]]


def SAMPLES(tmp_path: Any) -> dict[str, Sample]:
    from yingji.broadcast import actions
    from yingji.broadcast.schemas import DrillIn, RecipientIn

    actor = system_principal()

    def recipient(s: Any) -> int:
        return actions.register_recipient(s, actor, RecipientIn(kind="terminal", level="village",
                                                                division_code="350102001001", lon=119.3, lat=26.08,
                                                                address="T-walk")).id

    def deactivate(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        rid = recipient(s)
        return lambda: actions.deactivate_recipient(s, actor, rid)

    return {
        "yingji.broadcast.actions.register_recipient": lambda s, ctx: lambda: actions.register_recipient(
            s, actor, RecipientIn(kind="app", division_code="350102001", address="device-walk")),
        "yingji.broadcast.actions.deactivate_recipient": deactivate,
        "yingji.broadcast.actions.send_drill": lambda s, ctx: lambda: actions.send_drill(
            s, actor, DrillIn.model_validate({"area": {"divisions": ["350102"]}, "text": "演练"})),
    }
