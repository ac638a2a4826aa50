"""A sample call of every action of the warnings domain (for test_actions_walk)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from tests.integration.samples_warnings import APPROVER, AUTHOR, cap_sample, published_warning

_n = itertools.count(1)


def SAMPLES(tmp_path: Any) -> dict[str, Callable[[Any, dict[str, Any]], Callable[[], Any]]]:
    from yingji.warnings import actions as wn
    from yingji.warnings.schemas import (
        AreaIn,
        CancelIn,
        ImportIn,
        RejectIn,
        ReviewIn,
        UpdateIn,
        WarningIn,
        WarningPatch,
    )

    body = WarningIn(hazard_type="typhoon", level="yellow", area=AreaIn(divisions=["350102003"]))

    def draft(s: Any) -> int:
        return wn.create_warning(s, AUTHOR, body).id

    def submitted(s: Any) -> int:
        wid = draft(s)
        wn.submit_warning(s, AUTHOR, wid, ReviewIn())
        return wid

    def approved(s: Any) -> int:
        wid = submitted(s)
        wn.approve_warning(s, APPROVER, wid, ReviewIn())
        return wid

    def on(prepare: Callable[[Any], int], call: Callable[[Any, int], Any]) -> Callable[[Any, dict[str, Any]], Any]:
        def sample(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
            wid = prepare(s)
            return lambda: call(s, wid)
        return sample

    def published(s: Any) -> int:
        return published_warning(s, "350102003", "动作样例")

    pre = "yingji.warnings.actions."
    return {
        pre + "create_warning": lambda s, ctx: lambda: wn.create_warning(s, AUTHOR, body),
        pre + "edit_warning": on(draft, lambda s, w: wn.edit_warning(s, AUTHOR, w, WarningPatch(headline="新标题"))),
        pre + "submit_warning": on(draft, lambda s, w: wn.submit_warning(s, AUTHOR, w, ReviewIn())),
        pre + "approve_warning": on(submitted, lambda s, w: wn.approve_warning(s, APPROVER, w, ReviewIn(text="同意"))),
        pre + "reject_warning": on(submitted, lambda s, w: wn.reject_warning(s, APPROVER, w, RejectIn(text="范围不准确"))),
        pre + "comment_warning": on(draft, lambda s, w: wn.comment_warning(s, APPROVER, w, ReviewIn(text="注意沿海"))),
        pre + "publish_warning": on(approved, lambda s, w: wn.publish_warning(s, APPROVER, w)),
        pre + "begin_update": on(published, lambda s, w: wn.begin_update(s, AUTHOR, w, UpdateIn(level="orange",
                                                                                              note="升级"))),
        pre + "begin_cancel": on(published, lambda s, w: wn.begin_cancel(s, AUTHOR, w, CancelIn(note="解除"))),
        pre + "import_cap": lambda s, ctx: lambda: wn.import_cap(
            s, AUTHOR, ImportIn(xml=cap_sample(f"actions-walk-{next(_n)}", "350102003"))),
    }
