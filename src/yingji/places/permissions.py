"""Who may do what to the gazetteer — the one source of truth for the actions and the page.

Everyone who may read places may search them (call takers, leaders, enterprise managers);
importing names is the bureaus' (``places:write``; the dispatcher and the read-only leader have
none) and never an enterprise user's.
"""

from __future__ import annotations

from typing import Any

from yingji.core.auth import Principal

READ = "places:read"
WRITE = "places:write"


def import_refusal(actor: Principal) -> str | None:
    if not actor.can(WRITE):
        return f"您的角色（{actor.role_label}）只能查询地名，不能导入地名库"
    if actor.unit_id is not None:
        return "企业用户不能导入地名库"
    return None


def page_flags(actor: Principal) -> dict[str, Any]:
    return {"can_import": import_refusal(actor) is None}
