"""``yingji hazards …``: scheduled jobs of the hazards domain (run from cron / a systemd timer)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="隐患排查治理：逾期检查与升级", no_args_is_help=True)
console = Console()


@app.command("escalate")
def escalate(now: Annotated[str | None, typer.Option(help="模拟当前时间（ISO 8601，须带时区），默认现在")] = None) -> None:
    """逾期检查：标记逾期、发送提醒、按规则自动县级 / 市级挂牌督办（可重复运行，幂等）。"""
    from yingji.config import get_settings
    from yingji.core.auth import system_principal
    from yingji.core.db import Database, utcnow
    from yingji.core.errors import YingjiError
    from yingji.hazards.actions import escalate_overdue

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
            out = escalate_overdue(db, system_principal(settings.city_code, "escalation"), at)
    except YingjiError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(code=1) from None
    finally:
        database.dispose()
    console.print(f"逾期检查完成（{at.isoformat()}）：检查 {out['checked']} 条，新标记逾期 {out['overdue_marked']}，"
                  f"提醒 {out['notified']}，县级挂牌 {out['county_listed']}，市级挂牌 {out['city_listed']}")
