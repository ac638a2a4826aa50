"""Parsing of bulk import files (xlsx or csv, Chinese column headers) into validated rows.

Units (``POST /api/v1/risk/units/import``), headers (* = required):
  单位名称*, 统一社会信用代码*, 行业代码*（或 行业）, 乡镇（街道）代码*, 地址, 经度, 纬度, 规模,
  标准化等级, 法定代表人, 安全管理负责人, 联系电话, 监管部门, 备注
Risk sources (``POST /api/v1/risk/sources/import``):
  单位统一社会信用代码*, 风险点名称*, 风险小类代码*, 风险点编号, 乡镇（街道）代码, 经度, 纬度, 描述,
  评估方法（lec/ls，可空）, L, E, C, S, 评估人
Row numbers in error reports are those of the spreadsheet (the header is row 1).
Coordinates are WGS84; a file in GCJ-02 must be converted before import.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import ValidationError

from yingji.core.errors import ValidationFailed
from yingji.core.schemas import ImportRowError
from yingji.risk.catalog import default_industries
from yingji.risk.schemas import UnitIn

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024

UNIT_COLUMNS = {
    "单位名称": "name", "统一社会信用代码": "credit_code", "行业代码": "industry", "行业": "industry_name",
    "乡镇（街道）代码": "division_code", "地址": "address", "经度": "lon", "纬度": "lat", "规模": "scale",
    "标准化等级": "standardisation_level", "法定代表人": "legal_person", "安全管理负责人": "safety_manager",
    "联系电话": "phone", "监管部门": "supervising_department", "备注": "notes",
}
SOURCE_COLUMNS = {
    "单位统一社会信用代码": "credit_code", "风险点名称": "name", "风险小类代码": "subclass_code",
    "风险点编号": "code", "乡镇（街道）代码": "division_code", "经度": "lon", "纬度": "lat", "描述": "description",
    "评估方法": "method", "L": "l", "E": "e", "C": "c", "S": "s", "评估人": "assessor",
}
UNIT_REQUIRED = ("单位名称", "统一社会信用代码", "乡镇（街道）代码")
SOURCE_REQUIRED = ("单位统一社会信用代码", "风险点名称", "风险小类代码")
_UNIT_LABEL = {v: k for k, v in UNIT_COLUMNS.items() if k != "行业"}
_SOURCE_LABEL = {v: k for k, v in SOURCE_COLUMNS.items()}


def _normalise_header(h: Any) -> str:
    text = str(h or "").strip().replace("(", "（").replace(")", "）").rstrip("*").strip()
    return text


def read_table(content: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows of an xlsx or csv file as (spreadsheet row number, {header: value})."""
    if len(content) > MAX_BYTES:
        raise ValidationFailed("文件超过 10 MB", field="file")
    name = (filename or "").lower()
    raw: list[list[Any]]
    if name.endswith(".xlsx") or content[:2] == b"PK":
        try:
            from openpyxl import load_workbook

            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            ws = wb.worksheets[0]
            raw = [list(r) for _, r in zip(range(MAX_ROWS + 2), ws.iter_rows(values_only=True))]
            wb.close()
        except Exception:  # noqa: BLE001 - any broken workbook is the user's file problem
            raise ValidationFailed("无法读取 Excel 文件，请确认是 .xlsx 格式", field="file") from None
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = content.decode("gb18030")
            except UnicodeDecodeError:
                raise ValidationFailed("CSV 文件编码无法识别（请用 UTF-8 或 GBK）", field="file") from None
        if "\x00" in text:
            raise ValidationFailed("文件包含无效字符", field="file")
        try:
            raw = [r for _, r in zip(range(MAX_ROWS + 2), csv.reader(io.StringIO(text)))]
        except csv.Error:
            raise ValidationFailed("CSV 文件格式错误", field="file") from None
    if not raw:
        raise ValidationFailed("文件为空", field="file")
    if len(raw) > MAX_ROWS + 1:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行", field="file")
    headers = [_normalise_header(h) for h in raw[0]]
    out = []
    for i, values in enumerate(raw[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        out.append((i, {h: v for h, v in zip(headers, values) if h}))
    return out


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def _pick(row: dict[str, Any], columns: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for header, key in columns.items():
        if header in row and (value := _text(row[header])) is not None:
            out[key] = value
    return out


def pydantic_errors(row: int, exc: Exception, labels: dict[str, str] | None = None) -> list[ImportRowError]:
    labels = _SOURCE_LABEL if labels is None else labels
    if isinstance(exc, ValidationError):
        from yingji.core.api import _translate

        errs = []
        for e in exc.errors():
            t = _translate(e)
            field = t["field"]
            label = labels.get(field or "", field)
            errs.append(ImportRowError(row=row, field=label, message=t["message"].replace(f"{field}：", f"{label}：", 1)))
        return errs
    return [ImportRowError(row=row, field=getattr(exc, "field", None), message=getattr(exc, "message", str(exc)))]


def _missing(row: dict[str, Any], rownum: int, required: tuple[str, ...]) -> list[ImportRowError]:
    return [ImportRowError(row=rownum, field=h, message=f"{h}：缺少必填项") for h in required
            if _text(row.get(h)) is None]


def parse_units(content: bytes, filename: str) -> tuple[list[tuple[int, UnitIn]], list[ImportRowError]]:
    industries = {i.name: i.code for i in default_industries()}
    rows, errors = [], []
    for rownum, row in read_table(content, filename):
        miss = _missing(row, rownum, UNIT_REQUIRED)
        values = _pick(row, UNIT_COLUMNS)
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
            errors.extend(pydantic_errors(rownum, exc, _UNIT_LABEL))
    return rows, errors


def parse_sources(content: bytes, filename: str) -> tuple[list[tuple[int, tuple[str, dict[str, Any]]]],
                                                           list[ImportRowError]]:
    rows, errors = [], []
    for rownum, row in read_table(content, filename):
        miss = _missing(row, rownum, SOURCE_REQUIRED)
        if miss:
            errors.extend(miss)
            continue
        values = _pick(row, SOURCE_COLUMNS)
        credit = values.pop("credit_code")
        assessment: dict[str, Any] = {}
        method = values.pop("method", None)
        factors = {k: values.pop(k) for k in ("l", "e", "c", "s", "assessor") if k in values}
        if method:
            assessment = {"method": method.lower(), **factors}
        rows.append((rownum, (credit, {"source": values, "assessment": assessment})))
    return rows, errors
