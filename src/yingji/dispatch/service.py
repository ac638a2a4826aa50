"""Reads of the dispatch domain, always through the jurisdiction filter, and the recommendation.

The recommendation (:func:`recommend`) is a read: grade (pure :mod:`grading`), requirements (the
grade table, plus a contingency plan's resources when the plans package offers
``plans.service.resources_for``), travel times of the available units to the scene (the routing
package, injected as ``router`` in tests), ranking (pure :mod:`ranking`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from yingji.core.auth import Principal
from yingji.core.divisions import Division
from yingji.core.errors import Forbidden, ValidationFailed
from yingji.core.listing import ListSpec, contains, eq, within_division
from yingji.core.scope import get_scoped, in_scope, scoped
from yingji.dispatch.grading import (
    GradeLowered,
    dispatch_config,
    fire_grade,
    grade_label,
    merge_plan,
    requirements,
    settle_grade,
)
from yingji.dispatch.models import DispatchOrder, Expert, Force, OrderUnit, Vehicle
from yingji.dispatch.ranking import Candidate, Group, Pick, rank
from yingji.dispatch.schemas import ExpertQuery, ForceQuery, OrderQuery, RecommendIn, VehicleQuery
from yingji.dispatch.status import DISPATCHABLE


def _json_has(column: Any) -> Any:
    """``?specialty=`` on a JSON list of strings (same SQL on SQLite and PostgreSQL)."""
    return lambda value: cast(column, String).contains(f'"{value}')


_specialty = _json_has(Force.specialties)


FORCES = ListSpec(
    model=Force, query=ForceQuery,
    filters={"kind": eq(Force.kind), "division": within_division(Force.division_code),
             "q": contains(Force.name, Force.code), "specialty": _specialty},
    sorts={"id": Force.id, "name": Force.name, "kind": Force.kind, "division_code": Force.division_code},
    labels={"name": "名称", "kind": "类别", "division_code": "区划"}, default_sort=("id",))
VEHICLES = ListSpec(
    model=Vehicle, query=VehicleQuery,
    filters={"status": eq(Vehicle.status), "vehicle_type": eq(Vehicle.vehicle_type), "force_id": eq(Vehicle.force_id),
             "division": within_division(Vehicle.division_code)},
    sorts={"id": Vehicle.id, "callsign": Vehicle.callsign, "status": Vehicle.status, "status_at": Vehicle.status_at,
           "vehicle_type": Vehicle.vehicle_type},
    labels={"callsign": "呼号", "status": "状态", "status_at": "状态时间", "vehicle_type": "类型"}, default_sort=("id",))
EXPERTS = ListSpec(
    model=Expert, query=ExpertQuery,
    filters={"division": within_division(Expert.division_code), "q": contains(Expert.name, Expert.organisation),
             "specialty": _json_has(Expert.specialties)},
    sorts={"id": Expert.id, "name": Expert.name}, labels={"name": "姓名"}, default_sort=("id",))
ORDERS = ListSpec(
    model=DispatchOrder, query=OrderQuery,
    filters={"status": eq(DispatchOrder.status), "incident_id": eq(DispatchOrder.incident_id),
             "division": within_division(DispatchOrder.division_code)},
    sorts={"id": DispatchOrder.id, "issued_at": DispatchOrder.issued_at, "grade": DispatchOrder.grade},
    labels={"issued_at": "下达时间", "grade": "等级"}, default_sort=("-issued_at",))


def default_router() -> Any:
    """The platform's router (travel times on the road network, fallback model outside it)."""
    from yingji.routing.service import get_router

    return get_router()


def catalog() -> dict[str, Any]:
    from yingji.dispatch.labels import FORCE_KINDS
    from yingji.dispatch.status import STATUS_LABELS

    cfg = dispatch_config()
    return {"grades": cfg["grades"],
            "incident_types": {k: v["label"] for k, v in cfg["incident_types"].items()},
            "building_types": {k: v["label"] for k, v in cfg["building_types"].items()},
            "unit_types": {k: v["label"] for k, v in cfg["unit_types"].items()},
            "force_kinds": FORCE_KINDS, "statuses": STATUS_LABELS,
            "arrival_standard_seconds": cfg["arrival_standard_seconds"], "source": cfg["_source"]}


# -- where a point lies --------------------------------------------------------------------------

def locate(db: Session, lon: float, lat: float) -> Division | None:
    """The township (else county) whose polygon holds the point."""
    from shapely.geometry import Point, shape

    pt = Point(lon, lat)
    for level in ("township", "county"):
        rows = db.scalars(select(Division).where(
            Division.level == level, Division.min_lon <= lon, Division.max_lon >= lon,
            Division.min_lat <= lat, Division.max_lat >= lat).order_by(Division.code)).all()
        for d in rows:
            if d.geometry and shape(d.geometry).covers(pt):
                return d
    return None


