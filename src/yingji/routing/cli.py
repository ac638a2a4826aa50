"""``yingji routing …``: import another city's road network from OpenStreetMap; query the router."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="路径与通行时间：导入 OSM 路网、查询通行时间", no_args_is_help=True)
console = Console()


@app.command("import-osm")
def import_osm(
    file: Annotated[Path, typer.Argument(help="OpenStreetMap 文件（.osm 或 .osm.pbf）", exists=True, dir_okay=False)],
    out: Annotated[Path | None, typer.Option(help="输出目录（默认 <数据目录>/routing/<文件名>）")] = None,
    name: Annotated[str | None, typer.Option(help="路网名称（显示在每个答复的说明中）")] = None,
) -> None:
    """把 OSM 文件转换为平台路网格式（nodes.csv.gz + edges.csv.gz）；设置 YINGJI_ROUTING_NETWORK 指向输出目录即启用。"""
    from yingji.config import get_settings
    from yingji.routing.osm import read_osm

    started = time.perf_counter()
    try:
        network = read_osm(file, name=name)
    except (ValueError, RuntimeError) as exc:
        console.print(f"[red]错误：{exc}[/red]")
        raise typer.Exit(code=2) from None
    target = out or get_settings().resolved_data_dir / "routing" / file.name.split(".")[0]
    network.write_dir(target)
    console.print(f"[green]已导入 {network.name}[/green]：{network.n_nodes} 个节点、{network.n_edges} 条有向路段、"
                  f"{network.length_km():.1f} km（最大强连通分量），用时 {time.perf_counter() - started:.1f} 秒\n"
                  f"输出：{target}\n启用：YINGJI_ROUTING_NETWORK={target}\n数据来源：{network.attribution}")


@app.command("travel-time")
def travel_time(
    origin: Annotated[str, typer.Argument(help="起点 经度,纬度（WGS84）")],
    dest: Annotated[str, typer.Argument(help="终点 经度,纬度（WGS84）")],
) -> None:
    """查询两点间的通行时间（当前路网与设置；不含其他进程的道路封闭）。"""
    from yingji.routing.service import attribution, get_router

    def point(text: str) -> tuple[float, float]:
        try:
            lon, lat = (float(v) for v in text.split(","))
        except ValueError:
            console.print(f"[red]坐标格式应为 经度,纬度：{text}[/red]")
            raise typer.Exit(code=2) from None
        return lon, lat

    router = get_router()
    r = router.route(point(origin), point(dest))
    console.print(f"{r.seconds / 60:.1f} 分钟，{r.meters / 1000:.2f} km —— {r.label}\n{attribution(router)}")
