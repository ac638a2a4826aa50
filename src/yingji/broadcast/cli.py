"""``yingji broadcast …``: the delivery worker as its own process, and a local test gateway."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="预警发布渠道：投递进程、本地测试网关", no_args_is_help=True)
console = Console()


@app.command("deliver")
def deliver(name: Annotated[str | None, typer.Option(help="投递进程名（重启后用同名可立即接管未完成的批次）")] = None,
            once: Annotated[bool, typer.Option(help="处理完当前待投递的消息后退出")] = False) -> None:
    """运行投递进程：展开发布任务、按渠道限速投递、失败退避重试（Ctrl-C 停止）。"""
    from yingji.broadcast.delivery import Deliverer
    from yingji.config import get_settings
    from yingji.core.db import Database

    settings = get_settings()
    database = Database(settings.sqlalchemy_url)
    deliverer = Deliverer(database, settings, owner=name)
    try:
        if once:
            n = deliverer.run_until_idle()
            console.print(f"已处理 {n} 条投递")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        console.print(f"投递进程 {deliverer.owner} 已启动（收回本进程名下的未完成批次 {deliverer.released} 条）")
        try:
            deliverer.run(stop)
        except KeyboardInterrupt:
            pass
    finally:
        deliverer.close()
        database.dispose()


@app.command("gateway")
def gateway(port: Annotated[int, typer.Option(help="监听端口（仅本机回环地址）")] = 8025) -> None:
    """运行本地短信 / APP 推送测试网关（演示与测试用，收到的消息只计数不外发）。"""
    from yingji.broadcast.gateway import Gateway

    gw = Gateway(port=port)
    console.print(f"测试网关：{gw.url}/sms 与 {gw.url}/app（Ctrl-C 停止）")
    try:
        gw.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        console.print(f"共收到 {sum(gw.received.values())} 条，去重后 {len(gw.sent)} 条")
