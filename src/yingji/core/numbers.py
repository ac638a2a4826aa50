"""Numbers for people (pure): 1,000 · 10 万 · 10 亿 — how Chinese officials read counts and amounts."""

from __future__ import annotations

import math
from decimal import Decimal

WAN = 10_000
YI = 100_000_000


def _plain(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def human_number(value: float | Decimal | str | None) -> str:
    """``1000000000.0`` → ``10 亿``; ``50000`` → ``5 万``; ``1234.5`` → ``1,234.5``; ``None`` → ``—``.

    Round multiples of 万 / 亿 are written with the unit (a limit such as “不能大于 10 亿” reads at a
    glance); any other number with thousands separators, never in scientific notation.
    """
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return str(value)
    magnitude = abs(number)
    for unit, name in ((YI, "亿"), (WAN, "万")):
        if magnitude >= unit and (magnitude / unit * 100).is_integer():
            return f"{_plain(number / unit)} {name}"
    return _plain(number)
