"""Synthetic recipients at realistic density (pure: numpy + shapely; labelled synthetic everywhere).

Per township (its polygon and census-derived population): villages (村/社区) are seeded inside it
— one per ~3,000 residents, 3 to 40 — and get 12-digit codes ``<township><001…>``; every village
has a broadcast terminal (村级) at its seed, every township one at its representative point (乡镇级),
every county one (县级) and the city one (市级). SMS and app subscribers are scattered uniformly
in the township, each standing for ``per_person`` residents, and take the code of the nearest
village seed. Who is reached by what: a share of the residents — ``0.10 + 0.5 × rural share`` of
the county (census 2020) — is covered by the village loudspeakers only (no phone subscription),
the rest by subscribers (SMS 75 %, app 25 %); so the populations add up to the census total and
coverage = delivered population / targeted population is meaningful.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from shapely.geometry.base import BaseGeometry

from yingji.core.synthetic import points_in

RESIDENTS_PER_VILLAGE = 3000
SMS_SHARE = 0.75


@dataclass
class Township:
    code: str
    geometry: BaseGeometry
    population: int
    rural_share: float = 0.3


@dataclass
class Generated:
    kind: list[str]
    level: list[str | None]
    division_code: list[str]
    lon: np.ndarray
    lat: np.ndarray
    address: list[str]
    name: list[str]
    population: list[int]

    def __len__(self) -> int:
        return len(self.kind)

    def rows(self) -> list[dict[str, Any]]:
        return [{"kind": self.kind[i], "level": self.level[i], "division_code": self.division_code[i],
                 "lon": float(self.lon[i]), "lat": float(self.lat[i]), "located": True, "name": self.name[i],
                 "address": self.address[i], "population": int(self.population[i]), "active": True,
                 "synthetic": True} for i in range(len(self))]


def generate(townships: Sequence[Township], *, per_person: int, seed: int,
             counties: Mapping[str, tuple[float, float]] | None = None,
             city: tuple[str, float, float] | None = None) -> Generated:
    """Recipients of the townships (deterministic for ``seed``); ``counties`` / ``city`` add their terminals."""
    rng = np.random.default_rng(seed)
    kind: list[str] = []
    level: list[str | None] = []
    code: list[str] = []
    lons: list[np.ndarray] = []
    lats: list[np.ndarray] = []
    address: list[str] = []
    name: list[str] = []
    pop: list[int] = []

    def add(k: str, lv: str | None, c: str, lo: np.ndarray, la: np.ndarray, addr: list[str], nm: list[str],
            p: list[int]) -> None:
        kind.extend([k] * len(addr))
        level.extend([lv] * len(addr))
        code.extend([c] * len(addr) if isinstance(c, str) else c)
        lons.append(np.asarray(lo, float))
        lats.append(np.asarray(la, float))
        address.extend(addr)
        name.extend(nm)
        pop.extend(p)

    if city is not None:
        add("terminal", "city", city[0], np.array([city[1]]), np.array([city[2]]), [f"T{city[0]}"],
            ["市级应急广播（合成）"], [0])
    for ccode, (clon, clat) in sorted((counties or {}).items()):
        add("terminal", "county", ccode, np.array([clon]), np.array([clat]), [f"T{ccode}"],
            ["县级应急广播（合成）"], [0])
    for t in townships:
        n_villages = int(np.clip(round(t.population / RESIDENTS_PER_VILLAGE), 3, 40))
        seeds = points_in(rng, t.geometry, n_villages)
        rp = t.geometry.representative_point()
        add("terminal", "township", t.code, np.array([rp.x]), np.array([rp.y]), [f"T{t.code}"],
            ["乡镇级应急广播（合成）"], [0])
        loud_share = min(0.9, 0.10 + 0.5 * t.rural_share)
        loud_people = round(t.population * loud_share)
        subs_people = t.population - loud_people
        n_subs = int(subs_people // per_person)
        # village terminals: the residents without a subscription, split over the villages
        shares = rng.dirichlet(np.full(n_villages, 4.0))
        village_people = np.floor(shares * loud_people).astype(int)
        village_people[0] += loud_people - int(village_people.sum())
        vcodes = [f"{t.code}{i + 1:03d}" for i in range(n_villages)]
        codes_v = vcodes
        add("terminal", "village", codes_v, seeds[:, 0], seeds[:, 1], [f"T{c}" for c in vcodes],
            ["村级应急广播（合成）"] * n_villages, village_people.tolist())
        if n_subs == 0:
            continue
        pts = points_in(rng, t.geometry, n_subs)
        d2 = (pts[:, 0:1] - seeds[None, :, 0]) ** 2 + (pts[:, 1:2] - seeds[None, :, 1]) ** 2
        nearest = d2.argmin(axis=1)
        is_sms = rng.random(n_subs) < SMS_SHARE
        # whole people: the remainder of subs_people goes to the first subscribers
        each = np.full(n_subs, subs_people // n_subs)
        each[: subs_people - int(each.sum())] += 1
        numbers = rng.integers(0, 10**8, n_subs)
        for j in range(n_subs):
            sms = bool(is_sms[j])
            kind.append("sms" if sms else "app")
            level.append(None)
            code.append(vcodes[nearest[j]])
            address.append(f"1{'39' if sms else '88'}{numbers[j]:08d}" if sms else f"app-{t.code}-{j}")
            name.append("")
            pop.append(int(each[j]))
        lons.append(pts[:, 0])
        lats.append(pts[:, 1])
    return Generated(kind, level, code, np.concatenate(lons) if lons else np.empty(0),
                     np.concatenate(lats) if lats else np.empty(0), address, name, pop)
