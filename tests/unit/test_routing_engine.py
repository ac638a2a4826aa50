"""The router against a reference Dijkstra (networkx), closures, snapping, fallback and hour factors."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import networkx as nx
import numpy as np
import pytest
import shapely

from yingji.routing.engine import Closure, Router, RoutingConfig
from yingji.routing.network import RoadNetwork, grid_network


def _reference(router: Router) -> nx.DiGraph:
    u, v, w = router.node_weights()
    g = nx.DiGraph()
    g.add_nodes_from(range(router.network.n_nodes))
    g.add_weighted_edges_from(zip(u.tolist(), v.tolist(), w.tolist()))
    return g


def _pt(router: Router, i: int) -> tuple[float, float]:
    return (float(router.network.lon[i]), float(router.network.lat[i]))


@pytest.fixture(scope="module")
def grid() -> RoadNetwork:
    return grid_network(30, seed=11)


def test_travel_times_equal_reference_dijkstra_on_random_pairs(grid):
    # auto_prepare=0 → the reverse-Dijkstra path; auto_prepare=100 → precomputed trees
    for auto in (0, 100):
        router = Router(grid, RoutingConfig(auto_prepare=auto))
        g = _reference(router)
        rng = np.random.default_rng(42)
        for _ in range(15):
            dest = int(rng.integers(grid.n_nodes))
            origins = rng.integers(0, grid.n_nodes, 20).tolist()
            got = router.travel_times([_pt(router, o) for o in origins], _pt(router, dest))
            ref = nx.single_source_dijkstra_path_length(g.reverse(copy=False), dest, weight="weight")
            for o, t in zip(origins, got):
                assert t.model == "network"
                assert t.seconds == pytest.approx(ref[o], rel=1e-9, abs=1e-9)


def test_meters_follow_the_fastest_route(grid):
    router = Router(grid)
    g = _reference(router)
    a, b = 5, grid.n_nodes - 7
    path = nx.dijkstra_path(g, a, b, weight="weight")
    lengths = {(int(u), int(v)): min(float(grid.length_m[e]) for e in np.nonzero((grid.src == u) & (grid.dst == v))[0])
               for u, v in itertools.pairwise(path)}
    tt = router.travel_times([_pt(router, a)], _pt(router, b))[0]
    rt = router.route(_pt(router, a), _pt(router, b))
    assert tt.meters == pytest.approx(sum(lengths.values()), rel=1e-5)
    assert rt.seconds == pytest.approx(tt.seconds, rel=1e-9)
    assert rt.meters == pytest.approx(tt.meters, rel=1e-5)
    assert len(rt.coords) == len(path) + 2 and len(rt.link_ids) == len(path) - 1


def test_nearest_is_sorted_top_k(grid):
    router = Router(grid)
    rng = np.random.default_rng(3)
    origins = [_pt(router, int(i)) for i in rng.integers(0, grid.n_nodes, 40)]
    dest = _pt(router, 400)
    all_times = router.travel_times(origins, dest)
    top = router.nearest(origins, dest, k=5)
    assert [i for i, _ in top] == sorted(range(40), key=lambda i: (all_times[i].seconds, i))[:5]


def test_closure_takes_effect_and_reopening_restores(grid):
    router = Router(grid, RoutingConfig(auto_prepare=1000))
    rng = np.random.default_rng(5)
    origins = [_pt(router, int(i)) for i in rng.integers(0, grid.n_nodes, 30)]
    dest = _pt(router, 455)
    before = [t.seconds for t in router.travel_times(origins, dest)]  # trees now cached
    route = router.route(origins[0], dest)
    closure = Closure(key="c1", link_ids=tuple(route.link_ids[len(route.link_ids) // 2:][:3]))
    assert router.add_closure(closure) == 3
    after = router.travel_times(origins, dest)
    ref = nx.single_source_dijkstra_path_length(_reference(router).reverse(copy=False), 455, weight="weight")
    idx = [int(i) for i in router.snap(origins)[0]]
    for i, t in zip(idx, after):
        assert t.seconds == pytest.approx(ref[i], rel=1e-9)
    assert after[0].seconds > before[0] and not set(closure.link_ids) & set(router.route(origins[0], dest).link_ids)
    router.remove_closure("c1")
    assert [t.seconds for t in router.travel_times(origins, dest)] == pytest.approx(before, rel=1e-12)


def test_congestion_slows_and_polygon_closes_links(grid):
    router = Router(grid)
    a, b = _pt(router, 0), _pt(router, grid.n_nodes - 1)
    base = router.travel_times([a], b)[0].seconds
    all_links = tuple(grid.link_ids)
    router.add_closure(Closure(key="slow", link_ids=all_links, factor=0.5))
    assert router.travel_times([a], b)[0].seconds == pytest.approx(2 * base, rel=1e-9)
    router.remove_closure("slow")
    # a polygon around the destination node cuts it off: fallback, labelled
    x, y = b
    box = shapely.box(x - 0.0025, y - 0.0025, x + 0.0025, y + 0.0025)
    n = router.add_closure(Closure(key="flood", polygon=box))
    assert n > 0 and router.closed_link_count() == n
    t = router.travel_times([a], b)[0]
    assert t.model == "fallback" and "道路封闭" in t.label


def test_fallback_outside_coverage_is_labelled(grid):
    router = Router(grid, RoutingConfig(max_snap_m=500))
    inside = _pt(router, 100)
    far = (inside[0] + 0.8, inside[1] + 0.5)  # ~90 km away
    t = router.travel_times([far, inside], inside)
    assert [x.model for x in t] == ["fallback", "network"]
    assert t[0].label.startswith("估算模型：直线距离×迂回系数1.4÷县域车速55 km/h")
    assert t[1].label.startswith("路网（")
    straight = t[0].meters / 1.4
    assert t[0].seconds == pytest.approx(straight * 1.4 / (55 / 3.6))
    near = (inside[0], inside[1] + 0.0)  # same point: network
    assert router.travel_times([near], far)[0].model == "fallback"
    assert router.route(far, inside).model == "fallback"


def test_snapping_picks_the_nearest_node_and_adds_the_access_leg(grid):
    router = Router(grid)
    p = _pt(router, 200)
    shifted = (p[0], p[1] + 30 / 110_574)  # 30 m north
    nodes, dist = router.snap([p, shifted])
    assert nodes.tolist() == [200, 200] and dist[0] == pytest.approx(0, abs=1e-6)
    assert dist[1] == pytest.approx(30, abs=0.5)
    dest = _pt(router, 250)
    t0, t1 = router.travel_times([p, shifted], dest)
    assert t1.seconds - t0.seconds == pytest.approx(dist[1] / router.config.access_speed_mps, rel=1e-6)


def test_hour_factor_divides_times():
    net = grid_network(10, seed=2)
    cfg = RoutingConfig(hour_factors={8: 0.5})
    router = Router(net, cfg)
    a, b = _pt(router, 0), _pt(router, 99)
    rush = router.travel_times([a], b, at=datetime(2026, 12, 1, 0, 30, tzinfo=UTC))[0]  # 08:30 in UTC+8
    calm = router.travel_times([a], b, at=datetime(2026, 12, 1, 4, 30, tzinfo=UTC))[0]
    assert rush.seconds == pytest.approx(2 * calm.seconds) and "时段系数 0.5" in rush.label


def test_reverse_only_answers_match_cached_after_many_closure_changes(grid):
    """Stale trees are dropped exactly: after random closures/reopenings the cached answers equal
    a router that recomputes everything."""
    cached = Router(grid, RoutingConfig(auto_prepare=1000))
    fresh_cfg = RoutingConfig(auto_prepare=0)
    rng = np.random.default_rng(9)
    origins = [_pt(cached, int(i)) for i in rng.integers(0, grid.n_nodes, 25)]
    dests = [_pt(cached, int(i)) for i in rng.integers(0, grid.n_nodes, 4)]
    active: list[Closure] = []
    for step in range(12):
        for d in dests:
            cached.travel_times(origins, d)
        if active and rng.random() < 0.4:
            active.pop(int(rng.integers(len(active))))
        else:
            links = tuple(grid.link_ids[int(i)] for i in rng.integers(0, grid.n_edges, 40))
            active.append(Closure(key=f"k{step}", link_ids=links, factor=float(rng.choice([0.0, 0.3]))))
        cached.set_closures(active)
        fresh = Router(grid, fresh_cfg)
        fresh.set_closures(active)
        for d in dests:
            assert [t.seconds for t in cached.travel_times(origins, d)] == pytest.approx(
                [t.seconds for t in fresh.travel_times(origins, d)], rel=1e-9)


def test_real_fuzhou_network_equals_reference_dijkstra():
    """On the shipped central-city network (OpenStreetMap, ODbL): random pairs, fixed seed."""
    from pathlib import Path

    net = RoadNetwork.read_dir(Path(__file__).resolve().parents[2] / "data" / "fuzhou" / "roads")
    assert (net.n_nodes, net.n_edges) == (16539, 34056)
    router = Router(net, RoutingConfig(auto_prepare=4))
    g = _reference(router)
    rng = np.random.default_rng(2026)
    for dest in rng.integers(0, net.n_nodes, 4).tolist():
        origins = rng.integers(0, net.n_nodes, 12).tolist()
        ref = nx.single_source_dijkstra_path_length(g.reverse(copy=False), dest, weight="weight")
        got = router.travel_times([_pt(router, o) for o in origins], _pt(router, dest))
        for o, t in zip(origins, got, strict=True):
            assert t.model == "network"
            assert t.seconds == pytest.approx(ref[o], rel=1e-9, abs=1e-9)


def test_queries_from_threads_while_closures_change(grid):
    """Request threads query while another sets closures: no errors, and the final answers equal a
    fresh router's with the same closures."""
    import threading

    router = Router(grid, RoutingConfig(auto_prepare=3, cache_origins=20))
    rng = np.random.default_rng(17)
    origins = [_pt(router, int(i)) for i in rng.integers(0, grid.n_nodes, 30)]
    dests = [_pt(router, int(i)) for i in rng.integers(0, grid.n_nodes, 10)]
    errors: list[BaseException] = []
    stop = threading.Event()

    def ask() -> None:
        try:
            while not stop.is_set():
                for d in dests:
                    router.nearest(origins, d, k=5)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for t in threads:
        t.start()
    closures: list[Closure] = []
    for step in range(15):
        links = tuple(grid.link_ids[int(i)] for i in rng.integers(0, grid.n_edges, 30))
        closures = [*closures[-2:], Closure(key=f"t{step}", link_ids=links)]
        router.set_closures(closures)
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    fresh = Router(grid, RoutingConfig(auto_prepare=0))
    fresh.set_closures(closures)
    for d in dests:
        assert [t.seconds for t in router.travel_times(origins, d)] == pytest.approx(
            [t.seconds for t in fresh.travel_times(origins, d)], rel=1e-9)
