"""``yingji places …``: import a gazetteer file and try a search from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="地名地址：导入地名库（CSV/xlsx、GeoJSON、OSM）与定位查询", no_args_is_help=True)
console = Console()


@app.command("import")
def import_file(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV/xlsx、GeoJSON 或 .osm/.osm.pbf")],
                datum: Annotated[str, typer.Option(help="CSV/GeoJSON 的坐标系：WGS84 或 GCJ02")] = "WGS84",
                valid_only: Annotated[bool, typer.Option(help="只导入正确的行（默认有错则全部不导入）")] = False,
                dry_run: Annotated[bool, typer.Option(help="只校验不提交")] = False) -> None:
    """导入地名（以系统身份，逐行校验并列出每个错误行；一条审计记录）。"""
    from yingji.config import get_settings
    from yingji.core.auth import system_principal
    from yingji.core.db import Database
    from yingji.core.errors import YingjiError
    from yingji.places.actions import import_places

    settings = get_settings()
    database = Database(settings.sqlalchemy_url)
    try:
        with database.session() as db:
            total, imported, errors, committed = import_places(
                db, system_principal(settings.city_code, "cli"), path.read_bytes(), path.name, datum=datum.upper(),
                mode="valid_only" if valid_only else "all_or_nothing", dry_run=dry_run)
    except YingjiError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(code=1) from None
    finally:
        database.dispose()
    for e in errors:
        console.print(f"第 {e.row} 行：{e.message}")
    console.print(f"共 {total} 行，{'可导入' if dry_run else '已导入'} {imported} 行，{'已提交' if committed else '未提交'}")
    if errors and not committed:
        raise typer.Exit(code=1)


@app.command("locate")
def locate(text: Annotated[str, typer.Argument(help="地址或来电文字")],
           limit: Annotated[int, typer.Option(help="候选数")] = 5) -> None:
    """定位查询：列出候选地点、匹配方式、置信度与所在区划。"""
    from yingji.config import get_settings
    from yingji.core.db import Database
    from yingji.places.service import locate as do_locate

    database = Database(get_settings().sqlalchemy_url)
    try:
        with database.session() as db:
            for i, m in enumerate(do_locate(db, text, limit=limit), start=1):
                console.print(f"{i}. {m.name}（{m.kind}）{m.matched_on} 置信度 {m.confidence:.2f} "
                              f"{m.lon:.5f},{m.lat:.5f} 区县 {m.county_code or '-'} 乡镇 {m.township_code or '-'}")
    finally:
        database.dispose()
