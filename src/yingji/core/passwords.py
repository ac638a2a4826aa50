"""The password policy (pure): what a new password must be, with the reasons in Chinese.

Applied where passwords are set — the schemas (``UserIn``, ``UserPatch``, ``PasswordChangeIn``)
and the actions (``create_user``, ``update_user``, ``change_password``, which also know the
username) — so the API refuses what the forms refuse. Rules: at least ``MIN_LENGTH`` characters,
not one character repeated, not the username (in any letter case, nor the username reversed or
with only digits appended), no control characters.
"""

from __future__ import annotations

import re

MIN_LENGTH = 10
MAX_LENGTH = 256
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def password_problems(password: str, username: str | None = None) -> list[str]:
    """Every rule ``password`` breaks, as Chinese sentences (empty: acceptable)."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"密码至少 {MIN_LENGTH} 个字符")
    if len(password) > MAX_LENGTH:
        problems.append(f"密码不能超过 {MAX_LENGTH} 个字符")
    if _CONTROL.search(password):
        problems.append("密码不能包含控制字符")
    if password and len(set(password)) == 1:
        problems.append("密码不能由同一个字符重复组成")
    if username:
        low, name = password.lower(), username.lower()
        if low in (name, name[::-1]) or (low.startswith(name) and low[len(name):].isdigit()):
            problems.append("密码不能与用户名相同（或只是用户名加数字）")
    return problems


def check_password(password: str, username: str | None = None) -> str:
    """``password`` when acceptable; else ValueError with the first reason (for pydantic validators)."""
    problems = password_problems(password, username)
    if problems:
        raise ValueError(problems[0])
    return password
