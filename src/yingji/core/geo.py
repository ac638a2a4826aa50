"""Pure geometry helpers: GCJ-02 <-> WGS84, equal-area areas, GeoJSON round trips.

Everything here takes and returns plain values or shapely geometries; no ORM, no web.
Storage datum of the platform is WGS84 (lon, lat); GCJ-02 (the "Mars" datum of
AMap/Tencent maps) is converted explicitly at the boundary with these functions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from yingji.core.errors import ValidationFailed

__all__ = [
    "ALBERS_CHINA",
    "CoordFn",
    "area_km2",
    "bbox",
    "gcj02_to_wgs84",
    "gcj02_to_wgs84_array",
    "gcj02_to_wgs84_coords",
    "geojson_to_geometry",
    "geometry_gcj02_to_wgs84",
    "geometry_to_geojson",
    "geometry_wgs84_to_gcj02",
    "haversine_m",
    "haversine_m_array",
    "out_of_china",
    "round_geometry",
    "transform_geometry",
    "wgs84_to_gcj02",
    "wgs84_to_gcj02_array",
    "wgs84_to_gcj02_coords",
]

#: Albers equal-area conic for China; areas computed in it are exact on the ellipsoid.
ALBERS_CHINA = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m +no_defs"

# Constants of the published GCJ-02 obfuscation (Krasovsky 1940 ellipsoid parameters).
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323
# The conventional "inside China" box (outside it GCJ-02 == WGS84 by definition).
_CHINA_MIN_LON, _CHINA_MAX_LON = 72.004, 137.8347
_CHINA_MIN_LAT, _CHINA_MAX_LAT = 0.8293, 55.8271
# Inverse iteration: stop when the step is below ~1e-6 m.
_INV_TOL_DEG = 1e-11
_INV_MAX_ITER = 30

EARTH_MEAN_RADIUS_M = 6371008.8

#: A coordinate function as used by :func:`transform_geometry`: (N, 2) array -> (N, 2) array.
CoordFn = Callable[[NDArray[np.float64]], NDArray[np.float64]]


# --------------------------------------------------------------------------- GCJ-02


def _gcj_delta(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> tuple[
    NDArray[np.float64], NDArray[np.float64]
]:
    """GCJ-02 offset (dlon, dlat) in degrees for WGS84 positions (vectorised)."""
    x = lon - 105.0
    y = lat - 35.0
    pi = math.pi
    common = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    sqrt_abs_x = np.sqrt(np.abs(x))

    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
    dlat = dlat + common
    dlat = dlat + (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat = dlat + (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0

    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
    dlon = dlon + common
    dlon = dlon + (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon = dlon + (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0

    radlat = lat / 180.0 * pi
    magic = 1.0 - _GCJ_EE * np.sin(radlat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrt_magic) * pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrt_magic * np.cos(radlat) * pi)
    return dlon, dlat


def _out_of_china_mask(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.bool_]:
    return (
        (lon < _CHINA_MIN_LON)
        | (lon > _CHINA_MAX_LON)
        | (lat < _CHINA_MIN_LAT)
        | (lat > _CHINA_MAX_LAT)
        | ~np.isfinite(lon)
        | ~np.isfinite(lat)
    )


def out_of_china(lon: float, lat: float) -> bool:
    """True when (lon, lat) lies outside the box where GCJ-02 differs from WGS84."""
    return bool(_out_of_china_mask(np.asarray([lon], float), np.asarray([lat], float))[0])


def wgs84_to_gcj02_array(
    lon: ArrayLike, lat: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Vectorised WGS84 -> GCJ-02; points outside China are returned unchanged."""
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    lon_a, lat_a = np.broadcast_arrays(lon_a, lat_a)
    outside = _out_of_china_mask(lon_a, lat_a)
    with np.errstate(invalid="ignore"):
        dlon, dlat = _gcj_delta(lon_a, lat_a)
    out_lon = np.where(outside, lon_a, lon_a + dlon)
    out_lat = np.where(outside, lat_a, lat_a + dlat)
    return out_lon, out_lat


