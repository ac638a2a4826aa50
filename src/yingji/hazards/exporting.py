"""Excel (.xlsx) exports: the 挂牌督办台账 and the hazard list. Times in Beijing time."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

CST = timezone(timedelta(hours=8), "CST")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVELS = {"county": "县级", "city": "市级", None: ""}


def _t(value: datetime | None) -> str:
    return value.astimezone(CST).strftime("%Y-%m-%d %H:%M") if value else ""


def _book(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_clean(v) for v in row])
    for i, _ in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = 18
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _clean(v: Any) -> Any:
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v  # no formula injection in exported sheets
    return v


def ledger_xlsx(rows: list[dict[str, Any]]) -> bytes:
    header = ["序号", "隐患编号", "隐患名称", "隐患分级", "单位", "行业", "区划代码", "督办级别", "挂牌单位",
              "限期整改通知文号", "整改期限", "挂牌时间", "摘牌时间", "摘牌原因", "自动升级", "隐患状态", "是否逾期"]
    return _book("挂牌督办台账", header, (
        [i + 1, r["hazard_code"], r["hazard_title"], r["tier_label"], r["unit_name"], r["industry"],
         r["division_code"], LEVELS.get(r["level"], r["level"]), r["listed_by"], r["notice_no"], _t(r["deadline"]),
         _t(r["listed_at"]), _t(r["lifted_at"]), r.get("lift_reason") or "", "是" if r["automatic"] else "否", r["hazard_state_label"],
         "是" if r["overdue"] else "否"] for i, r in enumerate(rows)))


def hazards_xlsx(rows: list[dict[str, Any]]) -> bytes:
    header = ["隐患编号", "隐患名称", "隐患分级", "状态", "单位", "行业", "区划代码", "发现时间", "整改期限",
              "是否逾期", "督办级别", "销号时间", "演示数据"]
    return _book("隐患清单", header, (
        [r["code"], r["title"], r["tier_label"], r["state_label"], r["unit_name"], r["industry"], r["division_code"],
         _t(r["discovered_at"]), _t(r["deadline"]), "是" if r["overdue"] else "否",
         LEVELS.get(r["supervision_level"], ""), _t(r["closed_at"]), "是" if r["synthetic"] else "否"]
        for r in rows))