def scene_division(db: Session, actor: Principal, body: RecommendIn) -> Division:
    """The division of the scene: given, or found from the point; inside the actor's jurisdiction."""
    if body.division_code:
        division = db.get(Division, body.division_code)
        if division is None:
            raise ValidationFailed(f"区划 {body.division_code} 不存在", field="division_code")
    else:
        division = locate(db, body.lon, body.lat)
        if division is None:
            raise ValidationFailed("该位置不在本市行政区划内，请核对经纬度或指定所在区划", field="lon")
    if not in_scope(actor.scope_code, division.code):
        raise Forbidden(f"事发地（{division.name}）不在您的管辖范围内", field="division_code")
    return division


# -- the recommendation -------------------------------------------------------------------------

@dataclass
class Recommendation:
    incident_id: int | None
    division: Division
    lon: float
    lat: float
    incident_type: str
    computed_grade: int
    grade: int
    grade_basis: list[str]
    plan_based: bool
    plan_note: str
    requirements: list[dict[str, Any]]
    groups: list[Group]
    experts: list[Expert]
    routing_note: str

    def picks(self) -> dict[int, tuple[str, Pick, bool]]:
        """vehicle id → (unit type, pick, selected?) for every candidate shown."""
        out: dict[int, tuple[str, Pick, bool]] = {}
        for g in self.groups:
            for p in g.alternatives:
                out.setdefault(p.candidate.vehicle_id, (g.unit_type, p, False))
            for p in g.selected:
                out[p.candidate.vehicle_id] = (g.unit_type, p, True)
        return out


def _plan_resources(db: Session, incident_type: str, grade: int, building_type: str | None,
                    division_code: str) -> tuple[list[dict[str, Any]], list[str]] | None:
    """A contingency plan's resources for the type and grade (预案调派), if the plans package offers
    ``resources_for``: (rows in dispatch unit types, what else the plan asks for, in words)."""
    try:
        from yingji.plans import service as plans_service
    except ImportError:  # pragma: no cover - the plans package is optional
        return None
    fn = getattr(plans_service, "resources_for", None)
    if fn is None:
        return None
    mapping = dispatch_config().get("plans", {})
    ptype = mapping.get("incident_types", {}).get(incident_type)
    if ptype is None:
        return None
    if incident_type == "fire" and building_type in ("high_rise", "super_high_rise"):
        ptype = mapping.get("high_rise_fire", ptype)
    pgrade = int(mapping.get("grades", {}).get(str(grade), grade))
    rows = fn(db, ptype, pgrade, division_code)
    if not rows and ptype != mapping.get("incident_types", {}).get(incident_type):
        rows = fn(db, mapping["incident_types"][incident_type], pgrade, division_code)
    if not rows:
        return None
    types = mapping.get("unit_types", {})
    try:
        from yingji.plans.catalog import UNIT_TYPES as plan_labels
    except ImportError:  # pragma: no cover
        plan_labels = {}
    mapped, other = [], []
    for r in rows:
        t = types.get(r.get("unit_type"))
        if t is None:
            other.append(f"{plan_labels.get(r.get('unit_type'), r.get('unit_type'))} × {r.get('count')}")
        else:
            mapped.append({"unit_type": t, "count": int(r.get("count") or 0), "note": r.get("note") or ""})
    return mapped, other


def active_orders(db: Session, actor: Principal, incident_id: int) -> list[DispatchOrder]:
    return list(db.scalars(scoped(actor, DispatchOrder).where(
        DispatchOrder.incident_id == incident_id, DispatchOrder.status == "issued")).all())


def candidates(db: Session, actor: Principal, lon: float, lat: float, router: Any,
               vehicle_ids: list[int] | None = None) -> tuple[list[Candidate], str]:
    """Every dispatchable vehicle in the actor's jurisdiction with its travel time to the point."""
    stmt = scoped(actor, Vehicle, select(Vehicle.id, Vehicle.vehicle_type, Vehicle.callsign, Force.id.label("force_id"),
                                         Force.name, Force.specialties, Force.lon, Force.lat)
                  .join(Force, Force.id == Vehicle.force_id))
    if vehicle_ids is not None:
        stmt = stmt.where(Vehicle.id.in_(vehicle_ids))
    else:
        stmt = stmt.where(Vehicle.status.in_(sorted(DISPATCHABLE)))
    rows = db.execute(stmt.order_by(Vehicle.id)).all()
    forces: dict[int, Any] = {}
    for r in rows:
        forces.setdefault(r.force_id, r)
    force_ids = list(forces)
    if not force_ids:
        return [], ""
    times = router.travel_times([(forces[i].lon, forces[i].lat) for i in force_ids], (lon, lat))
    by_force = {}
    models: set[str] = set()
    for fid, t in zip(force_ids, times):
        seconds = getattr(t, "seconds", None)
        if seconds is not None and not math.isfinite(seconds):
            seconds = None
        models.add(getattr(t, "label", "") or getattr(t, "model", ""))
        by_force[fid] = (seconds, getattr(t, "meters", None), getattr(t, "model", "network"), getattr(t, "label", ""))
    out = []
    for r in rows:
        seconds, meters, model, label = by_force[r.force_id]
        out.append(Candidate(vehicle_id=r.id, vehicle_type=r.vehicle_type, name=r.callsign, force_id=r.force_id,
                             force_name=r.name, specialties=tuple(r.specialties or ()), seconds=seconds,
                             meters=meters, model=model, model_label=label, lon=r.lon, lat=r.lat))
    return out, "；".join(sorted(m for m in models if m))


