"""Parsing of monitoring-point import files (``POST /api/v1/monitoring/points/import``; xlsx or csv).

Headers (* = required): 设备编码*, 监测点名称*, 设备类型* (key such as ``tank`` or its Chinese label),
乡镇（街道）代码*, 经度*, 纬度* (WGS84), 地址, 单位统一社会信用代码, 风险源编号 (a major hazard source's
tanks belong to its unit).
"""

from __future__ import annotations

from typing import Any

from yingji.core.importing import missing, pick, read_table
from yingji.core.schemas import ImportRowError
from yingji.monitoring.rules import default_catalog

POINT_COLUMNS = {
    "设备编码": "code", "监测点名称": "name", "设备类型": "device_type", "乡镇（街道）代码": "division_code",
    "经度": "lon", "纬度": "lat", "地址": "address", "单位统一社会信用代码": "credit_code", "风险源编号": "source_code",
}
POINT_REQUIRED = ("设备编码", "监测点名称", "设备类型", "乡镇（街道）代码", "经度", "纬度")
POINT_LABELS = {v: k for k, v in POINT_COLUMNS.items()} | {"unit_id": "单位统一社会信用代码",
                                                          "risk_source_id": "风险源编号"}


def device_type_key(text: str) -> str:
    types = default_catalog().types
    if text in types:
        return text
    return next((t.key for t in types.values() if t.label == text), text)


def parse_rows(content: bytes, filename: str) -> tuple[list[tuple[int, dict[str, Any]]], list[ImportRowError]]:
    rows, errors = [], []
    for rownum, row in read_table(content, filename):
        miss = missing(row, rownum, POINT_REQUIRED)
        if miss:
            errors.extend(miss)
            continue
        values = pick(row, POINT_COLUMNS)
        values["device_type"] = device_type_key(values["device_type"])
        rows.append((rownum, values))
    return rows, errors
