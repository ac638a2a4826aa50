"""The platform's one chart approach: layout of inline SVG charts drawn by ``web/templates/_charts.html``.

Pure: data in, geometry out; no JavaScript chart library, no canvas — the page prints, works
without scripts and is readable by screen readers (each chart carries a ``<desc>``). Two chart kinds, both horizontal (Chinese category names read best on the left):

* :func:`stacked_bars` — one bar per row, split into the four levels plus 未评估, highest level first;
  every segment wide enough carries its text (“重大 12” or “12”), every segment has a tooltip
  (“鼓楼区 · 红 · 重大风险：12”), and the total is written at the end of the bar;
* :func:`bars` — one bar per row with its value (and an optional note) written after it.

Colour never carries meaning alone: the legend names each colour, segment text names the level,
and the ``<desc>`` of each chart spells out every value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

UNASSESSED_LABEL = "未评估"
FONT = 12.0  # px in viewBox units
BAR = 22.0
GAP = 10.0
TOP = 26.0  # room for the axis tick labels
WIDTH = 860.0


@dataclass(frozen=True, slots=True)
class Series:
    """One stacked component: its key in ``counts``, short and full label, fill colour, text colour."""

    key: str
    short: str
    full: str
    hex: str
    dark_text: bool  # dark text on light fills (orange, yellow, grey); white on dark ones


def text_width(text: str, size: float = FONT) -> float:
    """Approximate rendered width: CJK and full-width characters 1 em, others ~0.6 em."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)


def thousands(n: float) -> str:
    return f"{n:,.0f}"


def nice_step(value: float) -> float:
    """The smallest 1/2/5 × 10ⁿ that is ≥ value, never below 1 (counts are whole numbers)."""
    if value <= 1:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    return float(next(m * exp for m in (1, 2, 5, 10) if m * exp >= value))


@dataclass
class Segment:
    key: str
    x: float
    w: float
    value: int
    title: str
    text: str  # "" when the segment is too narrow for its number
    text_x: float
    dark_text: bool
    hex: str


@dataclass
class Row:
    label: str
    y: float
    total: int
    total_text: str
    total_x: float
    segments: list[Segment] = field(default_factory=list)
    bar_w: float = 0.0


@dataclass
class Chart:
    id: str
    title: str
    desc: str
    width: float
    height: float
    plot_x: float  # left edge of the bars
    plot_w: float
    ticks: list[tuple[float, str]]
    rows: list[Row]
    bar: float = BAR
    font: float = FONT
    legend: list[dict[str, Any]] = field(default_factory=list)


def _axis(max_value: float, plot_x: float, plot_w: float) -> tuple[float, list[tuple[float, str]]]:
    """Scale maximum and tick marks: about four round steps (0, 500, 1,000, …)."""
    step = nice_step(max_value / 4)
    n = max(1, math.ceil(max_value / step))
    top = step * n
    return top, [(plot_x + plot_w * k / n, thousands(step * k)) for k in range(n + 1)]


def _label_width(labels: Iterable[str]) -> float:
    return min(max((text_width(lb) for lb in labels), default=40.0) + 12.0, 190.0)


def _clip(label: str, width: float) -> str:
    if text_width(label) <= width - 12:
        return label
    while label and text_width(label + "…") > width - 12:
        label = label[:-1]
    return label + "…"