def recommend(db: Session, actor: Principal, body: RecommendIn, *, router: Any = None) -> Recommendation:
    cfg = dispatch_config()
    if body.incident_type not in cfg["incident_types"]:
        raise ValidationFailed(f"未知的事件类型：{body.incident_type}", field="incident_type")
    if body.building_type and body.building_type not in cfg["building_types"]:
        raise ValidationFailed(f"未知的建筑类型：{body.building_type}", field="building_type")
    if actor.unit_id is not None:
        raise Forbidden("企业用户不能使用调派推荐")
    division = scene_division(db, actor, body)
    current, exclude = None, set()
    if body.incident_id is not None:
        orders = active_orders(db, actor, body.incident_id)
        if orders:
            current = max(o.grade for o in orders)
            exclude = {u.vehicle_id for u in db.scalars(select(OrderUnit).where(
                OrderUnit.order_id.in_([o.id for o in orders]), OrderUnit.released_at.is_(None)))}
    computed = fire_grade(body.trapped, body.area_m2, body.building_type, cfg)
    try:
        grade = settle_grade(computed.grade, body.fire_grade, current)
    except GradeLowered as exc:
        raise ValidationFailed(str(exc), field="fire_grade") from None
    basis = list(computed.basis)
    if grade > computed.grade:
        basis.append(f"调度员提升至{grade_label(grade, cfg)}" if body.fire_grade == grade
                     else f"沿用本事件已下达的{grade_label(grade, cfg)}")
    graded = requirements(body.incident_type, grade, body.building_type, cfg)
    found = (_plan_resources(db, body.incident_type, grade, body.building_type, division.code)
             if body.use_plan else None)
    plan = found[0] if found else None
    reqs = merge_plan(graded, plan or [])
    plan_note = "按等级调派（未找到适用的预案）" if not body.use_plan or found is None else \
        "按预案调派：预案所列力量与等级调派取其大者" + (f"；预案另需：{'、'.join(found[1])}" if found[1] else "")
    cands, note = candidates(db, actor, body.lon, body.lat, router or default_router())
    groups = rank(reqs, cands, incident_type=body.incident_type, cfg=cfg, exclude=exclude)
    return Recommendation(incident_id=body.incident_id, division=division, lon=body.lon, lat=body.lat,
                          incident_type=body.incident_type, computed_grade=computed.grade, grade=grade,
                          grade_basis=basis, plan_based=found is not None, plan_note=plan_note, requirements=reqs,
                          groups=groups, experts=suggest_experts(db, actor, body.incident_type), routing_note=note)


def suggest_experts(db: Session, actor: Principal, incident_type: str, limit: int = 3) -> list[Expert]:
    wanted = dispatch_config()["expert_specialties"].get(incident_type)
    if not wanted:
        return []
    rows = db.scalars(scoped(actor, Expert).where(Expert.available.is_(True)).order_by(Expert.id)).all()
    return [e for e in rows if wanted in (e.specialties or [])][:limit]


