"""Monitoring rules (pure: no ORM, no web): device types as data, payload checks, rule evaluation,
the alarm lifecycle and escalation timing.

Device types, their metrics (unit, range) and default rules live in ``config/device_types.json``;
a point may override a type's rules by key (``rules_override``: ``{rule_key: {...}}``, ``null`` to
switch one off). Rule kinds:

* ``threshold`` – the latest value against levels (``gte`` or ``lte``), the highest matched wins;
* ``accumulation`` – the sum over a window ending now (e.g. 3-hour rainfall against the rainstorm
  signal table: 红 3 h ≥ 100 mm, 橙 3 h ≥ 50 mm, 黄 6 h ≥ 50 mm, 蓝 12 h ≥ 50 mm); each level has its
  own ``window_s``; a reading at exactly ``now - window_s`` is *outside* (windows are half-open
  ``(now - window_s, now]``);
* ``rate`` – absolute change between the oldest reading inside the window and the latest;
* ``stuck`` – the last ``count`` readings identical (and at least ``min_value``): a stuck sensor;
* offline – no reading for ``missed_heartbeats × heartbeat_s`` (see :func:`is_offline`).

Out-of-range values (outside a metric's ``min``/``max``) never reach the rules: the ingest puts
them into the dead-letter store (reason ``out_of_range``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

CONFIG = Path(__file__).parent / "config" / "device_types.json"

ALARM_STATES = ("raised", "acknowledged", "handled", "closed")
STATE_LABELS = {"raised": "待确认", "acknowledged": "已确认", "handled": "已处置", "closed": "已关闭"}
ALARM_ACTIONS = {"acknowledge": ("raised", "acknowledged"), "handle": ("acknowledged", "handled"),
                 "close": ("handled", "closed")}
ACTION_LABELS = {"acknowledge": "确认", "handle": "处置", "close": "关闭"}
KIND_LABELS = {"threshold": "超阈值", "accumulation": "累计超限", "rate": "变化速率超限", "stuck": "传感器卡滞",
               "offline": "设备离线"}
DEAD_LETTER_REASONS = {"malformed": "报文格式错误", "unknown_device": "未登记设备", "out_of_range": "超出量程",
                       "unknown_metric": "未定义指标"}
MAX_CLOCK_SKEW = timedelta(minutes=10)  # readings from further in the future are malformed


# --- device types -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    min: float
    max: float


@dataclass(frozen=True)
class DeviceType:
    key: str
    label: str
    category: str
    heartbeat_s: int
    metrics: tuple[Metric, ...]
    rules: tuple[dict[str, Any], ...]
    hooked: bool = False
    by_key: dict[str, Metric] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {m.key: m for m in self.metrics})

    def metric(self, key: str) -> Metric | None:
        return self.by_key.get(key)


@dataclass(frozen=True)
class Catalog:
    types: dict[str, DeviceType]
    levels: tuple[dict[str, Any], ...]
    missed_heartbeats: int
    escalate_after_s: int
    level_rank: dict[str, int] = field(default_factory=dict)

    def type(self, key: str) -> DeviceType | None:
        return self.types.get(key)

    def level_label(self, key: str | None) -> str:
        return next((lv["label"] for lv in self.levels if lv["key"] == key), key or "")


def parse_catalog(raw: Mapping[str, Any]) -> Catalog:
    defaults = raw.get("defaults", {})
    types = {}
    for t in raw["types"]:
        metrics = tuple(Metric(m["key"], m["label"], m.get("unit", ""), float(m["min"]), float(m["max"]))
                        for m in t["metrics"])
        rules = tuple(t.get("rules", ()))
        names = {m.key for m in metrics}
        for r in rules:
            if r["kind"] not in KIND_LABELS or r.get("metric") not in names:
                raise ValueError(f"device type {t['key']}: rule {r.get('key')} is invalid")
        types[t["key"]] = DeviceType(t["key"], t["label"], t.get("category", ""),
                                     int(t.get("heartbeat_s", defaults.get("heartbeat_s", 300))), metrics, rules,
                                     bool(t.get("hooked", False)))
    levels = tuple(raw["levels"])
    return Catalog(types, levels, int(defaults.get("missed_heartbeats", 3)), int(defaults.get("escalate_after_s", 300)),
                   {lv["key"]: int(lv["rank"]) for lv in levels})


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    return parse_catalog(json.loads(CONFIG.read_text(encoding="utf-8")))


def effective_rules(dtype: DeviceType, override: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The type's rules with a point's overrides (by rule key; ``None`` switches a rule off; a new key adds one)."""
    override = dict(override or {})
    out = []
    for rule in dtype.rules:
        if rule["key"] in override:
            patch = override.pop(rule["key"])
            if patch is None:
                continue
            rule = {**rule, **patch}
        out.append(rule)
    out.extend({**patch, "key": key} for key, patch in override.items() if patch)
    return out


