"""Jurisdiction-walk samples of the risk domain: a risk source (of a unit) in county A."""

from __future__ import annotations

import itertools
from typing import Any

from tests.integration.samples_units import _unit, credit_code
from yingji.core.auth import system_principal
from yingji.core.db import Database
from yingji.risk import actions
from yingji.risk.schemas import AssessmentIn, SourceIn

_n = itertools.count(1)


def _source(db: Database, ctx: dict[str, Any]) -> int:
    if "risk_source_id" not in ctx:
        unit_id = _unit(db, ctx)
        with db.session() as s:
            src = actions.create_source(s, system_principal(), SourceIn(
                unit_id=unit_id, name="辖区A储罐区", subclass_code="A01"))
            actions.assess(s, system_principal(), src.id, AssessmentIn(method="lec", l=3, e=6, c=15))
        ctx["risk_source_id"] = src.id
    return ctx["risk_source_id"]


PATH_SAMPLES = {"source_id": _source}


def _sources_csv(ctx: dict[str, Any]) -> bytes:
    return ("单位统一社会信用代码,风险点名称,风险小类代码\n"
            f"{ctx.get('risk_unit_credit', credit_code(1))},越权风险点,A01\n").encode()


WRITE_BODIES = {
    ("POST", "/api/v1/risk/sources"): lambda ctx: {"unit_id": ctx.get("risk_unit_id", 2**31 - 1), "name": "越权风险点",
                                                   "subclass_code": "A01"},
    ("PATCH", "/api/v1/risk/sources/{source_id}"): lambda ctx: {"name": "越权修改"},
    ("POST", "/api/v1/risk/sources/{source_id}/assess"): lambda ctx: {"method": "ls", "l": 5, "s": 5},
    ("POST", "/api/v1/risk/sources/{source_id}/measures"): lambda ctx: {"measure": "越权措施"},
    ("POST", "/api/v1/risk/sources/import"): lambda ctx: {
        "__files__": {"file": ("s.csv", _sources_csv(ctx), "text/csv")}, "__data__": {"mode": "valid_only"}},
}

BULK_REPORTS = {("POST", "/api/v1/risk/sources/import")}
