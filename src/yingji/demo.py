"""The Fuzhou demo dataset, built deterministically and idempotently (``yingji demo load``).

Steps run in order; each domain appends its own step to :data:`DEMO_STEPS`. Every dataset
records its provenance (real source, or ``synthetic`` with the method and seed).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from yingji.config import get_settings
from yingji.core.auth import system_principal
from yingji.core.city import city_profile
from yingji.core.db import Database
from yingji.core.timeutil import local_midnight


DEMO_DATE = date(2026, 11, 1)  # the demo is "as of" local midnight of this day
DEMO_SEED = 20261128


@dataclass
class DemoContext:
    """What every domain's ``seed.load(ctx)`` gets: the database, output, and the demo's clock and seed."""

    database: Database
    console: Console
    progress_factory: Callable[[], Any]
    data_dir: Path
    city_code: str
    now: datetime = field(default_factory=lambda: local_midnight(DEMO_DATE))
    seed: int = DEMO_SEED

    @property
    def actor(self):  # type: ignore[no-untyped-def]
        return system_principal(self.city_code, "demo")

    def record_user(self, username: str, password: str, role: str, note: str) -> None:
        """Append a demo account to ``<data dir>/demo-users.txt`` (mode 600)."""
        path = self.data_dir / "demo-users.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as fh:
            fh.write(f"{username}\t{password}\t{role}\t{note}\n")


def step_divisions(ctx: DemoContext) -> None:
    from yingji.core.actions import load_reference
    from yingji.core.division_data import build_fuzhou

    ctx.console.print(f"构建{city_profile().city_name}行政区划（真实区县边界 GCJ-02→WGS84，合成乡镇边界）…")
    divisions, datasets = build_fuzhou(get_settings().reference_data)
    with ctx.progress_factory() as progress, ctx.database.session() as db:
        task = progress.add_task("载入行政区划", total=len(divisions))
        summary = load_reference(db, ctx.actor, divisions, datasets,
                                 progress=lambda: progress.advance(task))
    ctx.console.print(f"行政区划：新增 {summary.created}，更新 {summary.updated}，未变 {summary.unchanged}")


DEMO_USERS = [
    # username, display name, role, scope
    ("duty_city", "市应急局值班员（演示）", "city_duty", "350100"),
    ("leader_city", "市应急局领导（演示）", "leader", "350100"),
    ("dispatcher_city", "市消防救援调度员（演示）", "dispatcher", "350100"),
    ("officer_gulou", "鼓楼区应急局（演示）", "county_officer", "350102"),
    ("officer_minhou", "闽侯县应急局（演示）", "county_officer", "350121"),
    ("officer_gudong", "鼓东街道应急办（演示）", "township_officer", "350102001"),
]


def step_users(ctx: DemoContext) -> None:
    from yingji.core.actions import create_user
    from yingji.core.auth import User
    from yingji.core.schemas import UserIn

    created: list[tuple[str, str, str, str]] = []
    with ctx.database.session() as db:
        for username, name, role, scope in DEMO_USERS:
            if db.scalar(select(User.id).where(User.username == username)) is not None:
                continue
            password = secrets.token_urlsafe(10)
            create_user(db, ctx.actor, UserIn(username=username, display_name=name, role=role,
                                              scope_code=scope, password=password))
            created.append((username, name, role, password))
    if not created:
        ctx.console.print("演示账号已存在（密码见 " + str(ctx.data_dir / "demo-users.txt") + "）")
        return
    path = ctx.data_dir / "demo-users.txt"
    for username, name, role, password in created:
        ctx.record_user(username, password, role, name)
    table = Table("用户名", "密码", "角色", "说明", title="演示账号（密码也已写入 " + str(path) + "）")
    for username, name, role, password in created:
        table.add_row(username, password, role, name)
    ctx.console.print(table)


def _domain_steps() -> list[tuple[str, Callable[[DemoContext], None]]]:
    """Each domain may provide ``yingji.<domain>.seed.load(ctx)``, run in DOMAINS order."""
    from yingji.domains import domain_modules

    return [(m.__name__.split(".")[1], m.load) for m in domain_modules("seed")]


DEMO_STEPS: list[tuple[str, Callable[[DemoContext], None]]] = [
    ("divisions", step_divisions),
    ("users", step_users),
]


def load_demo(database: Database, *, console: Console, progress_factory: Callable[[], Any],
              with_users: bool = True, data_dir: Path) -> None:
    ctx = DemoContext(database=database, console=console, progress_factory=progress_factory,
                      data_dir=data_dir, city_code=get_settings().city_code)
    for name, step in DEMO_STEPS + _domain_steps():
        if name == "users" and not with_users:
            continue
        step(ctx)
    console.print(f"[green]{city_profile().city_name}演示数据已就绪。[/green]")
