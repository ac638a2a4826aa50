"""Synthetic demo forces for Fuzhou (合成) — pure: numpy in, plain dicts out.

Method (recorded in the ``datasets`` row): fire-rescue stations in the central city are placed ON
road-network nodes by farthest-point sampling (each new station at the node farthest from the
stations already placed — an even coverage like a station plan's service areas), one 特勤站 first
at the node nearest the city centre; in the outer counties (no road network) at township
representative points (the county's first townships). Professional teams, social forces,
volunteers and militia sit next to stations or township points; vehicles follow the station level;
experts get made-up names and phone numbers 1380000xxxx. Everything is fictitious.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from yingji.core.synthetic import person, pick

STATION_VEHICLES = {
    "特勤站": ["water_tender", "water_tender", "water_tender", "foam", "foam", "aerial", "rescue", "rescue", "hazmat", "smoke",
            "supply", "command"],
    "一级站": ["water_tender", "water_tender", "water_tender", "foam", "aerial", "rescue", "command"],
    "二级站": ["water_tender", "water_tender", "rescue", "aerial"],
    "小型站": ["water_tender", "rescue"],
}
TEAMS = [  # (name, kind, specialties, vehicles, where: central | county code)
    ("市危险化学品应急救援队", "professional", ["hazchem"], ["hazmat", "hazmat", "foam", "water_tender"], "central"),
    ("江阴港区危化品救援队", "professional", ["hazchem"], ["hazmat", "hazmat", "foam"], "350181"),
    ("闽江水域救援队", "professional", ["water"], ["boat", "boat", "boat", "rescue"], "central"),
    ("连江海上搜救分队", "professional", ["water"], ["boat", "boat"], "350122"),
    ("永泰山岳救援队", "professional", ["mountain"], ["mountain_team", "mountain_team", "rescue"], "350125"),
    ("闽清山岳救援队", "professional", ["mountain"], ["mountain_team", "mountain_team"], "350124"),
    ("市矿山救护队", "professional", ["mine"], ["mine_team", "mine_team", "mine_team", "ambulance"], "350125"),
    ("高层建筑灭火救援队", "professional", ["high_rise", "fire"], ["aerial", "aerial", "supply", "smoke"], "central"),
    ("电梯应急救援中心（鼓楼）", "professional", ["elevator"], ["elevator_team", "elevator_team"], "central"),
    ("电梯应急救援中心（仓山）", "professional", ["elevator"], ["elevator_team", "elevator_team"], "central"),
    ("电梯应急救援中心（晋安）", "professional", ["elevator"], ["elevator_team"], "central"),
    ("城区急救分站一", "professional", ["medical"], ["ambulance", "ambulance", "ambulance"], "central"),
    ("城区急救分站二", "professional", ["medical"], ["ambulance", "ambulance"], "central"),
    ("长乐急救分站", "professional", ["medical"], ["ambulance", "ambulance"], "350112"),
    ("福清急救分站", "professional", ["medical"], ["ambulance", "ambulance"], "350181"),
    ("建筑坍塌搜救队", "professional", ["collapse"], ["rescue", "rescue", "command"], "central"),
    ("社会应急救援队（城区）", "social", ["water", "mountain"], ["rescue", "boat"], "central"),
    ("社会应急救援队（长乐）", "social", ["water"], ["boat"], "350112"),
    ("应急志愿者服务队", "volunteer", ["medical"], ["rescue"], "central"),
    ("民兵应急分队（闽侯）", "military", ["flood"], ["rescue", "boat"], "350121"),
]
EXPERT_ORGS = ["市应急管理局专家库", "福州大学", "市消防救援支队", "市特种设备检验所", "省化工设计院", "市第一医院",
               "市气象局", "省地质调查院"]
EXPERT_TITLES = ["高级工程师", "教授", "副教授", "主任医师", "工程师", "研究员"]
EXPERT_SPECIALTIES = [["hazchem"], ["fire", "high_rise"], ["water"], ["mountain"], ["mine"], ["elevator"],
                      ["collapse"], ["traffic"], ["medical"], ["geology"], ["meteorology"], ["hazchem", "fire"]]


def farthest_points(lon: np.ndarray, lat: np.ndarray, k: int, start: int) -> list[int]:
    """k node indices by farthest-point sampling from ``start`` (planar metres, local projection)."""
    kx = 111320.0 * np.cos(np.radians(float(lat.mean())))
    x, y = lon * kx, lat * 110540.0
    chosen = [start]
    dist = np.hypot(x - x[start], y - y[start])
    for _ in range(k - 1):
        i = int(np.argmax(dist))
        chosen.append(i)
        dist = np.minimum(dist, np.hypot(x - x[i], y - y[i]))
    return chosen


def _vehicle_rows(rng: np.random.Generator, prefix: str, types: Sequence[str]) -> list[dict[str, Any]]:
    out = []
    for i, t in enumerate(types):
        status = "out_of_service" if rng.random() < 0.04 else "available"
        out.append({"callsign": f"{prefix}-{i + 1:02d}", "vehicle_type": t, "crew": int(rng.integers(3, 7)),
                    "status": status, "capabilities": []})
    return out


def generate_forces(nodes_lon: np.ndarray | None, nodes_lat: np.ndarray | None, centre: tuple[float, float],
                    county_points: dict[str, list[tuple[float, float]]], county_names: dict[str, str], *,
                    seed: int, central_stations: int = 28) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(forces with their vehicles, experts). ``county_points``: outer county code → township points."""
    rng = np.random.default_rng(seed + 1001)
    forces: list[dict[str, Any]] = []
    central: list[tuple[float, float]] = []
    if nodes_lon is not None and nodes_lat is not None and len(nodes_lon):
        start = int(np.argmin(np.hypot(nodes_lon - centre[0], nodes_lat - centre[1])))
        for n, i in enumerate(farthest_points(nodes_lon, nodes_lat, central_stations, start)):
            level = "特勤站" if n < 2 else ("一级站" if n < 10 else ("二级站" if n < 22 else "小型站"))
            central.append((float(nodes_lon[i]), float(nodes_lat[i])))
            forces.append({"code": f"FZ-XF{n + 1:03d}", "name": f"城区第{n + 1}消防救援站", "kind": "station",
                           "station_level": level, "specialties": ["fire"] + (["hazchem"] if level == "特勤站" else []),
                           "lon": central[-1][0], "lat": central[-1][1], "on_network": True,
                           "personnel": {"特勤站": 60, "一级站": 45, "二级站": 30, "小型站": 15}[level]})
    for code in sorted(county_points):
        pts = county_points[code][:2]
        for j, (x, y) in enumerate(pts):
            level = "一级站" if j == 0 else "小型站"
            forces.append({"code": f"FZ-{code[-2:]}XF{j + 1:02d}", "name": f"{county_names.get(code, code)}第{j + 1}消防救援站",
                           "kind": "station", "station_level": level, "specialties": ["fire"], "lon": x, "lat": y,
                           "on_network": False, "personnel": 40 if j == 0 else 15})
    for t, (name, kind, specialties, vehicles, where) in enumerate(TEAMS):
        if where == "central" and central:
            base = central[int(rng.integers(len(central)))]
        else:
            pts = county_points.get(where) or [p for ps in county_points.values() for p in ps] or central
            base = pts[int(rng.integers(len(pts)))]
        lon = base[0] + float(rng.uniform(-0.004, 0.004))
        lat = base[1] + float(rng.uniform(-0.004, 0.004))
        forces.append({"code": f"FZ-TD{t + 1:03d}", "name": name, "kind": kind, "station_level": "",
                       "specialties": specialties, "lon": lon, "lat": lat, "on_network": where == "central",
                       "personnel": int(rng.integers(12, 40)), "vehicles_types": vehicles})
    for f in forces:
        types = f.pop("vehicles_types", None) or STATION_VEHICLES.get(f["station_level"], ["rescue"])
        f["vehicles"] = _vehicle_rows(rng, f["code"], types)
        contact, phone = person(rng)
        f["contact"], f["phone"] = contact, phone
    experts = []
    for i in range(30):
        name, phone = person(rng)
        experts.append({"name": name, "phone": phone, "specialties": EXPERT_SPECIALTIES[i % len(EXPERT_SPECIALTIES)],
                        "organisation": pick(rng, EXPERT_ORGS), "title": pick(rng, EXPERT_TITLES)})
    return forces, experts
