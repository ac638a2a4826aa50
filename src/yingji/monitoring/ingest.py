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
import math
import time
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core import audit, events, hooks
from yingji.core.auth import Principal, system_principal
from yingji.core.db import atomic, utcnow
from yingji.monitoring import alarming
from yingji.monitoring.models import Alarm, DeadLetter, Reading
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


def _clean(text: str) -> str:
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def topic_device(topic: str) -> str | None:
    if not topic:
        return None
    if not topic.startswith(TOPIC_PREFIX) or "/" in topic[len(TOPIC_PREFIX):] or len(topic) == len(TOPIC_PREFIX):
        raise Rejected("malformed", f"主题 {topic[:100]} 不符合 yingji/telemetry/<设备编码>")
    return topic[len(TOPIC_PREFIX):]


def store_batch(db: Session, messages: Sequence[Message], *, actor: Principal | None = None,
                now: datetime | None = None) -> BatchResult:
    """Store one batch of messages in one transaction (see the module docstring).

    The hot path works on plain tuples: one Core query for the batch's points (no ORM objects — those
    are loaded only for the few points with a finding), readings and latest values written with one
    multi-row statement per chunk through the driver (``unnest`` arrays on PostgreSQL, ``VALUES``
    lists on SQLite), threshold rules screened by their loosest level before being evaluated, and the
    stored history read back only for metrics that have windowed rules; every rule is evaluated at every
    new reading, so the alarms do not depend on how messages were cut into batches. Nothing is cached across
    batches except pure functions of the (static) catalog, so registry changes apply to the next batch.
    """
    actor = actor or system_principal(name="monitoring-ingest")
    now = now or utcnow()
    catalog = default_catalog()
    result = BatchResult(messages=len(messages))
    dead: list[dict[str, Any]] = []

    def reject(msg: Message, exc: Rejected, code: str | None) -> None:
        # NUL can arrive in a topic or payload but not in PostgreSQL text: replaced, or the batch could never commit
        dead.append({"received_at": now, "source": msg.source, "topic": _clean(msg.topic[:200]),
                     "device_code": _clean(code[:64]) if code is not None else None, "reason": exc.reason,
                     "detail": _clean(exc.detail[:1000]), "payload": _clean(_text(msg.payload))})
        result.dead_letters[exc.reason] = result.dead_letters.get(exc.reason, 0) + 1

    parsed: list[tuple[Message, list[Any]]] = []
    loads = json.loads
    for msg in messages:
        code = None
        try:
            code = topic_device(msg.topic)
            data = msg.payload
            if isinstance(data, (bytes, str)):
                try:
                    data = loads(data)
                except (ValueError, UnicodeDecodeError):
                    raise Rejected("malformed", "报文不是合法的 JSON") from None
            parsed.append((msg, parse_payload(data, topic_code=code, now=now)))
        except Rejected as exc:
            reject(msg, exc, code)

    with atomic(db):
        store = _Store(db)
        codes = {r.device_code for _, rs in parsed for r in rs}
        points = store.points(codes) if codes else {}
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
                pid, ts = point.id, r.ts
                for metric, value in r.values.items():
                    rows[(pid, metric, ts)] = value
        result.readings = len(rows)
        new_keys: list[tuple[int, str, datetime]] = []
        if rows:
            new_keys = store.insert_readings(rows)
            result.stored = len(new_keys)
            result.duplicates = len(rows) - len(new_keys)
            newest: dict[tuple[int, str], tuple[datetime, float]] = {}
            for key in new_keys:
                pm, ts = (key[0], key[1]), key[2]
                seen = newest.get(pm)
                if seen is None or ts > seen[0]:
                    newest[pm] = (ts, rows[key])
            if newest:
                store.upsert_latest(newest)
            by_point = {p.id: p for p in points.values()}
            _evaluate(db, store, actor, result, by_point, new_keys, rows, catalog)
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


class _Point(NamedTuple):
    id: int
    code: str
    device_type: str
    override: Any  # rules_override (dict or None)
    override_key: str  # its canonical JSON: the memo key of the effective rules


SQLITE_CHUNK = 8000  # rows of 4 parameters per statement (SQLite allows 32,766 parameters)
PG_CHUNK = 50_000


