"""Excel exports of the risk domain: units with their risk level, risk sources, a unit's register (一册).

Written with the platform's one writer (:mod:`yingji.core.xlsx`); the rows come from one column
query each (no ORM entities, no per-row lookups), names from label maps built once; filters and
order are those of the corresponding list (:mod:`yingji.core.listing`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yingji.core.auth import Principal
from yingji.core.service import division_names
from yingji.core.timeutil import fmt_local
from yingji.core.xlsx import SheetWriter, Styled
from yingji.core.xlsx import safe as _safe
from yingji.risk import service
from yingji.risk.catalog import default_taxonomy
from yingji.risk.grading import level_info
from yingji.risk.models import RiskSource
from yingji.risk.schemas import SourceQuery
from yingji.units.catalog import industry_names
from yingji.units.models import Unit
from yingji.units.schemas import UnitQuery
from yingji.units.service import UNITS, get_unit

MAX_EXPORT = 200_000


def _label(level: str | None) -> str:
    return level_info(level).label if level else "未评估"


METHOD_LABELS = {"lec": "LEC", "ls": "风险矩阵"}


class _Sheet(SheetWriter):
    """The export sheet: bold header row and level cells coloured like the map, always with the label."""

    def __init__(self, title: str) -> None:
        super().__init__(title)
        self._level_cells: dict[str | None, Any] = {None: "未评估"}

    def level(self, level: str | None) -> Any:
        """The level cell: its label (“重大风险”…) on the level colour; “未评估” unstyled."""
        if not level:
            return "未评估"
        cell = self._level_cells.get(level)
        if cell is None:
            info = level_info(level)
            cell = self._level_cells[level] = Styled(_label(level), self.style(
                bold=True, fill=info.hex, color="FFFFFF" if info.colour in ("red", "blue") else "000000"))
        return cell


# the file reads back through the units import (行业 by name, 乡镇（街道）代码); names, never English codes
UNIT_HEADERS = ["序号", "单位名称", "统一社会信用代码", "行业", "乡镇（街道）代码", "乡镇（街道）", "地址", "经度", "纬度",
                "规模", "标准化等级", "法定代表人", "安全管理负责人", "联系电话", "监管部门", "风险等级", "演示数据"]


def units_xlsx(db: Session, *, principal: Principal, query: UnitQuery) -> bytes:
    industries = industry_names()
    places = division_names(db)
    ws = _Sheet("生产经营单位")
    ws.header(UNIT_HEADERS)
    # Plain column tuples, not ORM entities: one query, no identity map, no per-row attribute machinery.
    stmt = UNITS.select(principal, query).limit(MAX_EXPORT).with_only_columns(
        Unit.name, Unit.credit_code, Unit.industry, Unit.division_code, Unit.address, Unit.lon, Unit.lat,
        Unit.scale, Unit.standardisation_level, Unit.legal_person, Unit.safety_manager, Unit.phone,
        Unit.supervising_department, Unit.risk_level, Unit.synthetic)
    append, level, safe = ws.append, ws.level, _safe
    for i, (name, credit_code, industry, division_code, address, lon, lat, scale, std, legal, manager, phone,
            dept, risk_level, synthetic) in enumerate(db.execute(stmt).yield_per(2000), start=1):
        append([i, safe(name), credit_code, industries.get(industry, industry), division_code,
                places.get(division_code, ""), safe(address), lon, lat, scale, std, safe(legal), safe(manager),
                safe(phone), safe(dept), level(risk_level), "是" if synthetic else "否"])
    return ws.to_bytes()


SOURCE_HEADERS = ["序号", "风险点编号", "风险点名称", "风险大类", "风险小类代码", "风险小类", "行业", "单位ID",
                  "乡镇（街道）代码", "乡镇（街道）", "经度", "纬度", "风险等级", "评估方法", "分值", "管控层级", "演示数据"]


def sources_xlsx(db: Session, *, principal: Principal, query: SourceQuery) -> bytes:
    tax = default_taxonomy()
    classes = {c.code: c.name for c in tax.classes}
    subs = {s.code: s.name for s in tax.subclasses}
    industries = industry_names()
    places = division_names(db)
    ws = _Sheet("风险源")
    ws.header(SOURCE_HEADERS)
    stmt = service.SOURCES.select(principal, query).limit(MAX_EXPORT).with_only_columns(
        RiskSource.code, RiskSource.name, RiskSource.class_code, RiskSource.subclass_code, RiskSource.industry,
        RiskSource.unit_id, RiskSource.division_code, RiskSource.lon, RiskSource.lat, RiskSource.level,
        RiskSource.method, RiskSource.score, RiskSource.management_tier, RiskSource.synthetic)
    append, level, safe = ws.append, ws.level, _safe
    for i, (code, name, class_code, subclass_code, industry, unit_id, division_code, lon, lat, lvl, method, score,
            tier, synthetic) in enumerate(db.execute(stmt).yield_per(2000), start=1):
        append([i, code, safe(name), classes.get(class_code, class_code), subclass_code, subs.get(subclass_code, ""),
                industries.get(industry, industry), unit_id, division_code, places.get(division_code, ""), lon, lat,
                level(lvl),
                METHOD_LABELS.get(method or "", ""), score, tier, "是" if synthetic else "否"])
    return ws.to_bytes()


REGISTER_HEADERS = ["序号", "风险点编号", "风险点名称", "风险类别", "所在乡镇（街道）", "风险等级", "评估方法",
                    "评估因子", "分值", "评估人", "评估时间（北京时间）", "管控层级", "管控措施", "责任层级/责任人"]


def register_xlsx(db: Session, *, principal: Principal, unit_id: int) -> tuple[Unit, bytes]:
    """一册: the unit's risk register — every source with its latest assessment, measures and tier."""
    unit = get_unit(db, principal=principal, unit_id=unit_id)
    sources: list[RiskSource] = service.unit_sources(db, principal=principal, unit_id=unit.id)
    ids = [s.id for s in sources]
    latest = service.latest_assessments(db, ids)
    measures = service.measures_by_source(db, ids)
    subs = {s.code: s.name for s in default_taxonomy().subclasses}
    places = division_names(db, {s.division_code for s in sources})
    ws = _Sheet("风险管控清单")
    ws.append([f"{unit.name} 安全风险管控手册（一册）"])
    ws.append(["统一社会信用代码", unit.credit_code, "单位风险等级", ws.level(unit.risk_level)])
    ws.append(["安全管理负责人", _safe(unit.safety_manager), "联系电话", _safe(unit.phone)])
    ws.append([])
    ws.header(REGISTER_HEADERS)
    for i, s in enumerate(sources, start=1):
        a = latest.get(s.id)
        ms = measures.get(s.id, [])
        factors = "，".join(f"{k.upper()}={v:g}" for k, v in (a.factors or {}).items()) if a else ""
        ws.append([i, s.code, _safe(s.name), subs.get(s.subclass_code, s.subclass_code), places.get(s.division_code, s.division_code),
                   ws.level(s.level), METHOD_LABELS.get(a.method, "") if a else "",
                   factors, a.score if a else None, _safe(a.assessor) if a else "",
                   fmt_local(a.assessed_at, "%Y-%m-%d %H:%M:%S") if a else "", s.management_tier,
                   _safe("；".join(m.measure for m in ms)),
                   _safe("；".join(f"{m.responsible_tier} {m.responsible_person}".strip() for m in ms))])
    return unit, ws.to_bytes()
