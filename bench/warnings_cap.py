"""Benchmark of the warnings domain's CAP work (issue 12).

1. CAP out: building one version's CAP 1.2 document (every template × level, with a polygon, a circle
   and three geocodes) and validating it against the OASIS schema — per message, against the
   baseline of serialising the same content as JSON (what publishing would cost without CAP).
2. CAP in: the tolerant parse of the faulty samples in ``tests/data/cap`` (schema check, repairs,
   fault report), against the baseline of a bare ``lxml.etree.fromstring`` of the same documents.

Run: ``python bench/warnings_cap.py [--runs 200]``. Pure: no database.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from lxml import etree

from yingji.warnings import cap, catalog, messages

TZ = cap.fixed_offset(8)
SENT = datetime(2026, 7, 1, tzinfo=UTC)
AREA = {"divisions": ["350102", "350102001", "350102001001"],
        "polygons": [[[119.28, 26.07], [119.32, 26.07], [119.32, 26.10], [119.28, 26.10]]],
        "circles": [{"lon": 119.3, "lat": 26.08, "radius_m": 2500}]}


def _messages() -> list[cap.Message]:
    out = []
    for t in catalog.type_keys():
        for lv in catalog.level_keys():
            text = catalog.draft_text(t, lv, "鼓楼区")
            w = SimpleNamespace(hazard_type=t, level=lv, area=AREA, area_desc="鼓楼区", onset=SENT,
                                expires=SENT + timedelta(days=1), note="", **text)
            out.append(messages.cap_message(w, version=1, msg_type="Alert",
                                            identifier=cap.identifier("350102", "000", "000", "00", SENT, TZ, 0),
                                            sender="yingji@350100", sent=SENT, references=[]))
    return out


def _per_item(fn, items, runs: int) -> float:  # type: ignore[no-untyped-def]
    """Median microseconds per item over ``runs`` passes."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        for it in items:
            fn(it)
        times.append((time.perf_counter() - t) / len(items) * 1e6)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    args = ap.parse_args()
    msgs = _messages()
    cap.schema()  # load once
    build = _per_item(lambda m: cap.build(m, TZ), msgs, args.runs)
    docs = [cap.build(m, TZ) for m in msgs]
    validate = _per_item(cap.validate, docs, args.runs)
    as_json = _per_item(lambda m: json.dumps(m.__dict__, default=str, ensure_ascii=False), msgs, args.runs)
    print(f"CAP out: {len(msgs)} messages (every template × level)")
    print(f"  build           {build:8.1f} µs/message")
    print(f"  schema check    {validate:8.1f} µs/message")
    print(f"  baseline JSON   {as_json:8.1f} µs/message   ratio (build+check)/JSON = {(build + validate) / as_json:.1f}×")
    print(f"  → {1e6 / (build + validate):,.0f} schema-valid CAP messages/s on one core")
    samples = [p.read_bytes() for p in sorted((ROOT / "tests" / "data" / "cap").glob("*.xml"))]
    tolerant = _per_item(lambda d: cap.parse(d, strict=False, tz=TZ), samples, args.runs)
    strict = _per_item(lambda d: cap.parse(d, strict=True, tz=TZ), samples, args.runs)

    def bare(d: bytes) -> None:
        try:
            etree.fromstring(d)
        except etree.XMLSyntaxError:
            pass

    base = _per_item(bare, samples, args.runs)
    print(f"CAP in: {len(samples)} faulty real-world-style samples")
    print(f"  tolerant parse  {tolerant:8.1f} µs/message   ratio vs bare lxml parse = {tolerant / base:.1f}×")
    print(f"  strict parse    {strict:8.1f} µs/message   ratio vs bare lxml parse = {strict / base:.1f}×")
    print(f"  baseline lxml   {base:8.1f} µs/message")


if __name__ == "__main__":
    main()
