"""The ``yingji`` command line: serve, db, demo, user, audit, divisions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from yingji.config import get_settings
from yingji.core.errors import YingjiError

app = typer.Typer(help="yingji（应急）— 城市应急管理综合应用平台", no_args_is_help=True,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="数据库：迁移", no_args_is_help=True)
demo_app = typer.Typer(help="演示数据（福州示例城市）", no_args_is_help=True)
user_app = typer.Typer(help="用户管理", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志", no_args_is_help=True)
divisions_app = typer.Typer(help="行政区划", no_args_is_help=True)
basemap_app = typer.Typer(help="离线底图（道路）", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")
app.add_typer(divisions_app, name="divisions")
app.add_typer(basemap_app, name="basemap")

console = Console()
import yingji.models  # noqa: E402, F401  (complete metadata: every command may touch any table)
from yingji.core.city import city_profile  # noqa: E402
from yingji.domains import domain_modules  # noqa: E402


def _database():  # type: ignore[no-untyped-def]
    from yingji.core.db import Database

    settings = get_settings()
    return Database(settings.sqlalchemy_url, **settings.engine_options)


def _fail(exc: YingjiError) -> None:
    console.print(f"[red]错误：{exc.message}[/red]" + (f"（字段 {exc.field}）" if exc.field else ""))
    raise typer.Exit(code=2)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=False)


def _print_admin_password(password: str) -> None:
    console.print(Panel.fit(
        f"已创建管理员账号\n  用户名：[bold]admin[/bold]\n  密码：  [bold yellow]{password}[/bold yellow]\n"
        "该密码只显示这一次，请立即记录并登录后修改。", title="首次启动", border_style="yellow"))


def ensure_admin_user(database) -> None:  # type: ignore[no-untyped-def]
    from yingji.core.actions import ensure_admin

    settings = get_settings()
    with database.session() as db:
        try:
            generated = ensure_admin(db, password=settings.admin_password, scope_code=settings.city_code)
        except YingjiError as exc:
            console.print(f"[yellow]{exc.message}[/yellow]")
            return
    if generated:
        _print_admin_password(generated)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "",
    port: Annotated[int, typer.Option(help="端口")] = 0,
    workers: Annotated[int, typer.Option(help="工作进程数（默认 YINGJI_WORKERS 或 1；多进程需 Redis 消息总线）",
                                         min=0, max=64)] = 0,
    threads: Annotated[int, typer.Option(help="每个进程的请求线程数（默认 YINGJI_THREADS 或 40）", min=0, max=400)] = 0,
    reload: Annotated[bool, typer.Option(help="开发用：代码变化时重启")] = False,
) -> None:
    """启动平台（网页 + API）。"""
    import os

    import uvicorn

    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    workers, threads = workers or settings.workers, threads or settings.threads
    if workers > 1 and settings.bus_url.startswith("memory:"):
        console.print("[red]多个工作进程需要共享的消息总线，否则浏览器只能收到本进程的实时事件。\n"
                      "请设置 YINGJI_BUS_URL=redis://127.0.0.1:6379/0，或使用 --workers 1。[/red]")
        raise typer.Exit(code=2)
    if workers > 1 and reload:
        console.print("[red]--reload 只能用于单个工作进程[/red]")
        raise typer.Exit(code=2)
    # every worker process reads its settings from the environment
    os.environ["YINGJI_WORKERS"], os.environ["YINGJI_THREADS"] = str(workers), str(threads)
    get_settings.cache_clear()
    settings = get_settings()
    database = _database()
    from yingji.core.migrate import current

    if current(settings.sqlalchemy_url) is None:
        console.print("[red]数据库尚未初始化，请先运行：yingji db upgrade[/red]")
        raise typer.Exit(code=2)
    ensure_admin_user(database)
    _check_connection_budget(database, settings, workers)
    database.dispose()
    console.print(Panel.fit(f"yingji 已启动： [bold]http://{host}:{port}[/bold]\n"
                            f"数据库：{_safe_url(settings.sqlalchemy_url)}\n消息总线：{settings.bus_url}\n"
                            f"工作进程：{workers} × 请求线程 {threads}\n"
                            "登录：用户名 admin，密码见首次启动时的提示（或 YINGJI_ADMIN_PASSWORD）；\n"
                            "演示账号见 yingji demo load 的输出。按 Ctrl+C 停止。",
                            title=city_profile().platform_name, border_style="green"))
    # X-Forwarded-For/-Proto are honoured only from the trusted reverse proxies (client address
    # for login throttling and /metrics, https for Secure cookies and HSTS)
    uvicorn.run("yingji.app:create_app", factory=True, host=host, port=port, reload=reload,
                workers=workers if workers > 1 else None, log_level="info", proxy_headers=True,
                forwarded_allow_ips=settings.forwarded_allow_ips)


def _check_connection_budget(database, settings, workers: int) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL: warn when the workers' pools could open more connections than the server allows."""
    if database.is_sqlite:
        return
    from sqlalchemy import text

    options = settings.engine_options
    need = workers * (int(options["pool_size"]) + int(options["max_overflow"]))
    try:
        with database.engine.connect() as conn:
            allowed = int(conn.execute(text("SHOW max_connections")).scalar_one())
    except Exception:  # noqa: BLE001 - a warning only
        return
    if need > allowed - 10:
        console.print(f"[yellow]注意：{workers} 个进程最多可能打开 {need} 个数据库连接，而 PostgreSQL 的 "
                      f"max_connections 为 {allowed}。请减小 YINGJI_THREADS / YINGJI_DB_POOL_SIZE，"
                      "或提高 max_connections（见 docs/operations.md）。[/yellow]")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="目标版本")] = "head") -> None:
    """把数据库迁移到最新结构（Alembic）。"""
    from yingji.core.migrate import upgrade

    url = get_settings().sqlalchemy_url
    upgrade(url, revision)
    console.print(f"[green]数据库已迁移到 {revision}[/green]（{_safe_url(url)}）")


