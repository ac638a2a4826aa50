"""The offline base map: the city's road network as one small, pre-thinned GeoJSON file.

The platform draws no online tiles (it runs on isolated government networks). So that places can
be recognised, the maps draw a light vector layer of the roads of the central city, built once —
reproducibly — from the reference road network (OpenStreetMap-derived, ODbL) by
:func:`build_road_layer` (``yingji basemap roads SOURCE``) and shipped with the city's reference
data (``data/<city>/basemap/roads.geojson``), served at ``GET /api/v1/basemap/roads``.

Thinning: the two directions of a road are one line; consecutive segments of a road class are
merged into polylines (``shapely.ops.linemerge``), simplified (Douglas–Peucker, ``tolerance_m``),
and coordinates are rounded to ``decimals`` (5 ≈ 1 m); service roads and living streets are left
out. Every feature is one road class with ``min_zoom``: the map shows major roads at city zoom
and adds the smaller classes as one zooms in (``ROAD_CLASSES``).

Pure: file paths in, plain data out (no database, no web framework).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shapely.geometry import MultiLineString
from shapely.ops import linemerge

#: road class → (Chinese name, rank 1 = most important, zoom from which the map draws it)
ROAD_CLASSES: dict[str, tuple[str, int, int]] = {
    "motorway": ("高速公路", 1, 0),
    "trunk": ("快速路、国道", 1, 0),
    "primary": ("主干道", 2, 0),
    "secondary": ("次干道", 3, 11),
    "tertiary": ("支路", 4, 12),
    "unclassified": ("一般道路", 5, 13),
    "residential": ("街巷", 5, 13),
}
LEFT_OUT = ("service", "living_street")  # driveways, parking aisles: clutter, no orientation value
ATTRIBUTION = "道路 © OpenStreetMap 贡献者（ODbL）"
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True, slots=True)
class LayerStats:
    edges_in: int
    segments: int
    features: int
    lines: int
    vertices: int
    bytes: int
    gzip_bytes: int


def _read_csv(path: Path) -> Iterable[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:  # type: ignore[operator]
        yield from csv.DictReader(fh)


def build_road_layer(source: Path, *, tolerance_m: float = 3.0, decimals: int = 5,
                     licence: str = "ODbL 1.0", source_name: str = "OpenStreetMap") -> tuple[dict[str, Any], LayerStats]:
    """The thinned road layer of ``source`` (``nodes.csv[.gz]``: node_id, lon, lat in WGS84;
    ``edges.csv[.gz]``: from_node, to_node, highway_inferred) and what the thinning did."""
    nodes_file = next((source / n for n in ("nodes.csv.gz", "nodes.csv") if (source / n).exists()), None)
    edges_file = next((source / n for n in ("edges.csv.gz", "edges.csv") if (source / n).exists()), None)
    if nodes_file is None or edges_file is None:
        raise FileNotFoundError(f"{source}: nodes.csv[.gz] and edges.csv[.gz] expected")
    nodes = {r["node_id"]: (float(r["lon"]), float(r["lat"])) for r in _read_csv(nodes_file)}
    seen: set[tuple[str, str]] = set()
    by_class: dict[str, list[tuple[tuple[float, float], tuple[float, float]]]] = defaultdict(list)
    edges_in = 0
    for r in _read_csv(edges_file):
        edges_in += 1
        a, b = r["from_node"], r["to_node"]
        key = (a, b) if a < b else (b, a)
        cls = r.get("highway_inferred", "").removesuffix("_link")
        if key in seen or cls not in ROAD_CLASSES or a == b:
            continue
        seen.add(key)
        by_class[cls].append((nodes[a], nodes[b]))
    tolerance = tolerance_m / METRES_PER_DEGREE
    features = []
    lines = vertices = 0
    for cls, (name, rank, min_zoom) in ROAD_CLASSES.items():
        if not by_class.get(cls):
            continue
        merged = linemerge(MultiLineString(sorted(by_class[cls]))).simplify(tolerance, preserve_topology=False)
        parts = list(getattr(merged, "geoms", [merged]))
        coords = []
        for part in parts:
            line = []
            for x, y in part.coords:
                point = [round(x, decimals), round(y, decimals)]
                if not line or point != line[-1]:
                    line.append(point)
            if len(line) >= 2:
                coords.append(line)
        coords.sort()
        lines += len(coords)
        vertices += sum(len(c) for c in coords)
        features.append({"type": "Feature", "properties": {"class": cls, "name": name, "rank": rank,
                                                           "min_zoom": min_zoom},
                         "geometry": {"type": "MultiLineString", "coordinates": coords}})
    layer = {"type": "FeatureCollection", "attribution": ATTRIBUTION, "licence": licence, "source": source_name,
             "datum": "WGS84",
             "method": (f"同一道路的两个方向合并为一条线；同一等级的路段连接为折线并按 {tolerance_m:g} 米容差化简"
                        f"（Douglas–Peucker），坐标保留 {decimals} 位小数；不含服务道路和生活街道。"),
             "features": features}
    text = dump(layer)
    stats = LayerStats(edges_in=edges_in, segments=len(seen), features=len(features), lines=lines, vertices=vertices,
                       bytes=len(text), gzip_bytes=len(gzip.compress(text, compresslevel=9, mtime=0)))
    return layer, stats


def dump(layer: dict[str, Any]) -> bytes:
    """The layer as compact, deterministic JSON (the same input gives the same bytes)."""
    return json.dumps(layer, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def etag_of(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:20] + '"'