def stacked_bars(chart_id: str, title: str, rows: Sequence[dict[str, Any]], series: Sequence[Series], *,
                 note_key: str | None = None, note_label: str = "", width: float = WIDTH,
                 empty_text: str = "无数据") -> Chart:
    """Rows are ``{"name", "counts": {series key: n}, "total"}``; series in stacking order, left first."""
    keys = [(s.key, s.short, s.full, s.dark_text, s.hex) for s in series]
    label_w = _label_width(r["name"] for r in rows)
    widest = thousands(max((r["total"] for r in rows), default=0))
    total_room = text_width(f"合计 {widest}" + (f"（{note_label} {widest}）" if note_key else "")) + 10
    plot_x, plot_w = label_w, width - label_w - total_room
    top, ticks = _axis(max((r["total"] for r in rows), default=0), plot_x, plot_w)
    out: list[Row] = []
    descs: list[str] = []
    for i, r in enumerate(rows):
        y = TOP + i * (BAR + GAP)
        x = plot_x
        segs: list[Segment] = []
        parts: list[str] = []
        for key, short, full, dark, hex_ in keys:
            n = int(r["counts"].get(key, 0) or 0)
            if not n:
                continue
            w = plot_w * n / top
            long_text, short_text = f"{short} {thousands(n)}", thousands(n)
            text = long_text if text_width(long_text) + 8 <= w else short_text if text_width(short_text) + 6 <= w else ""
            segs.append(Segment(key=key, x=x, w=w, value=n, title=f"{r['name']} · {full}：{thousands(n)}",
                                text=text, text_x=x + w / 2, dark_text=dark, hex=hex_))
            parts.append(f"{full} {thousands(n)}")
            x += w
        total_text = f"合计 {thousands(r['total'])}"
        if note_key:  # the highest level is usually a sliver: always write its count out
            total_text += f"（{note_label} {thousands(int(r['counts'].get(note_key, 0) or 0))}）"
        out.append(Row(label=_clip(r["name"], label_w), y=y, total=int(r["total"]), total_text=total_text,
                       total_x=x + 6, segments=segs, bar_w=x - plot_x))
        descs.append(f"{r['name']}：{'，'.join(parts) or empty_text}，合计 {thousands(r['total'])}")
    order = "、".join(full.replace(" · ", "·") for _, _, full, _, _ in keys)
    desc = f"堆叠横向条形图，每行从左到右依次为{order}。" + "；".join(descs) + "。"
    legend = [{"key": k, "text": full, "hex": hex_} for k, _, full, _, hex_ in keys]
    return Chart(id=chart_id, title=title, desc=desc, width=width, height=TOP + len(rows) * (BAR + GAP) + 4,
                 plot_x=plot_x, plot_w=plot_w, ticks=ticks, rows=out, legend=legend)


def bars(chart_id: str, title: str, rows: Sequence[dict[str, Any]], *, note_key: str | None = None,
         note_label: str = "", sort: bool = True, width: float = WIDTH, what: str = "数量") -> Chart:
    """Plain bars of ``total`` per row; ``note_key`` adds e.g. “其中重大 12” from ``counts[note_key]``."""
    items = sorted(rows, key=lambda r: (-r["total"], r["name"])) if sort else list(rows)
    label_w = _label_width(r["name"] for r in items)

    def value_text(r: dict[str, Any]) -> str:
        text = thousands(r["total"])
        if note_key:
            text += f"（{note_label} {thousands(r['counts'].get(note_key, 0) or 0)}）"
        return text

    room = max((text_width(value_text(r)) for r in items), default=40.0) + 10
    plot_x, plot_w = label_w, width - label_w - room
    top, ticks = _axis(max((r["total"] for r in items), default=0), plot_x, plot_w)
    out: list[Row] = []
    for i, r in enumerate(items):
        y = TOP + i * (BAR + GAP)
        w = plot_w * r["total"] / top
        out.append(Row(label=_clip(r["name"], label_w), y=y, total=int(r["total"]), total_text=value_text(r),
                       total_x=plot_x + w + 6, bar_w=w))
    desc = f"横向条形图，按{what}从多到少排列。" + "；".join(f"{r['name']}：{value_text(r)}" for r in items) + "。"
    return Chart(id=chart_id, title=title, desc=desc, width=width, height=TOP + len(items) * (BAR + GAP) + 4,
                 plot_x=plot_x, plot_w=plot_w, ticks=ticks, rows=out)
