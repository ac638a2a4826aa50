"""Grid targeting against the obvious per-point shapely answer (polygons, circles, divisions, unions)."""

from __future__ import annotations

import numpy as np
import pytest

from yingji.broadcast.targeting import (
    AreaError,
    RecipientIndex,
    Recipients,
    check_area,
    code_range,
    reference_resolve,
    significant,
)


def _recipients(n: int = 6000, seed: int = 7) -> tuple[Recipients, list[tuple[float, float, str]]]:
    rng = np.random.default_rng(seed)
    lon = rng.uniform(119.0, 119.6, n)
    lat = rng.uniform(25.8, 26.3, n)
    codes = [f"3501{rng.integers(2, 4):02d}{rng.integers(1, 6):03d}{rng.integers(0, 20):03d}" for _ in range(n)]
    kinds = ["terminal", "sms", "app", "official"]
    rows = [(i + 100, float(lon[i]), float(lat[i]), codes[i], kinds[i % 4], 1 + i % 3) for i in range(n)]
    return Recipients.from_rows(rows), [(r[1], r[2], r[3]) for r in rows]


STAR = [[119.30, 26.00], [119.35, 26.12], [119.40, 26.00], [119.52, 26.05], [119.42, 25.95], [119.48, 25.85],
        [119.35, 25.92], [119.22, 25.85], [119.28, 25.96], [119.15, 26.04], [119.30, 26.00]]

CASES = [
    ("star polygon", {"polygons": [STAR]}),
    ("unclosed triangle", {"polygons": [[[119.1, 25.9], [119.5, 25.9], [119.3, 26.2]]]}),
    ("circle", {"circles": [{"lon": 119.3, "lat": 26.05, "radius_m": 12000}]}),
    ("county", {"divisions": ["350102"]}),
    ("township", {"divisions": ["350103004"]}),
    ("village", {"divisions": ["350103004011"]}),
    ("city code with zeros", {"divisions": ["350100"]}),
    ("union", {"divisions": ["350102003"], "polygons": [STAR], "circles": [{"lon": 119.1, "lat": 26.2,
                                                                             "radius_m": 5000}]}),
    ("outside everything", {"polygons": [[[100, 10], [101, 10], [101, 11]]]}),
]


@pytest.mark.parametrize(("name", "area"), CASES, ids=[c[0] for c in CASES])
def test_grid_targeting_matches_the_per_point_reference(name: str, area: dict) -> None:
    rec, points = _recipients()
    index = RecipientIndex(rec, cell_deg=0.01)
    got = set(index.resolve(area).tolist())
    assert got == reference_resolve(points, area)


@pytest.mark.parametrize("cell", [0.003, 0.05, 1.0])
def test_cell_size_does_not_change_the_answer(cell: float) -> None:
    rec, points = _recipients(3000, seed=3)
    area = {"polygons": [STAR]}
    assert set(RecipientIndex(rec, cell_deg=cell).resolve(area).tolist()) == reference_resolve(points, area)


def test_summary_counts_kinds_and_population() -> None:
    rows = [(1, 119.3, 26.0, "350102001001", "terminal", 900), (2, 119.3, 26.0, "350102001001", "sms", 50),
            (3, 119.9, 26.9, "350103001001", "app", 50)]
    index = RecipientIndex(Recipients.from_rows(rows))
    out = index.summary(index.resolve({"divisions": ["350102"]}))
    assert out == {"by_kind": {"terminal": 1, "sms": 1, "app": 0, "official": 0}, "recipients": 2, "population": 950}


def test_empty_registry() -> None:
    index = RecipientIndex(Recipients.from_rows([]))
    assert index.resolve({"polygons": [STAR], "divisions": ["350102"]}).size == 0


@pytest.mark.parametrize(("code", "sig", "rng"), [
    ("350100", "3501", (350100000000, 350200000000)),
    ("350102", "350102", (350102000000, 350103000000)),
    ("350102000", "350102", (350102000000, 350103000000)),
    ("350102001", "350102001", (350102001000, 350102002000)),
    ("350102001000", "350102001", (350102001000, 350102002000)),
    ("350102001204", "350102001204", (350102001204, 350102001205)),
])
def test_division_codes(code: str, sig: str, rng: tuple[int, int]) -> None:
    assert significant(code) == sig
    assert code_range(sig) == rng


@pytest.mark.parametrize(("area", "field"), [
    ({}, "area"),
    ({"divisions": ["35x"]}, "area.divisions"),
    ({"polygons": [[[119, 26], [119, 26], [119.1, 26]]]}, "area.polygons"),
    ({"polygons": [[[119, 96], [119.1, 26], [119.2, 26.1]]]}, "area.polygons"),
    ({"circles": [{"lon": 119, "lat": 26}]}, "area.circles"),
    ({"circles": [{"lon": 119, "lat": 26, "radius_m": 0}]}, "area.circles"),
])
def test_bad_areas_are_named(area: dict, field: str) -> None:
    with pytest.raises(AreaError) as err:
        check_area(area)
    assert err.value.field == field
