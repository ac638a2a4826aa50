"""Travel times on a road network: snapping, precomputed shortest-path trees, closures, fallback.

Pure module (numpy/scipy/shapely; no ORM, no web). See docs/routing.md for the model and figures.

* **Weights.** A link's travel time is ``length / (free-flow speed × speed factor)`` seconds
  (clamped at 0.01 s); the time-of-day factor multiplies every speed alike, so it divides a whole
  answer and the precomputed trees hold for every hour. A closure sets a link's time to ∞, a
  congestion closure multiplies it by ``1 / factor``.
* **Snapping.** A point snaps to the nearest network node (KD-tree in a local metric projection);
  the access leg point → node is driven at ``access_speed_mps`` in a straight line. A point more
  than ``max_snap_m`` from the network is outside its coverage: the pair gets the fallback model.
* **Fast many-to-one.** For each origin node in use (fire stations…) the router keeps its
  one-to-all shortest-path tree (scipy csgraph Dijkstra, batched; an LRU of ``cache_origins``
  trees). A query is then a KD-tree lookup and one array read per origin — microseconds. Origins
  not yet prepared are answered by one reverse Dijkstra from the destination (all origins at
  once) and, up to ``auto_prepare`` of them per query, prepared for next time.
* **Closures take effect at once.** Changing link times updates the CSR weights in place and
  drops exactly the cached trees the change can affect: a slower link matters to an origin iff it
  is tight on its tree (``d[u] + w_old == d[v]``), a faster one iff ``d[u] + w_new < d[v]``.
  The next query recomputes what it needs (bench: closure → updated top-5 answer in ms).
* **Fallback model** outside the coverage (or when closures cut a pair off): straight-line
  distance × circuity ÷ speed by area type (城区 / 近郊 / 县域, by distance from the network's
  coverage), labelled as such in every answer.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Literal

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from yingji.routing.network import RoadNetwork

Point = tuple[float, float]
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQ = 111_320.0
_MIN_WEIGHT = 0.01
_EPS = 1e-9

AREA_LABELS = {"urban": "城区", "suburban": "近郊", "rural": "县域"}


@dataclass(frozen=True)
class TravelTime:
    seconds: float
    meters: float
    model: Literal["network", "fallback"]
    label: str

    @property
    def minutes(self) -> float:
        return self.seconds / 60.0


@dataclass(frozen=True)
class Route(TravelTime):
    coords: list[Point] = field(default_factory=list)
    link_ids: list[str] = field(default_factory=list)


@dataclass
class RoutingConfig:
    speed_factor: float = 0.7
    #: local hour (0–23) → speed multiplier (missing hours: 1.0)
    hour_factors: dict[int, float] = field(default_factory=dict)
    max_snap_m: float = 1000.0
    access_speed_mps: float = 20 / 3.6
    circuity: float = 1.4
    fallback_speeds_kmh: dict[str, float] = field(
        default_factory=lambda: {"urban": 25.0, "suburban": 40.0, "rural": 55.0})
    suburban_km: float = 15.0
    cache_origins: int = 256
    auto_prepare: int = 8
    network_label: str = "OSM"
    #: turns an aware datetime into the local hour (default UTC+8, China)
    hour_of: Callable[[datetime], int] = field(
        default=lambda at: at.astimezone(timezone(timedelta(hours=8))).hour)


@dataclass(frozen=True)
class Closure:
    """What a closure does to the network: links by id and/or every link crossing a polygon.
    ``factor`` 0 closes them; 0 < factor < 1 slows them (congestion: speed × factor)."""

    key: str
    link_ids: tuple[str, ...] = ()
    polygon: BaseGeometry | None = None
    factor: float = 0.0


class Router:
    def __init__(self, network: RoadNetwork, config: RoutingConfig | None = None) -> None:
        self.network = network
        self.config = config or RoutingConfig()
        self._lock = threading.RLock()
        n = network.n_nodes
        self._lat0 = float(network.lat.mean())
        self._lon0 = float(network.lon.mean())
        self._kx = _M_PER_DEG_LON_EQ * math.cos(math.radians(self._lat0))
        xy = self._project(network.lon, network.lat)
        self._kdtree = cKDTree(xy)
        self._xy = xy
        self._grid = _GridIndex(xy, cell_m=250.0)
        self._hull = shapely.MultiPoint(xy).convex_hull if n >= 3 else shapely.MultiPoint(xy).buffer(1.0)
        shapely.prepare(self._hull)
        # base link times and the deduplicated (u, v) pairs the CSR graphs hold
        self._w0 = np.maximum(network.length_m / (network.speed_mps * self.config.speed_factor), _MIN_WEIGHT)
        self._factor = np.ones(network.n_edges)  # speed multiplier per link (0 = closed)
        key = network.src * n + network.dst
        pairs, self._pair_of_edge = np.unique(key, return_inverse=True)
        self._pu = (pairs // n).astype(np.int64)
        self._pv = (pairs % n).astype(np.int64)
        self._pair_w = np.full(len(pairs), np.inf)
        self._pair_len = np.zeros(len(pairs))
        self._recompute_pairs(np.arange(network.n_edges))
        # forward graph: pairs sorted by (u, v) == CSR order; reverse: sorted by (v, u)
        self._fwd = csr_matrix((self._pair_w.copy(), (self._pu, self._pv)), shape=(n, n))
        self._fwd_pos = np.arange(len(pairs))
        rev_order = np.lexsort((self._pu, self._pv))
        self._rev = csr_matrix((self._pair_w[rev_order], (self._pv[rev_order], self._pu[rev_order])), shape=(n, n))
        self._rev_pos = np.empty(len(pairs), dtype=np.int64)
        self._rev_pos[rev_order] = np.arange(len(pairs))
        self._check_csr()
        # precomputed one-to-all trees, one row per origin node (LRU over rows)
        self._rows: OrderedDict[int, int] = OrderedDict()
        self._free: list[int] = []
        self._tdist = np.empty((0, n))
        self._tmeters = np.empty((0, n), dtype=np.float32)
        self._rows_gen = 0
        self._snap_cache: OrderedDict[object, tuple[NDArray[np.float64], list[int], list[int], list[int]]] = OrderedDict()
        self._closures: dict[str, Closure] = {}
        network.link_index()  # built once here, so a closure by link id is a dict lookup
        self._edge_tree: shapely.STRtree | None = None
        self.version = 0

    # ----------------------------------------------------------------- geometry helpers

    def _project(self, lon: NDArray[np.float64] | float, lat: NDArray[np.float64] | float) -> NDArray[np.float64]:
        x = (np.asarray(lon, dtype=float) - self._lon0) * self._kx
        y = (np.asarray(lat, dtype=float) - self._lat0) * _M_PER_DEG_LAT
        return np.column_stack([np.atleast_1d(x), np.atleast_1d(y)])

    def snap(self, points: Sequence[Point]) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Nearest network node of each point and the straight distance to it (m)."""
        if len(points) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        arr = np.asarray(points, dtype=float).reshape(-1, 2)
        xy = self._project(arr[:, 0], arr[:, 1])
        found = [self._nearest_node(float(x), float(y)) for x, y in xy]
        return (np.array([i for _, i in found], dtype=np.int64), np.array([d for d, _ in found], dtype=float))

    def _nearest_node(self, x: float, y: float) -> tuple[float, int]:
        """Nearest node of one projected point: the grid index (exact within a cell's distance),
        else the KD-tree (a single-point KD-tree query costs several times more)."""
        hit = self._grid.nearest(x, y)
        if hit is not None:
            return hit
        d, i = self._kdtree.query((x, y))
        return float(d), int(i)

    def area_type(self, point: Point) -> str:
        p = shapely.Point(self._project(point[0], point[1])[0])
        if self._hull.contains(p):
            return "urban"
        return "suburban" if self._hull.distance(p) <= self.config.suburban_km * 1000 else "rural"

    def hour_factor(self, at: datetime | None) -> float:
        if at is None or not self.config.hour_factors:
            return 1.0
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        return float(self.config.hour_factors.get(self.config.hour_of(at), 1.0))

    # ----------------------------------------------------------------- weights and closures

    def _check_csr(self) -> None:
        # The CSR constructors sort by (row, col), which is the order of the unique pairs.
        assert self._fwd.nnz == len(self._pu) and self._rev.nnz == len(self._pu)

    def _recompute_pairs(self, edges: NDArray[np.int64]) -> NDArray[np.int64]:
        """Recompute the weight of the pairs these links belong to; returns the pair indices."""
        pairs = np.unique(self._pair_of_edge[edges])
        f = self._factor
        with np.errstate(divide="ignore"):
            w = np.where(f > 0, self._w0 / np.where(f > 0, f, 1.0), np.inf)
        # all edges of these pairs (parallel links): minimum weight, its length
        mask = np.isin(self._pair_of_edge, pairs)
        e = np.nonzero(mask)[0]
        self._pair_w[pairs] = np.inf
        np.minimum.at(self._pair_w, self._pair_of_edge[e], w[e])
        best = e[w[e] <= self._pair_w[self._pair_of_edge[e]]]
        self._pair_len[self._pair_of_edge[best]] = self.network.length_m[best]
        return pairs

    def edges_in(self, polygon: BaseGeometry) -> NDArray[np.int64]:
        """Links whose straight geometry crosses the polygon (WGS84)."""
        with self._lock:
            if self._edge_tree is None:
                net = self.network
                coords = np.stack([np.column_stack([net.lon[net.src], net.lat[net.src]]),
                                   np.column_stack([net.lon[net.dst], net.lat[net.dst]])], axis=1)
                self._edge_tree = shapely.STRtree(shapely.linestrings(coords))
            return np.asarray(self._edge_tree.query(polygon, predicate="intersects"), dtype=np.int64)

    def closure_edges(self, closure: Closure) -> NDArray[np.int64]:
        index = self.network.link_index()
        ids = [index[i] for i in closure.link_ids if i in index]
        edges = np.asarray(ids, dtype=np.int64)
        if closure.polygon is not None:
            edges = np.union1d(edges, self.edges_in(closure.polygon))
        return edges

    def set_closures(self, closures: Iterable[Closure]) -> dict[str, int]:
        """Make exactly these closures active (replacing the previous set); answers, per closure
        key, how many links it affects. Takes effect for the next query."""
        closures = list(closures)
        factor = np.ones(self.network.n_edges)
        counts: dict[str, int] = {}
        for c in closures:
            edges = self.closure_edges(c)
            counts[c.key] = len(edges)
            if len(edges):
                factor[edges] = np.minimum(factor[edges], max(0.0, min(1.0, c.factor)))
        with self._lock:
            changed = np.nonzero(factor != self._factor)[0]
            self._closures = {c.key: c for c in closures}
            if len(changed):
                self._apply(changed, factor[changed])
        return counts

    def add_closure(self, closure: Closure) -> int:
        with self._lock:
            current = [c for k, c in self._closures.items() if k != closure.key]
            return self.set_closures([*current, closure])[closure.key]

    def remove_closure(self, key: str) -> None:
        with self._lock:
            self.set_closures([c for k, c in self._closures.items() if k != key])

    @property
    def closures(self) -> dict[str, Closure]:
        return dict(self._closures)

    def closed_link_count(self) -> int:
        return int((self._factor == 0).sum())

    def _apply(self, edges: NDArray[np.int64], factors: NDArray[np.float64]) -> None:
        old_pair_w = self._pair_w.copy()
        self._factor[edges] = factors
        pairs = self._recompute_pairs(edges)
        pairs = pairs[self._pair_w[pairs] != old_pair_w[pairs]]
        if not len(pairs):
            return
        self._fwd.data[self._fwd_pos[pairs]] = self._pair_w[pairs]
        self._rev.data[self._rev_pos[pairs]] = self._pair_w[pairs]
        self.version += 1
        u, v = self._pu[pairs], self._pv[pairs]
        wo, wn = old_pair_w[pairs], self._pair_w[pairs]
        slower, faster = wn > wo, wn < wo
        if not self._rows:
            return
        nodes = list(self._rows)
        rows = np.fromiter(self._rows.values(), dtype=np.int64, count=len(nodes))
        du, dv = self._tdist[rows[:, None], u[None, :]], self._tdist[rows[:, None], v[None, :]]
        with np.errstate(invalid="ignore"):
            tight = np.isfinite(du) & np.isfinite(wo) & (np.abs(du + wo - dv) <= _EPS * np.maximum(1.0, dv))
            shorter = faster & (du + wn < dv - _EPS * np.maximum(1.0, np.abs(dv)))
        stale = np.nonzero(np.any(slower & tight, axis=1) | np.any(shorter, axis=1))[0]
        for i in stale.tolist():
            self._free.append(self._rows.pop(nodes[i]))
        if len(stale):
            self._rows_gen += 1

    # ----------------------------------------------------------------- shortest paths

    def _meters_along(self, pred: NDArray[np.int32], graph_is_reverse: bool) -> NDArray[np.float32]:
        """Length along a shortest-path tree given by predecessors (pointer jumping, O(n log depth))."""
        n = len(pred)
        nodes = np.arange(n)
        p = np.where(pred < 0, nodes, pred).astype(np.int64)
        acc = np.zeros(n)
        has = pred >= 0
        # the length of the pair linking a node to its predecessor
        u, v = (nodes[has], p[has]) if graph_is_reverse else (p[has], nodes[has])
        acc[has] = self._pair_length(u, v)
        while True:
            pp = p[p]
            if np.array_equal(pp, p):
                break
            acc = acc + acc[p] * (p != nodes)
            p = pp
        return acc.astype(np.float32)

    def _pair_length(self, u: NDArray[np.int64], v: NDArray[np.int64]) -> NDArray[np.float64]:
        n = self.network.n_nodes
        keys = self._pu * n + self._pv
        idx = np.searchsorted(keys, u * n + v)
        return self._pair_len[idx]

    def _trees_for(self, origins: NDArray[np.int64]) -> None:
        todo = [o for o in sorted(set(np.asarray(origins).tolist())) if o not in self._rows]
        if not todo or self.config.cache_origins <= 0:
            return
        todo = todo[: self.config.cache_origins]
        dist, pred = dijkstra(self._fwd, directed=True, indices=todo, return_predecessors=True)
        while len(self._rows) + len(todo) > self.config.cache_origins:  # evict the least recently used
            _, row = self._rows.popitem(last=False)
            self._free.append(row)
        need = len(todo) - len(self._free)
        if need > 0:  # grow the row store (doubling, at most cache_origins rows)
            cap = len(self._tdist)
            new_cap = min(self.config.cache_origins, max(cap * 2, cap + need, 16))
            n = self.network.n_nodes
            tdist = np.empty((new_cap, n))
            tmeters = np.empty((new_cap, n), dtype=np.float32)
            tdist[:cap], tmeters[:cap] = self._tdist, self._tmeters
            self._tdist, self._tmeters = tdist, tmeters
            self._free.extend(range(cap, new_cap))
        for i, o in enumerate(todo):
            row = self._free.pop()
            self._tdist[row] = dist[i]
            self._tmeters[row] = self._meters_along(pred[i], graph_is_reverse=False)
            self._rows[o] = row
        self._rows_gen += 1

    def prepare(self, points: Sequence[Point]) -> int:
        """Precompute the trees of these origins (e.g. all fire stations); answers how many."""
        nodes, snap_m = self.snap(points)
        nodes = nodes[snap_m <= self.config.max_snap_m]
        with self._lock:
            self._trees_for(nodes)
        return len(np.unique(nodes))

    def _to_dest(self, origin_nodes: list[int], unique_nodes: list[int], dest_node: int,
                 entry: list[object] | None = None) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Base seconds and meters from each origin node to the destination node."""
        with self._lock:
            rows_of = self._rows
            if entry is not None and entry[4] == self._rows_gen:  # rows of this origin list still valid
                rows = entry[5]
                return self._tdist[rows, dest_node], self._tmeters[rows, dest_node].astype(float)
            missing = [o for o in unique_nodes if o not in rows_of]
            if missing and len(missing) <= self.config.auto_prepare:
                self._trees_for(np.asarray(missing, dtype=np.int64))
                missing = [o for o in unique_nodes if o not in rows_of]
            if not missing:
                if len(rows_of) >= self.config.cache_origins:
                    for o in unique_nodes:
                        rows_of.move_to_end(o)
                rows = np.fromiter((rows_of[o] for o in origin_nodes), dtype=np.int64, count=len(origin_nodes))
                if entry is not None:
                    entry[4], entry[5] = self._rows_gen, rows
                return self._tdist[rows, dest_node], self._tmeters[rows, dest_node].astype(float)
            dist, pred = dijkstra(self._rev, directed=True, indices=int(dest_node), return_predecessors=True)
            m = self._meters_along(pred, graph_is_reverse=True)
            idx = np.asarray(origin_nodes, dtype=np.int64)
            return dist[idx], m[idx].astype(float)

    def _snap_origins(self, origins: Sequence[Point]) -> list[object]:
        """Snap a list of origins, cached per list (stations are asked about again and again):
        [snap distances, indices on the network (array), their nodes, the unique nodes, rows gen, rows]."""
        try:
            key: object = tuple(origins)
            hit = self._snap_cache.get(key)
        except TypeError:  # lists of lists
            key = np.asarray(origins, dtype=float).tobytes()
            hit = self._snap_cache.get(key)
        if hit is None:
            arr = np.asarray(origins, dtype=float).reshape(-1, 2)
            nodes, snap_m = self.snap(arr)
            on = np.nonzero(snap_m <= self.config.max_snap_m)[0]
            on_nodes = nodes[on].tolist()
            hit = [snap_m, on, on_nodes, sorted(set(on_nodes)), -1, None]
            self._snap_cache[key] = hit
            if len(self._snap_cache) > 64:
                self._snap_cache.popitem(last=False)
        return hit

    def _compute(self, origins: Sequence[Point], dest: Point, at: datetime | None,
                 ) -> tuple[NDArray[np.float64], NDArray[np.float64], float, NDArray[np.float64], float]:
        """Seconds and meters per origin (NaN where the network has no answer), the hour factor,
        the origins' snap distances and the destination's."""
        hf = self.hour_factor(at)
        with self._lock:  # the snap cache is shared by the request threads
            entry = self._snap_origins(origins)
        snap_m, on, on_nodes, unique_nodes = entry[0], entry[1], entry[2], entry[3]
        dd, dn = self._nearest_node((dest[0] - self._lon0) * self._kx, (dest[1] - self._lat0) * _M_PER_DEG_LAT)
        n = len(snap_m)
        if dd > self.config.max_snap_m or not len(on):
            return np.full(n, np.nan), np.full(n, np.nan), hf, snap_m, float(dd)
        base_s, base_m = self._to_dest(on_nodes, unique_nodes, int(dn), entry)
        if len(on) == n:  # all origins on the network (the usual case)
            access = snap_m + dd
            return (base_s + access / self.config.access_speed_mps) / hf, base_m + access, hf, snap_m, float(dd)
        secs = np.full(n, np.nan)
        meters = np.full(n, np.nan)
        access = snap_m[on] + dd
        secs[on] = (base_s + access / self.config.access_speed_mps) / hf
        meters[on] = base_m + access
        return secs, meters, hf, snap_m, float(dd)

    def _answer(self, i: int, origins: Sequence[Point], dest: Point, at: datetime | None, secs: NDArray[np.float64],
                meters: NDArray[np.float64], label: str, snap_m: NDArray[np.float64], dest_snap: float) -> TravelTime:
        sec = float(secs[i])
        if math.isfinite(sec):
            return TravelTime(seconds=sec, meters=float(meters[i]), model="network", label=label)
        max_snap = self.config.max_snap_m
        reason = ("目的地在路网覆盖范围外" if dest_snap > max_snap else "起点在路网覆盖范围外" if snap_m[i] > max_snap
                  else "路网中无可达路径（道路封闭）")
        return self.fallback(origins[i], dest, at=at, reason=reason)

    # ----------------------------------------------------------------- answers

    def network_label(self, hour_factor: float) -> str:
        label = f"路网（{self.config.network_label}，速度系数 {self.config.speed_factor:g}"
        if hour_factor != 1.0:
            label += f"，时段系数 {hour_factor:g}"
        return label + "）"

    def fallback(self, origin: Point, dest: Point, *, at: datetime | None = None, reason: str = "") -> TravelTime:
        straight = _haversine_m(origin, dest)
        area = max((self.area_type(origin), self.area_type(dest)), key=["urban", "suburban", "rural"].index)
        kmh = self.config.fallback_speeds_kmh[area]
        hf = self.hour_factor(at)
        meters = straight * self.config.circuity
        seconds = meters / (kmh / 3.6 * hf)
        label = (f"估算模型：直线距离×迂回系数{self.config.circuity:g}÷{AREA_LABELS[area]}车速{kmh:g} km/h"
                 + (f"×时段系数{hf:g}" if hf != 1.0 else "") + (f"（{reason}）" if reason else ""))
        return TravelTime(seconds=seconds, meters=meters, model="fallback", label=label)

    def travel_times(self, origins: Sequence[Point], dest: Point, *, at: datetime | None = None) -> list[TravelTime]:
        """Travel time from each origin to ``dest`` (WGS84 lon, lat), in the order given."""
        if not len(origins):
            return []
        secs, meters, hf, snap_m, dd = self._compute(origins, dest, at)
        label = self.network_label(hf)
        return [self._answer(i, origins, dest, at, secs, meters, label, snap_m, dd) for i in range(len(origins))]

    def nearest(self, origins: Sequence[Point], dest: Point, k: int = 5, *, at: datetime | None = None,
                ) -> list[tuple[int, TravelTime]]:
        """The ``k`` origins with the shortest travel time to ``dest``: (index into origins, time),
        fastest first (ties by index). Only the ``k`` answers are built."""
        if not len(origins):
            return []
        secs, meters, hf, snap_m, dd = self._compute(origins, dest, at)
        label = self.network_label(hf)
        fallbacks: dict[int, TravelTime] = {}
        if not np.isfinite(secs).all():
            secs = secs.copy()
            for i in np.nonzero(~np.isfinite(secs))[0].tolist():
                fallbacks[i] = self._answer(i, origins, dest, at, secs, meters, label, snap_m, dd)
                secs[i] = fallbacks[i].seconds
        order = np.argsort(secs, kind="stable")[:k].tolist()
        return [(i, fallbacks.get(i) or self._answer(i, origins, dest, at, secs, meters, label, snap_m, dd))
                for i in order]

    def route(self, origin: Point, dest: Point, *, at: datetime | None = None) -> Route:
        """The fastest route with its line (origin, the network nodes, dest)."""
        hf = self.hour_factor(at)
        (onode, dnode), (osnap, dsnap) = self.snap([origin, dest])
        max_snap = self.config.max_snap_m
        if osnap > max_snap or dsnap > max_snap:
            fb = self.fallback(origin, dest, at=at, reason="路网覆盖范围外")
            return Route(**fb.__dict__, coords=[tuple(origin), tuple(dest)])
        with self._lock:
            dist, pred = dijkstra(self._fwd, directed=True, indices=int(onode), return_predecessors=True)
        if not np.isfinite(dist[dnode]):
            fb = self.fallback(origin, dest, at=at, reason="路网中无可达路径（道路封闭）")
            return Route(**fb.__dict__, coords=[tuple(origin), tuple(dest)])
        path = [int(dnode)]
        while path[-1] != int(onode):
            path.append(int(pred[path[-1]]))
        path.reverse()
        nodes = np.asarray(path, dtype=np.int64)
        meters = float(self._pair_length(nodes[:-1], nodes[1:]).sum()) if len(nodes) > 1 else 0.0
        access = float(osnap + dsnap)
        net = self.network
        coords = [(float(origin[0]), float(origin[1]))] + [(float(net.lon[i]), float(net.lat[i])) for i in path] + [
            (float(dest[0]), float(dest[1]))]
        link_ids = self._links_on(nodes)
        return Route(seconds=float((dist[dnode] + access / self.config.access_speed_mps) / hf),
                     meters=meters + access, model="network", label=self.network_label(hf), coords=coords,
                     link_ids=link_ids)

    def _links_on(self, nodes: NDArray[np.int64]) -> list[str]:
        """The link ids along a node path (the fastest of parallel links)."""
        if len(nodes) < 2:
            return []
        n = self.network.n_nodes
        pairs = np.searchsorted(self._pu * n + self._pv, nodes[:-1] * n + nodes[1:])
        f = self._factor
        with np.errstate(divide="ignore"):
            w = np.where(f > 0, self._w0 / np.where(f > 0, f, 1.0), np.inf)
        best: dict[int, int] = {}
        wanted = set(pairs.tolist())
        for e in np.nonzero(np.isin(self._pair_of_edge, pairs))[0]:
            p = int(self._pair_of_edge[e])
            if p in wanted and (p not in best or w[e] < w[best[p]]):
                best[p] = int(e)
        return [self.network.link_ids[best[int(p)]] for p in pairs]

    # ----------------------------------------------------------------- reference / diagnostics

    def node_weights(self) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        """(u, v, seconds) of every usable pair — what a reference Dijkstra should use."""
        ok = np.isfinite(self._pair_w)
        return self._pu[ok], self._pv[ok], self._pair_w[ok]

    def stats(self) -> dict[str, float | int]:
        return {"nodes": self.network.n_nodes, "links": self.network.n_edges,
                "length_km": round(self.network.length_km(), 1), "closed_links": self.closed_link_count(),
                "cached_origins": len(self._rows), "version": self.version}


class _GridIndex:
    """Nodes bucketed in square cells: the nearest node of a point from its 3×3 cells, exact when
    it is at most one cell away (anything outside the 3×3 block is farther than that)."""

    def __init__(self, xy: NDArray[np.float64], cell_m: float) -> None:
        self.cell = cell_m
        self.xy = xy
        cells = np.floor(xy / cell_m).astype(np.int64)
        order = np.lexsort((cells[:, 1], cells[:, 0]))
        keys = cells[order]
        self.buckets: dict[tuple[int, int], NDArray[np.int64]] = {}
        if len(order):
            change = np.nonzero(np.any(np.diff(keys, axis=0) != 0, axis=1))[0] + 1
            for chunk in np.split(order, change):
                c = cells[chunk[0]]
                self.buckets[(int(c[0]), int(c[1]))] = chunk

    def nearest(self, x: float, y: float) -> tuple[float, int] | None:
        cx, cy = math.floor(x / self.cell), math.floor(y / self.cell)
        get = self.buckets.get
        parts = [b for dx in (-1, 0, 1) for dy in (-1, 0, 1) if (b := get((cx + dx, cy + dy))) is not None]
        if not parts:
            return None
        cand = np.concatenate(parts) if len(parts) > 1 else parts[0]
        d2 = (self.xy[cand, 0] - x) ** 2 + (self.xy[cand, 1] - y) ** 2
        m = float(d2.min())
        d = math.sqrt(m)
        return (d, int(cand[d2 == m].min())) if d <= self.cell else None  # ties: the lowest node index


def _haversine_m(a: Point, b: Point) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(min(1.0, h)))
