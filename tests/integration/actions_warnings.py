"""A sample call of every action of the warnings domain (for test_actions_walk)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from tests.integration.samples_warnings import APPROVER, AUTHOR, cap_sample, published_warning

_n = itertools.count(1)


def SAMPLES(tmp_path: Any) -> dict[str, Callable[[Any, dict[str, Any]], Callable[[], Any]]]:  # noqa: N802
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

    return {
        "yingji.warnings.actions.create_warning": lambda s, ctx: lambda: wn.create_warning(s, AUTHOR, body),
        "yingji.warnings.actions.edit_warning": lambda s, ctx: (lambda wid: lambda: wn.edit_warning(
            s, AUTHOR, wid, WarningPatch(headline="修改后的标题")))(draft(s)),
        "yingji.warnings.actions.submit_warning": lambda s, ctx: (lambda wid: lambda: wn.submit_warning(
            s, AUTHOR, wid, ReviewIn()))(draft(s)),
        "yingji.warnings.actions.approve_warning": lambda s, ctx: (lambda wid: lambda: wn.approve_warning(
            s, APPROVER, wid, ReviewIn(text="同意")))(submitted(s)),
        "yingji.warnings.actions.reject_warning": lambda s, ctx: (lambda wid: lambda: wn.reject_warning(
            s, APPROVER, wid, RejectIn(text="范围不准确")))(submitted(s)),
        "yingji.warnings.actions.comment_warning": lambda s, ctx: (lambda wid: lambda: wn.comment_warning(
            s, APPROVER, wid, ReviewIn(text="注意沿海乡镇")))(draft(s)),
        "yingji.warnings.actions.publish_warning": lambda s, ctx: (lambda wid: lambda: wn.publish_warning(
            s, APPROVER, wid))(approved(s)),
        "yingji.warnings.actions.begin_update": lambda s, ctx: (lambda wid: lambda: wn.begin_update(
            s, AUTHOR, wid, UpdateIn(level="orange", note="升级")))(published_warning(s, "350102003", "动作样例")),
        "yingji.warnings.actions.begin_cancel": lambda s, ctx: (lambda wid: lambda: wn.begin_cancel(
            s, AUTHOR, wid, CancelIn(note="解除")))(published_warning(s, "350102003", "动作样例")),
        "yingji.warnings.actions.import_cap": lambda s, ctx: lambda: wn.import_cap(
            s, AUTHOR, ImportIn(xml=cap_sample(f"actions-walk-{next(_n)}", "350102003"))),
    }
