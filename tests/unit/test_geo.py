"""Unit tests of yingji.core.geo: GCJ-02 conversion, areas, distances, GeoJSON."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Point, Polygon, box

from yingji.core.errors import ValidationFailed
from yingji.core.geo import (
    area_km2,
    bbox,
    gcj02_to_wgs84,
    gcj02_to_wgs84_array,
    gcj02_to_wgs84_coords,
    geojson_to_geometry,
    geometry_gcj02_to_wgs84,
    geometry_to_geojson,
    geometry_wgs84_to_gcj02,
    haversine_m,
    haversine_m_array,
    out_of_china,
    transform_geometry,
    wgs84_to_gcj02,
    wgs84_to_gcj02_array,
)

GEOD = Geod(ellps="WGS84")

# Grid over Fuzhou and its surroundings (118.3–120.6°E, 25.2–26.8°N).
GRID_LON, GRID_LAT = np.meshgrid(np.linspace(118.3, 120.6, 40), np.linspace(25.2, 26.8, 40))


# --------------------------------------------------------------------------- GCJ-02


@pytest.mark.parametrize(
    ("fn", "given", "expected"),
    [
        # Published reference values (gcoord test suite), 5-decimal agreement.
        (wgs84_to_gcj02, (123.0, 45.0), (123.00607541, 45.00197815)),
        (gcj02_to_wgs84, (123.0, 45.0), (122.99395597, 44.99804071)),
    ],
)
def test_gcj02_matches_published_reference_values(fn, given, expected) -> None:
    lon, lat = fn(*given)
    assert lon == pytest.approx(expected[0], abs=5e-6)
    assert lat == pytest.approx(expected[1], abs=5e-6)


@pytest.mark.parametrize(
    "point",
    [(183.0, 45.0), (-0.1, 51.5), (2.35, 48.85), (139.7, 35.7), (100.0, 0.5), (100.0, 56.0)],
)
def test_points_outside_china_are_returned_unchanged(point: tuple[float, float]) -> None:
    assert out_of_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point


def test_points_in_china_are_shifted() -> None:
    assert not out_of_china(119.3, 26.08)
    assert wgs84_to_gcj02(119.3, 26.08) != (119.3, 26.08)


def test_round_trip_error_below_half_metre_on_fuzhou_grid() -> None:
    g_lon, g_lat = wgs84_to_gcj02_array(GRID_LON, GRID_LAT)
    w_lon, w_lat = gcj02_to_wgs84_array(g_lon, g_lat)
    assert w_lon.shape == GRID_LON.shape
    err = haversine_m_array(GRID_LON, GRID_LAT, w_lon, w_lat)
    assert err.max() < 0.5
    assert err.max() < 1e-3  # in fact the iteration converges far below a millimetre


def test_inverse_then_forward_returns_gcj_input() -> None:
    w_lon, w_lat = gcj02_to_wgs84_array(GRID_LON, GRID_LAT)
    g_lon, g_lat = wgs84_to_gcj02_array(w_lon, w_lat)
    assert haversine_m_array(GRID_LON, GRID_LAT, g_lon, g_lat).max() < 1e-3


@pytest.mark.parametrize(
    ("name", "lon", "lat"),
    [
        ("鼓楼区", 119.296, 26.074),
        ("长乐区", 119.523, 25.962),
        ("福清市", 119.384, 25.720),
        ("平潭县", 119.790, 25.500),
        ("闽清县", 118.864, 26.221),
    ],
)
def test_gcj_offset_in_fuzhou_is_about_500_to_600_m(name: str, lon: float, lat: float) -> None:
    g = wgs84_to_gcj02(lon, lat)
    assert 500.0 < haversine_m(lon, lat, *g) < 620.0, name


def test_gcj_offset_over_whole_grid_is_plausible() -> None:
    g_lon, g_lat = wgs84_to_gcj02_array(GRID_LON, GRID_LAT)
    d = haversine_m_array(GRID_LON, GRID_LAT, g_lon, g_lat)
    assert 450.0 < d.min() and d.max() < 650.0


def test_vectorised_conversion_equals_scalar() -> None:
    lons, lats = GRID_LON.ravel()[::37], GRID_LAT.ravel()[::37]
    v_lon, v_lat = wgs84_to_gcj02_array(lons, lats)
    i_lon, i_lat = gcj02_to_wgs84_array(lons, lats)
    for k, (lo, la) in enumerate(zip(lons, lats, strict=True)):
        assert (v_lon[k], v_lat[k]) == wgs84_to_gcj02(lo, la)
        assert (i_lon[k], i_lat[k]) == gcj02_to_wgs84(lo, la)


def test_vectorised_conversion_mixes_inside_and_outside_points() -> None:
    lon, lat = gcj02_to_wgs84_array([119.3, 2.35], [26.08, 48.85])
    assert lon[1] == 2.35 and lat[1] == 48.85
    assert lon[0] != 119.3


def test_transform_geometry_applies_function_to_every_vertex() -> None:
    poly = Polygon([(119.2, 26.0), (119.4, 26.0), (119.4, 26.2), (119.2, 26.0)])
    out = transform_geometry(poly, gcj02_to_wgs84_coords)
    for (x, y), (ox, oy) in zip(poly.exterior.coords, out.exterior.coords, strict=True):
        assert (ox, oy) == pytest.approx(gcj02_to_wgs84(x, y), abs=1e-12)
    back = geometry_wgs84_to_gcj02(geometry_gcj02_to_wgs84(poly))
    assert shapely.equals_exact(back, poly, tolerance=1e-9)


def test_transform_geometry_keeps_multipart_structure_and_holes() -> None:
    holed = box(119.0, 26.0, 119.2, 26.2).difference(box(119.05, 26.05, 119.1, 26.1))
    multi = MultiPolygon([holed, box(119.5, 25.5, 119.6, 25.6)])
    out = geometry_gcj02_to_wgs84(multi)
    assert out.geom_type == "MultiPolygon" and len(out.geoms) == 2
    assert len(out.geoms[0].interiors) == 1
    assert out.is_valid


# --------------------------------------------------------------------------- areas


def _geod_area_km2(geom) -> float:
    area, _ = GEOD.geometry_area_perimeter(geom)
    return abs(area) / 1e6


@pytest.mark.parametrize(
    "geom",
    [
        box(119.0, 26.0, 119.01, 26.01),  # ~1 km²
        box(119.0, 25.5, 120.0, 26.5),  # 1° x 1°
        box(118.3, 25.2, 120.6, 26.8),  # all of Fuzhou's bbox
        Point(119.3, 26.08).buffer(0.05, quad_segs=64),
        box(119.0, 26.0, 119.2, 26.2).difference(box(119.05, 26.05, 119.1, 26.1)),
        MultiPolygon([box(119.0, 26.0, 119.1, 26.1), box(119.5, 25.5, 119.6, 25.6)]),
    ],
)
def test_equal_area_matches_geodesic_area_within_half_percent(geom) -> None:
    # densify so straight edges in lon/lat and geodesic edges coincide closely
    dense = shapely.segmentize(geom, 0.01)
    assert area_km2(dense) == pytest.approx(_geod_area_km2(dense), rel=0.005)


def test_area_of_one_degree_cell_near_fuzhou() -> None:
    # 1° x 1° at ~26°N: ~111.2 km * ~100 km ≈ 11,100 km²
    assert 10_900 < area_km2(box(119.0, 25.5, 120.0, 26.5)) < 11_300


def test_area_of_empty_geometry_is_zero() -> None:
    assert area_km2(Polygon()) == 0.0


# --------------------------------------------------------------------------- distances


@pytest.mark.parametrize(
    ("a", "b", "expected_m", "tol"),
    [
        ((119.3, 26.08), (119.3, 26.08), 0.0, 1e-9),
        ((0.0, 0.0), (1.0, 0.0), 111_195.08, 0.5),
        ((119.0, 26.0), (119.0, 27.0), 111_195.08, 0.5),
        ((119.3, 26.08), (119.3 + 1 / math.cos(math.radians(26.08)), 26.08), 111_195.0, 200.0),
    ],
)
def test_haversine_distances(a, b, expected_m, tol) -> None:
    assert haversine_m(*a, *b) == pytest.approx(expected_m, abs=tol)
    assert haversine_m(*a, *b) == pytest.approx(haversine_m(*b, *a), abs=1e-9)


def test_haversine_close_to_geodesic_distance() -> None:
    _, _, geod_m = GEOD.inv(119.30, 26.08, 119.60, 25.70)
    assert haversine_m(119.30, 26.08, 119.60, 25.70) == pytest.approx(geod_m, rel=0.005)


# --------------------------------------------------------------------------- GeoJSON


def test_geometry_to_geojson_rounds_to_six_decimals_and_uses_lists() -> None:
    poly = Polygon([(119.123456789, 26.987654321), (119.2, 26.9), (119.3, 27.0000004)])
    data = geometry_to_geojson(poly)
    assert data["type"] == "Polygon"
    ring = data["coordinates"][0]
    assert isinstance(data["coordinates"], list) and isinstance(ring[0], list)
    assert ring[0] == [119.123457, 26.987654]
    assert ring[2] == [119.3, 27.0]


@pytest.mark.parametrize(
    "geom",
    [
        Point(119.3, 26.08),
        box(119.0, 26.0, 119.1, 26.1),
        MultiPolygon([box(119.0, 26.0, 119.1, 26.1), box(119.5, 25.5, 119.6, 25.6)]),
        shapely.LineString([(119.0, 26.0), (119.5, 26.5)]),
    ],
)
def test_geojson_round_trip(geom) -> None:
    back = geojson_to_geometry(geometry_to_geojson(geom))
    assert back.geom_type == geom.geom_type
    assert shapely.equals_exact(back, geom, tolerance=1e-6)


def test_geojson_to_geometry_accepts_feature() -> None:
    feature = {"type": "Feature", "properties": {}, "geometry": geometry_to_geojson(Point(1, 2))}
    assert geojson_to_geometry(feature).equals(Point(1, 2))


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "Polygon", "coordinates": "x"},
        {"type": "Nonsense", "coordinates": []},
        {"coordinates": [1, 2]},
        {"type": "Feature", "geometry": None},
        "not a dict",
    ],
)
def test_geojson_to_geometry_rejects_garbage_with_validation_error(bad) -> None:
    with pytest.raises(ValidationFailed) as info:
        geojson_to_geometry(bad)
    assert info.value.field == "geometry"


def test_bbox() -> None:
    assert bbox(box(119.0, 26.0, 119.5, 26.25)) == (119.0, 26.0, 119.5, 26.25)