# --- payloads ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reading:
    device_code: str
    ts: datetime
    values: dict[str, float]


class Rejected(ValueError):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def parse_payload(data: Any, *, topic_code: str | None = None, now: datetime) -> list[Reading]:
    """One message (MQTT or one item of an HTTP batch) → readings, or :class:`Rejected` (malformed).

    Schema: ``{"device": "<code>", "ts": "<ISO 8601 with offset>" | <epoch seconds>,
    "values": {"<metric>": <number>, …}}`` or ``{"device": …, "readings": [{"ts": …, "values": {…}}, …]}``.
    On MQTT the device may be left out (it is the topic's last level ``yingji/telemetry/<code>``).
    """
    if not isinstance(data, dict):
        raise Rejected("malformed", "报文不是 JSON 对象")
    code = data.get("device", topic_code)
    if not isinstance(code, str) or not code or len(code) > 64:
        raise Rejected("malformed", "缺少设备编码 device")
    if topic_code is not None and code != topic_code:
        raise Rejected("malformed", f"报文设备编码 {code} 与主题 {topic_code} 不一致")
    items = data.get("readings", [data])
    if not isinstance(items, list) or not items or len(items) > 10_000:
        raise Rejected("malformed", "readings 须为非空数组")
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise Rejected("malformed", "读数不是 JSON 对象")
        raw = item.get("ts")
        ts = _parse_ts_text(raw) if type(raw) is str else parse_ts(raw)
        if ts > now + MAX_CLOCK_SKEW:
            raise Rejected("malformed", "时间戳在未来")
        values = item.get("values")
        if not isinstance(values, dict) or not values:
            raise Rejected("malformed", "缺少 values")
        clean: dict[str, float] = {}
        for k, v in values.items():
            if not isinstance(k, str) or isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise Rejected("malformed", f"指标 {k} 的值不是有限数值")
            clean[k] = float(v)
        out.append(Reading(code, ts, clean))
    return out


def parse_ts(value: Any) -> datetime:
    if isinstance(value, bool):
        raise Rejected("malformed", "时间戳格式错误")
    if isinstance(value, (int, float)) and math.isfinite(value) and 0 < value < 10_000_000_000:
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            ts = datetime.fromisoformat(value)  # Python ≥ 3.11 reads a trailing Z
        except ValueError:
            ts = None
        if ts is not None and ts.tzinfo is not None:
            return ts.astimezone(UTC)
    raise Rejected("malformed", "时间戳须为带时区的 ISO 8601 或 Unix 秒")


@lru_cache(maxsize=4096)
def _parse_ts_text(value: str) -> datetime:
    """:func:`parse_ts` of a text time, memoised: the devices of a batch mostly report the same instants
    (a refusal raises and is not cached)."""
    return parse_ts(value)


def check_values(dtype: DeviceType, values: Mapping[str, float]) -> Rejected | None:
    by_key = dtype.by_key
    for key, v in values.items():
        m = by_key.get(key)
        if m is None:
            return Rejected("unknown_metric", f"设备类型“{dtype.label}”没有指标 {key}")
        if not (m.min <= v <= m.max):
            return Rejected("out_of_range", f"{m.label} {v:g}{m.unit} 超出量程 [{m.min:g}, {m.max:g}]")
    return None


# --- rule evaluation ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    rule_key: str
    kind: str
    metric: str
    level: str
    value: float
    message: str


def _matches(lv: Mapping[str, Any], value: float) -> bool:
    if "gte" in lv and value >= float(lv["gte"]):
        return True
    return "lte" in lv and value <= float(lv["lte"])


def _best(levels: Iterable[Mapping[str, Any]], rank: Mapping[str, int], test: Any) -> tuple[str, float] | None:
    best: tuple[str, float] | None = None
    for lv in levels:
        hit = test(lv)
        if hit is not None and (best is None or rank.get(lv["level"], 0) > rank.get(best[0], 0)):
            best = (lv["level"], hit)
    return best


