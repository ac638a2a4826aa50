"""Pure helpers of the down-sampled history (no ORM): UTC hour buckets and hourly aggregates."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

HOUR = timedelta(hours=1)


def floor_hour(ts: datetime) -> datetime:
    """The UTC hour that holds ``ts`` (an aware datetime)."""
    return ts.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def hours(start: datetime, end: datetime) -> Iterator[datetime]:
    """The UTC hours from the one holding ``start`` up to, not including, the one holding ``end``."""
    h, stop = floor_hour(start), floor_hour(end)
    while h < stop:
        yield h
        h += HOUR


@dataclass
class Bucket:
    hour: datetime
    n: int
    vmin: float
    vmax: float
    vsum: float

    @property
    def mean(self) -> float:
        return self.vsum / self.n

    def as_point(self) -> dict[str, object]:
        return {"ts": self.hour.isoformat(), "value": round(self.mean, 6), "min": self.vmin, "max": self.vmax,
                "n": self.n}


def aggregate(readings: Iterable[tuple[datetime, float]]) -> list[Bucket]:
    """Hourly buckets of (ts, value) readings of one series, in time order."""
    out: dict[datetime, Bucket] = {}
    for ts, v in readings:
        h = floor_hour(ts)
        b = out.get(h)
        if b is None:
            out[h] = Bucket(h, 1, v, v, v)
        else:
            b.n += 1
            b.vmin, b.vmax, b.vsum = min(b.vmin, v), max(b.vmax, v), b.vsum + v
    return [out[h] for h in sorted(out)]
