"""Synthetic supervision demo data: scale, determinism, coverage, internal consistency."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from shapely.geometry import Point, shape

from yingji.core.errors import ValidationFailed
from yingji.hazards.lifecycle import STATES, missing_plan_fields
from yingji.risk.catalog import load_taxonomy
from yingji.risk.demo import generate
from yingji.risk.grading import lec, ls, unit_level

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=timezone(timedelta(hours=8)))


def _square(x: float, y: float, size: float) -> dict:
    return {"type": "Polygon",
            "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def _townships() -> list[dict]:
    towns = []
    for i in range(6):
        for j in range(5):
            size = 0.04 if (i + j) % 3 else 0.08
            towns.append({
                "code": f"3501{i:02d}{j:03d}",
                "name": f"测试{i}{j}街道" if j % 2 else f"测试{i}{j}镇",
                "county_code": f"3501{i:02d}",
                "geometry": _square(119.0 + i * 0.1, 25.8 + j * 0.1, size),
            })
    # one MultiPolygon township
    towns.append({"code": "350199001", "name": "双岛乡", "county_code": "350199",
                  "geometry": {"type": "MultiPolygon", "coordinates": [_square(120.0, 26.0, 0.02)["coordinates"],
                                                                       _square(120.1, 26.0, 0.02)["coordinates"]]}})
    return towns


@pytest.fixture(scope="module")
def demo():
    return generate(_townships(), now=NOW)


def test_counts_at_plan_scale(demo):
    assert len(demo.units) == 3000
    assert len(demo.sources) == 8860
    assert len(demo.hazards) == 3000


def test_same_seed_same_data_other_seed_other_data(demo):
    small = dict(n_units=200, n_sources=500, n_hazards=200)
    a = generate(_townships(), now=NOW, **small)
    b = generate(_townships(), now=NOW, **small)
    c = generate(_townships(), now=NOW, seed=1, **small)
    assert a.units == b.units and a.sources == b.sources and a.hazards == b.hazards
    assert a.units != c.units


def test_all_42_subclasses_and_3_classes_present(demo):
    tax = load_taxonomy()
    assert {s["subclass_code"] for s in demo.sources} == {s.code for s in tax.subclasses}
    assert {s["class_code"] for s in demo.sources} == {"A", "B", "C"}


def test_every_record_is_flagged_synthetic(demo):
    for rec in [*demo.units, *demo.sources, *demo.hazards]:
        assert rec["synthetic"] is True
    for u in demo.units:
        assert "SYN" in u["code"] and len(u["code"]) == 18
        for person in u["responsible_persons"]:
            assert person["phone"].startswith("1380000") and len(person["phone"]) == 11


def test_units_lie_inside_their_township(demo):
    # coordinates are rounded to 6 decimals (~0.1 m): allow that much
    geoms = {t["code"]: shape(t["geometry"]).buffer(1e-6) for t in _townships()}
    for u in demo.units:
        x, y = u["location"]["coordinates"]
        assert geoms[u["township_code"]].covers(Point(x, y)), u["id"]


def test_sources_lie_near_their_unit_and_inside_its_township(demo):
    # coordinates are rounded to 6 decimals (~0.1 m): allow that much
    geoms = {t["code"]: shape(t["geometry"]).buffer(1e-6) for t in _townships()}
    for s in demo.sources:
        unit = demo.units[s["unit_index"]]
        ux, uy = unit["location"]["coordinates"]
        x, y = s["location"]["coordinates"]
        assert abs(x - ux) < 0.02 and abs(y - uy) < 0.02
        assert geoms[unit["township_code"]].covers(Point(x, y))


def test_source_owner_industry_matches_the_subclass(demo):
    tax = load_taxonomy()
    for s in demo.sources:
        assert demo.units[s["unit_index"]]["industry"] in tax.subclass(s["subclass_code"]).industries


def test_levels_are_computed_with_the_grading_functions(demo):
    for s in demo.sources:
        f = s["factors"]
        res = lec(f["l"], f["e"], f["c"]) if s["method"] == "lec" else ls(f["l"], f["s"])
        assert res.level == s["level"]


def test_level_distribution_is_plausible(demo):
    counts = Counter(s["level"] for s in demo.sources)
    n = len(demo.sources)
    assert 0 < counts["major"] < counts["significant"] < counts["general"]
    assert counts["major"] / n < 0.06
    assert (counts["general"] + counts["low"]) / n > 0.7


def test_unit_level_is_the_highest_of_its_sources(demo):
    by_unit: dict[int, list[str]] = {}
    for s in demo.sources:
        by_unit.setdefault(s["unit_index"], []).append(s["level"])
    for u in demo.units:
        assert u["risk_level"] == unit_level(by_unit.get(u["index"], []))


def test_hazards_cover_every_state_with_about_five_percent_major(demo):
    assert {h["state"] for h in demo.hazards} == set(STATES)
    share = sum(h["tier"] == "major" for h in demo.hazards) / len(demo.hazards)
    assert 0.03 < share < 0.08


def test_deadlines_fall_either_side_of_now_and_some_are_overdue(demo):
    deadlines = [h["deadline"] for h in demo.hazards if h["deadline"] is not None]
    assert any(d < NOW for d in deadlines) and any(d > NOW for d in deadlines)
    overdue = [h for h in demo.hazards if h["overdue"]]
    assert overdue
    assert all(h["state"] in ("reported", "confirmed", "rectifying") and h["deadline"] < NOW for h in overdue)
    assert any(h["supervision_level"] == "county" for h in demo.hazards)


def test_major_hazards_have_a_complete_plan_from_rectification_on(demo):
    for h in demo.hazards:
        if h["tier"] == "major" and h["state"] in ("rectifying", "submitted", "accepted", "closed"):
            assert missing_plan_fields(h["plan"]) == [], h["id"]


def test_hazard_histories_are_legal_and_chronological(demo):
    for h in demo.hazards:
        hist = h["history"]
        assert hist[0]["to"] == "reported"
        assert hist[-1]["to"] == h["state"]
        assert all(a["to"] == b["from"] for a, b in zip(hist, hist[1:]))
        times = [e["at"] for e in hist]
        assert times == sorted(times)
        assert times[-1] <= NOW
        assert all(t.tzinfo is not None for t in times)


def test_bad_input():
    with pytest.raises(ValidationFailed) as exc:
        generate([], now=NOW)
    assert exc.value.field == "townships"
    with pytest.raises(ValidationFailed) as exc:
        generate(_townships(), now=datetime(2026, 11, 28))
    assert exc.value.field == "now"
    bad = _townships()[:1]
    bad[0]["geometry"] = {"type": "Point", "coordinates": [119.0, 26.0]}
    with pytest.raises(ValidationFailed) as exc:
        generate(bad, now=NOW)
    assert exc.value.field == "townships[0].geometry"
