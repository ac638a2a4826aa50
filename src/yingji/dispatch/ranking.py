"""Ranking candidate units for a dispatch recommendation — pure, no ORM, no routing.

Input: the requirements (unit type → count), the available vehicles with their travel time to the
scene (already computed by the routing package) and the incident type. For every requirement the
fastest matching vehicles are chosen; a vehicle of a *substitute* type (a foam tender for a water
tender) counts with a time penalty; a vehicle of a professional team whose specialty matches the
incident (危化品、水域、山岳…) gets a bonus. Every candidate carries its reason in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Candidate:
    vehicle_id: int
    vehicle_type: str
    name: str  # 车辆呼号 / 名称
    force_id: int
    force_name: str
    specialties: tuple[str, ...] = ()
    seconds: float | None = None  # travel time; None = unreachable
    meters: float | None = None
    model: str = "network"  # network | fallback
    model_label: str = ""
    lon: float | None = None
    lat: float | None = None


@dataclass
class Pick:
    candidate: Candidate
    score: float
    substitute: bool
    reason: str
    within_standard: bool


@dataclass
class Group:
    unit_type: str
    count: int
    source: str = "grade"
    note: str = ""
    selected: list[Pick] = field(default_factory=list)
    alternatives: list[Pick] = field(default_factory=list)

    @property
    def shortfall(self) -> int:
        return max(0, self.count - len(self.selected))


def fmt_duration(seconds: float) -> str:
    s = round(seconds)
    if s < 60:
        return f"{s}秒"
    m, s = divmod(s, 60)
    if m < 60:
        return f"{m}分{s:02d}秒"
    h, m = divmod(m, 60)
    return f"{h}小时{m:02d}分"


def _reason(c: Candidate, *, wanted: str, substitute: bool, bonus: bool, standard: int,
            type_labels: dict[str, str], specialty_label: str) -> tuple[str, bool]:
    parts = [f"{type_labels.get(c.vehicle_type, c.vehicle_type)}（{c.force_name}）"]
    if substitute:
        parts.append(f"可替代{type_labels.get(wanted, wanted)}")
    if bonus:
        parts.append(f"专业队伍：{specialty_label}")
    assert c.seconds is not None
    model = "路网" if c.model == "network" else "估算"
    dist = f"，{c.meters / 1000:.1f} km" if c.meters is not None else ""
    parts.append(f"{model}行驶约 {fmt_duration(c.seconds)}{dist}")
    within = c.seconds <= standard
    parts.append(f"{'满足' if within else '超出'} {standard // 60} 分钟到场标准")
    return "；".join(parts), within


def rank(requirements: list[dict[str, Any]], candidates: list[Candidate], *, incident_type: str,
         cfg: dict[str, Any], alternatives: int = 3, exclude: set[int] | frozenset[int] = frozenset()) -> list[Group]:
    """Choose vehicles for every requirement (in order), each vehicle at most once.

    ``requirements``: ``[{unit_type, count, source?, note?}]``; ``exclude``: vehicle ids already
    dispatched to this incident (a raised grade adds only what is missing).
    """
    standard = int(cfg["arrival_standard_seconds"])
    penalty = float(cfg["substitute_penalty_seconds"])
    bonus_s = float(cfg["specialty_bonus_seconds"])
    specialty = (cfg["incident_types"].get(incident_type) or {}).get("specialty")
    specialty_label = cfg["incident_types"].get(incident_type, {}).get("label", "")
    type_labels = {k: v["label"] for k, v in cfg["unit_types"].items()}
    used: set[int] = set(exclude)
    reachable = [c for c in candidates if c.seconds is not None]

    def scored_for(wanted: str, *, exact: bool, subs: bool, limit: int) -> list[Pick]:
        allowed = set(cfg["unit_types"].get(wanted, {}).get("substitutes", []))
        scored: list[tuple[float, float, int, Candidate, bool, bool]] = []
        for c in reachable:
            if c.vehicle_id in used:
                continue
            substitute = c.vehicle_type != wanted
            if (not substitute and not exact) or (substitute and not (subs and c.vehicle_type in allowed)):
                continue
            bonus = bool(specialty) and specialty in c.specialties
            assert c.seconds is not None
            score = c.seconds + (penalty if substitute else 0.0) - (bonus_s if bonus else 0.0)
            scored.append((score, c.seconds, c.vehicle_id, c, substitute, bonus))
        scored.sort(key=lambda t: t[:3])
        out = []
        for score, _, _, c, substitute, bonus in scored[:limit]:  # reasons only for what is shown
            reason, within = _reason(c, wanted=wanted, substitute=substitute, bonus=bonus, standard=standard,
                                     type_labels=type_labels, specialty_label=specialty_label)
            out.append(Pick(candidate=c, score=score, substitute=substitute, reason=reason, within_standard=within))
        return out

    groups = [Group(unit_type=r["unit_type"], count=int(r["count"]), source=r.get("source", "grade"),
                    note=r.get("note", "")) for r in requirements]
    # pass 1: vehicles of the very type; pass 2: substitutes fill what is still missing
    for exact, subs in ((True, False), (False, True)):
        for g in groups:
            if g.shortfall:
                picks = scored_for(g.unit_type, exact=exact, subs=subs, limit=g.shortfall)
                g.selected.extend(picks)
                used.update(p.candidate.vehicle_id for p in picks)
    for g in groups:
        g.alternatives = scored_for(g.unit_type, exact=True, subs=True, limit=alternatives)
    return groups
