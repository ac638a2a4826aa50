"""A drivable road network as plain arrays: nodes (WGS84 lon/lat) and directed links.

Pure module (numpy only; no ORM, no web). Read from the platform's network format — the
``nodes.csv.gz`` / ``edges.csv.gz`` pair of ``data/fuzhou/roads`` (OpenStreetMap-derived, ODbL) —
or built from an OpenStreetMap ``.osm`` / ``.osm.pbf`` file by :mod:`yingji.routing.osm`, and
written back in the same format so an imported city is loaded like Fuzhou.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

OSM_ATTRIBUTION = "© OpenStreetMap contributors（ODbL 1.0）"

NODE_COLUMNS = ["node_id", "lon", "lat"]
EDGE_COLUMNS = ["link_id", "from_node", "to_node", "length_m", "freespeed_mps", "highway_inferred"]


@dataclass
class RoadNetwork:
    """Nodes ``0..n-1`` with WGS84 coordinates; directed links ``src -> dst`` with length and speed."""

    node_ids: list[str]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    link_ids: list[str]
    src: NDArray[np.int64]
    dst: NDArray[np.int64]
    length_m: NDArray[np.float64]
    speed_mps: NDArray[np.float64]
    highway: list[str]
    name: str = "network"
    attribution: str = OSM_ATTRIBUTION
    source: str = ""
    _link_index: dict[str, int] | None = field(default=None, repr=False)

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    @property
    def n_edges(self) -> int:
        return len(self.link_ids)

    def link_index(self) -> dict[str, int]:
        if self._link_index is None:
            self._link_index = {lid: i for i, lid in enumerate(self.link_ids)}
        return self._link_index

    def bounds(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat)."""
        return (float(self.lon.min()), float(self.lat.min()), float(self.lon.max()), float(self.lat.max()))

    def length_km(self) -> float:
        return float(self.length_m.sum()) / 1000.0

    # ----------------------------------------------------------------- reading and writing

    @classmethod
    def read_dir(cls, directory: str | Path, name: str | None = None) -> RoadNetwork:
        """Read ``nodes.csv.gz`` + ``edges.csv.gz`` (extra columns ignored; ``meta.json`` optional)."""
        directory = Path(directory)
        with gzip.open(directory / "nodes.csv.gz", "rt", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        node_ids = [r["node_id"] for r in rows]
        lon = np.array([float(r["lon"]) for r in rows])
        lat = np.array([float(r["lat"]) for r in rows])
        index = {nid: i for i, nid in enumerate(node_ids)}
        with gzip.open(directory / "edges.csv.gz", "rt", encoding="utf-8", newline="") as f:
            erows = list(csv.DictReader(f))
        meta: dict[str, str] = {}
        if (directory / "meta.json").exists():
            meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        return cls(
            node_ids=node_ids, lon=lon, lat=lat,
            link_ids=[r["link_id"] for r in erows],
            src=np.array([index[r["from_node"]] for r in erows], dtype=np.int64),
            dst=np.array([index[r["to_node"]] for r in erows], dtype=np.int64),
            length_m=np.array([float(r["length_m"]) for r in erows]),
            speed_mps=np.array([float(r["freespeed_mps"]) for r in erows]),
            highway=[r.get("highway_inferred") or r.get("highway") or "" for r in erows],
            name=meta.get("name") or name or directory.name,
            attribution=meta.get("attribution", OSM_ATTRIBUTION),
            source=meta.get("source", str(directory)),
        )

    def write_dir(self, directory: str | Path) -> Path:
        """Write the network in the platform's format (deterministic output)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(NODE_COLUMNS)
        for nid, x, y in zip(self.node_ids, self.lon, self.lat):
            w.writerow([nid, f"{x:.7f}", f"{y:.7f}"])
        _write_gz(directory / "nodes.csv.gz", buf.getvalue())
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(EDGE_COLUMNS)
        for i in range(self.n_edges):
            w.writerow([self.link_ids[i], self.node_ids[self.src[i]], self.node_ids[self.dst[i]],
                        f"{self.length_m[i]:.3f}", f"{self.speed_mps[i]:.6f}", self.highway[i]])
        _write_gz(directory / "edges.csv.gz", buf.getvalue())
        (directory / "meta.json").write_text(json.dumps(
            {"name": self.name, "attribution": self.attribution, "source": self.source}, ensure_ascii=False,
            indent=1), encoding="utf-8")
        return directory


def _write_gz(path: Path, text: str) -> None:
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
        f.write(text.encode("utf-8"))


def grid_network(side: int, *, spacing_m: float = 150.0, seed: int = 7, origin: tuple[float, float] = (119.0, 25.5),
                 ) -> RoadNetwork:
    """A SYNTHETIC two-way grid city of ``side × side`` nodes (for benches and tests), with random
    road classes (speeds 8–22 m/s), jittered lengths and 3 % of links removed in one direction.
    Deterministic for a seed."""
    rng = np.random.default_rng(seed)
    n = side * side
    ii, jj = np.divmod(np.arange(n), side)
    dlat = spacing_m / 111_320.0
    dlon = spacing_m / (111_320.0 * np.cos(np.radians(origin[1])))
    lon = origin[0] + jj * dlon + rng.normal(0, dlon * 0.1, n)
    lat = origin[1] + ii * dlat + rng.normal(0, dlat * 0.1, n)
    right = np.arange(n)[jj < side - 1]
    up = np.arange(n)[ii < side - 1]
    a = np.concatenate([right, up])
    b = np.concatenate([right + 1, up + side])
    src = np.concatenate([a, b])
    dst = np.concatenate([b, a])
    keep = rng.random(len(src)) > 0.03
    keep[: len(a)] = True  # one direction of every link always kept: strongly connected
    src, dst = src[keep], dst[keep]
    classes = np.array(["primary", "secondary", "tertiary", "residential"])
    speeds = np.array([22.22, 16.67, 13.89, 8.33])
    cls_idx = rng.integers(0, 4, len(src))
    length = spacing_m * rng.uniform(1.0, 1.3, len(src))
    return RoadNetwork(
        node_ids=[f"g{i}" for i in range(n)], lon=lon, lat=lat,
        link_ids=[f"gl{i}" for i in range(len(src))], src=src.astype(np.int64), dst=dst.astype(np.int64),
        length_m=length, speed_mps=speeds[cls_idx], highway=list(classes[cls_idx]),
        name=f"合成网格 {side}×{side}（SYNTHETIC）", attribution="合成数据（synthetic）", source="grid_network")
