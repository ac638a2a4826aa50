"""Parsing of risk-source import files (``POST /api/v1/risk/sources/import``; xlsx or csv).

Headers (* = required): 单位统一社会信用代码*, 风险点名称*, 风险小类代码*, 风险点编号, 乡镇（街道）代码,
经度, 纬度, 描述, 评估方法（lec/ls，可空）, L, E, C, S, 评估人. Units are imported by
:mod:`yingji.units.importing`. Coordinates are WGS84.
"""

from __future__ import annotations

from typing import Any

from yingji.core.importing import missing, pick, read_table
from yingji.core.schemas import ImportRowError

SOURCE_COLUMNS = {
    "单位统一社会信用代码": "credit_code", "风险点名称": "name", "风险小类代码": "subclass_code",
    "风险点编号": "code", "乡镇（街道）代码": "division_code", "经度": "lon", "纬度": "lat", "描述": "description",
    "评估方法": "method", "L": "l", "E": "e", "C": "c", "S": "s", "评估人": "assessor",
}
SOURCE_REQUIRED = ("单位统一社会信用代码", "风险点名称", "风险小类代码")
SOURCE_LABELS = {v: k for k, v in SOURCE_COLUMNS.items()}


def parse_sources(content: bytes, filename: str) -> tuple[list[tuple[int, tuple[str, dict[str, Any]]]],
                                                           list[ImportRowError]]:
    rows, errors = [], []
    for rownum, row in read_table(content, filename):
        miss = missing(row, rownum, SOURCE_REQUIRED)
        if miss:
            errors.extend(miss)
            continue
        values = pick(row, SOURCE_COLUMNS)
        credit = values.pop("credit_code")
        assessment: dict[str, Any] = {}
        method = values.pop("method", None)
        factors = {k: values.pop(k) for k in ("l", "e", "c", "s", "assessor") if k in values}
        if method:
            assessment = {"method": method.lower(), **factors}
        rows.append((rownum, (credit, {"source": values, "assessment": assessment})))
    return rows, errors
