"""Synthetic telemetry (labelled, deterministic for a seed): a day of rain with a storm peak over a few
townships, a tank pressure excursion at a major hazard source, a gas leak on a pipe, a trapped elevator,
devices dropping offline, everything else normal. Pure: points in, messages out (``{"device", "ts", "values"}``)."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class SimPoint:
    code: str
    device_type: str
    division_code: str
    risk_source_id: int | None = None


def _normal(p: SimPoint, rnd: random.Random, frac: float) -> dict[str, float]:
    t = p.device_type
    if t == "rain_gauge":
        return {"rain": round(max(0.0, rnd.gauss(0.2, 0.3)), 1)}
    if t == "water_level":
        return {"level": round(6 + 0.5 * math.sin(frac * 2 * math.pi) + rnd.gauss(0, 0.02), 2)}
    if t == "landslide":
        return {"displacement": round(12 + frac * 0.5 + rnd.gauss(0, 0.05), 2), "crack": round(3 + rnd.gauss(0, 0.05), 2)}
    if t == "tank":
        return {"level": round(60 + rnd.gauss(0, 0.5), 1), "pressure": round(0.8 + rnd.gauss(0, 0.01), 3),
                "temperature": round(24 + 4 * math.sin(frac * 2 * math.pi) + rnd.gauss(0, 0.2), 1)}
    if t == "gas_detector":
        return {"lel": round(max(0.0, rnd.gauss(0.5, 0.3)), 1), "h2s": round(max(0.0, rnd.gauss(0.2, 0.1)), 1)}
    if t == "gas_pipe":
        return {"pressure": round(320 + rnd.gauss(0, 3), 1), "methane": round(max(0.0, rnd.gauss(0.3, 0.2)), 1)}
    if t == "bridge":
        return {"strain": round(300 + 150 * math.sin(frac * 4 * math.pi) + rnd.gauss(0, 10), 0),
                "deflection": round(12 + rnd.gauss(0, 1), 1)}
    if t == "water_main":
        return {"pressure": round(0.32 + rnd.gauss(0, 0.005), 3)}
    if t == "wind":
        speed = max(0.0, rnd.gauss(4, 1.5))
        return {"speed": round(speed, 1), "gust": round(speed * 1.6, 1)}
    if t == "fire_hotspot":
        return {"hotspot": round(20 + 8 * math.sin(frac * 2 * math.pi) + rnd.gauss(0, 1), 1),
                "smoke": round(max(0.0, rnd.gauss(5, 3)), 0)}
    if t == "elevator":
        return {"state": 1, "door": 0, "floor": float(rnd.randint(1, 20)), "levelling": 1, "occupied": 0, "fault": 0}
    return {}


def scenario(points: Sequence[SimPoint], start: datetime, *, hours: float = 24, step_minutes: int = 10,
             seed: int = 20261202) -> Iterator[dict[str, Any]]:
    """The day's messages in time order. Storm: the rain gauges of the first three townships (by code)
    that have gauges get ~120 mm over three hours around the middle of the day; the first tank of a
    major hazard source goes to 1.65 MPa; the first gas pipe leaks (30 %LEL); the first elevator stops
    between floors with its door shut and someone inside for three steps after the peak (困人: the
    elevators package opens a rescue and notifies the maintenance company), then is released; 2 % of the
    points stop reporting after 60 % of the day."""
    rnd = random.Random(seed)
    steps = int(hours * 60 // step_minutes)
    gauges = [p for p in points if p.device_type == "rain_gauge"]
    storm_towns = sorted({p.division_code for p in gauges})[:3]
    tank = next((p for p in points if p.device_type == "tank" and p.risk_source_id is not None), None)
    pipe = next((p for p in points if p.device_type == "gas_pipe"), None)
    lift = next((p for p in points if p.device_type == "elevator"), None)
    dropping = {p.code for p in rnd.sample(list(points), k=max(1, len(points) // 50))} if points else set()
    dropping.discard(lift.code if lift is not None else "")
    peak = steps // 2
    storm_steps = max(1, 180 // step_minutes)
    for i in range(steps):
        ts = start + timedelta(minutes=step_minutes * i)
        frac = i / max(1, steps)
        for p in points:
            if p.code in dropping and frac > 0.6:
                continue
            values = _normal(p, rnd, frac)
            if p.device_type == "rain_gauge" and p.division_code in storm_towns and peak <= i < peak + storm_steps:
                values["rain"] = round(120 / storm_steps * rnd.uniform(0.8, 1.2), 1)
            if tank is not None and p.code == tank.code and peak - 3 <= i <= peak + 3:
                values["pressure"] = round(1.2 + 0.45 * (1 - abs(i - peak) / 3), 3)
            if pipe is not None and p.code == pipe.code and i >= peak + 2:
                values["methane"] = round(min(30.0, 5 + (i - peak - 2) * 5), 1)
            if lift is not None and p.code == lift.code and peak + 1 <= i <= peak + 3:
                values.update(TRAPPED)
            yield {"device": p.code, "ts": ts.isoformat(), "values": values}


#: an elevator stopped outside the levelling zone, door shut, someone inside (困人 once it lasts > 60 s)
TRAPPED = {"state": 0.0, "door": 0.0, "levelling": 0.0, "occupied": 1.0, "fault": 0.0}

DENSITY = {  # synthetic devices per township (rural / urban), per major hazard source, per county
    "rain_gauge": (1, 1), "water_level": (0.3, 0.1), "landslide": (0.5, 0.0), "fire_hotspot": (0.4, 0.0),
    "wind": (0.2, 0.1), "gas_pipe": (0.0, 2), "water_main": (0.0, 2), "bridge": (0.0, 0.5),
}
PREFIX = {"rain_gauge": "RG", "water_level": "WL", "landslide": "LS", "fire_hotspot": "FF", "wind": "WD",
          "gas_pipe": "GP", "water_main": "WM", "bridge": "BR"}
URBAN_COUNTIES = ("350102", "350103", "350104", "350105", "350111", "350112")


def demo_points(townships: Sequence[dict[str, Any]], sources: Sequence[dict[str, Any]],
                seed: int = 20261202) -> list[dict[str, Any]]:
    """Synthetic monitoring points at a realistic density: per township by kind (urban townships get pipe,
    water-main and bridge sensors, rural ones landslide and forest-fire points), and for each major
    hazard source of hazardous chemicals three tanks and two gas detectors at the source."""
    rnd = random.Random(seed)
    out: list[dict[str, Any]] = []
    labels = {"rain_gauge": "雨量站", "water_level": "水位站", "landslide": "地灾监测点", "fire_hotspot": "森林防火监测点",
              "wind": "风速站", "gas_pipe": "燃气管网监测点", "water_main": "供水管网压力点", "bridge": "桥梁监测点"}
    for t in townships:
        urban = t["code"][:6] in URBAN_COUNTIES
        for dtype, (rural_n, urban_n) in DENSITY.items():
            n = urban_n if urban else rural_n
            count = int(n) + (1 if rnd.random() < n - int(n) else 0)
            for k in range(count):
                out.append({"code": f"SIM-{PREFIX[dtype]}-{t['code']}-{k + 1}", "device_type": dtype,
                            "name": f"{t['name']}{labels[dtype]}{k + 1}号（合成）", "division_code": t["code"],
                            "lon": t["lon"] + rnd.uniform(-0.02, 0.02), "lat": t["lat"] + rnd.uniform(-0.02, 0.02),
                            "unit_id": None, "risk_source_id": None})
    for s in sources:
        for k in range(3):
            out.append({"code": f"SIM-TANK-{s['id']}-{k + 1}", "device_type": "tank",
                        "name": f"{s['name']} {k + 1}号储罐（合成）", "division_code": s["division_code"],
                        "lon": s["lon"] + rnd.uniform(-0.0008, 0.0008), "lat": s["lat"] + rnd.uniform(-0.0008, 0.0008),
                        "unit_id": s["unit_id"], "risk_source_id": s["id"]})
        for k in range(2):
            out.append({"code": f"SIM-GAS-{s['id']}-{k + 1}", "device_type": "gas_detector",
                        "name": f"{s['name']} {k + 1}号气体探测器（合成）", "division_code": s["division_code"],
                        "lon": s["lon"] + rnd.uniform(-0.0008, 0.0008), "lat": s["lat"] + rnd.uniform(-0.0008, 0.0008),
                        "unit_id": s["unit_id"], "risk_source_id": s["id"]})
    return out
