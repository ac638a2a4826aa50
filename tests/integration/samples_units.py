"""Jurisdiction-walk samples of the units package: a unit in county A."""

from __future__ import annotations

import itertools
from typing import Any

from tests.integration.scope_samples import TOWNSHIP_A
from yingji.core.auth import system_principal
from yingji.core.db import Database
from yingji.units import actions
from yingji.units.schemas import UnitIn

_n = itertools.count(1)


def credit_code(n: int) -> str:
    return f"91350102WALK{n:05d}X"[:18].ljust(18, "0")


def _unit(db: Database, ctx: dict[str, Any]) -> int:
    if "risk_unit_id" not in ctx:
        n = (id(ctx) % 10000) * 100 + next(_n)
        with db.session() as s:
            unit = actions.create_unit(s, system_principal(), UnitIn(
                name=f"辖区A巡检单位{n}", credit_code=credit_code(n), industry="hazchem",
                division_code=TOWNSHIP_A, lon=119.30, lat=26.08))
        ctx["risk_unit_id"], ctx["risk_unit_credit"] = unit.id, unit.credit_code
    return ctx["risk_unit_id"]


PATH_SAMPLES = {"unit_id": _unit}

UNIT_CSV = ("单位名称,统一社会信用代码,行业代码,乡镇（街道）代码\n"
            f"越权单位,91350102WALKCSV001,hazchem,{TOWNSHIP_A}\n").encode()

WRITE_BODIES = {
    ("POST", "/api/v1/units"): lambda ctx: {
        "name": "越权单位", "credit_code": "91350102WALKPOST01", "industry": "hazchem",
        "division_code": TOWNSHIP_A},
    ("PATCH", "/api/v1/units/{unit_id}"): lambda ctx: {"name": "越权修改"},
    ("POST", "/api/v1/units/import"): lambda ctx: {
        "__files__": {"file": ("u.csv", UNIT_CSV, "text/csv")}, "__data__": {"mode": "valid_only"}},
}

BULK_REPORTS = {("POST", "/api/v1/units/import")}
