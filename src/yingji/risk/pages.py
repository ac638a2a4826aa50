"""Web pages of supervision / risk: landing, risk map, stats, units, unit, source, risk card."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from yingji.core.auth import Principal, get_db, optional_principal
from yingji.core.charts import Chart, Series, bars, stacked_bars
from yingji.core.divisions import Division
from yingji.core.errors import NotFound
from yingji.core.scope import in_scope
from yingji.risk import permissions, service
from yingji.risk.catalog import default_taxonomy
from yingji.risk.grading import all_levels, default_grading_config, level_info
from yingji.units import permissions as unit_permissions
from yingji.units.catalog import default_industries
from yingji.units.service import get_unit
from yingji.web.pages import error_page, login_redirect, register_landing_panel
from yingji.web.templating import add_template_dir, render

add_template_dir(FsPath(__file__).parent / "templates")
register_landing_panel("supervision", "risk_landing_panel.html", lambda: {"levels": list(all_levels())},
                       stylesheet="css/risk.css")

router = APIRouter(include_in_schema=False)
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
Db = Annotated[Session, Depends(get_db)]
IdPath = Annotated[int, Path(ge=1, le=2**31 - 1)]

def stats_charts(stats: dict[str, Any], levels: list[Any]) -> dict[str, Chart]:
    """The three charts of the statistics page: level mix per district, totals per class and industry."""
    series = [Series(lv.key, lv.short_label, f"{lv.colour_label} · {lv.label}", lv.hex,
                     dark_text=lv.colour in ("orange", "yellow")) for lv in levels]
    series.append(Series(service.UNASSESSED, "未评估", "灰 · 未评估", "#9AA3AD", dark_text=True))
    major = next((lv for lv in levels if lv.rank == 1), levels[0] if levels else None)
    note = {"note_key": major.key, "note_label": f"其中{major.colour_label}·{major.short_label}"} if major else {}
    return {
        "district": stacked_bars("risk-chart-district", "各区县风险源等级分布", stats["by_district"], series,
                                 empty_text="无风险源", **note),
        "class": bars("risk-chart-class", "按风险大类的风险源数量", stats["by_class"], what="风险源数量", **note),
        "industry": bars("risk-chart-industry", "按行业的风险源数量", stats["by_industry"], what="风险源数量", **note),
    }


# the unit edit form: field, label, input (select options from the unit schema's choices)
UNIT_FORM = [("name", "单位名称", "text"), ("industry", "行业", "industry"), ("division_code", "所在乡镇（街道）代码", "text"),
             ("address", "地址", "text"), ("lon", "经度（WGS84）", "number"), ("lat", "纬度（WGS84）", "number"),
             ("scale", "规模", ["", "大型", "中型", "小型", "微型"]),
             ("standardisation_level", "安全生产标准化等级", ["", "一级", "二级", "三级", "未达标"]),
             ("legal_person", "法定代表人", "text"), ("safety_manager", "安全管理负责人", "text"),
             ("phone", "联系电话", "text"), ("supervising_department", "监管部门", "text"), ("notes", "备注", "textarea")]


def _levels() -> list[Any]:
    return list(all_levels())


def _levels_json() -> list[dict[str, Any]]:
    """The levels as the pages' scripts get them (page context): keys, labels, colours, order."""
    return [{"key": lv.key, "label": lv.label, "short_label": lv.short_label, "rank": lv.rank, "roman": lv.roman,
             "colour": lv.colour, "colour_label": lv.colour_label, "hex": lv.hex,
             "management_tier": lv.management_tier} for lv in _levels()]


def _common() -> dict[str, Any]:
    tax = default_taxonomy()
    return {"levels": _levels(), "levels_json": _levels_json(), "taxonomy": tax, "industries": default_industries(),
            "industry_names": {i.code: i.name for i in default_industries()},
            "subclass_names": {s.code: s.name for s in tax.subclasses},
            "class_names": {c.code: c.name for c in tax.classes}, "level_info": _safe_level}


def _safe_level(key: str | None) -> Any:
    return level_info(key) if key else None


def _not_found(request: Request, principal: Principal, message: str) -> HTMLResponse:
    return error_page(request, principal, message, back_href="/supervision", back_label="返回监督管理")


