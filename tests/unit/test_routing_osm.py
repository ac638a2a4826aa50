"""Loading a city's network from OpenStreetMap (.osm XML and .osm.pbf) with pyosmium, on a tiny file
the test writes: splitting at intersections, one-way streets, maxspeed, non-car ways and the
largest strongly connected component."""

from __future__ import annotations

import osmium
import pytest

from yingji.routing.engine import Router, RoutingConfig
from yingji.routing.network import RoadNetwork
from yingji.routing.osm import read_osm

# A plus-shaped crossing at node 5 plus a one-way street, a footway and a disconnected island.
#
#   1 ---- 2 ---- 5 ---- 3            (way 10: primary, two-way, maxspeed 50, nodes 1-2-5-3)
#                 |
#                 4                   (way 11: residential, two-way, 5-4)
#   4 ---> 6 ---> 3                   (way 12: oneway tertiary 4-6-3, no intersection at 6)
#   1 .... 7                          (way 13: footway — not drivable)
#   8 ---> 9                          (way 14: oneway island — dropped, not strongly connected)
NODES = {1: (119.300, 26.080), 2: (119.301, 26.080), 5: (119.302, 26.080), 3: (119.303, 26.080),
         4: (119.302, 26.079), 6: (119.3025, 26.0785), 7: (119.300, 26.081), 8: (119.31, 26.09),
         9: (119.311, 26.09)}
WAYS = [
    (10, [1, 2, 5, 3], {"highway": "primary", "maxspeed": "50"}),
    (11, [5, 4], {"highway": "residential"}),
    (12, [4, 6, 3], {"highway": "tertiary", "oneway": "yes"}),
    (13, [1, 7], {"highway": "footway"}),
    (14, [8, 9], {"highway": "residential", "oneway": "yes"}),
]


def _write_xml(path) -> None:  # type: ignore[no-untyped-def]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="yingji-test">']
    for nid, (lon, lat) in NODES.items():
        lines.append(f'  <node id="{nid}" version="1" lat="{lat}" lon="{lon}"/>')
    for wid, refs, tags in WAYS:
        lines.append(f'  <way id="{wid}" version="1">')
        lines += [f'    <nd ref="{r}"/>' for r in refs]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")


def _write_pbf(path) -> None:  # type: ignore[no-untyped-def]
    writer = osmium.SimpleWriter(str(path))
    try:
        for nid, (lon, lat) in NODES.items():
            writer.add_node(osmium.osm.mutable.Node(id=nid, location=osmium.osm.Location(lon, lat), version=1))
        for wid, refs, tags in WAYS:
            writer.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags, version=1))
    finally:
        writer.close()


@pytest.mark.parametrize("suffix", [".osm", ".osm.pbf"])
def test_read_osm_builds_the_drivable_network(tmp_path, suffix):
    path = tmp_path / f"tiny{suffix}"
    (_write_xml if suffix == ".osm" else _write_pbf)(path)
    net = read_osm(path, name="测试城")
    ids = sorted(net.node_ids)
    # intersections and ends only (2 is an inner node of way 10; 6 of way 12); 7, 8, 9 dropped
    assert ids == ["n1", "n3", "n4", "n5"]
    links = {(net.node_ids[s], net.node_ids[d]): (lid, hw) for lid, s, d, hw in
             zip(net.link_ids, net.src, net.dst, net.highway)}
    assert set(links) == {("n1", "n5"), ("n5", "n1"), ("n5", "n3"), ("n3", "n5"), ("n5", "n4"), ("n4", "n5"),
                          ("n4", "n3")}  # the one-way 4 → 3 has no reverse
    i = net.link_ids.index(links[("n1", "n5")][0])
    assert net.length_m[i] == pytest.approx(2 * 100.0, rel=0.01)  # two 0.001° steps along the way
    assert net.speed_mps[i] == pytest.approx(50 / 3.6)
    assert net.attribution.startswith("© OpenStreetMap")
    # usable by the router, and round-trips through the platform's format
    router = Router(net, RoutingConfig())
    t = router.travel_times([NODES[1]], NODES[3])[0]
    assert t.model == "network" and t.meters == pytest.approx(300, rel=0.01)
    again = RoadNetwork.read_dir(net.write_dir(tmp_path / "out"))
    assert again.link_ids == net.link_ids and again.name == "测试城"
    assert again.length_m.tolist() == pytest.approx(net.length_m.tolist(), abs=1e-3)


def test_cli_import_osm(tmp_path):
    from typer.testing import CliRunner

    from yingji.routing.cli import app

    path = tmp_path / "tiny.osm"
    _write_xml(path)
    result = CliRunner().invoke(app, ["import-osm", str(path), "--out", str(tmp_path / "net"), "--name", "测试城"])
    assert result.exit_code == 0, result.output
    assert "4 个节点" in result.output and (tmp_path / "net" / "edges.csv.gz").exists()


def test_read_osm_refuses_a_file_without_roads(tmp_path):
    path = tmp_path / "empty.osm"
    path.write_text('<?xml version="1.0"?><osm version="0.6"><node id="1" lat="26" lon="119"/></osm>')
    with pytest.raises(ValueError, match="没有可通行"):
        read_osm(path)
