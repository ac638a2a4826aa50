"""Excel (.xlsx) exports of the hazards domain: the 挂牌督办台账 and the hazard list.

Written with the platform's one writer (:mod:`yingji.core.xlsx`); times in the platform's time
zone; user text neutralised against formula injection; robust to any stored value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from yingji.core.timeutil import fmt_local
from yingji.core.xlsx import SheetWriter, safe
from yingji.hazards.schemas import HazardOut, LedgerRowOut
from yingji.units.catalog import industry_names

LEVELS = {"county": "县级", "city": "市级", None: ""}


def _book(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    ws = SheetWriter(title)
    ws.header(header)
    ws.widths([18] * len(header))
    for row in rows:
        ws.append([safe(v) for v in row])
    return ws.to_bytes()


def ledger_xlsx(rows: list[LedgerRowOut], places: dict[str, str] | None = None) -> bytes:
    industries = industry_names()
    places = places or {}
    header = ["序号", "隐患编号", "隐患名称", "隐患分级", "单位", "行业", "区县", "乡镇（街道）", "督办级别", "挂牌单位",
              "限期整改通知文号", "整改期限", "挂牌时间", "摘牌时间", "摘牌原因", "自动升级", "隐患状态", "是否逾期"]
    return _book("挂牌督办台账", header, (
        [i + 1, r.hazard_code, r.hazard_title, r.tier_label, r.unit_name, industries.get(r.industry, r.industry),
         places.get(r.division_code[:6], ""), places.get(r.division_code, r.division_code),
         LEVELS.get(r.level, r.level), r.listed_by, r.notice_no, fmt_local(r.deadline),
         fmt_local(r.listed_at), fmt_local(r.lifted_at), r.lift_reason or "", "是" if r.automatic else "否",
         r.hazard_state_label, "是" if r.overdue else "否"] for i, r in enumerate(rows)))


def hazards_xlsx(rows: list[HazardOut], places: dict[str, str] | None = None) -> bytes:
    industries = industry_names()
    places = places or {}
    header = ["隐患编号", "隐患名称", "隐患分级", "状态", "单位", "行业", "区县", "乡镇（街道）", "发现时间", "整改期限",
              "是否逾期", "督办级别", "销号时间", "演示数据"]
    return _book("隐患清单", header, (
        [r.code, r.title, r.tier_label, r.state_label, r.unit_name, industries.get(r.industry, r.industry),
         places.get(r.division_code[:6], ""), places.get(r.division_code, r.division_code),
         fmt_local(r.discovered_at), fmt_local(r.deadline), "是" if r.overdue else "否",
         LEVELS.get(r.supervision_level, ""), fmt_local(r.closed_at), "是" if r.synthetic else "否"]
        for r in rows))
