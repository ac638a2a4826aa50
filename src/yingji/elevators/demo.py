"""Synthetic elevators for the demo (pure, deterministic for a seed; everything labelled 合成).

Density: about eight elevators per urban township (residential compounds and the premises of the
township's units) and one per rural township — a demo's slice of a city's tens of thousands, enough to
fill the statistics per elevator, building, company and district. Each elevator gets an IoT terminal
(a monitoring point of type ``elevator``), a building, a maintenance company from a fixed synthetic
list, and — for about one in twelve — a past trapped-passenger rescue (released) with arrival and
release times drawn around the regional anchors (≈ 13 min), so the statistics show something.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

URBAN_COUNTIES = ("350102", "350103", "350104", "350105", "350111", "350112")
PER_TOWNSHIP = {"urban": 8, "rural": 1}
COMPANIES = [  # synthetic maintenance companies (names invented, marked 合成)
    ("榕安电梯工程有限公司（合成）", "0591-9000101"), ("闽江电梯维保有限公司（合成）", "0591-9000102"),
    ("福瑞电梯服务有限公司（合成）", "0591-9000103"), ("鼓山机电设备有限公司（合成）", "0591-9000104"),
    ("三坊电梯技术有限公司（合成）", "0591-9000105"), ("东海升降设备有限公司（合成）", "0591-9000106"),
    ("旗山电梯安装维修有限公司（合成）", "0591-9000107"), ("乌龙江电梯有限公司（合成）", "0591-9000108"),
]
COMPOUNDS = ("福苑", "榕城花园", "江滨小区", "金山新村", "屏西公寓", "闽都大厦", "温泉公寓", "西湖花园")
RESCUE_SHARE = 1 / 12


def demo_elevators(townships: Sequence[dict[str, Any]], units: Sequence[dict[str, Any]], *, now: datetime,
                   seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(elevators, rescues)``: elevator rows (with their terminal's ``point`` row) and past rescues
    (``elevator`` = index into the elevators). ``townships``: code, name, lon, lat; ``units``: id, name,
    division_code, lon, lat."""
    rnd = random.Random(seed)
    by_town: dict[str, list[dict[str, Any]]] = {}
    for u in units:
        by_town.setdefault(u["division_code"], []).append(u)
    elevators: list[dict[str, Any]] = []
    rescues: list[dict[str, Any]] = []
    for t in townships:
        urban = t["code"][:6] in URBAN_COUNTIES
        n = PER_TOWNSHIP["urban" if urban else "rural"]
        company_offset = int(t["code"][-3:]) % len(COMPANIES)
        for k in range(n):
            here = by_town.get(t["code"], [])
            unit = here[rnd.randrange(len(here))] if here and rnd.random() < 0.3 else None
            if unit is not None:
                address = f"{unit['name']}（{t['name']}）"
                building = f"{rnd.choice(['办公楼', '1号厂房', '仓库', '综合楼'])}"
                lon, lat = unit["lon"] if unit["lon"] is not None else t["lon"], \
                    unit["lat"] if unit["lat"] is not None else t["lat"]
            else:
                compound = COMPOUNDS[(k // 3 + company_offset) % len(COMPOUNDS)]
                address = f"{t['name']}{compound}（合成）"
                building = f"{k % 3 + 1}号楼"
                lon, lat = t["lon"], t["lat"]
            lon += rnd.uniform(-0.01, 0.01)
            lat += rnd.uniform(-0.01, 0.01)
            company, phone = COMPANIES[(company_offset + k % 3) % len(COMPANIES)]
            code = f"SIM-EL-{t['code']}-{k + 1}"
            elevators.append({
                "registration_code": f"3501{t['code'][4:]}{k + 1:03d}"[:20],
                "device_code": code, "address": address, "building": building, "division_code": t["code"],
                "user_unit_id": unit["id"] if unit else None, "maintenance_company": company,
                "maintenance_phone": phone, "last_inspection": (now - timedelta(days=rnd.randint(20, 360))).date(),
                "trips": rnd.randint(20_000, 400_000), "faults": rnd.choice([0, 0, 0, 1, 2]),
                "point": {"code": code, "device_type": "elevator", "name": f"{address}{building}电梯（合成）",
                          "division_code": t["code"], "lon": lon, "lat": lat,
                          "unit_id": unit["id"] if unit else None, "risk_source_id": None, "address": address},
            })
            if rnd.random() < RESCUE_SHARE:
                detected = now - timedelta(days=rnd.uniform(1, 60))
                arrival = max(4.0, rnd.lognormvariate(2.55, 0.4))  # median ≈ 12.8 min
                release = arrival + rnd.uniform(3, 20)
                rescues.append({"elevator": len(elevators) - 1, "reason": rnd.choice(["stuck", "stuck", "fault"]),
                                "detected_at": detected, "notified_at": detected + timedelta(seconds=rnd.uniform(1, 8)),
                                "acknowledged_at": detected + timedelta(minutes=rnd.uniform(0.5, 3)),
                                "arrived_at": detected + timedelta(minutes=arrival),
                                "released_at": detected + timedelta(minutes=release)})
    return elevators, rescues
