"""Telemetry ingest: a batch of messages → readings, latest values, dead letters, rules, alarms.

One batch is one transaction (:func:`store_batch`): readings are inserted in bulk and idempotently
(``ON CONFLICT DO NOTHING`` on point, metric, ts), the latest-value table is upserted, the rules of
every point with new readings are evaluated, alarms are raised / upgraded / counted as repeats,
hooked device types (elevators) are handed to the upper packages through
``monitoring.readings_stored``, and one audit record plus one event describe the batch. Bad
messages go to the dead-letter table with the reason, in the same transaction, and never stop
the batch. The MQTT consumer acknowledges a message only after the batch's commit.

Message schema (MQTT topic ``yingji/telemetry/<device_code>``, QoS 1; or one item of
``POST /api/v1/monitoring/telemetry``)::

    {"device": "RG-350102-001", "ts": "2026-12-02T08:00:00+08:00", "values": {"rain": 2.5}}
    {"device": "…", "readings": [{"ts": 1764633600, "values": {"pressure": 0.82, "level": 61.0}}, …]}
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core import audit, events, hooks
from yingji.core.auth import Principal, system_principal
from yingji.core.db import atomic, utcnow
from yingji.monitoring import alarming
from yingji.monitoring.models import Alarm, DeadLetter, LatestValue, MonitoringPoint, Reading
from yingji.monitoring.rules import (
    Rejected,
    check_values,
    default_catalog,
    effective_rules,
    evaluate,
    history_window,
    parse_payload,
)

TOPIC_PREFIX = "yingji/telemetry/"
READINGS_HOOK = "monitoring.readings_stored"
MAX_PAYLOAD_CHARS = 4000


@dataclass
class Message:
    payload: bytes | str | dict[str, Any]
    topic: str = ""
    source: str = "mqtt"


@dataclass
class BatchResult:
    messages: int = 0
    readings: int = 0
    stored: int = 0
    duplicates: int = 0
    dead_letters: dict[str, int] = field(default_factory=dict)
    alarms_raised: int = 0
    alarms_repeated: int = 0
    alarm_ids: list[int] = field(default_factory=list)


def _dialect_insert(db: Session) -> Any:
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _text(payload: Any) -> str:
    if isinstance(payload, bytes):
        return payload[:MAX_PAYLOAD_CHARS].decode("utf-8", "replace")
    if isinstance(payload, str):
        return payload[:MAX_PAYLOAD_CHARS]
    return json.dumps(payload, ensure_ascii=False, default=str)[:MAX_PAYLOAD_CHARS]


def topic_device(topic: str) -> str | None:
    if not topic:
        return None
    if not topic.startswith(TOPIC_PREFIX) or "/" in topic[len(TOPIC_PREFIX):] or len(topic) == len(TOPIC_PREFIX):
        raise Rejected("malformed", f"主题 {topic[:100]} 不符合 yingji/telemetry/<设备编码>")
    return topic[len(TOPIC_PREFIX):]


def store_batch(db: Session, messages: Sequence[Message], *, actor: Principal | None = None,
                now: datetime | None = None) -> BatchResult:
    """Store one batch of messages in one transaction (see the module docstring)."""
    actor = actor or system_principal(name="monitoring-ingest")
    now = now or utcnow()
    catalog = default_catalog()
    result = BatchResult(messages=len(messages))
    dead: list[dict[str, Any]] = []

    def reject(msg: Message, exc: Rejected, code: str | None) -> None:
        dead.append({"received_at": now, "source": msg.source, "topic": msg.topic[:200], "device_code": code,
                     "reason": exc.reason, "detail": exc.detail[:1000], "payload": _text(msg.payload)})
        result.dead_letters[exc.reason] = result.dead_letters.get(exc.reason, 0) + 1

    parsed: list[tuple[Message, list[Any]]] = []
    for msg in messages:
        code = None
        try:
            code = topic_device(msg.topic)
            data = msg.payload
            if isinstance(data, (bytes, str)):
                try:
                    data = json.loads(data)
                except (ValueError, UnicodeDecodeError):
                    raise Rejected("malformed", "报文不是合法的 JSON") from None
            parsed.append((msg, parse_payload(data, topic_code=code, now=now)))
        except Rejected as exc:
            reject(msg, exc, code)

    with atomic(db):
        codes = {r.device_code for _, rs in parsed for r in rs}
        points = {p.code: p for p in db.execute(select(MonitoringPoint).where(
            MonitoringPoint.code.in_(codes), MonitoringPoint.active.is_(True))).scalars()} if codes else {}
        rows: dict[tuple[int, str, datetime], float] = {}
        for msg, readings in parsed:
            for r in readings:
                point = points.get(r.device_code)
                if point is None:
                    reject(msg, Rejected("unknown_device", f"设备 {r.device_code} 未登记或已停用"), r.device_code)
                    break
                dtype = catalog.type(point.device_type)
                bad = check_values(dtype, r.values) if dtype is not None else Rejected("unknown_device", "设备类型未定义")
                if bad is not None:
                    reject(msg, bad, r.device_code)
                    continue
                for metric, value in r.values.items():
                    rows[(point.id, metric, r.ts)] = value
        result.readings = len(rows)
        new_keys: set[tuple[int, str, datetime]] = set()
        if rows:
            insert = _dialect_insert(db)
            params = [{"point_id": k[0], "metric": k[1], "ts": k[2], "value": v} for k, v in rows.items()]
            table = Reading.__table__  # Core, not the ORM's bulk path: a third of the cost per row
            stmt = insert(table).on_conflict_do_nothing(index_elements=["point_id", "metric", "ts"]).returning(
                table.c.point_id, table.c.metric, table.c.ts)
            for chunk in _chunks(params, 5000):
                new_keys.update((pid, metric, ts) for pid, metric, ts in db.execute(stmt, chunk).all())
            result.stored = len(new_keys)
            result.duplicates = len(rows) - len(new_keys)
            newest: dict[tuple[int, str], tuple[datetime, float]] = {}
            for (pid, metric, ts) in new_keys:
                if (pid, metric) not in newest or ts > newest[(pid, metric)][0]:
                    newest[(pid, metric)] = (ts, rows[(pid, metric, ts)])
            if newest:
                latest = LatestValue.__table__
                up = insert(latest)
                up = up.on_conflict_do_update(index_elements=["point_id", "metric"],
                                              set_={"ts": up.excluded.ts, "value": up.excluded.value},
                                              where=up.excluded.ts > latest.c.ts)
                for chunk in _chunks([{"point_id": p, "metric": m, "ts": t, "value": v}
                                      for (p, m), (t, v) in newest.items()], 5000):
                    db.execute(up, chunk)
            by_point = {p.id: p for p in points.values()}
            _evaluate(db, actor, result, by_point, new_keys, rows, catalog)
            _hook(db, actor, by_point, new_keys, rows, catalog)
        if dead:
            db.execute(_dialect_insert(db)(DeadLetter.__table__), dead)
        audit.record(db, actor, "monitoring.batch_ingested", "telemetry_batch", now.strftime("%Y%m%d%H%M%S%f"),
                     after={"messages": result.messages, "readings": result.readings, "stored": result.stored,
                            "duplicates": result.duplicates, "dead_letters": result.dead_letters,
                            "alarms_raised": result.alarms_raised})
        events.emit(db, "monitoring.batch_ingested", division_code=None, actor=actor.username,
                    summary=f"监测数据入库 {result.stored} 条（报文 {result.messages}，死信 {sum(result.dead_letters.values())}）",
                    payload={"stored": result.stored, "messages": result.messages,
                             "dead_letters": result.dead_letters, "alarms_raised": result.alarms_raised})
    return result


def _chunks(items: list[Any], n: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _evaluate(db: Session, actor: Principal, result: BatchResult, points: dict[int, MonitoringPoint],
              new_keys: set[tuple[int, str, datetime]], rows: dict[tuple[int, str, datetime], float],
              catalog: Any) -> None:
    """Evaluate the rules of every point with new readings; raise, upgrade or count alarms."""
    touched: dict[int, set[str]] = defaultdict(set)
    for pid, metric, _ in new_keys:
        touched[pid].add(metric)
    # history per (point, metric): from this batch, plus the stored window for windowed rules
    batch_hist: dict[tuple[int, str], list[tuple[datetime, float]]] = defaultdict(list)
    for key, value in rows.items():
        batch_hist[(key[0], key[1])].append((key[2], value))
    plans: list[tuple[MonitoringPoint, dict[str, Any]]] = []
    need: dict[tuple[int, str], float] = {}
    for pid, metrics in touched.items():
        point = points[pid]
        dtype = catalog.type(point.device_type)
        rules = [r for r in effective_rules(dtype, point.rules_override) if r["metric"] in metrics]
        if not rules:
            continue
        for metric, seconds in history_window(rules).items():
            if seconds > 0:
                need[(pid, metric)] = seconds
        plans.extend((point, r) for r in rules)
    if not plans:
        return
    stored: dict[tuple[int, str], list[tuple[datetime, float]]] = defaultdict(list)
    if need:
        by_window: dict[float, list[tuple[int, str]]] = defaultdict(list)
        for key, seconds in need.items():
            by_window[seconds].append(key)
        for seconds, keys in by_window.items():
            newest_ts = max(ts for k in keys for ts, _ in batch_hist[k])
            since = newest_ts - timedelta(seconds=seconds)
            pids = sorted({k[0] for k in keys})
            metrics = sorted({k[1] for k in keys})
            for pid, metric, ts, value in db.execute(select(Reading.point_id, Reading.metric, Reading.ts, Reading.value)
                                                     .where(Reading.point_id.in_(pids), Reading.metric.in_(metrics),
                                                            Reading.ts > since)):
                if (pid, metric) in need:
                    stored[(pid, metric)].append((ts, value))
    new_hist: dict[tuple[int, str], list[tuple[datetime, float]]] = defaultdict(list)
    for pid, metric, ts in new_keys:
        new_hist[(pid, metric)].append((ts, rows[(pid, metric, ts)]))
    findings = []
    for point, rule in plans:
        key = (point.id, rule["metric"])
        fresh = sorted(new_hist[key])
        if not fresh:
            continue
        if rule["kind"] == "threshold":  # every new reading counts (a peak inside the batch is not lost)
            for ts, value in fresh:
                f = evaluate(rule, [(ts, value)], ts, catalog.level_rank)
                if f is not None:
                    findings.append((point, f, ts))
            continue
        hist = sorted(stored.get(key) or batch_hist[key]) if key in need else sorted(batch_hist[key])
        f = evaluate(rule, hist, hist[-1][0], catalog.level_rank)
        if f is not None:
            findings.append((point, f, hist[-1][0]))
    if findings:
        alarming.apply_findings(db, actor, findings, result)


def _hook(db: Session, actor: Principal, points: dict[int, MonitoringPoint],
          new_keys: set[tuple[int, str, datetime]], rows: dict[tuple[int, str, datetime], float], catalog: Any) -> None:
    grouped: dict[tuple[int, datetime], dict[str, float]] = defaultdict(dict)
    for pid, metric, ts in new_keys:
        point = points[pid]
        dtype = catalog.type(point.device_type)
        if dtype is not None and dtype.hooked:
            grouped[(pid, ts)][metric] = rows[(pid, metric, ts)]
    if grouped:
        readings = [{"device_code": points[pid].code, "device_type": points[pid].device_type, "ts": ts,
                     "values": values} for (pid, ts), values in sorted(grouped.items(), key=lambda kv: kv[0][1])]
        hooks.send(db, actor, READINGS_HOOK, readings=readings)


def open_alarms(db: Session, point_ids: Iterable[int]) -> dict[tuple[int, str], Alarm]:
    ids = sorted(set(point_ids))
    if not ids:
        return {}
    return {(a.point_id, a.rule_key): a for a in db.execute(select(Alarm).where(
        Alarm.point_id.in_(ids), Alarm.state != "closed")).scalars()}


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0
