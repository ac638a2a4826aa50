"""Web pages of supervision / risk: landing, risk map, stats, units, unit, source, risk card."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from yingji.core.auth import Principal, get_db, optional_principal
from yingji.core.divisions import Division
from yingji.core.errors import NotFound
from yingji.risk import service
from yingji.risk.catalog import default_industries, default_taxonomy
from yingji.risk.charts import stats_charts
from yingji.risk.grading import all_levels, default_grading_config, level_info
from yingji.web.pages import DOMAINS, can, login_redirect
from yingji.web.templating import add_template_dir, render

add_template_dir(FsPath(__file__).parent / "templates")

router = APIRouter(include_in_schema=False)
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
Db = Annotated[Session, Depends(get_db)]
IdPath = Annotated[int, Path(ge=1, le=2**31 - 1)]

LINKS = [
    ("安全风险一张图", "/supervision/risk-map", "全市风险源四色分布，按类别、行业、等级、区划筛选，区县分级统计", "可用"),
    ("风险统计", "/supervision/risk-stats", "风险等级 × 类别 / 行业 / 区县统计表", "可用"),
    ("生产经营单位", "/supervision/units", "单位登记、导入导出、单位风险四色图与风险管控手册（一册）", "可用"),
    ("隐患排查治理", "/supervision/hazards", "检查记录、隐患登记、整改“五到位”、验收销号闭环", "可用"),
    ("执法检查", "/supervision/enforcement", "检查计划、现场检查记录与文书", "可用"),
]


def _served_pages() -> set[str]:
    """Paths of the web pages the domains serve (the hazards/enforcement pages may not exist yet)."""
    from yingji.domains import domain_modules

    paths: set[str] = {href for _, href, _, _ in LINKS if href.startswith("/supervision/risk") or
                       href == "/supervision/units"}
    for mod in domain_modules("pages"):
        paths |= {getattr(r, "path", "") for r in getattr(getattr(mod, "router", None), "routes", [])}
    return paths


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
    return render(request, "risk_notfound.html", principal, active="supervision", title="未找到",
                  status_code=404, message=message)


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


@router.get("/supervision", response_class=HTMLResponse)
def supervision(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    served = _served_pages()
    links = [(name, href, summary, status if href in served else "建设中") for name, href, summary, status in LINKS]
    return render(request, "risk_landing.html", principal, active="supervision", title="监督管理",
                  domain=DOMAINS["supervision"], links=links, **_common())


@router.get("/supervision/risk-map", response_class=HTMLResponse)
def risk_map(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "risk_map.html", principal, active="supervision", title="安全风险一张图", **_common())


@router.get("/supervision/risk-stats", response_class=HTMLResponse)
def risk_stats(request: Request, principal: MaybePrincipal, db: Db) -> Response:
    if principal is None:
        return login_redirect(request)
    stats = service.risk_stats(db, principal=principal)
    return render(request, "risk_stats.html", principal, active="supervision", title="风险统计", stats=stats,
                  charts_data=stats_charts(stats, _levels()), **_common())


@router.get("/supervision/units", response_class=HTMLResponse)
def units(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "risk_units.html", principal, active="supervision", title="生产经营单位",
                  can_write=can(principal, "supervision:write") and principal.unit_id is None, **_common())


@router.get("/supervision/units/{unit_id}", response_class=HTMLResponse)
def unit_page(request: Request, principal: MaybePrincipal, db: Db, unit_id: IdPath) -> Response:
    if principal is None:
        return login_redirect(request)
    try:
        unit = service.get_unit(db, principal=principal, unit_id=unit_id)
    except NotFound as exc:
        return _not_found(request, principal, exc.message)
    sources = service.unit_sources(db, principal=principal, unit_id=unit.id)
    division = db.get(Division, unit.division_code)
    counts = {lv.key: 0 for lv in _levels()} | {"unassessed": 0}
    for s in sources:
        counts[s.level or "unassessed"] += 1
    points = [[s.id, s.lon, s.lat, s.level, s.name] for s in sources if s.lon is not None and s.lat is not None]
    return render(request, "risk_unit.html", principal, active="supervision", title=unit.name, unit=unit,
                  sources=sources, division=division, counts=counts, points=points,
                  can_write=can(principal, "supervision:write"), **_common())


@router.get("/supervision/sources/{source_id}", response_class=HTMLResponse)
def source_page(request: Request, principal: MaybePrincipal, db: Db, source_id: IdPath) -> Response:
    if principal is None:
        return login_redirect(request)
    try:
        source = service.get_source(db, principal=principal, source_id=source_id)
    except NotFound as exc:
        return _not_found(request, principal, exc.message)
    unit = service.get_unit(db, principal=principal, unit_id=source.unit_id)
    cfg = default_grading_config()
    sub = next((x for x in default_taxonomy().subclasses if x.code == source.subclass_code), None)
    grading = {
        "lec_levels": [{"key": b.key, "op": b.op, "bound": b.bound} for b in cfg.lec_levels],
        "ls_levels": [{"key": b.key, "op": b.op, "bound": b.bound} for b in cfg.ls_levels],
        "subclass_method": sub.method if sub else "lec",
    }
    return render(request, "risk_source.html", principal, active="supervision", title=source.name, source=source,
                  **grading,
                  unit=unit, history=service.list_assessments(db, principal=principal, source_id=source.id),
                  measures=service.list_measures(db, principal=principal, source_id=source.id), cfg=cfg,
                  can_write=can(principal, "supervision:write"), **_common())


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
