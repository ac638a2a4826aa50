"""One registry of code → Chinese label tables: whatever code a user may meet, it has a Chinese name.

The core provides its own tables (roles, permissions, division levels, the core's audit actions,
event types and entity types, field names of its forms); every package may add tables or entries
through a ``labels.py`` module, discovered like ``handlers.py`` (see :mod:`yingji.domains`)::

    # yingji/hazards/labels.py
    def labels() -> dict[str, dict[str, str]]:
        return {"hazard_states": dict(STATE_LABELS), "audit_actions": {"hazard.reported": "上报隐患"}}

(a module-level ``LABELS`` dict works too). Tables are merged by name, so several packages fill
the shared ones — ``audit_actions``, ``event_types``, ``entity_types``, ``fields``,
``permission_domains``, ``datasets``. The merged registry is served at ``GET /api/v1/labels`` and
in every page's context (``labelOf(table, key)`` in the browser); the audit page, the live ticker,
Excel exports and error messages (field names, permission names) read it.

A code without a label is shown as :func:`label`'s fallback, never silently as English: the
browser test ``tests/e2e/test_ux_chinese_everywhere.py`` fails when an English identifier reaches
the visible text of a main page.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Mapping
from typing import Any

log = logging.getLogger(__name__)

Tables = dict[str, dict[str, str]]

#: the verbs of permission patterns (``<domain>:<verb>``)
PERMISSION_VERBS = {"read": "查看", "write": "修改", "manage": "管理", "import": "导入", "verify": "校验",
                    "*": "全部操作"}

_CORE: Tables = {
    "permission_domains": {
        "*": "全部业务", "users": "用户与权限", "audit": "审计日志", "divisions": "行政区划", "datasets": "数据来源",
        "events": "实时动态", "incidents": "事件接报", "dispatch": "力量调度", "monitoring": "监测预警",
        "warnings": "预警发布", "duty": "应急值守", "plans": "应急预案",
    },
    "permission_verbs": dict(PERMISSION_VERBS),
    "token_scopes": {"read": "只读（仅查询）", "write": "读写"},
    "audit_actions": {
        "auth.login": "登录", "auth.logout": "退出登录", "auth.login_failed": "登录失败", "auth.locked": "登录锁定",
        "auth.session_ended": "结束会话",
        "user.created": "新增用户", "user.updated": "修改用户", "user.deleted": "删除用户",
        "user.password_changed": "修改密码",
        "token.created": "签发 API 令牌", "token.revoked": "吊销 API 令牌",
        "division.created": "新增行政区划", "division.updated": "更新行政区划", "division.imported": "导入行政区划",
        "dataset.loaded": "登记数据集",
    },
    "event_types": {
        "auth.login": "登录", "auth.logout": "退出登录", "auth.session_ended": "结束会话",
        "user.created": "新增用户", "user.updated": "修改用户", "user.deleted": "删除用户",
        "user.password_changed": "修改密码", "token.created": "签发 API 令牌", "token.revoked": "吊销 API 令牌",
        "divisions.loaded": "载入行政区划", "divisions.imported": "导入行政区划",
    },
    "entity_types": {
        "user": "用户", "api_token": "API 令牌", "division": "行政区划", "dataset": "数据集",
        "login_throttle": "登录限制", "import": "批量导入",
    },
    "fields": {
        "username": "用户名", "display_name": "姓名", "role": "角色", "scope_code": "管辖范围", "unit_id": "单位",
        "active": "启用", "password": "密码", "old_password": "原密码", "new_password": "新密码",
        "name": "名称", "scope": "令牌权限", "expires_in_days": "有效期（天）", "file": "文件", "mode": "导入方式",
        "dry_run": "只校验", "code": "编号", "division": "区划", "division_code": "区划", "level": "级别",
        "parent": "上级区划", "parent_code": "上级区划", "population": "人口", "area_km2": "面积", "synthetic": "演示数据",
        "dataset_key": "数据集", "geometry": "边界", "page": "页码", "page_size": "每页条数", "sort": "排序",
        "q": "关键词", "since": "时间起", "until": "时间止", "actor": "操作人", "action": "操作",
        "entity_type": "对象类型", "entity_id": "对象编号", "session_id": "会话", "client_address": "客户端地址",
        "reason": "原因", "token_id": "API 令牌", "sessions_ended": "结束的会话数", "tokens_revoked": "吊销的令牌数", "hint": "令牌前缀",
        "expires_at": "到期时间", "user_id": "用户", "kind": "类型", "key": "键", "until_time": "截止",
        "created": "新增", "updated": "更新", "count": "数量", "rows": "行数", "imported": "已导入",
        "errors": "错误行数", "seed": "随机种子", "revoked": "已吊销", "fields": "变更字段",
    },
    "login_failure_reasons": {"unknown_user": "用户名不存在", "bad_password": "密码错误", "inactive": "账号已停用"},
    "booleans": {"true": "是", "false": "否"},
}

_lock = threading.Lock()
_merged: Tables | None = None


def _core_tables() -> Tables:
    from yingji.core.auth import ROLES
    from yingji.core.divisions import LEVEL_LABELS

    tables = {name: dict(table) for name, table in _CORE.items()}
    tables["roles"] = {key: label for key, (label, _) in ROLES.items()}
    tables["division_levels"] = dict(LEVEL_LABELS)
    return tables


def _module_tables(module: Any) -> Mapping[str, Mapping[str, str]]:
    make = getattr(module, "labels", None)
    if callable(make):
        return make()
    return getattr(module, "LABELS", {})


def merge(*parts: Mapping[str, Mapping[str, str]]) -> Tables:
    """Merge label tables by name (a later part adds to, and may refine, an earlier one's entries)."""
    out: Tables = {}
    for part in parts:
        for name, table in part.items():
            out.setdefault(name, {}).update({str(k): str(v) for k, v in table.items()})
    return out


def all_labels() -> Tables:
    """Every table: the core's, then each package's ``labels`` module (in dependency order)."""
    global _merged
    if _merged is None:
        with _lock:
            if _merged is None:
                modules = importlib.import_module("yingji.domains").domain_modules("labels")
                _merged = merge(_core_tables(), *(_module_tables(m) for m in modules))
    return _merged


def reset() -> None:
    """Forget the merged registry (after a configuration file changed; tests)."""
    global _merged
    with _lock:
        _merged = None


def label(table: str, key: str | None, default: str | None = None) -> str:
    """The Chinese label of ``key`` in ``table``; ``default`` (or the key itself) when there is none."""
    if key is None:
        return default or ""
    found = all_labels().get(table, {}).get(str(key))
    if found is not None:
        return found
    return default if default is not None else str(key)


def field_label(name: str) -> str | None:
    """The Chinese name of an input field (``measures`` → 整改措施), or None when unknown."""
    return all_labels().get("fields", {}).get(name)


def permission_label(permission: str) -> str:
    """``hazards:write`` → 隐患排查治理：修改 (names from the registry; never the raw pattern)."""
    domain, _, verb = permission.partition(":")
    tables = all_labels()
    what = tables.get("permission_domains", {}).get(domain, "业务数据")
    how = tables.get("permission_verbs", {}).get(verb, "操作")
    return f"{what}：{how}"
