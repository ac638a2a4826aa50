"""Locating a place said in words (地名定位) and the division of a point.

The place index joins three sources: the gazetteer table (:class:`~yingji.places.models.Place`),
the divisions (counties and townships, at their centroids) and the platform's own points
answered by every package through the ``places.points`` read hook (units, risk sources …; each
answer ``{"name", "aliases", "kind", "lon", "lat", "division_code", "source"}``). The index is
built once and reused: it is rebuilt when the gazetteer or the divisions change (a cheap
signature query on every call) and, for the hook points, after ``YINGJI_PLACES_INDEX_TTL``
seconds; :func:`invalidate` (called by the imports) drops it at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

import shapely
from shapely.geometry import Point, shape
from shapely.strtree import STRtree
from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from yingji.core import hooks
from yingji.core.auth import Principal
from yingji.core.divisions import Division
from yingji.core.listing import ListSpec, contains, eq, within_division
from yingji.core.scope import in_scope
from yingji.places.matching import Candidate, Entry, Index
from yingji.places.models import Place
from yingji.places.schemas import PlaceQuery

POINTS_HOOK = "places.points"


@dataclass(frozen=True)
class PlaceMatch:
    name: str
    kind: str
    lon: float
    lat: float
    confidence: float
    matched_on: str
    county_code: str | None
    township_code: str | None
    source: str
    matched_text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


PLACES = ListSpec(
    model=Place,
    query=PlaceQuery,
    filters={"kind": eq(Place.kind), "source": eq(Place.source), "division": within_division(Place.division_code),
             "q": contains(Place.name)},
    sorts={"id": Place.id, "name": Place.name, "kind": Place.kind, "division_code": Place.division_code,
           "source": Place.source, "updated_at": Place.updated_at},
    labels={"name": "名称", "kind": "类型", "division_code": "区划", "source": "来源", "updated_at": "更新时间"},
    default_sort=("id",),
)


# --------------------------------------------------------------------------- divisions of points


@dataclass
class _Divisions:
    signature: tuple[Any, ...]
    counties: list[tuple[str, Any]]
    townships: list[tuple[str, Any]]
    county_tree: STRtree | None
    township_tree: STRtree | None


_lock = threading.Lock()
_divisions: _Divisions | None = None
_index: tuple[tuple[Any, ...], float, Index] | None = None


def _division_signature(db: Session) -> tuple[Any, ...]:
    return tuple(db.execute(select(func.count(Division.code), func.max(Division.updated_at))
                            .where(Division.level.in_(("county", "township")))).one())


def _load_divisions(db: Session) -> _Divisions:
    global _divisions
    sig = _division_signature(db)
    cached = _divisions
    if cached is not None and cached.signature == sig:
        return cached
    counties, townships = [], []
    for d in db.scalars(select(Division).options(undefer(Division.geometry))
                        .where(Division.level.in_(("county", "township")))):
        if not d.geometry:
            continue
        geom = shape(d.geometry)
        shapely.prepare(geom)
        (counties if d.level == "county" else townships).append((d.code, geom))
    made = _Divisions(sig, counties, townships,
                      STRtree([g for _, g in counties]) if counties else None,
                      STRtree([g for _, g in townships]) if townships else None)
    with _lock:
        _divisions = made
    return made


def _locate_in(tree: STRtree | None, items: list[tuple[str, Any]], pt: Point) -> str | None:
    if tree is None:
        return None
    for i in tree.query(pt):
        code, geom = items[int(i)]
        if geom.covers(pt):
            return code
    return None


def division_of_point(db: Session, lon: float, lat: float) -> tuple[str | None, str | None]:
    """(county code, township code) of a WGS84 point by point-in-polygon, None where it lies outside.

    County boundaries are the real ones (AMap, converted from GCJ-02 to WGS84 when loaded); the
    township polygons of the demo are synthetic (core.division_data) and say so in their dataset.
    """
    d = _load_divisions(db)
    pt = Point(lon, lat)
    township = _locate_in(d.township_tree, d.townships, pt)
    county = _locate_in(d.county_tree, d.counties, pt)
    if township and (county is None or not township.startswith(county)):
        county = township[:6]
    return county, township


def city_code() -> str:
    from yingji.config import get_settings

    return get_settings().city_code


def place_from_row(db: Session, row: Any, *, source: str, synthetic: bool = False) -> Place:
    """A new gazetteer row (not yet added) from an import row, placed in its county and township."""
    division, county, township = division_code_of(db, row.lon, row.lat, city_code())
    return Place(name=row.name, aliases=list(row.aliases), kind=row.kind, lon=round(row.lon, 7),
                 lat=round(row.lat, 7), geometry=row.geometry, division_code=division, county_code=county,
                 township_code=township, source=source[:64], source_id=(row.source_id or "")[:100],
                 synthetic=synthetic)


def division_code_of(db: Session, lon: float, lat: float, city_code: str) -> tuple[str, str | None, str | None]:
    county, township = division_of_point(db, lon, lat)
    return township or county or city_code, county, township


# --------------------------------------------------------------------------- the index


def invalidate() -> None:
    """Drop the place index (after an import); the next :func:`locate` rebuilds it."""
    global _index
    with _lock:
        _index = None


def _gazetteer_signature(db: Session) -> tuple[Any, ...]:
    return tuple(db.execute(select(func.count(Place.id), func.max(Place.id), func.max(Place.updated_at))).one())


def _point_entries(db: Session) -> list[Entry]:
    out: list[Entry] = []
    for answer in hooks.collect(db, None, POINTS_HOOK):
        for p in answer or ():
            try:
                lon, lat = float(p["lon"]), float(p["lat"])
            except (KeyError, TypeError, ValueError):
                continue
            code = str(p.get("division_code") or "")
            out.append(Entry(str(p["name"]), str(p.get("kind") or "poi"), lon, lat,
                             tuple(p.get("aliases") or ()), code[:6] or None, code[:9] if len(code) >= 9 else None,
                             str(p.get("source") or "")))
    return out


def _build(db: Session) -> Index:
    entries: list[Entry] = []
    for d in db.scalars(select(Division).where(Division.level.in_(("county", "township")))):
        if d.centroid_lon is None or d.centroid_lat is None:
            continue
        county = d.code[:6]
        entries.append(Entry(d.name, d.level, d.centroid_lon, d.centroid_lat, (), county,
                             d.code if d.level == "township" else None, "divisions"))
    for p in db.scalars(select(Place).options(undefer("*"))):
        entries.append(Entry(p.name, p.kind, p.lon, p.lat, tuple(p.aliases or ()), p.county_code, p.township_code,
                             p.source, p.geometry))
    entries.extend(_point_entries(db))
    return Index(entries)


def get_index(db: Session) -> Index:
    global _index
    from yingji.config import get_settings

    sig = (_gazetteer_signature(db), _division_signature(db))
    cached = _index
    now = time.monotonic()
    if cached is not None and cached[0] == sig and now - cached[1] < get_settings().places_index_ttl:
        return cached[2]
    index = _build(db)
    with _lock:
        _index = (sig, now, index)
    return index


def _as_match(c: Candidate) -> PlaceMatch:
    e = c.entry
    if c.matched_on == "路口" and c.partner is not None:
        return PlaceMatch(c.matched_text, "crossing", round(c.lon, 6), round(c.lat, 6), round(c.confidence, 3),
                          "路口", e.county_code, e.township_code, e.source, c.matched_text)
    return PlaceMatch(e.name, e.kind, round(c.lon, 6), round(c.lat, 6), round(c.confidence, 3), c.matched_on,
                      e.county_code, e.township_code, e.source, c.matched_text)


def locate(db: Session, text: str, *, near: tuple[float, float] | None = None, limit: int = 5,
           principal: Principal | None = None) -> list[PlaceMatch]:
    """Places matching ``text`` (an address as said, or a whole transcript), best first.

    ``near``: the caller's position (lon, lat WGS84) when the network provides one; it ranks
    nearer candidates higher. The county/township of each answer is by point-in-polygon (points
    without a stored division are placed on the fly). ``principal``: when given, the platform's
    own points (units, risk sources) outside its jurisdiction are left out; place names are not.
    """
    out: list[PlaceMatch] = []
    if not (text or "").strip():
        return out
    index = get_index(db)
    for c in index.match(text, near=near, limit=limit * 3 if principal else limit):
        if principal is not None and c.entry.kind in ("unit", "risk_source") and not in_scope(
                principal.scope_code, c.entry.township_code or c.entry.county_code or ""):
            continue
        m = _as_match(c)
        if m.kind == "crossing" or m.county_code is None:
            county, township = division_of_point(db, m.lon, m.lat)
            m = PlaceMatch(**(asdict(m) | {"county_code": county or m.county_code,
                                           "township_code": township or m.township_code}))
        out.append(m)
        if len(out) >= limit:
            break
    if not out and near is not None:
        county, township = division_of_point(db, near[0], near[1])
        out.append(PlaceMatch("来电定位", "caller", near[0], near[1], 0.5, "来电定位", county, township, "network"))
    return out


def gazetteer_names(db: Session) -> dict[str, str]:
    """Names of the gazetteer (and the platform's points) with their county name, for the extractor."""
    counties = {d.code: d.name for d in db.scalars(select(Division).where(Division.level == "county"))}
    out: dict[str, str] = {}
    for e in get_index(db).entries:
        if e.kind in ("county", "township") or not e.county_code or e.county_code not in counties:
            continue
        out.setdefault(e.name, counties[e.county_code])
    return out


def summary(db: Session) -> dict[str, Any]:
    """Counts of the index by kind (for the page)."""
    counts: dict[str, int] = {}
    for e in get_index(db).entries:
        counts[e.kind] = counts.get(e.kind, 0) + 1
    return counts
