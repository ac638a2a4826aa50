"""The offline road layer's builder (pure): both directions of a road are one line, segments of a class
merge into polylines, small classes appear only when zoomed in, service roads are left out, and the
same input gives the same bytes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from yingji.core.basemap import ROAD_CLASSES, build_road_layer, dump

NODES = [("a", 119.30, 26.08), ("b", 119.31, 26.08), ("c", 119.32, 26.08), ("d", 119.32, 26.09),
         ("e", 119.30, 26.09)]
EDGES = [("a", "b", "primary"), ("b", "a", "primary"), ("b", "c", "primary_link"), ("c", "d", "residential"),
         ("d", "e", "service"), ("e", "a", "tertiary"), ("a", "a", "primary")]


@pytest.fixture
def network(tmp_path: Path) -> Path:
    with gzip.open(tmp_path / "nodes.csv.gz", "wt", encoding="utf-8") as fh:
        fh.write("node_id,lon,lat\n" + "".join(f"{n},{x},{y}\n" for n, x, y in NODES))
    (tmp_path / "edges.csv").write_text("from_node,to_node,highway_inferred\n" + "".join(
        f"{a},{b},{c}\n" for a, b, c in EDGES), encoding="utf-8")
    return tmp_path


def test_roads_are_merged_by_class_without_duplicates_or_service_roads(network: Path):
    layer, stats = build_road_layer(network)
    by_class = {f["properties"]["class"]: f for f in layer["features"]}
    assert set(by_class) == {"primary", "tertiary", "residential"}  # links join their class; no service road
    assert stats.edges_in == 7 and stats.segments == 4  # a→b and b→a are one road; a self-loop is none
    # a→b→c is one polyline; its straight middle vertex is simplified away
    assert by_class["primary"]["geometry"]["coordinates"] == [[[119.30, 26.08], [119.32, 26.08]]]
    for cls, f in by_class.items():
        name, rank, min_zoom = ROAD_CLASSES[cls]
        assert f["properties"] == {"class": cls, "name": name, "rank": rank, "min_zoom": min_zoom}
    assert "OpenStreetMap" in layer["attribution"] and layer["datum"] == "WGS84"
    assert stats.bytes == len(dump(layer)) and stats.gzip_bytes < stats.bytes


def test_the_layer_is_reproducible_and_simplified(network: Path):
    first, _ = build_road_layer(network)
    again, _ = build_road_layer(network)
    assert dump(first) == dump(again)
    coarse, _ = build_road_layer(network, tolerance_m=5000, decimals=2)
    points = [p for f in coarse["features"] for line in f["geometry"]["coordinates"] for p in line]
    assert all(len(str(v).split(".")[-1]) <= 2 for p in points for v in p)


def test_a_missing_network_is_a_clear_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="nodes.csv"):
        build_road_layer(tmp_path)


def test_the_shipped_layer_is_small_and_current():
    shipped = Path(__file__).resolve().parents[2] / "data" / "fuzhou" / "basemap" / "roads.geojson"
    layer = json.loads(shipped.read_text(encoding="utf-8"))
    assert shipped.stat().st_size < 600_000 and len(gzip.compress(shipped.read_bytes())) < 130_000
    assert {f["properties"]["class"] for f in layer["features"]} <= set(ROAD_CLASSES)
    source = Path("/work/shared/data/fuzhou/roads")
    if source.is_dir():  # the reference network is at hand: the shipped file is exactly what it builds
        built, _ = build_road_layer(source)
        assert dump(built) == shipped.read_bytes()
