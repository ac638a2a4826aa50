"""Call intake benchmark: transcripts processed per second and the software's share of call-to-form time.

For every call of the development set (tests/data/calls_dev.jsonl, 140 real-style transcripts) the
measured path is what the call-taking screen runs: ``incidents.extract.extract`` (jieba + cn2an,
with the gazetteer's names) and then the place match of ``places.matching`` on the place said,
plus the point-in-polygon of the answer (county, township) — against a **naive keyword scan**
(the first type keyword found, a county name by substring, the first digit as a count) measured in
the same run. Prints throughput, p50/p95 latency, the ratios, and the accuracy of both on the set
(so the speed of the baseline is read next to what it gets wrong). The place index is built in
memory from the same sources as the demo (divisions, the 110 seed names, 37 hospitals); the
database round trip of ``places.service.locate`` (one signature query) is not included.

    python bench/incidents_intake.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from shapely.geometry import Point, shape
from shapely.strtree import STRtree

from yingji.core.division_data import build_fuzhou
from yingji.incidents.extract import extract
from yingji.places.matching import Entry, Index
from yingji.places.seed import data_dir, hospital_rows, seed_rows

KEYS = ("type", "county", "trapped", "injured", "dead")

NAIVE_TYPES = [("电梯困人", ["电梯"]), ("森林火灾", ["山火", "山林"]), ("车辆火灾", ["车着火", "自燃"]),
               ("建筑火灾", ["着火", "起火", "火灾"]), ("危化品爆炸", ["爆炸"]), ("危化品泄漏", ["泄漏", "化学"]),
               ("燃气泄漏", ["煤气", "天然气", "液化气"]), ("交通事故", ["撞", "车祸", "追尾"]), ("溺水", ["溺水", "落水"]),
               ("泥石流", ["泥石流"]), ("山体滑坡", ["滑坡", "塌方"]), ("内涝被困", ["淹", "积水"]),
               ("建筑坍塌", ["倒塌", "塌"]), ("群体事件", ["聚集", "打架", "围"])]


def naive(text: str, counties: dict[str, str]) -> dict:
    """The baseline: first keyword hit wins; county by name; the first Arabic/Chinese digit as a count."""
    out: dict = {k: None for k in KEYS}
    for t, words in NAIVE_TYPES:
        if any(w in text for w in words):
            out["type"] = t
            break
    for spoken, official in counties.items():
        if spoken in text:
            out["county"] = official
            break
    digits = "零一二三四五六七八九"
    for role, word in (("trapped", "困"), ("injured", "伤"), ("dead", "死")):
        i = text.find(word)
        if i >= 0:
            m = re.search(r"[一二三四五六七八九\d]", text[max(0, i - 6):i + 6])
            if m:
                ch = m.group(0)
                out[role] = int(ch) if ch.isdigit() else digits.index(ch)
    return out


def build() -> tuple[Index, dict[str, str], STRtree, list[str], dict[str, str]]:
    divisions, _ = build_fuzhou()
    entries, polys, codes = [], [], []
    county_names: dict[str, str] = {}
    for d in divisions:
        if d.level not in ("county", "township") or not d.geometry:
            continue
        geom = shape(d.geometry)
        pt = geom.representative_point()
        entries.append(Entry(d.name, d.level, pt.x, pt.y, (), d.code[:6], d.code if d.level == "township" else None,
                             "divisions"))
        if d.level == "township":
            polys.append(geom)
            codes.append(d.code)
        else:
            county_names[d.name] = d.name
            county_names[d.name[:-1]] = d.name
    names = {d.code: d.name for d in divisions if d.level == "county"}
    tree = STRtree(polys)
    for row in seed_rows(data_dir()) + hospital_rows(data_dir()):
        hits = [codes[i] for i in tree.query(Point(row.lon, row.lat)) if polys[i].covers(Point(row.lon, row.lat))]
        code = hits[0] if hits else None
        entries.append(Entry(row.name, row.kind, row.lon, row.lat, tuple(row.aliases), code[:6] if code else None,
                             code, "seed"))
    gaz = {e.name: names[e.county_code] for e in entries
           if e.kind not in ("county", "township") and e.county_code in names}
    return Index(entries), county_names, tree, codes, gaz | {"_polys": polys}  # type: ignore[dict-item]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args, _ = ap.parse_known_args()
    rows = [json.loads(line) for line in (ROOT / "tests/data/calls_dev.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    index, counties, tree, codes, gaz = build()
    polys = gaz.pop("_polys")  # type: ignore[arg-type]
    extract("预热：鼓楼区着火了", gazetteer_names=gaz)  # jieba loads its dictionary once per process (~2 s)

    def full(text: str) -> tuple[dict, object]:
        e = extract(text, gazetteer_names=gaz)
        matches = index.match(e.value("place_text") or text, limit=3) or index.match(text, limit=3)
        if matches:
            pt = Point(matches[0].lon, matches[0].lat)
            _ = [codes[i] for i in tree.query(pt) if polys[i].covers(pt)]  # type: ignore[index]
        return {k: e.value(k) for k in KEYS}, matches

    def timed(fn) -> tuple[list[float], float]:  # type: ignore[no-untyped-def]
        lat = []
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            for r in rows:
                s = time.perf_counter()
                fn(r["text"])
                lat.append(time.perf_counter() - s)
        return lat, time.perf_counter() - t0

    ours, ours_total = timed(full)
    base, base_total = timed(lambda t: naive(t, counties))
    n = len(rows) * args.repeat

    def p(lat: list[float], q: float) -> float:
        return statistics.quantiles(lat, n=100)[q - 1] * 1000

    def acc(fn) -> dict[str, float]:  # type: ignore[no-untyped-def]
        got = [fn(r["text"]) for r in rows]
        return {k: sum(g[k] == r[k] for g, r in zip(got, rows, strict=True)) / len(rows) for k in KEYS}

    ours_acc = acc(lambda t: full(t)[0])
    base_acc = acc(lambda t: naive(t, counties))
    print(f"calls: {len(rows)} transcripts × {args.repeat} = {n}; place index: {len(index.entries)} names")
    print(f"extract+locate:      {n / ours_total:8.1f} transcripts/s   p50 {p(ours, 50):6.2f} ms   p95 {p(ours, 95):6.2f} ms")
    print(f"naive keyword scan:  {n / base_total:8.1f} transcripts/s   p50 {p(base, 50):6.3f} ms   p95 {p(base, 95):6.3f} ms")
    print(f"ratio (naive / ours): throughput ×{(n / base_total) / (n / ours_total):.1f}, "
          f"p95 ×{p(ours, 95) / p(base, 95):.1f} slower; target p95 < 300 ms: {'met' if p(ours, 95) < 300 else 'MISSED'}")
    print("accuracy on the development set (ours vs naive): " + ", ".join(
        f"{k} {ours_acc[k]:.1%} vs {base_acc[k]:.1%}" for k in KEYS))


if __name__ == "__main__":
    main()
