"""Parsing of force and vehicle import files (xlsx or csv, Chinese headers; * = required).

力量（``POST /api/v1/dispatch/forces/import``）: 力量编号*, 名称*, 力量类别*（消防救援站/专业救援队伍/
社会救援力量/志愿者队伍/驻军及民兵支援力量）, 站级, 专业领域（顿号或逗号分隔，如 危险化学品、水域救援）,
乡镇（街道）代码*, 地址, 经度*, 纬度*, 人数, 联系人, 联系电话, 备注.
车辆（``POST /api/v1/dispatch/vehicles/import``）: 车辆呼号*, 力量编号*, 车辆类型*（如 水罐消防车）,
性能与装备（顿号分隔）, 乘员.
专家（``POST /api/v1/dispatch/experts/import``）: 姓名*, 专业*（顿号分隔，如 危险化学品、医疗救护）, 工作单位, 职称,
联系电话, 乡镇（街道）代码*.  Coordinates are WGS84.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from yingji.core.importing import missing, pick, read_table, row_errors
from yingji.core.schemas import ImportRowError
from yingji.dispatch.grading import dispatch_config
from yingji.dispatch.labels import FORCE_KINDS, SPECIALTIES
from yingji.dispatch.schemas import ExpertIn, ForceIn, VehicleIn

FORCE_COLUMNS = {"力量编号": "code", "名称": "name", "力量类别": "kind", "站级": "station_level",
                 "专业领域": "specialties", "乡镇（街道）代码": "division_code", "地址": "address", "经度": "lon",
                 "纬度": "lat", "人数": "personnel", "联系人": "contact", "联系电话": "phone", "备注": "notes"}
FORCE_REQUIRED = ("力量编号", "名称", "力量类别", "乡镇（街道）代码", "经度", "纬度")
VEHICLE_COLUMNS = {"车辆呼号": "callsign", "力量编号": "force_code", "车辆类型": "vehicle_type",
                   "性能与装备": "capabilities", "乘员": "crew"}
VEHICLE_REQUIRED = ("车辆呼号", "力量编号", "车辆类型")
EXPERT_COLUMNS = {"姓名": "name", "专业": "specialties", "工作单位": "organisation", "职称": "title",
                  "联系电话": "phone", "乡镇（街道）代码": "division_code"}
EXPERT_REQUIRED = ("姓名", "专业", "乡镇（街道）代码")
_SPLIT = re.compile(r"\s*[、,，;；]\s*")


def _labels(columns: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in columns.items()}


def _by_label(table: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in table.items()} | {k: k for k in table}


def _split(text: str) -> list[str]:
    return [p.strip() for p in _SPLIT.split(text) if p.strip()]


def parse_forces(content: bytes, filename: str) -> tuple[list[tuple[int, ForceIn]], list[ImportRowError]]:
    kinds, specialties = _by_label(FORCE_KINDS), _by_label(SPECIALTIES)
    rows, errors = [], []
    for rownum, row in read_table(content, filename):
        miss = missing(row, rownum, FORCE_REQUIRED)
        values: dict[str, Any] = pick(row, FORCE_COLUMNS)
        if "kind" in values:
            if values["kind"] not in kinds:
                miss.append(ImportRowError(row=rownum, field="力量类别", message=f"力量类别“{values['kind']}”未配置"))
            else:
                values["kind"] = kinds[values["kind"]]
        names = _split(values.pop("specialties", "") or "")
        bad = [n for n in names if n not in specialties]
        if bad:
            miss.append(ImportRowError(row=rownum, field="专业领域", message=f"专业领域“{'、'.join(bad)}”未配置"))
        values["specialties"] = [specialties[n] for n in names if n in specialties]
        if miss:
            errors.extend(miss)
            continue
        try:
            rows.append((rownum, ForceIn(**values)))
        except ValidationError as exc:
            errors.extend(row_errors(rownum, exc, _labels(FORCE_COLUMNS)))
    return rows, errors


def parse_vehicles(content: bytes, filename: str) -> tuple[list[tuple[int, tuple[str, VehicleIn]]],
                                                             list[ImportRowError]]:
    types = _by_label({k: v["label"] for k, v in dispatch_config()["unit_types"].items()})
    rows, errors = [], []
    for rownum, row in read_table(content, filename):
        miss = missing(row, rownum, VEHICLE_REQUIRED)
        values: dict[str, Any] = pick(row, VEHICLE_COLUMNS)
        if "vehicle_type" in values:
            if values["vehicle_type"] not in types:
                miss.append(ImportRowError(row=rownum, field="车辆类型",
                                           message=f"车辆类型“{values['vehicle_type']}”未配置"))
            else:
                values["vehicle_type"] = types[values["vehicle_type"]]
        if miss:
            errors.extend(miss)
            continue
        code = values.pop("force_code")
        values["capabilities"] = _split(values.get("capabilities", "") or "")
        try:
            rows.append((rownum, (code, VehicleIn(force_id=1, **values))))
        except ValidationError as exc:
            errors.extend(row_errors(rownum, exc, _labels(VEHICLE_COLUMNS)))
    return rows, errors


def parse_experts(content: bytes, filename: str) -> tuple[list[tuple[int, ExpertIn]], list[ImportRowError]]:
    specialties = _by_label(SPECIALTIES)
    rows, errors = [], []
    for rownum, row in read_table(content, filename):
        miss = missing(row, rownum, EXPERT_REQUIRED)
        values: dict[str, Any] = pick(row, EXPERT_COLUMNS)
        names = _split(values.pop("specialties", "") or "")
        bad = [n for n in names if n not in specialties]
        if bad:
            miss.append(ImportRowError(row=rownum, field="专业", message=f"专业“{'、'.join(bad)}”未配置"))
        if miss:
            errors.extend(miss)
            continue
        try:
            rows.append((rownum, ExpertIn(specialties=[specialties[n] for n in names], **values)))
        except ValidationError as exc:
            errors.extend(row_errors(rownum, exc, _labels(EXPERT_COLUMNS)))
    return rows, errors
