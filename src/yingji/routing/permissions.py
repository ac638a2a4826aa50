"""Who may close and reopen roads for routing — one source of truth for the actions and the API.

Closing a road (道路封闭/拥堵) is a write of the routing package (``routing:write``: every
government role that writes) and also a dispatcher's (``dispatch:write``): a dispatch desk learns
of a flooded underpass first. The read-only leader and enterprise users may not. A closure lies
in a division; a user closes roads and reopens closures inside their jurisdiction only.
"""

from __future__ import annotations

from yingji.core.auth import Principal


def write_refusal(actor: Principal) -> str | None:
    if actor.unit_id is not None:
        return "企业用户不能设置道路封闭"
    if not (actor.can("routing:write") or actor.can("dispatch:write")):
        return f"您的角色（{actor.role_label}）只能查看，不能设置道路封闭"
    return None
