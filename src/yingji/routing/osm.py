"""Build a drivable :class:`RoadNetwork` from an OpenStreetMap ``.osm`` / ``.osm.pbf`` file (pyosmium).

The same recipe as the shipped Fuzhou network: car-usable ``highway`` ways, split at every node
shared by two ways (intersections) and at way ends, two-way unless tagged one-way (``oneway=yes|1|
true|-1``, ``junction=roundabout``, motorways), speeds from ``maxspeed`` when it is a number (km/h or
mph) and per-class defaults otherwise, length along the way's shape (haversine), and only the
largest strongly connected component kept (so every node reaches every other). Pure module.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import osmium
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from yingji.routing.network import OSM_ATTRIBUTION, RoadNetwork

#: car-usable highway classes and their default free-flow speeds (km/h)
DEFAULT_SPEEDS_KMH = {
    "motorway": 100, "motorway_link": 60, "trunk": 80, "trunk_link": 50, "primary": 60, "primary_link": 40,
    "secondary": 50, "secondary_link": 35, "tertiary": 40, "tertiary_link": 30, "unclassified": 30,
    "residential": 30, "living_street": 10, "service": 15, "road": 30,
}
_NO_CAR = {"no", "private"}


def _speed_kmh(tags: dict[str, str], highway: str) -> float:
    raw = tags.get("maxspeed", "").strip().lower()
    try:
        if raw.endswith("mph"):
            return float(raw[:-3].strip()) * 1.609344
        if raw:
            return float(raw.split()[0])
    except ValueError:
        pass
    return float(DEFAULT_SPEEDS_KMH[highway])


def _haversine(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(min(1.0, h)))


class _Ways(osmium.SimpleHandler):
    def __init__(self) -> None:
        super().__init__()
        self.ways: list[tuple[int, list[int], str, float, int]] = []  # id, node refs, class, km/h, direction
        self.coords: dict[int, tuple[float, float]] = {}

    def way(self, w: osmium.osm.Way) -> None:
        tags = {t.k: t.v for t in w.tags}
        highway = tags.get("highway", "")
        if highway not in DEFAULT_SPEEDS_KMH or tags.get("access") in _NO_CAR or tags.get("motor_vehicle") in _NO_CAR:
            return
        if tags.get("area") == "yes":
            return
        refs: list[int] = []
        for n in w.nodes:
            if not n.location.valid():
                continue
            self.coords[n.ref] = (n.location.lon, n.location.lat)
            refs.append(n.ref)
        if len(refs) < 2:
            return
        oneway = tags.get("oneway", "").lower()
        direction = 0  # both
        if oneway in ("yes", "1", "true") or tags.get("junction") == "roundabout" or (
                highway == "motorway" and oneway not in ("no", "false", "0")):
            direction = 1
        elif oneway == "-1":
            direction = -1
        self.ways.append((w.id, refs, highway, _speed_kmh(tags, highway), direction))


def read_osm(path: str | Path, *, name: str | None = None) -> RoadNetwork:
    """Parse an OSM file into the drivable network (largest strongly connected component)."""
    path = Path(path)
    handler = _Ways()
    handler.apply_file(str(path), locations=True)
    if not handler.ways:
        raise ValueError("OSM 文件中没有可通行机动车的道路（highway）")
    use: dict[int, int] = {}
    for _, refs, *_ in handler.ways:
        for r in refs:
            use[r] = use.get(r, 0) + 1
        use[refs[0]] += 1
        use[refs[-1]] += 1
    node_index: dict[int, int] = {}
    link_ids: list[str] = []
    src: list[int] = []
    dst: list[int] = []
    length: list[float] = []
    speed: list[float] = []
    highway: list[str] = []

    def idx(ref: int) -> int:
        if ref not in node_index:
            node_index[ref] = len(node_index)
        return node_index[ref]

    for wid, refs, cls, kmh, direction in handler.ways:
        seg_start, seg_len, part = 0, 0.0, 0
        for i in range(1, len(refs)):
            a, b = handler.coords[refs[i - 1]], handler.coords[refs[i]]
            seg_len += _haversine(a[0], a[1], b[0], b[1])
            if i == len(refs) - 1 or use[refs[i]] > 1:
                u, v = idx(refs[seg_start]), idx(refs[i])
                if u != v:
                    if direction >= 0:
                        link_ids.append(f"w{wid}_{part}_f")
                        src.append(u), dst.append(v), length.append(seg_len), speed.append(kmh / 3.6)
                        highway.append(cls)
                    if direction <= 0:
                        link_ids.append(f"w{wid}_{part}_r")
                        src.append(v), dst.append(u), length.append(seg_len), speed.append(kmh / 3.6)
                        highway.append(cls)
                seg_start, seg_len, part = i, 0.0, part + 1
    refs_by_index = np.empty(len(node_index), dtype=np.int64)
    for ref, i in node_index.items():
        refs_by_index[i] = ref
    n = len(node_index)
    s, d = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    graph = csr_matrix((np.ones(len(s)), (s, d)), shape=(n, n))
    _, labels = connected_components(graph, directed=True, connection="strong")
    biggest = np.bincount(labels).argmax()
    keep_node = labels == biggest
    new_index = np.full(n, -1, dtype=np.int64)
    new_index[keep_node] = np.arange(int(keep_node.sum()))
    keep_edge = keep_node[s] & keep_node[d]
    kept_refs = refs_by_index[keep_node]
    lon = np.array([handler.coords[int(r)][0] for r in kept_refs])
    lat = np.array([handler.coords[int(r)][1] for r in kept_refs])
    e = np.nonzero(keep_edge)[0]
    return RoadNetwork(
        node_ids=[f"n{int(r)}" for r in kept_refs], lon=lon, lat=lat,
        link_ids=[link_ids[i] for i in e], src=new_index[s[e]], dst=new_index[d[e]],
        length_m=np.asarray(length)[e], speed_mps=np.asarray(speed)[e], highway=[highway[i] for i in e],
        name=name or path.name.split(".")[0], attribution=OSM_ATTRIBUTION, source=f"OpenStreetMap 文件 {path.name}")