def _text_on(hex_colour: str) -> str:
    """White or dark text on a level's fill, whichever reads better (relative luminance)."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lum = sum(w * (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
              for w, c in zip((0.2126, 0.7152, 0.0722), channels, strict=True))
    return "#ffffff" if lum < 0.3 else "#1f1a00"


@router.get("/supervision/risk-levels.css")
def risk_levels_css(request: Request) -> Response:
    """The risk levels' colours as CSS classes, from the grading configuration: ``.risk-<key>`` sets
    ``--risk`` (fill) and ``--risk-text``; no level colour is written in a stylesheet or script."""
    import hashlib
    import re

    rules = [f".risk-{lv.key} {{ --risk: {lv.hex}; --risk-text: {_text_on(lv.hex)}; }}" for lv in _levels()
             if re.fullmatch(r"[a-z][a-z0-9_]*", lv.key) and re.fullmatch(r"#[0-9A-Fa-f]{6}", lv.hex)]
    css = "/* 风险等级颜色（来自分级配置） */\n" + "\n".join(rules) + "\n"
    etag = '"' + hashlib.sha256(css.encode()).hexdigest()[:16] + '"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(css, media_type="text/css", headers={"ETag": etag, "Cache-Control": "no-cache"})


@router.get("/supervision/risk-map", response_class=HTMLResponse)
def risk_map(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "risk_map.html", principal, active="supervision", title="安全风险一张图", **_common())


DivisionQ = Annotated[str | None, Query(pattern=r"^(\d{6}|\d{9}|\d{12})$", description="只看该区划")]


@router.get("/supervision/risk-stats", response_class=HTMLResponse)
def risk_stats(request: Request, principal: MaybePrincipal, db: Db, division: DivisionQ = None) -> Response:
    """The statistics of the jurisdiction or of the division chosen in the picker (``?division=``)."""
    if principal is None:
        return login_redirect(request)
    name = principal.scope_name
    if division is not None:
        found = db.get(Division, division)
        if found is None or not in_scope(principal.scope_code, division):
            return error_page(request, principal, "该区划不存在或不在您的管辖范围内", status=404,
                              back_href="/supervision/risk-stats", back_label="返回风险统计")
        name = found.name
    stats = service.risk_stats(db, principal=principal, division=division)
    return render(request, "risk_stats.html", principal, active="supervision", title="风险统计", stats=stats,
                  charts_data=stats_charts(stats, _levels()), division=division, division_name=name, **_common())


@router.get("/supervision/units", response_class=HTMLResponse)
def units(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "risk_units.html", principal, active="supervision", title="生产经营单位",
                  can_write=unit_permissions.register_refusal(principal) is None,
                  unit_flags=unit_permissions.page_flags(principal), **_common())


@router.get("/supervision/units/{unit_id}", response_class=HTMLResponse)
def unit_page(request: Request, principal: MaybePrincipal, db: Db, unit_id: IdPath) -> Response:
    if principal is None:
        return login_redirect(request)
    try:
        unit = get_unit(db, principal=principal, unit_id=unit_id)
    except NotFound as exc:
        return _not_found(request, principal, exc.message)
    sources = service.unit_sources(db, principal=principal, unit_id=unit.id)
    division = db.get(Division, unit.division_code)
    counts = {lv.key: 0 for lv in _levels()} | {"unassessed": 0}
    for s in sources:
        counts[s.level or "unassessed"] += 1
    points = [[s.id, s.lon, s.lat, s.level, s.name] for s in sources if s.lon is not None and s.lat is not None]
    flags = permissions.page_flags(principal) | unit_permissions.page_flags(principal)
    editable = {f: getattr(unit, f) for f in flags["editable_fields"]}
    return render(request, "risk_unit.html", principal, active="supervision", title=unit.name, unit=unit,
                  sources=sources, division=division, counts=counts, points=points, flags=flags,
                  can_write=flags["can_register_source"], editable=editable,
                  unit_form=[f for f in UNIT_FORM if f[0] in editable], **_common())


@router.get("/supervision/sources/{source_id}", response_class=HTMLResponse)
def source_page(request: Request, principal: MaybePrincipal, db: Db, source_id: IdPath) -> Response:
    if principal is None:
        return login_redirect(request)
    try:
        source = service.get_source(db, principal=principal, source_id=source_id)
    except NotFound as exc:
        return _not_found(request, principal, exc.message)
    unit = get_unit(db, principal=principal, unit_id=source.unit_id)
    cfg = default_grading_config()
    sub = next((x for x in default_taxonomy().subclasses if x.code == source.subclass_code), None)
    history = service.list_assessments(db, principal=principal, source_id=source.id)
    latest = history[0] if history else None
    grading = {
        "lec_levels": [{"key": b.key, "op": b.op, "bound": b.bound} for b in cfg.lec_levels],
        "ls_levels": [{"key": b.key, "op": b.op, "bound": b.bound} for b in cfg.ls_levels],
        # safe default: the form opens at the current assessment, or with nothing chosen
        "subclass_method": latest.method if latest else (sub.method if sub else "lec"),
        "current": {"method": latest.method, "factors": latest.factors, "level": latest.level,
                    "score": latest.score} if latest else None,
    }
    flags = permissions.page_flags(principal)
    return render(request, "risk_source.html", principal, active="supervision", title=source.name, source=source,
                  **grading, unit=unit, history=history, flags=flags,
                  measures=service.list_measures(db, principal=principal, source_id=source.id), cfg=cfg,
                  can_write=flags["can_assess"], **_common())


@router.get("/supervision/sources/{source_id}/card", response_class=HTMLResponse)
def card_page(request: Request, principal: MaybePrincipal, db: Db, source_id: IdPath) -> Response:
    if principal is None:
        return login_redirect(request)
    from yingji.risk.views import risk_card

    try:
        card = risk_card(db, principal, source_id)
    except NotFound as exc:
        return _not_found(request, principal, exc.message)
    return render(request, "risk_card.html", principal, active="supervision", title="风险告知卡", card=card,
                  **_common())
