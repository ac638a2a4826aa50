"""``yingji plans …``: the task boards' overdue check (also run in the background under ``yingji serve``)."""

from __future__ import annotations

import typer
from rich.console import Console

from yingji.core.jobs import NowOption, job_session, parse_now

app = typer.Typer(help="应急预案：任务看板逾期检查", no_args_is_help=True)
console = Console()


@app.command("overdue")
def overdue(now: NowOption = None) -> None:
    """标记响应中预案的逾期任务（可重复运行，幂等）。"""
    from yingji.plans.actions import check_overdue

    at = parse_now(now, console)
    with job_session("plans-overdue", console) as (db, system):
        flagged = check_overdue(db, system, at)
    console.print(f"任务逾期检查完成（{at.isoformat()}）：新标记逾期 {len(flagged)} 项")
