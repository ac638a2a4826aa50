"""Excel exports (openpyxl, write-only): units, risk sources, a unit's risk register (一册)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from sqlalchemy.orm import Session

from yingji.core.auth import Principal
from yingji.risk import service
from yingji.risk.catalog import default_industries, default_taxonomy
from yingji.risk.grading import level_info
from yingji.risk.models import RiskSource, Unit
from yingji.web.templating import local_datetime

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024
MAX_EXPORT = 200_000


def _label(level: str | None) -> str:
    return level_info(level).label if level else "未评估"


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in user text (CSV/Excel injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


_STYLES: dict[str, tuple[PatternFill, Font]] = {}


def _level_style(level: str) -> tuple[PatternFill, Font]:
    if level not in _STYLES:
        info = level_info(level)
        _STYLES[level] = (PatternFill("solid", fgColor=info.hex.lstrip("#")),
                          Font(bold=True, color="FFFFFF" if info.colour in ("red", "blue") else "000000"))
    return _STYLES[level]


def _level_cell(ws: Any, level: str | None) -> Any:
    cell = WriteOnlyCell(ws, value=_label(level))
    if level:
        cell.fill, cell.font = _level_style(level)
    return cell


def _header(ws: Any, headers: Iterable[str]) -> None:
    row = []
    for h in headers:
        c = WriteOnlyCell(ws, value=h)
        c.font = Font(bold=True)
        row.append(c)
    ws.append(row)


def _bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def chunks(data: bytes) -> Iterator[bytes]:
    for i in range(0, len(data), CHUNK):
        yield data[i:i + CHUNK]


UNIT_HEADERS = ["序号", "单位名称", "统一社会信用代码", "行业代码", "行业", "乡镇（街道）代码", "地址", "经度", "纬度",
                "规模", "标准化等级", "法定代表人", "安全管理负责人", "联系电话", "监管部门", "风险等级", "演示数据"]


def units_xlsx(db: Session, *, principal: Principal, **filters: Any) -> bytes:
    industries = {i.code: i.name for i in default_industries()}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("生产经营单位")
    _header(ws, UNIT_HEADERS)
    stmt = service.units_query(principal, **filters).limit(MAX_EXPORT)
    for i, u in enumerate(db.scalars(stmt).yield_per(1000), start=1):
        ws.append([i, _safe(u.name), u.credit_code, u.industry, industries.get(u.industry, u.industry),
                   u.division_code, _safe(u.address), u.lon, u.lat, u.scale, u.standardisation_level,
                   _safe(u.legal_person), _safe(u.safety_manager), _safe(u.phone), _safe(u.supervising_department),
                   _level_cell(ws, u.risk_level), "是" if u.synthetic else "否"])
    return _bytes(wb)


SOURCE_HEADERS = ["序号", "风险点编号", "风险点名称", "风险大类", "风险小类代码", "风险小类", "行业", "单位ID",
                  "乡镇（街道）代码", "经度", "纬度", "风险等级", "评估方法", "分值", "管控层级", "演示数据"]


def sources_xlsx(db: Session, *, principal: Principal, **filters: Any) -> bytes:
    tax = default_taxonomy()
    classes = {c.code: c.name for c in tax.classes}
    subs = {s.code: s.name for s in tax.subclasses}
    industries = {i.code: i.name for i in default_industries()}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("风险源")
    _header(ws, SOURCE_HEADERS)
    stmt = service.sources_query(principal, **filters).limit(MAX_EXPORT)
    for i, s in enumerate(db.scalars(stmt).yield_per(1000), start=1):
        ws.append([i, s.code, _safe(s.name), classes.get(s.class_code, s.class_code), s.subclass_code,
                   subs.get(s.subclass_code, ""), industries.get(s.industry, s.industry), s.unit_id,
                   s.division_code, s.lon, s.lat, _level_cell(ws, s.level),
                   {"lec": "LEC", "ls": "风险矩阵"}.get(s.method or "", ""), s.score, s.management_tier,
                   "是" if s.synthetic else "否"])
    return _bytes(wb)


REGISTER_HEADERS = ["序号", "风险点编号", "风险点名称", "风险类别", "所在乡镇（街道）", "风险等级", "评估方法",
                    "评估因子", "分值", "评估人", "评估时间（北京时间）", "管控层级", "管控措施", "责任层级/责任人"]


def register_xlsx(db: Session, *, principal: Principal, unit_id: int) -> tuple[Unit, bytes]:
    """一册: the unit's risk register — every source with its latest assessment, measures and tier."""
    unit = service.get_unit(db, principal=principal, unit_id=unit_id)
    sources: list[RiskSource] = service.unit_sources(db, principal=principal, unit_id=unit.id)
    ids = [s.id for s in sources]
    latest = service.latest_assessments(db, ids)
    measures = service.measures_by_source(db, ids)
    subs = {s.code: s.name for s in default_taxonomy().subclasses}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("风险管控清单")
    ws.append([f"{unit.name} 安全风险管控手册（一册）"])
    ws.append(["统一社会信用代码", unit.credit_code, "单位风险等级", _level_cell(ws, unit.risk_level)])
    ws.append(["安全管理负责人", _safe(unit.safety_manager), "联系电话", _safe(unit.phone)])
    ws.append([])
    _header(ws, REGISTER_HEADERS)
    for i, s in enumerate(sources, start=1):
        a = latest.get(s.id)
        ms = measures.get(s.id, [])
        factors = "，".join(f"{k.upper()}={v:g}" for k, v in (a.factors or {}).items()) if a else ""
        ws.append([i, s.code, _safe(s.name), subs.get(s.subclass_code, s.subclass_code), s.division_code,
                   _level_cell(ws, s.level), {"lec": "LEC", "ls": "风险矩阵"}.get(a.method, "") if a else "",
                   factors, a.score if a else None, _safe(a.assessor) if a else "",
                   local_datetime(a.assessed_at) if a else "", s.management_tier,
                   _safe("；".join(m.measure for m in ms)),
                   _safe("；".join(f"{m.responsible_tier} {m.responsible_person}".strip() for m in ms))])
    return unit, _bytes(wb)