@db_app.command("current")
def db_current() -> None:
    """显示数据库当前的迁移版本。"""
    from yingji.core.migrate import current

    console.print(current(get_settings().sqlalchemy_url) or "（未初始化）")


@demo_app.command("load")
def demo_load(
    users: Annotated[bool, typer.Option(help="同时创建各角色的演示账号")] = True,
) -> None:
    """构建福州演示数据（行政区划、数据来源、演示账号……），可重复运行。"""
    from yingji.demo import load_demo

    database = _database()
    settings = get_settings()
    try:
        load_demo(database, console=console, progress_factory=_progress, with_users=users,
                  data_dir=settings.resolved_data_dir)
    except YingjiError as exc:
        _fail(exc)
    ensure_admin_user(database)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[str, typer.Option(help="角色：admin, city_duty, county_officer, township_officer, "
                                           "enterprise_manager, dispatcher, leader")],
    scope: Annotated[str, typer.Option(help="管辖区划代码，如 350100（市）、350102（区县）")],
    name: Annotated[str, typer.Option(help="姓名")] = "",
    unit_id: Annotated[int | None, typer.Option(help="企业安全管理员所属单位 ID")] = None,
    password: Annotated[str | None, typer.Option(help="密码（省略则自动生成并显示一次）")] = None,
) -> None:
    """新增用户。"""
    import secrets

    from pydantic import ValidationError

    from yingji.core.actions import create_user
    from yingji.core.auth import system_principal
    from yingji.core.schemas import UserIn

    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        data = UserIn(username=username, display_name=name or username, role=role, scope_code=scope,
                      unit_id=unit_id, password=password)
    except ValidationError as exc:
        for err in exc.errors():
            console.print(f"[red]错误：{'.'.join(map(str, err['loc']))}：{err['msg']}[/red]")
        raise typer.Exit(code=2) from None
    database = _database()
    with database.session() as db:
        try:
            user = create_user(db, system_principal(get_settings().city_code, "cli"), data)
        except YingjiError as exc:
            _fail(exc)
            return
    console.print(f"[green]已创建用户 {user.username}（{user.role_label}，辖区 {user.scope_code}）[/green]")
    if generated:
        console.print(f"密码：[bold yellow]{password}[/bold yellow]（只显示这一次）")


