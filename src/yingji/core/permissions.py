"""Who may administer users and read the audit log — one source of truth for the actions AND the
administration page's buttons (as ``hazards/permissions.py`` is for hazards).

Each function answers ``None`` when the actor may act, or the Chinese reason why not.
Rules: managing users needs ``users:manage`` (the administrator's); an administrator manages users
inside their own jurisdiction only (:mod:`yingji.core.scope`), never deactivates, demotes or deletes
themself; a user may be **deleted** only while they have never acted (no audit record names them
as the actor — a signed-in, reported, assessed… account must stay, to keep the log readable) and
is otherwise deactivated; the audit log needs ``audit:read``, its verification ``audit:verify``.
"""

from __future__ import annotations

from typing import Any

from yingji.core.auth import Principal


def manage_refusal(actor: Principal) -> str | None:
    if not actor.can("users:manage"):
        return "用户与权限由系统管理员维护"
    return None


def self_change_refusal(actor: Principal, user_id: int, *, deactivating: bool = False,
                        new_role: str | None = None) -> str | None:
    if user_id == actor.user_id and (deactivating or (new_role is not None and new_role != actor.role)):
        return "不能停用自己，也不能更改自己的角色"
    return None


def delete_refusal(actor: Principal, user: Any, *, has_acted: bool) -> str | None:
    if (reason := manage_refusal(actor)) is not None:
        return reason
    if user.id == actor.user_id:
        return "不能删除自己的账号"
    if has_acted:
        return "该用户已有操作记录（登录或业务操作已记入审计日志），不能删除，只能停用"
    return None


def audit_refusal(actor: Principal) -> str | None:
    if not actor.can("audit:read"):
        return "您的角色不能查看审计日志"
    return None


def page_flags(actor: Principal) -> dict[str, Any]:
    return {"can_manage_users": manage_refusal(actor) is None, "can_read_audit": audit_refusal(actor) is None,
            "can_verify_audit": actor.can("audit:verify")}
