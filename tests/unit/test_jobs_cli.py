"""The scheduled jobs' shared ``--now`` option: aware ISO 8601 or a clear Chinese error (exit 2)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import typer
from rich.console import Console

from yingji.core.jobs import parse_now


def test_now_defaults_to_the_present_and_keeps_the_offset_given() -> None:
    console = Console(file=io.StringIO())
    assert abs(parse_now(None, console) - datetime.now(UTC)) < timedelta(minutes=1)
    assert parse_now("2026-12-01T08:00:00+08:00", console).utcoffset() == timedelta(hours=8)
    assert parse_now("2026-12-01T08:00:00+08:00", console) == datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(("value", "message"), [("昨天", "ISO 8601"), ("2026-12-01T08:00:00", "必须带时区")])
def test_bad_now_is_refused_in_chinese(value: str, message: str) -> None:
    out = io.StringIO()
    with pytest.raises(typer.Exit) as exc:
        parse_now(value, Console(file=out))
    assert exc.value.exit_code == 2 and message in out.getvalue()
