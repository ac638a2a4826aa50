"""Helpers for the reproducible synthetic demo data every domain generates (always labelled 合成).

Pure: numpy ``Generator`` in, plain values out. Used by the ``demo.py`` generators of the domains.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

from yingji.core.errors import ValidationFailed

SURNAMES = list("陈林黄张吴王郑李刘杨何许郭游魏叶蔡周朱翁江高徐谢余施方潘邱范庄卓詹严")
GIVEN = list("建国明华志强伟芳敏静丽军勇杰涛斌鹏辉玲燕霞红平丹云峰海波斌鑫宇晨欣怡婷琳锋磊超浩翔")


def pick(rng: np.random.Generator, seq: Sequence[Any]) -> Any:
    return seq[int(rng.integers(len(seq)))]


def weighted(rng: np.random.Generator, pairs: Sequence[tuple[Any, float]]) -> Any:
    p = np.array([w for _, w in pairs], dtype=float)
    return pairs[int(rng.choice(len(pairs), p=p / p.sum()))][0]


def person(rng: np.random.Generator) -> tuple[str, str]:
    """A made-up Chinese name and an obviously fake phone number 1380000xxxx."""
    given = "".join(pick(rng, GIVEN) for _ in range(int(rng.integers(1, 3))))
    return pick(rng, SURNAMES) + given, f"1380000{int(rng.integers(0, 10000)):04d}"


def short_town(name: str) -> str:
    for suffix in ("街道办事处", "街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def points_in(rng: np.random.Generator, geom: Any, k: int) -> np.ndarray:
    """``k`` uniform random points inside ``geom`` (rejection sampling in its bounds)."""
    minx, miny, maxx, maxy = geom.bounds
    fill = max(geom.area / max((maxx - minx) * (maxy - miny), 1e-18), 0.01)
    out: list[np.ndarray] = []
    have = 0
    for _ in range(200):
        m = int(math.ceil((k - have) / fill * 1.3)) + 8
        xs = rng.uniform(minx, maxx, m)
        ys = rng.uniform(miny, maxy, m)
        ok = shapely.contains_xy(geom, xs, ys)
        pts = np.column_stack([xs[ok], ys[ok]])
        out.append(pts)
        have += len(pts)
        if have >= k:
            break
    else:  # pragma: no cover - degenerate sliver geometry
        rp = geom.representative_point()
        out.append(np.tile([rp.x, rp.y], (k, 1)))
    return np.concatenate(out)[:k]


def geo_point(x: float, y: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(float(x), 6), round(float(y), 6)]}


def township_geometries(townships: Sequence[Mapping[str, Any]]) -> list[tuple[dict[str, Any], Any]]:
    """Validate ``{code, name, county_code, geometry}`` townships; returns (record, prepared shape) pairs."""
    if not townships:
        raise ValidationFailed("至少需要一个乡镇（街道）", field="townships", code="empty")
    out = []
    for i, t in enumerate(townships):
        for key in ("code", "name", "county_code", "geometry"):
            if not t.get(key):
                raise ValidationFailed(f"第 {i + 1} 个乡镇缺少字段 {key}", field=f"townships[{i}].{key}",
                                       code="missing_field")
        geom_raw = t["geometry"]
        if not isinstance(geom_raw, Mapping) or geom_raw.get("type") not in ("Polygon", "MultiPolygon"):
            raise ValidationFailed(f"乡镇“{t['name']}”的边界必须是 GeoJSON Polygon 或 MultiPolygon",
                                   field=f"townships[{i}].geometry", code="invalid_geometry")
        try:
            geom = shape(geom_raw)
        except Exception:  # noqa: BLE001 - any shapely parse error is bad input
            raise ValidationFailed(f"乡镇“{t['name']}”的边界无法解析", field=f"townships[{i}].geometry",
                                   code="invalid_geometry") from None
        if geom.is_empty or geom.area <= 0:
            raise ValidationFailed(f"乡镇“{t['name']}”的边界面积为零", field=f"townships[{i}].geometry",
                                   code="invalid_geometry")
        shapely.prepare(geom)
        out.append((dict(t), geom))
    return out