def evaluate(rule: Mapping[str, Any], history: Sequence[tuple[datetime, float]], now: datetime,
             rank: Mapping[str, int]) -> Finding | None:
    """Evaluate one rule on the metric's history (``(ts, value)`` sorted by ts, the latest last)."""
    if not history:
        return None
    kind, metric, label = rule["kind"], rule["metric"], rule.get("label", rule["key"])
    latest = history[-1][1]

    def finding(level: str, value: float, text: str) -> Finding:
        return Finding(rule["key"], kind, metric, level, value, f"{label}：{text}")

    if kind == "threshold":
        hit = _best(rule["levels"], rank, lambda lv: latest if _matches(lv, latest) else None)
        return finding(hit[0], latest, f"当前值 {latest:g}") if hit else None
    if kind == "accumulation":
        def total(lv: Mapping[str, Any]) -> float | None:
            start = now - timedelta(seconds=float(lv["window_s"]))
            s = sum(v for ts, v in history if start < ts <= now)
            return s if _matches(lv, s) else None
        hit = _best(rule["levels"], rank, total)
        if hit is None:
            return None
        window = next(lv["window_s"] for lv in rule["levels"] if lv["level"] == hit[0])
        return finding(hit[0], hit[1], f"{int(window) // 3600} 小时累计 {hit[1]:g}")
    if kind == "rate":
        start = now - timedelta(seconds=float(rule["window_s"]))
        inside = [(ts, v) for ts, v in history if start < ts <= now]
        if len(inside) < 2:
            return None
        change = abs(inside[-1][1] - inside[0][1])
        hit = _best(rule["levels"], rank, lambda lv: change if _matches(lv, change) else None)
        return finding(hit[0], change, f"{int(rule['window_s']) // 60} 分钟内变化 {change:g}") if hit else None
    if kind == "stuck":
        n = int(rule.get("count", 10))
        tail = [v for _, v in history[-n:]]
        if len(tail) == n and len(set(tail)) == 1 and abs(tail[0]) >= float(rule.get("min_value", 0)):
            return finding(rule.get("level", "blue"), tail[0], f"连续 {n} 个读数均为 {tail[0]:g}")
        return None
    raise ValueError(f"unknown rule kind {kind}")


def history_window(rules: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """How far back (seconds) each metric's history must reach for these rules (0: the latest only).
    A stuck rule looks back ``window_s`` (default 6 h) for its last ``count`` readings."""
    need: dict[str, float] = {}
    for r in rules:
        if r["kind"] == "accumulation":
            w = max(float(lv["window_s"]) for lv in r["levels"])
        elif r["kind"] == "rate":
            w = float(r["window_s"])
        elif r["kind"] == "stuck":
            w = float(r.get("window_s", 6 * 3600))
        else:
            w = 0.0
        need[r["metric"]] = max(need.get(r["metric"], 0.0), w)
    return need


def is_offline(last_seen: datetime | None, heartbeat_s: int, missed: int, now: datetime) -> bool:
    """Offline when ``missed`` heartbeats have passed without a reading (exactly at the edge: still online)."""
    if last_seen is None:
        return True
    return now - last_seen > timedelta(seconds=heartbeat_s * missed)


def online_rate(online: int, total: int) -> float | None:
    return None if total == 0 else online / total


TARGET_ONLINE_RATE = 0.995


# --- alarm lifecycle ---------------------------------------------------------------------------------------

class Transition(ValueError):
    pass


def next_alarm_state(state: str, action: str) -> str:
    if action not in ALARM_ACTIONS:
        raise Transition(f"未知操作 {action}")
    src, dst = ALARM_ACTIONS[action]
    if state != src:
        raise Transition(f"告警当前为“{STATE_LABELS.get(state, state)}”，不能{ACTION_LABELS[action]}")
    return dst


def raise_or_repeat(open_level: str | None, new_level: str, rank: Mapping[str, int]) -> str:
    """What a finding does to the open alarm of the same (point, rule): ``raise`` a new one (none open),
    ``upgrade`` (a higher level) or ``repeat`` (suppressed: counted, no new notice)."""
    if open_level is None:
        return "raise"
    return "upgrade" if rank.get(new_level, 0) > rank.get(open_level, 0) else "repeat"


def due_for_escalation(state: str, raised_at: datetime, escalated: bool, now: datetime, after_s: int) -> bool:
    """A raised alarm not acknowledged within ``after_s`` seconds escalates (once); exactly at the edge: not yet."""
    return state == "raised" and not escalated and now - raised_at > timedelta(seconds=after_s)


def notice_recipients(level: str, *, escalated: bool = False) -> list[str]:
    """Graded notice: every alarm reaches the owner unit and the county officer; 一/二级 and escalations the city."""
    out = ["unit", "county"]
    if escalated or level in ("red", "orange"):
        out.append("city")
    return out


RECIPIENT_LABELS = {"unit": "责任单位", "county": "区县应急管理部门", "city": "市应急管理局（值班室）"}