def recommendation_out(rec: Recommendation) -> dict[str, Any]:
    cfg = dispatch_config()
    labels = {k: v["label"] for k, v in cfg["unit_types"].items()}
    colour = next(g["colour"] for g in cfg["grades"] if g["grade"] == rec.grade)

    def cand(p: Pick) -> dict[str, Any]:
        c = p.candidate
        return {"vehicle_id": c.vehicle_id, "callsign": c.name, "vehicle_type": c.vehicle_type, "force_id": c.force_id,
                "force_name": c.force_name, "lon": c.lon, "lat": c.lat, "seconds": round(c.seconds or 0.0, 1),
                "meters": None if c.meters is None else round(c.meters, 1), "model": c.model,
                "model_label": c.model_label, "substitute": p.substitute, "within_standard": p.within_standard,
                "reason": p.reason}

    return {"incident_id": rec.incident_id, "division_code": rec.division.code, "division_name": rec.division.name,
            "lon": rec.lon, "lat": rec.lat, "incident_type": rec.incident_type, "computed_grade": rec.computed_grade,
            "grade": rec.grade, "grade_label": grade_label(rec.grade, cfg), "grade_colour": colour,
            "grade_basis": rec.grade_basis, "plan_based": rec.plan_based, "plan_note": rec.plan_note,
            "arrival_standard_seconds": cfg["arrival_standard_seconds"],
            "groups": [{"unit_type": g.unit_type, "label": labels.get(g.unit_type, g.unit_type), "count": g.count,
                        "source": g.source, "note": g.note, "shortfall": g.shortfall,
                        "selected": [cand(p) for p in g.selected], "alternatives": [cand(p) for p in g.alternatives]}
                       for g in rec.groups],
            "experts": rec.experts, "routing_note": rec.routing_note}


# -- single records --------------------------------------------------------------------------------

def get_force(db: Session, actor: Principal, force_id: int) -> Force:
    return get_scoped(db, actor, Force, force_id, what="救援力量")


def get_vehicle(db: Session, actor: Principal, vehicle_id: int) -> Vehicle:
    return get_scoped(db, actor, Vehicle, vehicle_id, what="救援车辆（装备）")


def get_order(db: Session, actor: Principal, order_id: int) -> DispatchOrder:
    return get_scoped(db, actor, DispatchOrder, order_id, what="调派单")


def order_detail(db: Session, actor: Principal, order_id: int) -> dict[str, Any]:
    from yingji.dispatch.permissions import page_flags

    order = get_order(db, actor, order_id)
    rows = db.execute(select(OrderUnit, Vehicle, Force).join(Vehicle, Vehicle.id == OrderUnit.vehicle_id)
                      .join(Force, Force.id == Vehicle.force_id).where(OrderUnit.order_id == order.id)
                      .order_by(OrderUnit.id)).all()
    units = []
    for u, v, f in rows:
        d = {k: getattr(u, k) for k in ("id", "vehicle_id", "unit_type", "travel_seconds", "travel_meters",
                                        "travel_model", "reason", "recommended", "dispatched_at", "departed_at",
                                        "arrived_at", "arrival_seconds", "within_standard", "released_at")}
        units.append(d | {"callsign": v.callsign, "vehicle_type": v.vehicle_type, "force_name": f.name,
                          "status": v.status if v.order_id == order.id else "released"})
    experts = list(db.scalars(select(Expert).where(Expert.id.in_(order.expert_ids or [0]))).all())
    return {"order": order, "units": units, "experts": experts, "flags": page_flags(actor)}


def force_map(db: Session, actor: Principal) -> list[dict[str, Any]]:
    """Every force in the jurisdiction with its vehicles' statuses (the forces map and status board)."""
    forces = db.scalars(scoped(actor, Force).order_by(Force.id)).all()
    vehicles = db.scalars(scoped(actor, Vehicle).order_by(Vehicle.id)).all()
    by_force: dict[int, list[Vehicle]] = {}
    for v in vehicles:
        by_force.setdefault(v.force_id, []).append(v)
    return [{"id": f.id, "code": f.code, "name": f.name, "kind": f.kind, "station_level": f.station_level,
             "specialties": list(f.specialties or []), "division_code": f.division_code, "lon": f.lon, "lat": f.lat,
             "phone": f.phone, "synthetic": f.synthetic,
             "vehicles": [{"id": v.id, "callsign": v.callsign, "vehicle_type": v.vehicle_type, "status": v.status,
                           "status_at": v.status_at, "order_id": v.order_id} for v in by_force.get(f.id, [])]}
            for f in forces]


def route_for(db: Session, actor: Principal, vehicle_id: int, lon: float, lat: float, *,
              router: Any = None) -> dict[str, Any]:
    """The road route from the vehicle's force to the point (for drawing on the map)."""
    v = get_vehicle(db, actor, vehicle_id)
    f = db.get(Force, v.force_id)
    assert f is not None
    r = (router or default_router()).route((f.lon, f.lat), (lon, lat))
    coords = [[float(x), float(y)] for x, y in (getattr(r, "coords", None) or [(f.lon, f.lat), (lon, lat)])]
    seconds = getattr(r, "seconds", None)
    if seconds is None and getattr(r, "travel", None) is not None:
        seconds = r.travel.seconds
    return {"vehicle_id": v.id, "seconds": float(seconds or 0.0), "meters": getattr(r, "meters", None),
            "model": getattr(r, "model", "network"), "label": getattr(r, "label", ""), "coords": coords}