def gcj02_to_wgs84_array(
    lon: ArrayLike, lat: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Vectorised GCJ-02 -> WGS84 by fixed-point iteration of the forward transform.

    The forward map is close to a translation (Jacobian ~ identity), so
    ``w <- w - (f(w) - g)`` converges to ~1e-11 degrees in a handful of steps.
    Points outside China (judged on the GCJ-02 input) are returned unchanged.
    """
    g_lon = np.asarray(lon, dtype=np.float64)
    g_lat = np.asarray(lat, dtype=np.float64)
    g_lon, g_lat = np.broadcast_arrays(g_lon, g_lat)
    shape_ = g_lon.shape
    g_lon, g_lat = g_lon.ravel(), g_lat.ravel()
    outside = _out_of_china_mask(g_lon, g_lat)
    w_lon = g_lon.astype(np.float64, copy=True)
    w_lat = g_lat.astype(np.float64, copy=True)
    active = ~outside
    with np.errstate(invalid="ignore"):
        for _ in range(_INV_MAX_ITER):
            if not active.any():
                break
            dlon, dlat = _gcj_delta(w_lon[active], w_lat[active])
            err_lon = w_lon[active] + dlon - g_lon[active]
            err_lat = w_lat[active] + dlat - g_lat[active]
            w_lon[active] -= err_lon
            w_lat[active] -= err_lat
            done = (np.abs(err_lon) < _INV_TOL_DEG) & (np.abs(err_lat) < _INV_TOL_DEG)
            idx = np.flatnonzero(active)
            active[idx[done]] = False
    return w_lon.reshape(shape_), w_lat.reshape(shape_)


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 (lon, lat) -> GCJ-02 (lon, lat); unchanged outside China."""
    x, y = wgs84_to_gcj02_array([lon], [lat])
    return float(x[0]), float(y[0])


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 (lon, lat) -> WGS84 (lon, lat), error well below 1 mm; unchanged outside China."""
    x, y = gcj02_to_wgs84_array([lon], [lat])
    return float(x[0]), float(y[0])


def wgs84_to_gcj02_coords(coords: NDArray[np.float64]) -> NDArray[np.float64]:
    """(N, 2) lon/lat array WGS84 -> GCJ-02 (usable with :func:`transform_geometry`)."""
    c = np.asarray(coords, dtype=np.float64)
    x, y = wgs84_to_gcj02_array(c[:, 0], c[:, 1])
    return np.column_stack([x, y]) if len(c) else c.reshape(0, 2)


def gcj02_to_wgs84_coords(coords: NDArray[np.float64]) -> NDArray[np.float64]:
    """(N, 2) lon/lat array GCJ-02 -> WGS84 (usable with :func:`transform_geometry`)."""
    c = np.asarray(coords, dtype=np.float64)
    x, y = gcj02_to_wgs84_array(c[:, 0], c[:, 1])
    return np.column_stack([x, y]) if len(c) else c.reshape(0, 2)


def transform_geometry(geom: BaseGeometry, fn: CoordFn) -> BaseGeometry:
    """Apply a coordinate function ((N, 2) -> (N, 2), x=lon, y=lat) to every vertex."""
    return shapely.transform(geom, fn)


def geometry_gcj02_to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """Shapely geometry in GCJ-02 -> WGS84."""
    return transform_geometry(geom, gcj02_to_wgs84_coords)


def geometry_wgs84_to_gcj02(geom: BaseGeometry) -> BaseGeometry:
    """Shapely geometry in WGS84 -> GCJ-02 (e.g. to overlay on an AMap base map)."""
    return transform_geometry(geom, wgs84_to_gcj02_coords)


# --------------------------------------------------------------------------- measures


@lru_cache(maxsize=1)
def _albers_transformer() -> Transformer:
    return Transformer.from_crs("EPSG:4326", ALBERS_CHINA, always_xy=True)


def _to_albers(coords: NDArray[np.float64]) -> NDArray[np.float64]:
    if len(coords) == 0:
        return coords
    x, y = _albers_transformer().transform(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


def area_km2(geom_wgs84: BaseGeometry) -> float:
    """Area in km² of a WGS84 (lon, lat) geometry, in the Albers equal-area projection."""
    if geom_wgs84.is_empty:
        return 0.0
    return float(shapely.transform(geom_wgs84, _to_albers).area) / 1e6


def haversine_m_array(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> NDArray[np.float64]:
    """Vectorised great-circle distance in metres (mean Earth radius)."""
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    h = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    return 2.0 * EARTH_MEAN_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    return float(haversine_m_array(lon1, lat1, lon2, lat2))


def bbox(geom: BaseGeometry) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) of a geometry."""
    minx, miny, maxx, maxy = geom.bounds
    return float(minx), float(miny), float(maxx), float(maxy)


# --------------------------------------------------------------------------- GeoJSON


def round_geometry(geom: BaseGeometry, ndigits: int = 6) -> BaseGeometry:
    """Copy of ``geom`` with every coordinate rounded to ``ndigits`` decimals."""
    return shapely.transform(geom, lambda c: np.round(c, ndigits))


def geometry_to_geojson(geom: BaseGeometry, ndigits: int = 6) -> dict[str, Any]:
    """Shapely geometry -> GeoJSON geometry dict (lists, coordinates rounded to 6 decimals).

    The dict holds exactly the coordinates of ``round_geometry(geom, ndigits)``.
    """
    return json.loads(shapely.to_geojson(round_geometry(geom, ndigits)))


_GEOJSON_TYPES = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"}
)


def geojson_to_geometry(data: dict[str, Any]) -> BaseGeometry:
    """GeoJSON geometry (or Feature) dict -> shapely geometry.

    Raises :class:`ValidationFailed` (field ``geometry``) when it cannot be parsed.
    """
    if not isinstance(data, dict):
        raise ValidationFailed("几何图形必须是 GeoJSON 对象", field="geometry")
    if data.get("type") == "Feature":
        data = data.get("geometry")  # type: ignore[assignment]
        if not isinstance(data, dict):
            raise ValidationFailed("GeoJSON 要素缺少几何图形", field="geometry")
    if data.get("type") not in _GEOJSON_TYPES:
        raise ValidationFailed(f"不支持的几何类型：{data.get('type')!r}", field="geometry")
    try:
        geom = shapely.from_geojson(json.dumps(data))
    except Exception as exc:  # GEOSException, TypeError/ValueError from json.dumps
        raise ValidationFailed(f"几何图形无法解析：{exc}", field="geometry") from exc
    return geom
