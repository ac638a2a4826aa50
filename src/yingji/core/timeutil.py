"""One time zone for the whole platform: store UTC, show and reason in ``Settings.timezone``.

Every "local" calendar notion — a quarter, a year in a notice number, a date printed in an
export, "today" on a duty board — goes through these helpers, never through a hard-coded
``UTC+8``. The default zone is Asia/Shanghai (China has had no daylight saving since 1991).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["local_tz", "to_local", "local_now", "local_date", "local_midnight", "fmt_local", "parse_aware"]


@lru_cache(maxsize=8)
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        if name in ("Asia/Shanghai", "Asia/Chongqing", "PRC"):
            return timezone(timedelta(hours=8), "CST")  # no tz database on the host
        raise ValueError(f"unknown time zone {name!r} (YINGJI_TIMEZONE)") from None


def local_tz() -> tzinfo:
    """The platform's time zone (``YINGJI_TIMEZONE``, default Asia/Shanghai)."""
    from yingji.config import get_settings

    return _zone(get_settings().timezone)


def to_local(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime refused: use timezone-aware datetimes")
    return value.astimezone(local_tz())


def local_now() -> datetime:
    return datetime.now(UTC).astimezone(local_tz())


def local_date(value: datetime) -> date:
    return to_local(value).date()


def local_midnight(day: date) -> datetime:
    """00:00 local time of ``day``, as an aware UTC datetime."""
    return datetime.combine(day, time(0), tzinfo=local_tz()).astimezone(UTC)


def fmt_local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An aware datetime as local wall time; ``""`` for None."""
    if value is None:
        return ""
    if value.tzinfo is None:  # stored values are UTC; tolerate a naive one from an old row
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(local_tz()).strftime(fmt)
    except (OverflowError, ValueError):  # year 1 or 9999 stored by an old version: show it, don't fail
        return value.strftime(fmt) + " UTC"


def parse_aware(text: str) -> datetime:
    """ISO 8601 with an offset; a value without one is taken as local time."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_tz())
    return value
