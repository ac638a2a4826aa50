"""A line chart of one metric's history as inline SVG coordinates (pure; drawn by the device page's
template like core.charts' bars): value axis with round ticks, local-time labels on the time axis,
threshold lines of the point's rules."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 860.0, 260.0, 56.0, 16.0, 14.0, 28.0


@dataclass
class LineChart:
    id: str
    title: str
    desc: str
    width: float
    height: float
    path: str
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    thresholds: list[dict[str, Any]] = field(default_factory=list)
    empty: bool = False


def _nice(lo: float, hi: float) -> tuple[float, float, float]:
    span = hi - lo or abs(hi) or 1.0
    raw = span / 4
    exp = 10 ** math.floor(math.log10(raw))
    step = next(m * exp for m in (1, 2, 5, 10) if m * exp >= raw)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def line_chart(chart_id: str, title: str, unit: str, points: Sequence[tuple[datetime, float]], tz: tzinfo,
               thresholds: Sequence[dict[str, Any]] = ()) -> LineChart:
    if not points:
        return LineChart(chart_id, title, "暂无数据", WIDTH, HEIGHT, "", empty=True)
    values = [v for _, v in points] + [float(t["value"]) for t in thresholds]
    lo, hi, step = _nice(min(values), max(values))
    t0, t1 = points[0][0].timestamp(), points[-1][0].timestamp()
    tspan = (t1 - t0) or 1.0
    pw, ph = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(ts: float) -> float:
        return LEFT + pw * (ts - t0) / tspan

    def y(v: float) -> float:
        return TOP + ph * (1 - (v - lo) / ((hi - lo) or 1.0))

    path = "M" + " L".join(f"{x(ts.timestamp()):.1f},{y(v):.1f}" for ts, v in points)
    y_ticks, v = [], lo
    while v <= hi + step / 2:
        y_ticks.append((y(v), f"{v:g}"))
        v += step
    x_ticks = [(x(t0 + tspan * k / 4), datetime.fromtimestamp(t0 + tspan * k / 4, tz).strftime("%m-%d %H:%M"))
               for k in range(5)]
    lines = [{"y": y(float(t["value"])), "label": t["label"], "level": t["level"]} for t in thresholds]
    desc = (f"{title}折线图，共 {len(points)} 个读数，最小 {min(v for _, v in points):g}{unit}，"
            f"最大 {max(v for _, v in points):g}{unit}，最新 {points[-1][1]:g}{unit}。")
    return LineChart(chart_id, title, desc, WIDTH, HEIGHT, path, y_ticks, x_ticks, lines)


def threshold_lines(rules: Sequence[dict[str, Any]], metric: str, level_labels: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for r in rules:
        if r.get("metric") == metric and r.get("kind") == "threshold":
            for lv in r.get("levels", ()):
                value = lv.get("gte", lv.get("lte"))
                if value is not None:
                    out.append({"value": value, "level": lv["level"],
                                "label": f"{level_labels.get(lv['level'], lv['level'])} {value:g}"})
    return out
