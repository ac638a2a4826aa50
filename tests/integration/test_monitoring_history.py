"""Down-sampled monitoring history on SQLite and PostgreSQL: the hourly rollup (exact buckets, whole
hours only, idempotent, late readings folded in within the look-back), retention that rolls up before
it deletes, and the history API that switches to hourly buckets beyond 48 hours."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from tests.conftest import migrated_database
from tests.integration.samples_monitoring import make_point
from yingji.core.auth import system_principal
from yingji.core.db import Database, utcnow
from yingji.monitoring.actions import purge_history, rollup_history
from yingji.monitoring.models import HourlyValue, Reading

T0 = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)  # a private database: the timeline is the test's alone
H = timedelta(hours=1)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def private(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with migrated_database(request.param, Path(tmp_path_factory.mktemp(f"hourly-{request.param}"))) as db:
        yield db


def _add(db: Database, rows: list[tuple[int, str, datetime, float]]) -> None:
    with db.session() as s:
        s.execute(insert(Reading), [{"point_id": p, "metric": m, "ts": ts, "value": v} for p, m, ts, v in rows])
        s.commit()


def _hourly(db: Database, point_id: int = 1) -> dict[datetime, tuple[int, float, float, float]]:
    with db.session() as s:
        return {h.hour: (h.n, h.vmin, h.vmax, round(h.vsum, 9)) for h in s.execute(
            select(HourlyValue).where(HourlyValue.point_id == point_id)).scalars()}


def test_rollup_buckets_whole_hours_exactly_and_again_with_late_readings(private: Database) -> None:
    _add(private, [(1, "pressure", T0 + timedelta(minutes=5), 0.5), (1, "pressure", T0 + timedelta(minutes=25), 0.7),
                   (1, "pressure", T0 + timedelta(minutes=59, seconds=59), 0.9),  # the hour's last second
                   (1, "pressure", T0 + H, 1.0),  # the next hour's first instant
                   (1, "level", T0 + timedelta(minutes=1), 60.0),
                   (1, "pressure", T0 + 3 * H + timedelta(minutes=1), 0.2),
                   (1, "pressure", T0 + 4 * H + timedelta(minutes=30), 0.4)])  # the hour still running
    system = system_principal()
    with private.session() as s:
        out = rollup_history(s, system, now=T0 + 4 * H + timedelta(minutes=40))
    assert out["hours"] == 4 and out["from_hour"] == T0.isoformat() and out["to_hour"] == (T0 + 4 * H).isoformat()
    want = {T0: (3, 0.5, 0.9, 2.1), T0 + H: (1, 1.0, 1.0, 1.0), T0 + 3 * H: (1, 0.2, 0.2, 0.2)}
    assert _hourly(private) == want  # no row for the empty hour, none for the running one
    with private.session() as s:
        level = s.get(HourlyValue, (1, "level", T0))
        assert (level.n, level.vsum) == (1, 60.0)
    # the next run (look-back 24 h) adds the completed hour and folds in a late reading of an old hour
    _add(private, [(1, "pressure", T0 + H + timedelta(minutes=10), 2.0)])
    with private.session() as s:
        rollup_history(s, system, lookback_hours=24, now=T0 + 5 * H + timedelta(minutes=1))
    assert _hourly(private) == want | {T0 + H: (2, 1.0, 2.0, 3.0), T0 + 4 * H: (1, 0.4, 0.4, 0.4)}
    # idempotent: the same run again changes nothing
    with private.session() as s:
        again = rollup_history(s, system, lookback_hours=24, now=T0 + 5 * H + timedelta(minutes=1))
    assert again["rows"] >= 4 and _hourly(private) == want | {T0 + H: (2, 1.0, 2.0, 3.0), T0 + 4 * H: (1, 0.4, 0.4, 0.4)}
    # a look-back of 1 hour does not reach back to T0+1h: a later late reading there waits for the purge
    _add(private, [(1, "pressure", T0 + H + timedelta(minutes=20), 3.0)])
    with private.session() as s:
        rollup_history(s, system, lookback_hours=1, now=T0 + 5 * H + timedelta(minutes=2))
    assert _hourly(private)[T0 + H] == (2, 1.0, 2.0, 3.0)


def test_purge_rolls_up_what_it_deletes_and_keeps_hourly_history_for_its_own_period(private: Database) -> None:
    # continues the timeline above: raw readings of T0 … T0+4h, one late reading not rolled up yet
    system = system_principal()
    now = T0 + timedelta(days=10, hours=5, minutes=30)
    with private.session() as s:
        deleted = purge_history(s, system, retention_days=10, hourly_retention_days=365, now=now)
    assert deleted == 9  # every raw reading before the whole hour ten days back
    with private.session() as s:
        assert s.scalar(select(Reading.ts).where(Reading.point_id == 1)) is None
    hourly = _hourly(private)
    assert hourly[T0 + H] == (3, 1.0, 3.0, 6.0)  # the late reading is in: computed from the raw rows first
    assert hourly[T0] == (3, 0.5, 0.9, 2.1)
    # hourly rows expire after their own (longer) retention
    with private.session() as s:
        purge_history(s, system, retention_days=10, hourly_retention_days=30, now=T0 + timedelta(days=31))
    assert _hourly(private) == {}


def test_history_api_switches_to_hourly_buckets_beyond_48_hours(client_for, database) -> None:  # type: ignore[no-untyped-def]
    pid, _ = make_point(database, "tank")
    end = utcnow().replace(minute=0, second=0, microsecond=0) - H
    old = end - timedelta(hours=60)
    # two rolled-up hours (as the rollup left them) and raw readings after them, some in one hour
    with database.session() as s:
        s.execute(insert(HourlyValue), [{"point_id": pid, "metric": "pressure", "hour": old, "n": 6, "vmin": 0.4,
                                         "vmax": 0.8, "vsum": 3.6},
                                        {"point_id": pid, "metric": "pressure", "hour": old + H, "n": 2, "vmin": 0.5,
                                         "vmax": 0.5, "vsum": 1.0}])
        s.execute(insert(Reading), [{"point_id": pid, "metric": "pressure", "ts": end + timedelta(minutes=m), "value": v}
                                    for m, v in ((1, 0.6), (11, 0.8), (21, 1.0))])
        s.commit()
    city = client_for("city_duty", "350100")
    r = city.get(f"/api/v1/monitoring/points/{pid}/history", params={"metric": "pressure", "hours": 72})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["resolution"] == "hour"
    assert [(p["value"], p["n"]) for p in body["points"]] == [(0.6, 6), (0.5, 2), (0.8, 3)]
    assert body["points"][-1]["min"] == 0.6 and body["points"][-1]["max"] == 1.0
    raw = city.get(f"/api/v1/monitoring/points/{pid}/history", params={"metric": "pressure", "hours": 24}).json()
    assert raw["resolution"] == "raw" and [p["value"] for p in raw["points"]] == [0.6, 0.8, 1.0]
    too_long = city.get(f"/api/v1/monitoring/points/{pid}/history", params={"hours": 24 * 60, "resolution": "raw"})
    assert too_long.status_code == 422 and "小时汇总" in too_long.json()["error"]["message"]
    # another county's officer sees neither the point nor its history
    other = client_for("county_officer", "350103").get(f"/api/v1/monitoring/points/{pid}/history")
    assert other.status_code == 404
    page = city.get(f"/monitoring/devices/{pid}", params={"range": "7d"})
    assert page.status_code == 200 and "近 7 天（小时均值）" in page.text
