"""Fuzzy Chinese place matching (pure: no ORM, no web) — the engine behind ``places.service.locate``.

An :class:`Index` is built from plain :class:`Entry` values (gazetteer rows, divisions, the
platform's points). :meth:`Index.match` reads a query (an address as said, or a whole call
transcript) and answers candidates, best first, each saying *what matched*:

- ``名称``  the query is exactly an entry's name; ``别名`` an alias; ``简称`` a derived short form
  (鼓楼 → 鼓楼区, 南屿 → 南屿镇, 三叉街 → 三叉街站, 协和 → 协和医院 are made by rule, see :func:`short_forms`);
- ``包含``  the name (or alias, short form) occurs inside the query (五一广场附近 → 五一广场);
- ``路口``  two roads said together with 路口/交叉口/交界/和 …: the point where their geometries meet,
  or the middle of their nearest points when they do not touch (≤ 300 m);
- ``近似``  edit-distance similarity (rapidfuzz) when nothing matched exactly (东街囗 → 东街口).

Confidence: by the kind of match, the share of the query the name covers, the length of the
name, agreement with a county said in the same query (万达 in 长乐 vs in 仓山) and, when the caller's
position is known (``near``), the distance to it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from shapely.geometry import shape
from shapely.ops import nearest_points

from yingji.core.geo import haversine_m

_SUFFIXES = ("自治县", "畲族乡", "街道", "地铁站", "火车站", "区", "县", "市", "镇", "乡", "站", "医院")
_CROSSING = re.compile(r"(路口|交叉口|交叉路口|交界|十字路口|交汇处|丁字路口|口子)")
_FILLER = re.compile(r"(附近|旁边|那边|这边|那里|这里|对面|门口|一带|周边|里面|上面|下面)")
_PUNCT = re.compile(r"[\s，。！？；、,.!?;:：（）()\"'“”]+")
_ROAD_KINDS = {"road"}
#: base confidence per match kind
BASE = {"名称": 0.97, "别名": 0.9, "简称": 0.9, "路口": 0.9, "包含": 0.8, "近似": 0.6}
#: kinds ranked when several entries share a name (鼓楼 is 鼓楼区 before a point whose alias it is)
KIND_RANK = {"county": 9, "township": 8, "road": 7, "landmark": 6, "hospital": 6, "metro": 5, "airport": 6,
             "unit": 4, "risk_source": 4, "village": 3, "poi": 3}


@dataclass(frozen=True)
class Entry:
    name: str
    kind: str
    lon: float
    lat: float
    aliases: tuple[str, ...] = ()
    county_code: str | None = None
    township_code: str | None = None
    source: str = ""
    geometry: dict[str, Any] | None = None  # GeoJSON (WGS84) for roads and areas


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    matched_on: str
    matched_text: str
    confidence: float
    lon: float = 0.0
    lat: float = 0.0
    partner: Entry | None = None  # the second road of a 路口


def short_forms(name: str) -> set[str]:
    """Short forms said for a name: 鼓楼区 → 鼓楼, 三叉街地铁站 → 三叉街, 福建医科大学附属协和医院 → (none)."""
    out = set()
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            out.add(name[: -len(suffix)])
            break
    return out


def normalise(text: str) -> str:
    return _PUNCT.sub("", text or "")


@dataclass
class Index:
    entries: Sequence[Entry]
    county_names: dict[str, str] = field(default_factory=dict)  # spoken county name -> code
    _names: dict[str, list[tuple[Entry, str]]] = field(default_factory=dict, init=False)
    _choices: list[str] = field(default_factory=list, init=False)
    _max_len: int = field(default=2, init=False)
    _shapes: dict[int, Any] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for e in self.entries:
            self._add(e.name, e, "名称")
            for a in e.aliases:
                self._add(a, e, "别名")
            for s in short_forms(e.name):
                self._add(s, e, "简称")
            if e.kind == "county":
                self.county_names[e.name] = e.county_code or ""
                for s in short_forms(e.name):
                    self.county_names[s] = e.county_code or ""
        self._choices = list(self._names)
        self._max_len = max((len(n) for n in self._names), default=2)

    def _add(self, name: str, entry: Entry, how: str) -> None:
        name = normalise(name)
        if len(name) < 2:
            return
        bucket = self._names.setdefault(name, [])
        if not any(e is entry for e, _ in bucket):
            bucket.append((entry, how))

    # ------------------------------------------------------------------ helpers

    def _shape(self, e: Entry) -> Any:
        key = id(e)
        if key not in self._shapes:
            self._shapes[key] = shape(e.geometry) if e.geometry else None
        return self._shapes[key]

    def _found(self, q: str) -> list[tuple[int, int, str]]:
        """Every (start, end, name) of the index occurring in q, longest first, not nested in a longer one."""
        hits = []
        n = len(q)
        for i in range(n):
            for j in range(min(n, i + self._max_len), i + 1, -1):
                if q[i:j] in self._names:
                    hits.append((i, j, q[i:j]))
        hits.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
        kept: list[tuple[int, int, str]] = []
        for h in hits:
            if not any(k[0] <= h[0] and h[1] <= k[1] for k in kept):
                kept.append(h)
        return kept

    def _crossing(self, q: str, roads: list[tuple[int, Entry]]) -> list[Candidate]:
        out: list[Candidate] = []
        if len(roads) < 2 or not (_CROSSING.search(q) or re.search(r"(和|与|跟)", q)):
            return out
        for a in range(len(roads)):
            for b in range(a + 1, len(roads)):
                ra, rb = roads[a][1], roads[b][1]
                if ra.name == rb.name:
                    continue
                ga, gb = self._shape(ra), self._shape(rb)
                if ga is None or gb is None:
                    continue
                inter = ga.intersection(gb)
                if not inter.is_empty:
                    pt = inter.representative_point() if inter.geom_type != "Point" else inter
                    lon, lat, conf = pt.x, pt.y, BASE["路口"]
                else:
                    pa, pb = nearest_points(ga, gb)
                    gap = haversine_m(pa.x, pa.y, pb.x, pb.y)
                    if gap > 300:
                        continue
                    lon, lat = (pa.x + pb.x) / 2, (pa.y + pb.y) / 2
                    conf = BASE["路口"] - 0.1 * gap / 300
                out.append(Candidate(ra, "路口", f"{ra.name}与{rb.name}路口", conf, lon, lat, partner=rb))
        return out

    # ------------------------------------------------------------------ match

    def match(self, text: str, *, near: tuple[float, float] | None = None, limit: int = 5,
              fuzzy_cutoff: float = 65.0) -> list[Candidate]:
        q = normalise(text)
        if not q:
            return []
        said_counties = {code for name, code in self.county_names.items() if name in q and code}
        cands: list[Candidate] = []
        roads: list[tuple[int, Entry]] = []
        for start, end, name in self._found(q):
            exact = end - start == len(q) or len(_FILLER.sub("", q)) == end - start
            for entry, how in self._names[name]:
                on = how if exact else "包含"
                cover = (end - start) / max(len(_FILLER.sub("", q)), 1)
                conf = BASE[on] if exact else BASE["包含"] * (0.75 + 0.25 * min(1.0, cover * 2))
                if how == "简称" and not exact:
                    conf -= 0.05
                conf += 0.01 * min(len(name), 8) + 0.005 * KIND_RANK.get(entry.kind, 3)
                cands.append(Candidate(entry, on, name, conf, entry.lon, entry.lat))
                if entry.kind in _ROAD_KINDS:
                    roads.append((start, entry))
        cands.extend(self._crossing(q, roads))
        if not cands and len(q) >= 2:
            for name, score, _ in process.extract(_FILLER.sub("", q), self._choices, scorer=fuzz.ratio,
                                                  limit=limit, score_cutoff=fuzzy_cutoff):
                for entry, _how in self._names[name]:
                    cands.append(Candidate(entry, "近似", name, BASE["近似"] * score / 100,
                                           entry.lon, entry.lat))
        return self._rank(cands, said_counties, near, limit)

    def _rank(self, cands: Iterable[Candidate], said_counties: set[str], near: tuple[float, float] | None,
              limit: int) -> list[Candidate]:
        scored: list[Candidate] = []
        for c in cands:
            conf = c.confidence
            if said_counties and c.entry.kind != "county" and c.matched_text not in self.county_names:
                conf += 0.05 if c.entry.county_code in said_counties else -0.15
            if near is not None:
                d_km = haversine_m(near[0], near[1], c.lon, c.lat) / 1000
                conf *= 0.75 + 0.25 * math.exp(-d_km / 5)
            scored.append(Candidate(c.entry, c.matched_on, c.matched_text, max(0.0, min(1.0, conf)), c.lon, c.lat,
                                    c.partner))
        # a broad area said with a precise place inside it (仓山区…金山大道): the precise one first
        seen: set[tuple[str, str, float, float]] = set()
        out: list[Candidate] = []
        # ... but words read two ways (鼓楼: the county, or a point with that alias) keep their confidence
        # order: the precision bonus is the one of the best reading of the same words
        best_of: dict[str, Candidate] = {}
        for c in scored:
            if c.matched_text not in best_of or c.confidence > best_of[c.matched_text].confidence:
                best_of[c.matched_text] = c
        bonus = {t: 0.04 * _specificity(c) for t, c in best_of.items()}
        for c in sorted(scored, key=lambda c: -(c.confidence + bonus[c.matched_text])):
            key = (c.entry.name, c.entry.kind, round(c.lon, 4), round(c.lat, 4))
            if key in seen:
                continue
            seen.add(key)
            out.append(c)
            if len(out) >= limit:
                break
        return out


def _specificity(c: Candidate) -> int:
    """How precise a place is: a crossing or a point beats a road, a road beats a township, a county."""
    if c.matched_on == "路口":
        return 4
    return {"county": 0, "township": 1, "road": 2}.get(c.entry.kind, 3)