class _Store:
    """The ingest's statements through the driver (``exec_driver_sql``): tuples in, tuples out.

    PostgreSQL: one statement per chunk with ``unnest`` over typed arrays (psycopg sends each list as
    one array). SQLite: multi-row ``VALUES``; timestamps bound exactly as the ``UTCDateTime`` column
    binds them (naive UTC text), converted once per distinct time."""

    def __init__(self, db: Session) -> None:
        self.conn = db.connection()  # the session's connection: inside the batch's transaction
        self.pg = self.conn.dialect.name == "postgresql"
        self.raw = self.conn.connection.dbapi_connection
        ts_type = Reading.__table__.c.ts.type
        self._bind = ts_type._cached_bind_processor(self.conn.dialect)
        self._result = ts_type._cached_result_processor(self.conn.dialect, None)
        self._to_db: dict[datetime, Any] = {}
        self._from_db: dict[Any, datetime] = {}
        self._pg_lit: dict[datetime, str] = {}

    def _run(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        """Execute on the driver's cursor (SQLAlchemy's row objects cost more than the statement here)."""
        cur = self.raw.cursor()
        try:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description is not None else []
        finally:
            cur.close()

    def db_ts(self, ts: datetime) -> Any:
        out = self._to_db.get(ts)
        if out is None:
            out = self._bind(ts) if self._bind is not None else ts
            self._to_db[ts] = out
            self._from_db.setdefault(out, ts)
        return out

    def _pg_times(self, values: Iterable[datetime]) -> str:
        memo = self._pg_lit
        out = []
        for ts in values:
            lit = memo.get(ts)
            if lit is None:
                lit = memo[ts] = '"' + ts.isoformat() + '"'
            out.append(lit)
        return "{" + ",".join(out) + "}"

    def py_ts(self, value: Any) -> datetime:
        out = self._from_db.get(value)
        if out is None:
            out = self._result(value) if self._result is not None else value
            self._from_db[value] = out
        return out

    def points(self, codes: set[str]) -> dict[str, _Point]:
        codes = {c for c in codes if "\x00" not in c}  # never registered; PostgreSQL text refuses NUL
        if not codes:
            return {}
        cols = "id, code, device_type, rules_override FROM monitoring_points"
        if self.pg:
            found = self._run(f"SELECT {cols} WHERE active AND code = ANY(%s::varchar[])", (_texts(sorted(codes)),))
        else:
            found = self._run(f"SELECT {cols} WHERE active = 1 AND code IN (SELECT value FROM json_each(?))",
                              (json.dumps(sorted(codes)),))
        out = {}
        decoded: dict[str, Any] = {}  # most points share the same override text ("{}")
        for pid, code, dtype, override in found:
            if isinstance(override, str):
                key = override
                if key not in decoded:
                    decoded[key] = json.loads(key)
                override = decoded[key]
            else:
                key = json.dumps(override, sort_keys=True) if override else "{}"
            out[code] = _Point(pid, code, dtype, override, key)
        return out

    def insert_readings(self, rows: dict[tuple[int, str, datetime], float]) -> list[tuple[int, str, datetime]]:
        """Insert ``ON CONFLICT DO NOTHING``; the keys actually inserted (as given)."""
        keys = list(rows)
        new: list[tuple[int, str, datetime]] = []
        if self.pg:
            sql = ("INSERT INTO monitoring_readings (point_id, metric, ts, value) "
                   "SELECT * FROM unnest(%s::integer[], %s::varchar[], %s::timestamptz[], %s::float8[]) "
                   "ON CONFLICT (point_id, metric, ts) DO NOTHING RETURNING point_id, metric, ts")
            for chunk in _chunks(keys, PG_CHUNK):
                params = (_ints(k[0] for k in chunk), _texts(k[1] for k in chunk),
                          self._pg_times(k[2] for k in chunk), _floats(rows[k] for k in chunk))
                new.extend((pid, metric, self.py_ts(ts)) for pid, metric, ts in self._run(sql, params))
            return new
        for chunk in _chunks(keys, SQLITE_CHUNK):
            sql = ("INSERT INTO monitoring_readings (point_id, metric, ts, value) VALUES " + _values(len(chunk))
                   + " ON CONFLICT (point_id, metric, ts) DO NOTHING RETURNING point_id, metric, ts")
            params: list[Any] = []
            for k in chunk:
                params += (k[0], k[1], self.db_ts(k[2]), rows[k])
            new.extend((pid, metric, self.py_ts(ts)) for pid, metric, ts in self._run(sql, tuple(params)))
        return new

    def upsert_latest(self, newest: dict[tuple[int, str], tuple[datetime, float]]) -> None:
        tail = (" ON CONFLICT (point_id, metric) DO UPDATE SET ts = excluded.ts, value = excluded.value "
                "WHERE excluded.ts > monitoring_latest.ts")
        items = list(newest.items())
        if self.pg:
            sql = ("INSERT INTO monitoring_latest (point_id, metric, ts, value) "
                   "SELECT * FROM unnest(%s::integer[], %s::varchar[], %s::timestamptz[], %s::float8[])" + tail)
            for chunk in _chunks(items, PG_CHUNK):
                self._run(sql, (_ints(k[0] for k, _ in chunk), _texts(k[1] for k, _ in chunk),
                                self._pg_times(v[0] for _, v in chunk), _floats(v[1] for _, v in chunk)))
            return
        for chunk in _chunks(items, SQLITE_CHUNK):
            params: list[Any] = []
            for (pid, metric), (ts, value) in chunk:
                params += (pid, metric, self.db_ts(ts), value)
            self._run("INSERT INTO monitoring_latest (point_id, metric, ts, value) VALUES "
                                      + _values(len(chunk)) + tail, tuple(params))

    def history(self, pids: list[int], metrics: list[str], since: datetime) -> Iterable[tuple[int, str, datetime, float]]:
        """Stored readings of these points and metrics newer than ``since``."""
        if self.pg:
            found = self._run(
                "SELECT point_id, metric, ts, value FROM monitoring_readings "
                "WHERE point_id = ANY(%s::integer[]) AND metric = ANY(%s::varchar[]) AND ts > %s",
                (_ints(pids), _texts(metrics), since))
        else:
            found = self._run(
                "SELECT point_id, metric, ts, value FROM monitoring_readings WHERE point_id IN "
                "(SELECT value FROM json_each(?)) AND metric IN (SELECT value FROM json_each(?)) AND ts > ?",
                (json.dumps(pids), json.dumps(metrics), self._bind(since)))
        py_ts = self.py_ts
        return [(pid, metric, py_ts(ts), value) for pid, metric, ts, value in found]


# PostgreSQL array literals, built with str.join: psycopg adapts a Python list element by element
# in Python, which cost more than the statement itself for a batch of 15,000 readings.
def _ints(values: Iterable[int]) -> str:
    return "{" + ",".join(map(str, values)) + "}"


def _floats(values: Iterable[float]) -> str:
    return "{" + ",".join(map(repr, values)) + "}"  # repr: the shortest text that reads back as the same double


def _texts(values: Iterable[str]) -> str:
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


@lru_cache(maxsize=16)
def _values(n: int) -> str:
    return ",".join(["(?,?,?,?)"] * n)


def _chunks(items: list[Any], n: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


class _RulePlan(NamedTuple):
    threshold: tuple[tuple[dict[str, Any], float, float], ...]  # (rule, lowest gte, highest lte)
    windowed: tuple[dict[str, Any], ...]
    window_s: float  # how far back the stored history must reach (0: not needed)


_plans: dict[str, Any] = {"catalog": None, "plans": {}}


def _rule_plans(catalog: Any, device_type: str, override_key: str, override: Any) -> dict[str, _RulePlan]:
    """A point's effective rules grouped per metric (memoised: a pure function of the catalog, the type
    and the point's override, so a changed override is a new key — nothing to invalidate)."""
    if _plans["catalog"] is not catalog:
        _plans["catalog"], _plans["plans"] = catalog, {}
    memo = _plans["plans"]
    key = (device_type, override_key)
    plan = memo.get(key)
    if plan is None:
        dtype = catalog.type(device_type)
        rules = effective_rules(dtype, override) if dtype is not None else []
        windows = history_window(rules)
        plan = {}
        for metric in dict.fromkeys(r["metric"] for r in rules):
            mine = [r for r in rules if r["metric"] == metric]
            thresholds = tuple((r, min((float(lv["gte"]) for lv in r["levels"] if "gte" in lv), default=math.inf),
                                max((float(lv["lte"]) for lv in r["levels"] if "lte" in lv), default=-math.inf))
                               for r in mine if r["kind"] == "threshold")
            plan[metric] = _RulePlan(thresholds, tuple(r for r in mine if r["kind"] != "threshold"),
                                     windows.get(metric, 0.0))
        if len(memo) > 10_000:
            memo.clear()
        memo[key] = plan
    return plan


def _evaluate(db: Session, store: _Store, actor: Principal, result: BatchResult, points: dict[int, _Point],
              new_keys: list[tuple[int, str, datetime]], rows: dict[tuple[int, str, datetime], float],
              catalog: Any) -> None:
    """Evaluate the rules of every point with new readings; raise, upgrade or count alarms.

    Threshold rules see every new reading (a peak inside the batch is not lost): a reading beyond none
    of the rule's levels (below its lowest ``gte`` and above its highest ``lte``) cannot match, so only
    the others are evaluated. Windowed rules (accumulation, rate, stuck) are evaluated at each new
    reading's time on the metric's history up to it: the stored window (read back in one query per
    window length, reaching back from the batch's earliest new reading) or this batch's readings."""
    fresh: dict[tuple[int, str], list[tuple[datetime, float]]] = defaultdict(list)
    for key in new_keys:
        fresh[(key[0], key[1])].append((key[2], rows[key]))
    rank = catalog.level_rank
    findings: list[tuple[int, Any, datetime]] = []
    windowed: list[tuple[tuple[int, str], _RulePlan]] = []
    per_point: dict[int, dict[str, _RulePlan]] = {}
    for pm, readings in fresh.items():
        plans = per_point.get(pm[0])
        if plans is None:
            point = points[pm[0]]
            plans = per_point[pm[0]] = _rule_plans(catalog, point.device_type, point.override_key, point.override)
        plan = plans.get(pm[1])
        if plan is None:
            continue
        if plan.threshold:
            readings.sort()
            for rule, gte, lte in plan.threshold:
                for ts, value in readings:
                    if value >= gte or value <= lte:
                        f = evaluate(rule, [(ts, value)], ts, rank)
                        if f is not None:
                            findings.append((pm[0], f, ts))
        if plan.windowed:
            windowed.append((pm, plan))
    if windowed:
        batch_hist: dict[tuple[int, str], list[tuple[datetime, float]]] = defaultdict(list)
        wanted = {pm for pm, _ in windowed}
        for key, value in rows.items():
            if (key[0], key[1]) in wanted:
                batch_hist[(key[0], key[1])].append((key[2], value))
        stored: dict[tuple[int, str], list[tuple[datetime, float]]] = defaultdict(list)
        by_window: dict[float, list[tuple[int, str]]] = defaultdict(list)
        for pm, plan in windowed:
            if plan.window_s > 0:
                by_window[plan.window_s].append(pm)
        for seconds, keys in by_window.items():
            since = min(ts for k in keys for ts, _ in fresh[k]) - timedelta(seconds=seconds)
            need = set(keys)
            for pid, metric, ts, value in store.history(sorted({k[0] for k in keys}), sorted({k[1] for k in keys}), since):
                if (pid, metric) in need:
                    stored[(pid, metric)].append((ts, value))
        for pm, plan in windowed:
            hist = sorted(stored.get(pm) or batch_hist[pm]) if plan.window_s > 0 else sorted(batch_hist[pm])
            times = [ts for ts, _ in hist]
            # at every new reading, as if it had come alone (a spike or a sum inside a long batch is not
            # averaged away), and at the newest stored one when a late reading changed its window
            instants = sorted({ts for ts, _ in fresh[pm]})
            if times[-1] > instants[-1]:
                instants.append(times[-1])
            for at in instants:
                upto = hist[:bisect_right(times, at)]
                for rule in plan.windowed:
                    f = evaluate(rule, upto, at, rank)
                    if f is not None:
                        findings.append((pm[0], f, at))
    if findings:
        full = alarming.points_by_id(db, sorted({pid for pid, _, _ in findings}))
        alarming.apply_findings(db, actor, [(full[pid], f, at) for pid, f, at in findings], result)


def _hook(db: Session, actor: Principal, points: dict[int, _Point],
          new_keys: list[tuple[int, str, datetime]], rows: dict[tuple[int, str, datetime], float], catalog: Any) -> None:
    grouped: dict[tuple[int, datetime], dict[str, float]] = defaultdict(dict)
    hooked = {t.key for t in catalog.types.values() if t.hooked}
    if not hooked:
        return
    for key in new_keys:
        pid = key[0]
        if points[pid].device_type in hooked:
            grouped[(pid, key[2])][key[1]] = rows[key]
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
