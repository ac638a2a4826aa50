"""``yingji plans …``: the task boards' overdue check (also run in the background under ``yingji serve``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="应急预案：任务看板逾期检查", no_args_is_help=True)
console = Console()


@app.command("overdue")
def overdue(now: Annotated[str | None, typer.Option(help="模拟当前时间（ISO 8601，须带时区），默认现在")] = None) -> None:
    """标记响应中预案的逾期任务（可重复运行，幂等）。"""
    from yingji.config import get_settings
    from yingji.core.auth import system_principal
    from yingji.core.db import Database, utcnow
    from yingji.plans.actions import check_overdue

    try:
        at = datetime.fromisoformat(now) if now else utcnow()
    except ValueError:
        console.print("[red]--now 必须是 ISO 8601 日期时间，例如 2026-12-01T08:00:00+08:00[/red]")
        raise typer.Exit(code=2) from None
    if at.tzinfo is None:
        console.print("[red]--now 必须带时区，例如 +08:00[/red]")
        raise typer.Exit(code=2)
    settings = get_settings()
    database = Database(settings.sqlalchemy_url)
    try:
        with database.session() as db:
            flagged = check_overdue(db, system_principal(settings.city_code, "plans-overdue"), at)
    finally:
        database.dispose()
    console.print(f"任务逾期检查完成（{at.isoformat()}）：新标记逾期 {len(flagged)} 项")
