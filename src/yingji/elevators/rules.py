"""Elevator rules (pure): the configurable code tables, 困人 detection, the rescue tiers and timers, statistics.

困人 (passenger trapped): the car is stopped outside the levelling zone with the door shut and someone
inside for longer than ``trapped_after_s`` — or the terminal reports a fault code flagged ``trapped``.
A rescue notifies the maintenance company at once (≤ ``notice_within_s``), must be acknowledged within
``acknowledge_within_s`` or it escalates to the next tier (96333 centre, then fire rescue), and the
maintenance staff must arrive within ``arrival_deadline_s`` (default 30 min).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

CONFIG = Path(__file__).parent / "config" / "elevators.json"
RESCUE_STATES = {"notified": "已通知", "acknowledged": "已响应", "arrived": "已到场", "released": "已解救"}
RESCUE_ACTIONS = {"acknowledge": ("notified", "acknowledged"), "arrive": ("acknowledged", "arrived"),
                  "release": ("arrived", "released")}
ACTION_LABELS = {"acknowledge": "响应", "arrive": "到场", "release": "解救完成"}


@dataclass(frozen=True)
class Config:
    raw: dict[str, Any]

    @property
    def trapped_after(self) -> timedelta:
        return timedelta(seconds=int(self.raw["trapped_after_s"]))

    @property
    def acknowledge_within(self) -> timedelta:
        return timedelta(seconds=int(self.raw["acknowledge_within_s"]))

    @property
    def arrival_deadline(self) -> timedelta:
        return timedelta(seconds=int(self.raw["arrival_deadline_s"]))

    @property
    def tiers(self) -> list[dict[str, str]]:
        return list(self.raw["tiers"])

    def fault(self, code: Any) -> dict[str, Any]:
        return dict(self.raw["faults"].get(str(int(code)) if code is not None else "0", {"label": f"故障 {code}"}))


@lru_cache(maxsize=1)
def default_config() -> Config:
    return Config(json.loads(CONFIG.read_text(encoding="utf-8")))


def stuck_condition(values: Mapping[str, float]) -> bool:
    """Stopped (state 0 or 3) outside the levelling zone, door shut, someone inside."""
    return (int(values.get("state", 1)) in (0, 3) and int(values.get("levelling", 1)) == 0
            and int(values.get("door", 1)) == 0 and int(values.get("occupied", 0)) == 1)


def track(stuck_since: datetime | None, values: Mapping[str, float], ts: datetime,
          cfg: Config) -> tuple[datetime | None, str | None]:
    """Advance the 困人 detector by one reading: the new ``stuck_since`` and, when a rescue must start,
    its reason ("fault" or "stuck"); the condition must hold longer than ``trapped_after`` (at exactly the
    limit: not yet)."""
    if values.get("fault") is not None and cfg.fault(values["fault"]).get("trapped"):
        return stuck_since or ts, "fault"
    if not stuck_condition(values):
        return None, None
    since = stuck_since or ts
    return since, ("stuck" if ts - since > cfg.trapped_after else None)


def next_rescue_state(state: str, action: str) -> str:
    src, dst = RESCUE_ACTIONS[action]
    if state != src:
        raise ValueError(f"救援当前为“{RESCUE_STATES.get(state, state)}”，不能{ACTION_LABELS[action]}")
    return dst


def escalation_tier(tier: str, state: str, notified_at: datetime, now: datetime, cfg: Config) -> str | None:
    """The next tier when a rescue of ``tier`` notified at ``notified_at`` is still unacknowledged."""
    if state != "notified" or now - notified_at <= cfg.acknowledge_within:
        return None
    keys = [t["key"] for t in cfg.tiers]
    i = keys.index(tier) if tier in keys else len(keys) - 1
    return keys[i + 1] if i + 1 < len(keys) else None


def minutes(a: datetime | None, b: datetime | None) -> float | None:
    return None if a is None or b is None else (b - a).total_seconds() / 60


def summarise(rows: Iterable[Mapping[str, Any]], key: str, deadline_min: float = 30.0) -> list[dict[str, Any]]:
    """Per ``key`` (company, district, elevator): rescues, mean arrival and rescue minutes, share arrived in time."""
    groups: dict[Any, list[Mapping[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r[key], []).append(r)
    out = []
    for k, rs in groups.items():
        arrivals = [m for r in rs if (m := minutes(r["detected_at"], r["arrived_at"])) is not None]
        rescues = [m for r in rs if (m := minutes(r["detected_at"], r["released_at"])) is not None]
        out.append({"key": k, "rescues": len(rs),
                    "mean_arrival_min": sum(arrivals) / len(arrivals) if arrivals else None,
                    "mean_rescue_min": sum(rescues) / len(rescues) if rescues else None,
                    "on_time_share": sum(m <= deadline_min for m in arrivals) / len(arrivals) if arrivals else None})
    return sorted(out, key=lambda r: (-r["rescues"], str(r["key"])))


def maintenance_score(faults: int, trips: int, rescues: int) -> float:
    """按需维保 score 0–100 (higher: maintenance due sooner): faults and rescues weigh, usage adds wear."""
    return round(min(100.0, faults * 8 + rescues * 20 + trips / 500), 1)
