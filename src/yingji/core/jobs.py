"""Shared pieces of the domains' scheduled-job commands (``yingji hazards escalate``,
``yingji plans overdue`` …): the ``--now`` option and a system session on the configured database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console

NowOption = Annotated[str | None, typer.Option(help="模拟当前时间（ISO 8601，须带时区），默认现在")]


def parse_now(value: str | None, console: Console) -> datetime:
    """``--now`` as an aware datetime (default: now); a clear Chinese error and exit code 2 otherwise."""
    from yingji.core.db import utcnow

    try:
        at = datetime.fromisoformat(value) if value else utcnow()
    except ValueError:
        console.print("[red]--now 必须是 ISO 8601 日期时间，例如 2026-12-01T08:00:00+08:00[/red]")
        raise typer.Exit(code=2) from None
    if at.tzinfo is None:
        console.print("[red]--now 必须带时区，例如 +08:00[/red]")
        raise typer.Exit(code=2)
    return at


@contextmanager
def job_session(job: str, console: Console) -> Iterator[tuple[Any, Any]]:
    """A session on the configured database and the system principal named ``job``; a platform
    error is printed in Chinese and ends the command with exit code 1."""
    from yingji.config import get_settings
    from yingji.core.auth import system_principal
    from yingji.core.db import Database
    from yingji.core.errors import YingjiError

    settings = get_settings()
    database = Database(settings.sqlalchemy_url)
    try:
        with database.session() as db:
            yield db, system_principal(settings.city_code, job)
    except YingjiError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(code=1) from None
    finally:
        database.dispose()
