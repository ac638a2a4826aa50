"""Parsing of unit import files (``POST /api/v1/units/import``; xlsx or csv, Chinese headers).

Headers (* = required): 单位名称*, 统一社会信用代码*, 行业代码*（或 行业）, 乡镇（街道）代码*, 地址,
经度, 纬度, 规模, 标准化等级, 法定代表人, 安全管理负责人, 联系电话, 监管部门, 备注.
Coordinates are WGS84; a file in GCJ-02 must be converted before import.
"""

from __future__ import annotations

from pydantic import ValidationError

from yingji.core.importing import missing, pick, read_table, row_errors
from yingji.core.schemas import ImportRowError
from yingji.units.catalog import default_industries
from yingji.units.schemas import UnitIn

UNIT_COLUMNS = {
    "单位名称": "name", "统一社会信用代码": "credit_code", "行业代码": "industry", "行业": "industry_name",
    "乡镇（街道）代码": "division_code", "地址": "address", "经度": "lon", "纬度": "lat", "规模": "scale",
    "标准化等级": "standardisation_level", "法定代表人": "legal_person", "安全管理负责人": "safety_manager",
    "联系电话": "phone", "监管部门": "supervising_department", "备注": "notes",
}
UNIT_REQUIRED = ("单位名称", "统一社会信用代码", "乡镇（街道）代码")
UNIT_LABELS = {v: k for k, v in UNIT_COLUMNS.items() if k != "行业"}


def parse_units(content: bytes, filename: str) -> tuple[list[tuple[int, UnitIn]], list[ImportRowError]]:
    industries = {i.name: i.code for i in default_industries()}
    rows, errors = [], []
    for rownum, row in read_table(content, filename):
        miss = missing(row, rownum, UNIT_REQUIRED)
        values = pick(row, UNIT_COLUMNS)
        name = values.pop("industry_name", None)
        if "industry" not in values:
            if name is None:
                miss.append(ImportRowError(row=rownum, field="行业代码", message="行业代码：缺少必填项"))
            elif name not in industries:
                miss.append(ImportRowError(row=rownum, field="行业", message=f"行业“{name}”未配置"))
            else:
                values["industry"] = industries[name]
        if miss:
            errors.extend(miss)
            continue
        try:
            rows.append((rownum, UnitIn(**values)))
        except ValidationError as exc:
            errors.extend(row_errors(rownum, exc, UNIT_LABELS))
    return rows, errors