@user_app.command("list")
def user_list() -> None:
    """列出用户。"""
    from sqlalchemy import select

    from yingji.core.auth import User

    database = _database()
    table = Table("ID", "用户名", "姓名", "角色", "辖区", "单位", "状态")
    with database.session() as db:
        for u in db.execute(select(User).order_by(User.id)).scalars():
            table.add_row(str(u.id), u.username, u.display_name, u.role_label, u.scope_code,
                          str(u.unit_id or ""), "启用" if u.active else "停用")
    console.print(table)


@audit_app.command("verify")
def audit_verify() -> None:
    """校验审计日志的哈希链：发现被改动或删除的记录并指出是哪一条。"""
    from yingji.core.audit import verify_chain

    database = _database()
    with database.session() as db:
        result = verify_chain(db)
    if result.ok:
        console.print(f"[green]审计链完整：共校验 {result.checked} 条记录，未发现篡改。[/green]")
        return
    for p in result.problems:
        console.print(f"[red]第 {p.seq} 条：{p.message}[/red]")
    console.print(f"[red]审计链校验失败：{len(result.problems)} 处问题（共 {result.checked} 条记录）[/red]")
    raise typer.Exit(code=1)


@divisions_app.command("import")
def divisions_import(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="GeoJSON 或 CSV 文件")],
    mode: Annotated[str, typer.Option(help="all_or_nothing（有错全不导入）或 valid_only（只导入正确行）")]
    = "all_or_nothing",
    dry_run: Annotated[bool, typer.Option(help="只检查，不写入")] = False,
) -> None:
    """导入真实的乡镇/村边界与人口，逐行报告错误。"""
    from yingji.core.actions import import_divisions
    from yingji.core.auth import system_principal

    if mode not in ("all_or_nothing", "valid_only"):
        console.print("[red]mode 必须是 all_or_nothing 或 valid_only[/red]")
        raise typer.Exit(code=2)
    database = _database()
    with database.session() as db:
        try:
            imported, errors, committed = import_divisions(
                db, system_principal(get_settings().city_code, "cli"), path.read_bytes(), path.name,
                mode=mode, dry_run=dry_run)
        except YingjiError as exc:
            _fail(exc)
            return
    for e in errors:
        console.print(f"[red]第 {e.row} 行{('（' + e.field + '）') if e.field else ''}：{e.message}[/red]")
    state = "已写入" if committed else "未写入"
    console.print(f"有效 {imported} 行，错误 {len(errors)} 行，{state}。")
    if errors and not committed:
        raise typer.Exit(code=1)


@basemap_app.command("roads")
def basemap_roads(
    source: Annotated[Path, typer.Argument(exists=True, file_okay=False,
                                           help="道路网目录：nodes.csv[.gz]（node_id, lon, lat，WGS84）与 "
                                                "edges.csv[.gz]（from_node, to_node, highway_inferred）")],
    out: Annotated[Path | None, typer.Option(help="输出文件（默认 <参考数据>/basemap/roads.geojson）")] = None,
    tolerance: Annotated[float, typer.Option(help="化简容差（米）", min=0, max=50)] = 3.0,
) -> None:
    """由道路网生成离线底图的道路图层（合并、化简、抽稀；结果可重复）。"""
    import time

    from yingji.core.basemap import build_road_layer, dump

    target = out or get_settings().reference_data / "basemap" / "roads.geojson"
    started = time.perf_counter()
    layer, stats = build_road_layer(source, tolerance_m=tolerance)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(dump(layer))
    console.print(f"[green]已生成 {target}[/green]：输入 {stats.edges_in} 条有向路段 → {stats.segments} 条路段 → "
                  f"{stats.lines} 条折线、{stats.vertices} 个顶点；{stats.bytes / 1024:.0f} KB"
                  f"（gzip {stats.gzip_bytes / 1024:.0f} KB），用时 {time.perf_counter() - started:.1f} 秒")


# every package's own commands (``yingji <package> …``), e.g. ``yingji hazards escalate``
for _module in domain_modules("cli"):
    app.add_typer(_module.app, name=_module.__name__.split(".")[1])


def main() -> None:  # pragma: no cover
    app(sys.argv[1:])


if __name__ == "__main__":  # pragma: no cover
    main()
