"""Import a plan's structure from the Word (.docx) or Excel (.xlsx) template — pure (no ORM, no web).

Both templates carry the same parts (see :func:`template_xlsx` / :func:`template_docx`):

* 基本信息: ``预案名称``, ``预案类别`` (总体/专项/部门), ``预案层级`` (市级/县级/单位), ``区划代码``,
  ``编制单位``, ``指挥部``, ``总指挥``, ``概述`` — key/value rows (Excel) or ``键：值`` paragraphs (Word);
* tables recognised by their header row: 启动条件, 响应分级, 工作组, 职责任务, 调用资源 (one sheet each in
  Excel, one table each in Word).

Every problem is reported with where it is (“工作表“职责任务”第 4 行”, “表格 3 第 2 行”, “第 5 段”);
:func:`parse` returns the metadata, the content and the problems — the caller writes only when there are none.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from yingji.plans.catalog import (
    INCIDENT_TYPES,
    KINDS,
    LEVELS,
    UNIT_TYPES,
    incident_type_key,
    key_of,
    parse_grade,
)
from yingji.plans.content import empty_content

META_KEYS = {"预案名称": "title", "预案类别": "kind", "预案层级": "level", "区划代码": "division_code",
             "编制单位": "department", "指挥部": "headquarters", "总指挥": "commander", "概述": "summary"}
TABLES: dict[str, list[str]] = {
    "启动条件": ["事件类型", "事件等级", "响应级别", "启动条件说明"],
    "响应分级": ["响应级别", "名称", "启动标准", "指挥长"],
    "工作组": ["工作组", "牵头单位", "成员单位"],
    "职责任务": ["角色", "所属工作组", "责任单位", "任务", "时限（分钟）", "适用响应级别"],
    "调用资源": ["力量类型", "数量", "说明", "适用响应级别"],
}
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class Parsed:
    meta: dict[str, str] = field(default_factory=dict)
    content: dict[str, Any] = field(default_factory=empty_content)
    errors: list[dict[str, str]] = field(default_factory=list)

    def error(self, where: str, message: str) -> None:
        self.errors.append({"where": where, "message": message})


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _levels(text: str) -> list[int]:
    if not text or text in ("各级", "全部", "所有"):
        return []
    parts = [p for p in text.replace("，", ",").replace("、", ",").replace("/", ",").split(",") if p.strip()]
    return sorted({parse_grade(p) for p in parts})


def _row(parsed: Parsed, table: str, cells: list[str], where: str, roles: dict[str, dict[str, Any]]) -> None:
    c = parsed.content
    try:
        if table == "启动条件":
            grades = _levels(cells[1])
            level = parse_grade(cells[2]) if cells[2] else None
            if level is not None and level > 4:
                raise ValueError("响应级别须为 Ⅰ–Ⅳ 级")
            c["triggers"].append({"incident_type": incident_type_key(cells[0]), "grades": grades,
                                  "response_level": level, "condition": cells[3]})
        elif table == "响应分级":
            level = parse_grade(cells[0])
            if level > 4:
                raise ValueError("响应级别须为 Ⅰ–Ⅳ 级")
            c["response_levels"].append({"level": level, "name": cells[1], "criteria": cells[2], "commander": cells[3]})
        elif table == "工作组":
            if not cells[0]:
                raise ValueError("工作组名称不能为空")
            c["command"]["groups"].append({"name": cells[0], "lead": cells[1], "members": cells[2]})
        elif table == "职责任务":
            if not cells[0] or not cells[3]:
                raise ValueError("角色和任务不能为空")
            try:
                minutes = int(float(cells[4] or 0))
            except ValueError:
                raise ValueError(f"时限须为分钟数：“{cells[4]}”") from None
            if not 0 <= minutes <= 30 * 24 * 60:
                raise ValueError("时限须在 0–43200 分钟之间")
            role = roles.get(cells[0])
            if role is None:
                role = roles[cells[0]] = {"name": cells[0], "group": cells[1], "owner": cells[2], "tasks": []}
                c["roles"].append(role)
            levels = _levels(cells[5])
            if any(v > 4 for v in levels):
                raise ValueError("适用响应级别须为 Ⅰ–Ⅳ 级")
            role["tasks"].append({"title": cells[3], "deadline_minutes": minutes, "levels": levels})
        elif table == "调用资源":
            unit_type = key_of(UNIT_TYPES, cells[0], "力量类型")
            try:
                count = int(float(cells[1]))
            except ValueError:
                raise ValueError(f"数量须为整数：“{cells[1]}”") from None
            if count < 1:
                raise ValueError("数量须大于 0")
            levels = _levels(cells[3])
            if any(v > 4 for v in levels):
                raise ValueError("适用响应级别须为 Ⅰ–Ⅳ 级")
            c["resources"].append({"unit_type": unit_type, "count": count, "note": cells[2], "levels": levels})
    except ValueError as e:
        parsed.error(where, str(e))


def _meta(parsed: Parsed, key: str, value: str, where: str) -> None:
    name = META_KEYS.get(key.strip().rstrip("：:"))
    if name is None:
        return
    try:
        if name == "kind":
            value = key_of(KINDS, value, "预案类别")
        elif name == "level":
            value = key_of(LEVELS, value, "预案层级")
        elif name == "division_code" and not (value.isdigit() and len(value) in (6, 9, 12)):
            raise ValueError("区划代码须为 6、9 或 12 位数字")
    except ValueError as e:
        parsed.error(where, str(e))
        return
    if name in ("headquarters", "commander"):
        parsed.content["command"][name] = value
    elif name == "summary":
        parsed.content["summary"] = value
    else:
        parsed.meta[name] = value


def _finish(parsed: Parsed) -> Parsed:
    for key, label in (("title", "预案名称"), ("kind", "预案类别"), ("level", "预案层级"), ("division_code", "区划代码")):
        if not parsed.meta.get(key):
            parsed.error("基本信息", f"缺少“{label}”")
    if not parsed.content["triggers"]:
        parsed.error("启动条件", "至少需要一条启动条件（事件类型与等级）")
    return parsed


def _table_kind(header: list[str]) -> str | None:
    for name, columns in TABLES.items():
        if [h.replace("(", "（").replace(")", "）") for h in header[:len(columns)]] == columns:
            return name
    return None


def parse_xlsx(data: bytes) -> Parsed:
    from openpyxl import load_workbook

    parsed = Parsed()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        parsed.error("文件", f"无法读取 Excel 文件：{e.__class__.__name__}")
        return parsed
    seen = False
    for ws in wb.worksheets:
        rows = [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
        if ws.title == "基本信息":
            seen = True
            for i, row in enumerate(rows, start=1):
                if len(row) >= 2 and row[0]:
                    _meta(parsed, row[0], row[1], f"工作表“基本信息”第 {i} 行")
            continue
        if not rows or ws.title == "填写说明":
            continue
        kind = _table_kind(rows[0])
        if kind is None:
            parsed.error(f"工作表“{ws.title}”", "表头不是模板中的任何一张表（请使用下载的模板）")
            continue
        width = len(TABLES[kind])
        roles: dict[str, dict[str, Any]] = {}
        for i, row in enumerate(rows[1:], start=2):
            cells = (row + [""] * width)[:width]
            if any(cells):
                _row(parsed, kind, cells, f"工作表“{ws.title}”第 {i} 行", roles)
    if not seen:
        parsed.error("文件", "缺少工作表“基本信息”")
    return _finish(parsed)


def parse_docx(data: bytes) -> Parsed:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    parsed = Parsed()
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        parsed.error("文件", f"无法读取 Word 文件：{e.__class__.__name__}")
        return parsed
    for i, para in enumerate(document.paragraphs, start=1):
        text = para.text.strip()
        for sep in ("：", ":"):
            if sep in text:
                key, value = text.split(sep, 1)
                if key.strip() in META_KEYS:
                    if not value.strip():
                        parsed.error(f"第 {i} 段", f"“{key.strip()}”没有填写")
                    else:
                        _meta(parsed, key, value.strip(), f"第 {i} 段")
                break
    for t, table in enumerate(document.tables, start=1):
        rows = [[_cell(c.text) for c in r.cells] for r in table.rows]
        if not rows:
            continue
        kind = _table_kind(rows[0])
        if kind is None:
            parsed.error(f"表格 {t}", "表头不是模板中的任何一张表（请使用下载的模板）")
            continue
        width = len(TABLES[kind])
        roles: dict[str, dict[str, Any]] = {}
        for i, row in enumerate(rows[1:], start=2):
            cells = (row + [""] * width)[:width]
            if any(cells):
                _row(parsed, kind, cells, f"表格 {t}（{kind}）第 {i} 行", roles)
    return _finish(parsed)


def parse(filename: str, data: bytes) -> Parsed:
    name = filename.lower()
    if len(data) > MAX_BYTES:
        p = Parsed()
        p.error("文件", "文件超过 5 MB")
        return p
    if name.endswith(".xlsx"):
        return parse_xlsx(data)
    if name.endswith(".docx"):
        return parse_docx(data)
    p = Parsed()
    p.error("文件", "只支持 Word（.docx）或 Excel（.xlsx）模板")
    return p


# --- the templates to download --------------------------------------------------------------------------

EXAMPLE_META = [("预案名称", "XX区防台风应急预案"), ("预案类别", "专项"), ("预案层级", "县级"), ("区划代码", "350102"),
                ("编制单位", "XX区应急管理局"), ("指挥部", "XX区防汛抗旱指挥部"), ("总指挥", "区长"),
                ("概述", "适用于本区行政区域内台风灾害的防御和应急处置。")]
EXAMPLE_ROWS: dict[str, list[list[Any]]] = {
    "启动条件": [["台风", "Ⅰ、Ⅱ", "Ⅰ", "台风红色预警或预计 24 小时内登陆"], ["台风", "Ⅲ、Ⅳ", "Ⅲ", "台风黄色、蓝色预警"]],
    "响应分级": [["Ⅰ", "Ⅰ级响应", "台风红色预警", "区长"], ["Ⅲ", "Ⅲ级响应", "台风黄色预警", "分管副区长"]],
    "工作组": [["综合协调组", "区应急管理局", "区府办、区气象局"], ["抢险救援组", "区消防救援大队", "区住建局、区水利局"]],
    "职责任务": [["值班调度", "综合协调组", "区应急管理局", "发布启动响应通知", 15, ""],
             ["值班调度", "综合协调组", "区应急管理局", "每 2 小时汇总报送灾情", 120, "Ⅰ、Ⅱ"],
             ["转移安置", "抢险救援组", "各街道", "危险区域人员转移", 180, ""]],
    "调用资源": [["水域救援队", 2, "城区易涝点前置", "Ⅰ、Ⅱ"], ["排涝车", 6, "", ""]],
}


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "基本信息"
    ws.append(["项目", "内容"])
    for k, v in EXAMPLE_META:
        ws.append([k, v])
    for name, header in TABLES.items():
        sheet = wb.create_sheet(name)
        sheet.append(header)
        for row in EXAMPLE_ROWS[name]:
            sheet.append(row)
    note = wb.create_sheet("填写说明")
    for line in ("事件类型：" + "、".join(v for k, v in INCIDENT_TYPES.items() if k != "*") + "、各类突发事件",
                 "等级与响应级别：Ⅰ（特别重大）、Ⅱ（重大）、Ⅲ（较大）、Ⅳ（一般），多个用顿号分隔；空 = 各级",
                 "力量类型：" + "、".join(UNIT_TYPES.values()),
                 "预案类别：总体 / 专项 / 部门；预案层级：市级 / 县级 / 单位"):
        note.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("应急预案结构化模板", level=1)
    document.add_paragraph("填写说明：保留“键：值”格式与表格表头；等级填 Ⅰ、Ⅱ、Ⅲ、Ⅳ（多个用顿号分隔，空 = 各级）。")
    document.add_heading("一、基本信息", level=2)
    for k, v in EXAMPLE_META:
        document.add_paragraph(f"{k}：{v}")
    for n, (name, header) in enumerate(TABLES.items(), start=2):
        document.add_heading(f"{'一二三四五六七'[n - 1]}、{name}", level=2)
        table = document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for i, h in enumerate(header):
            table.rows[0].cells[i].text = h
        for row in EXAMPLE_ROWS[name]:
            cells = table.add_row().cells
            for i, v in enumerate(row):
                cells[i].text = str(v)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
