"""Who lies inside a target area — fast enough for a city of 8.3 million (pure: numpy + shapely).

The recipients are held as arrays sorted by a regular lon/lat grid cell (``cell_deg``, ~1 km).
A polygon is answered cell by cell: the grid cells overlapping its bounding box are classified
against the (prepared) polygon in one vectorised call — cells inside take all their points without
a test, cells outside none, and only the points of the boundary cells are tested with
``shapely.contains_xy``. Circles test the candidates of their bounding cells by haversine distance.
Divisions are answered by code range: a prefix ``350102001`` is the range ``350102001000 ..
350102001999`` of 12-digit codes, found by binary search in the code-sorted order.

An area is ``{"divisions": [codes], "polygons": [[[lon, lat], …]], "circles": [{"lon", "lat",
"radius_m"}]}`` (WGS84); its recipients are the union of all parts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

EARTH_RADIUS_M = 6_371_008.8
KINDS = ("terminal", "sms", "app", "official")
KIND_LABELS = {"terminal": "应急广播终端", "sms": "短信用户", "app": "APP 用户", "official": "责任人"}


class AreaError(ValueError):
    """An area that cannot be targeted (in Chinese, naming the part)."""

    def __init__(self, message: str, field: str = "area") -> None:
        super().__init__(message)
        self.field = field


def code_number(code: str) -> int:
    """A division code as a 12-digit number (right-padded with zeros)."""
    return int(code.ljust(12, "0")[:12])


def code_range(prefix: str) -> tuple[int, int]:
    """The 12-digit numbers ``[lo, hi)`` of every code below ``prefix`` (its significant digits)."""
    scale = 10 ** (12 - len(prefix))
    return int(prefix) * scale, (int(prefix) + 1) * scale


def significant(code: str) -> str:
    """``350100`` → ``3501``; ``350102000`` → ``350102``; villages keep 12 digits."""
    code = code.strip()
    if len(code) == 12 and code.endswith("000"):
        code = code[:9]
    if len(code) == 9 and code.endswith("000"):
        code = code[:6]
    if len(code) == 6 and code.endswith("00"):
        code = code[:4]
    return code


def area_polygons(area: Mapping[str, Any]) -> list[BaseGeometry]:
    """The polygons of an area as shapely geometries (closed, valid; ≥ 3 distinct points)."""
    out: list[BaseGeometry] = []
    for i, ring in enumerate(area.get("polygons") or []):
        try:
            pts = [(float(p[0]), float(p[1])) for p in ring]
        except (TypeError, ValueError, IndexError):
            raise AreaError(f"第 {i + 1} 个多边形的坐标格式不正确（应为 [经度, 纬度]）", "area.polygons") from None
        if len(set(pts)) < 3:
            raise AreaError(f"第 {i + 1} 个多边形至少需要 3 个不同的点", "area.polygons")
        for lon, lat in pts:
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise AreaError(f"第 {i + 1} 个多边形的坐标超出经纬度范围", "area.polygons")
        geom: BaseGeometry = Polygon(pts)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        out.append(geom)
    return out


def area_circles(area: Mapping[str, Any]) -> list[tuple[float, float, float]]:
    out = []
    for i, c in enumerate(area.get("circles") or []):
        try:
            lon, lat, r = float(c["lon"]), float(c["lat"]), float(c["radius_m"])
        except (TypeError, ValueError, KeyError):
            raise AreaError(f"第 {i + 1} 个圆的格式不正确（需要 lon、lat、radius_m）", "area.circles") from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90) or not (0 < r <= 200_000):
            raise AreaError(f"第 {i + 1} 个圆的中心或半径（≤ 200 公里）不正确", "area.circles")
        out.append((lon, lat, r))
    return out


def area_divisions(area: Mapping[str, Any]) -> list[str]:
    out = []
    for code in area.get("divisions") or []:
        code = str(code).strip()
        if not code.isdigit() or len(code) not in (6, 9, 12):
            raise AreaError(f"区划代码 {code!r} 不正确（6、9 或 12 位数字）", "area.divisions")
        out.append(code)
    return out


def check_area(area: Mapping[str, Any]) -> None:
    """Raise :class:`AreaError` unless the area is well formed and not empty."""
    if not isinstance(area, Mapping):
        raise AreaError("发布范围格式不正确")
    if not (area_divisions(area) or area_polygons(area) or area_circles(area)):
        raise AreaError("发布范围为空：请选择区划，或绘制多边形或圆")


@dataclass(frozen=True)
class Recipients:
    """Recipients as parallel arrays (the targeting input)."""

    ids: NDArray[np.int64]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    code: NDArray[np.int64]  # 12-digit division code as a number
    kind: NDArray[np.int8]  # index into KINDS
    population: NDArray[np.int64]

    @staticmethod
    def from_rows(rows: Sequence[tuple[int, float, float, str, str, int]]) -> Recipients:
        n = len(rows)
        ids = np.fromiter((r[0] for r in rows), np.int64, n)
        lon = np.fromiter((r[1] for r in rows), np.float64, n)
        lat = np.fromiter((r[2] for r in rows), np.float64, n)
        code = np.fromiter((code_number(r[3]) for r in rows), np.int64, n)
        kind_index = {k: i for i, k in enumerate(KINDS)}
        kind = np.fromiter((kind_index.get(r[4], 1) for r in rows), np.int8, n)
        pop = np.fromiter((r[5] for r in rows), np.int64, n)
        return Recipients(ids, lon, lat, code, kind, pop)

    def __len__(self) -> int:
        return int(self.ids.shape[0])


class RecipientIndex:
    """A grid index over :class:`Recipients`; :meth:`resolve` returns positions into the input arrays."""

    def __init__(self, rec: Recipients, cell_deg: float = 0.01) -> None:
        self.rec = rec
        self.cell = cell_deg
        n = len(rec)
        if n:
            self.lon0, self.lat0 = float(rec.lon.min()), float(rec.lat.min())
            self.nx = int((rec.lon.max() - self.lon0) / cell_deg) + 1
            self.ny = int((rec.lat.max() - self.lat0) / cell_deg) + 1
        else:
            self.lon0 = self.lat0 = 0.0
            self.nx = self.ny = 1
        cx = ((rec.lon - self.lon0) / cell_deg).astype(np.int64)
        cy = ((rec.lat - self.lat0) / cell_deg).astype(np.int64)
        cell = cy * self.nx + cx
        self.order = np.argsort(cell, kind="stable")
        sorted_cells = cell[self.order]
        self.starts = np.searchsorted(sorted_cells, np.arange(self.nx * self.ny + 1))
        self.slon = rec.lon[self.order]
        self.slat = rec.lat[self.order]
        self.code_order = np.argsort(rec.code, kind="stable")
        self.sorted_codes = rec.code[self.code_order]

    # -- parts ---------------------------------------------------------------------------------
    def _cells(self, minx: float, miny: float, maxx: float, maxy: float) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        ix0 = max(int(np.floor((minx - self.lon0) / self.cell)), 0)
        iy0 = max(int(np.floor((miny - self.lat0) / self.cell)), 0)
        ix1 = min(int(np.floor((maxx - self.lon0) / self.cell)), self.nx - 1)
        iy1 = min(int(np.floor((maxy - self.lat0) / self.cell)), self.ny - 1)
        if ix1 < ix0 or iy1 < iy0:
            empty = np.empty(0, np.int64)
            return empty, empty
        gx, gy = np.meshgrid(np.arange(ix0, ix1 + 1), np.arange(iy0, iy1 + 1))
        return gx.ravel(), gy.ravel()

    def _gather(self, cells: NDArray[np.int64]) -> NDArray[np.int64]:
        """Sorted-order positions of every point in ``cells`` (vectorised concatenation of slices)."""
        if cells.size == 0:
            return np.empty(0, np.int64)
        s, e = self.starts[cells], self.starts[cells + 1]
        lengths = e - s
        keep = lengths > 0
        s, lengths = s[keep], lengths[keep]
        total = int(lengths.sum())
        if total == 0:
            return np.empty(0, np.int64)
        offsets = np.repeat(s - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        return np.arange(total, dtype=np.int64) + offsets

    def in_polygon(self, geom: BaseGeometry) -> NDArray[np.int64]:
        if not len(self.rec) or geom.is_empty:
            return np.empty(0, np.int64)
        gx, gy = self._cells(*geom.bounds)
        if gx.size == 0:
            return np.empty(0, np.int64)
        cells = gy * self.nx + gx
        occupied = self.starts[cells + 1] > self.starts[cells]
        gx, gy, cells = gx[occupied], gy[occupied], cells[occupied]
        x0 = self.lon0 + gx * self.cell
        y0 = self.lat0 + gy * self.cell
        boxes = shapely.box(x0, y0, x0 + self.cell, y0 + self.cell)
        shapely.prepare(geom)
        inside = shapely.contains(geom, boxes)
        edge = ~inside & shapely.intersects(geom, boxes)
        whole = self._gather(cells[inside])
        cand = self._gather(cells[edge])
        hit = cand[shapely.contains_xy(geom, self.slon[cand], self.slat[cand])] if cand.size else cand
        return self.order[np.concatenate((whole, hit))]

    def in_circle(self, lon: float, lat: float, radius_m: float) -> NDArray[np.int64]:
        if not len(self.rec):
            return np.empty(0, np.int64)
        dlat = np.degrees(radius_m / EARTH_RADIUS_M)
        dlon = dlat / max(np.cos(np.radians(lat)), 1e-6)
        gx, gy = self._cells(lon - dlon, lat - dlat, lon + dlon, lat + dlat)
        cand = self._gather(gy * self.nx + gx)
        if cand.size == 0:
            return cand
        # a local flat-earth distance decides all but a thin band at the rim (exact haversine there)
        k = np.radians(1.0) * EARTH_RADIUS_M
        dx = (self.slon[cand] - lon) * (k * np.cos(np.radians(lat)))
        dy = (self.slat[cand] - lat) * k
        d2 = dx * dx + dy * dy
        inside = d2 <= (radius_m * 0.995) ** 2
        band = np.flatnonzero(~inside & (d2 <= (radius_m * 1.005) ** 2))
        if band.size:
            inside[band] = haversine_m(lon, lat, self.slon[cand[band]], self.slat[cand[band]]) <= radius_m
        return self.order[cand[inside]]

    def in_division(self, code: str) -> NDArray[np.int64]:
        lo, hi = code_range(significant(code))
        a = np.searchsorted(self.sorted_codes, lo, side="left")
        b = np.searchsorted(self.sorted_codes, hi, side="left")
        return self.code_order[a:b]

    def resolve(self, area: Mapping[str, Any]) -> NDArray[np.int64]:
        """Sorted unique positions of the recipients inside ``area`` (union of its parts)."""
        parts = [self.in_division(c) for c in area_divisions(area)]
        parts += [self.in_polygon(g) for g in area_polygons(area)]
        parts += [self.in_circle(*c) for c in area_circles(area)]
        if not parts:
            return np.empty(0, np.int64)
        if len(parts) == 1 and parts[0].size * 16 < len(self.rec):
            return np.sort(parts[0])  # few hits: sorting them is cheaper than a mask over everyone
        mask = np.zeros(len(self.rec), dtype=bool)  # a union by mask: O(n), no sort of the hits
        for part in parts:
            mask[part] = True
        return np.flatnonzero(mask)

    def summary(self, positions: NDArray[np.int64]) -> dict[str, Any]:
        """Counts by kind and the population the positions stand for."""
        counts = np.bincount(self.rec.kind[positions], minlength=len(KINDS))
        return {"by_kind": {k: int(counts[i]) for i, k in enumerate(KINDS)},
                "recipients": int(positions.size),
                "population": int(self.rec.population[positions].sum())}


def haversine_m(lon: float, lat: float, lons: NDArray[np.float64], lats: NDArray[np.float64]) -> NDArray[np.float64]:
    p1, p2 = np.radians(lat), np.radians(lats)
    dphi = p2 - p1
    dl = np.radians(lons - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def reference_resolve(points: Sequence[tuple[float, float, str]], area: Mapping[str, Any]) -> set[int]:
    """The slow, obvious answer (per-point shapely tests) — for tests and the bench baseline."""
    polys = area_polygons(area)
    circles = area_circles(area)
    prefixes = [significant(c) for c in area_divisions(area)]
    out = set()
    for i, (lon, lat, code) in enumerate(points):
        p = shapely.Point(lon, lat)
        if any(code_number(code) >= code_range(pr)[0] and code_number(code) < code_range(pr)[1] for pr in prefixes) \
                or any(g.contains(p) for g in polys) \
                or any(float(haversine_m(c[0], c[1], np.array([lon]), np.array([lat]))[0]) <= c[2] for c in circles):
            out.add(i)
    return out


def area_geometry(area: Mapping[str, Any]) -> BaseGeometry | None:
    """The drawn part (polygons; circles as 64-gons) as one geometry, for maps; divisions excluded."""
    geoms = list(area_polygons(area))
    for lon, lat, r in area_circles(area):
        dlat = np.degrees(r / EARTH_RADIUS_M)
        dlon = dlat / np.cos(np.radians(lat))
        t = np.linspace(0, 2 * np.pi, 64, endpoint=False)
        geoms.append(Polygon(np.column_stack((lon + dlon * np.cos(t), lat + dlat * np.sin(t)))))
    if not geoms:
        return None
    return shapely.union_all(geoms)
