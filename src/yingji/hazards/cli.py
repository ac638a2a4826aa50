"""``yingji hazards …``: scheduled jobs of the hazards domain (run from cron / a systemd timer)."""

from __future__ import annotations

import typer
from rich.console import Console

from yingji.core.jobs import NowOption, job_session, parse_now

app = typer.Typer(help="隐患排查治理：逾期检查与升级", no_args_is_help=True)
console = Console()


@app.command("escalate")
def escalate(now: NowOption = None) -> None:
    """逾期检查：标记逾期、发送提醒、按规则自动县级 / 市级挂牌督办（可重复运行，幂等）。"""
    from yingji.hazards.actions import escalate_overdue

    at = parse_now(now, console)
    with job_session("escalation", console) as (db, system):
        out = escalate_overdue(db, system, at)
    console.print(f"逾期检查完成（{at.isoformat()}）：检查 {out['checked']} 条，新标记逾期 {out['overdue_marked']}，"
                  f"提醒 {out['notified']}，县级挂牌 {out['county_listed']}，市级挂牌 {out['city_listed']}")
