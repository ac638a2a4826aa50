"""``yingji monitoring …``: the ingest process, the periodic checks, retention, the simulator."""

from __future__ import annotations

import json
import signal
import threading
import time
from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="监测预警：数据接入、告警巡检、按小时汇总与历史清理、模拟数据", no_args_is_help=True)
console = Console()


def _database():  # type: ignore[no-untyped-def]
    from yingji.config import get_settings
    from yingji.core.db import Database

    settings = get_settings()
    return settings, Database(settings.sqlalchemy_url, **settings.engine_options)


@app.command("ingest")
def ingest(checks: Annotated[bool, typer.Option(help="同时定时执行告警升级与离线巡检")] = True) -> None:
    """独立的接入进程：订阅 MQTT yingji/telemetry/+（QoS 1，入库后才确认），批量入库并执行规则。"""
    from yingji.monitoring.background import client_id, start_checks
    from yingji.monitoring.mqtt import Consumer

    settings, database = _database()
    consumer = Consumer(database, host=settings.monitoring_mqtt_host, port=settings.monitoring_mqtt_port,
                        client_id=client_id(settings), batch_size=settings.monitoring_batch_size,
                        batch_wait_ms=settings.monitoring_batch_wait_ms).start()
    stop_checks = start_checks(settings, database) if checks else (lambda: None)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    console.print(f"监测数据接入已启动：mqtt://{settings.monitoring_mqtt_host}:{settings.monitoring_mqtt_port} "
                  f"yingji/telemetry/+（会话 {client_id(settings)}）")
    last = 0
    while not done.wait(10):
        s = consumer.stats
        if s.stored_messages != last:
            console.print(f"已入库报文 {s.stored_messages}，批次 {s.batches}，死信 {s.dead_letters}，告警 {s.alarms}")
            last = s.stored_messages
    stop_checks()
    consumer.stop()
    database.dispose()


@app.command("checks")
def checks() -> None:
    """执行一次告警升级（超时未确认）与设备离线巡检。"""
    from yingji.core.auth import system_principal
    from yingji.monitoring.actions import run_checks

    settings, database = _database()
    with database.session() as db:
        out = run_checks(db, system_principal(settings.city_code, "监测巡检"))
    database.dispose()
    console.print(f"巡检完成：升级 {out['escalated']}，离线 {out['offline']}，恢复在线 {out['back_online']}")


@app.command("purge")
def purge(days: Annotated[int | None, typer.Option(help="保留天数（默认 YINGJI_MONITORING_RETENTION_DAYS）")] = None) -> None:
    """按保留期清理原始监测历史（清理前先按小时汇总；最新值、小时汇总与告警保留）。"""
    from yingji.core.auth import system_principal
    from yingji.monitoring.actions import purge_history

    settings, database = _database()
    with database.session() as db:
        n = purge_history(db, system_principal(settings.city_code, "monitoring-retention"),
                          retention_days=days or settings.monitoring_retention_days,
                          hourly_retention_days=settings.monitoring_hourly_retention_days)
    database.dispose()
    console.print(f"已清理 {n} 条原始历史数据（清理前已按小时汇总）")


@app.command("rollup")
def rollup(lookback: Annotated[int | None, typer.Option(help="回算最近多少小时（默认 YINGJI_MONITORING_ROLLUP_LOOKBACK_HOURS）")] = None,
           full: Annotated[bool, typer.Option("--full", help="从最早的原始数据起全部重算")] = False) -> None:
    """把原始监测数据按小时汇总（条数、最小、最大、均值），供长时段曲线使用；可重复运行。"""
    from yingji.core.auth import system_principal
    from yingji.monitoring.actions import rollup_history

    settings, database = _database()
    with database.session() as db:
        out = rollup_history(db, system_principal(settings.city_code, "monitoring-rollup"),
                             lookback_hours=lookback or settings.monitoring_rollup_lookback_hours,
                             full=full)
    database.dispose()
    console.print(f"按小时汇总完成：{out['hours']} 小时，写入 {out['rows']} 行")


@app.command("simulate")
def simulate(hours: Annotated[float, typer.Option(help="模拟时长（小时），截止现在")] = 24,
             step: Annotated[int, typer.Option(help="采样间隔（分钟）")] = 10,
             broker: Annotated[bool, typer.Option("--broker/--in-process", help="发布到 MQTT（默认）或直接入库")] = True,
             rate: Annotated[int, typer.Option(help="发布速率上限（条/秒，0 不限）")] = 0) -> None:
    """模拟一天的监测数据（合成）：午间数个乡镇暴雨、重大危险源储罐超压、燃气管道泄漏、电梯困人、部分设备离线。"""
    from sqlalchemy import select

    from yingji.core.db import utcnow
    from yingji.monitoring.ingest import Message, store_batch
    from yingji.monitoring.models import MonitoringPoint
    from yingji.monitoring.simulate import SimPoint, scenario

    settings, database = _database()
    with database.session() as db:
        points = [SimPoint(c, t, d, r) for c, t, d, r in db.execute(
            select(MonitoringPoint.code, MonitoringPoint.device_type, MonitoringPoint.division_code,
                   MonitoringPoint.risk_source_id).where(MonitoringPoint.active.is_(True))
            .order_by(MonitoringPoint.code))]
    if not points:
        console.print("[red]没有监测点：先运行 yingji demo load 或导入监测点[/red]")
        raise typer.Exit(code=1)
    start = utcnow() - timedelta(hours=hours)
    sent, t0 = 0, time.perf_counter()
    if broker:
        from yingji.monitoring.mqtt import publish_client

        client = publish_client(settings.monitoring_mqtt_host, settings.monitoring_mqtt_port)
        last = None
        for m in scenario(points, start, hours=hours, step_minutes=step):
            last = client.publish(f"yingji/telemetry/{m['device']}", json.dumps(m, ensure_ascii=False), qos=1)
            sent += 1
            if rate and sent % 100 == 0:
                time.sleep(max(0.0, sent / rate - (time.perf_counter() - t0)))
        if last is not None:
            last.wait_for_publish(60)
        client.loop_stop()
        client.disconnect()
    else:
        batch: list[Message] = []
        for m in scenario(points, start, hours=hours, step_minutes=step):
            batch.append(Message(m, source="simulate"))
            if len(batch) >= settings.monitoring_batch_size:
                with database.session() as db:
                    store_batch(db, batch)
                sent += len(batch)
                batch = []
        if batch:
            with database.session() as db:
                store_batch(db, batch)
            sent += len(batch)
    database.dispose()
    console.print(f"已{'发布' if broker else '入库'}模拟监测报文 {sent} 条（{len(points)} 个监测点，"
                  f"{time.perf_counter() - t0:.1f} 秒；合成数据）")
