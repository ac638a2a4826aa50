"""HTML pages of the web shell: login, the map home page and the five domain landing pages.

Every page except ``/login`` needs a signed-in user; without one the browser is sent to
``/login?next=<where it wanted to go>``. Each domain landing page is its own route
function so the domain that implements it can take the route over.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from yingji.core.auth import Principal, optional_principal
from yingji.web.templating import render

router = APIRouter(include_in_schema=False)

MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]

BUILDING = "建设中"


def safe_next(target: str | None) -> str:
    """Only ever redirect inside the platform (no open redirect to another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ch in target for ch in "\r\n\t"):
        return "/"
    return target


def login_redirect(request: Request) -> RedirectResponse:
    root = str(request.scope.get("root_path", "")).rstrip("/")
    wanted = request.url.path
    if request.url.query:
        wanted += "?" + request.url.query
    if root and wanted.startswith(root):
        wanted = wanted[len(root) :] or "/"
    return RedirectResponse(f"{root}/login?next={quote(wanted, safe='/')}", status_code=303)


# --------------------------------------------------------------------------------------
# Planned capabilities of each domain. Honest: whatever is not built yet says so.
# --------------------------------------------------------------------------------------

def _cap(name: str, summary: str, href: str | None = None) -> dict[str, Any]:
    """A planned capability; it shows as available when a domain serves its ``href``."""
    return {"name": name, "summary": summary, "href": href}


# Extra panels a domain adds to a landing page: domain key -> [(template, context function)].
LANDING_PANELS: dict[str, list[tuple[str, Any, str | None]]] = {}


def register_landing_panel(domain_key: str, template: str, context: Any = None,
                           stylesheet: str | None = None) -> None:
    """Let a domain package show a panel of its own on a landing page (called at import time)."""
    panels = LANDING_PANELS.setdefault(domain_key, [])
    if all(t != template for t, _, _ in panels):
        panels.append((template, context or dict, stylesheet))


def served_paths(request: Request) -> set[str]:
    """Every path the application serves (routers included in routers too)."""
    paths: set[str] = set()
    stack = list(request.app.routes)
    while stack:
        route = stack.pop()
        router = getattr(route, "original_router", None)
        if router is not None:
            stack.extend(router.routes)
        elif getattr(route, "path", None):
            paths.add(route.path)
    return paths


DOMAINS: dict[str, dict[str, Any]] = {
    "supervision": {
        "title": "监督管理",
        "subtitle": "安全生产风险分级管控与隐患排查治理双重预防",
        "capabilities": [
            _cap("安全风险一张图", "全市风险源四色分布，按类别、行业、等级、区划筛选，区县分级统计",
                 "/supervision/risk-map"),
            _cap("风险统计", "风险等级 × 类别 / 行业 / 区县统计表与图", "/supervision/risk-stats"),
            _cap("生产经营单位", "单位登记、导入导出、单位风险四色图与风险管控手册（一册）", "/supervision/units"),
            _cap("隐患排查治理", "检查记录、隐患登记（一般 / 重大）、整改“五到位”、验收销号闭环",
                 "/supervision/hazards"),
            _cap("挂牌督办", "限期整改通知、督办台账、逾期提醒与升级、季度统计上报", "/supervision/ledger"),
            _cap("执法检查", "年度执法检查计划、行政处罚、失信黑名单", "/supervision/enforcement"),
        ],
    },
    "monitoring": {
        "title": "监测预警",
        "subtitle": "物联感知接入、阈值告警与预警信息发布",
        "capabilities": [
            _cap("感知设备接入", "传感器登记与遥测接入（MQTT / HTTP），在线状态与数据质量",
                 "/monitoring/devices"),
            _cap("阈值规则与告警", "可配置的监测阈值规则，告警生成、确认与处置跟踪", "/monitoring/alarms"),
            _cap("电梯物联网监测", "困人、故障等电梯运行告警的接收与派单", "/monitoring/elevators"),
            _cap("预警信息编制与审批", "红橙黄蓝四级预警的编制、审核、签发流程", "/monitoring/warnings"),
            _cap("预警发布", "CAP 1.2 标准消息生成，按区划靶向推送至多渠道",
                 "/monitoring/warnings/console"),
            _cap("监测一张图", "按设备类型分层的实时监测地图，数值与告警实时刷新", "/monitoring/map"),
            _cap("预警覆盖分析", "预警发布范围内的人口与重点对象覆盖统计", "/monitoring/warnings/coverage"),
        ],
    },
    "command": {
        "title": "指挥救援",
        "subtitle": "事件接报、应急值守、力量调度与预案启动",
        "capabilities": [
            _cap("事件接报与分级", "突发事件接报登记，按条例自动研判事故等级与响应级别", "/command/calls"),
            _cap("事件看板", "在办事件实时看板、事件详情与处置时间线", "/command/incidents"),
            _cap("地名地址", "区划、乡镇、道路、地标与平台内点位的模糊匹配定位", "/command/places"),
            _cap("信息报送", "快报 / 续报 / 核报时限跟踪与报送记录", "/command/reports"),
            _cap("应急值守", "值班表、值班日志与交接班", "/command/duty"),
            _cap("救援力量调度", "救援队伍与装备查询、路径规划、力量推荐与调度指令", "/command/forces"),
            _cap("应急预案", "预案管理、启动与响应措施跟踪", "/command/plans"),
            _cap("应急演练", "演练计划、实施记录与评估", "/command/drills"),
        ],
    },
    "decision": {
        "title": "决策支持",
        "subtitle": "情景推演、资源保障与规划分析",
        "capabilities": [
            _cap("地震情景推演", "基于历史地震与断裂带的烈度影响估算"),
            _cap("台风情景推演", "基于 CMA 最佳路径资料的台风影响分析"),
            _cap("应急物资", "物资储备库、库存与调拨"),
            _cap("避难场所", "避难场所信息、容量与人口覆盖"),
            _cap("覆盖与选址分析", "救援力量、物资、场所的服务覆盖与选址优化"),
            _cap("指标统计", "关键业务指标统计与报表"),
        ],
    },
    "admin": {
        "title": "政务管理",
        "subtitle": "用户、权限、审计与平台配置",
        "capabilities": [
            _cap("用户管理", "账号、角色与管辖范围（区划）", "/admin#users"),
            _cap("审计日志", "所有写操作的防篡改审计链（哈希链）及校验", "/admin#audit"),
            _cap("数据来源", "已导入数据集的来源、许可与坐标系说明", "/#sources"),
            _cap("业务配置", "风险分级阈值、隐患分级、响应规则、预警阈值等参数配置"),
            _cap("数据导入导出", "批量导入（逐行校验）与导出"),
        ],
    },
}


ERROR_HEADINGS = {403: "无权访问", 404: "未找到", 409: "操作冲突", 422: "输入有误", 500: "服务器内部错误"}


def error_page(request: Request, principal: Principal | None, message: str, *, status: int = 404,
               back_href: str = "/", back_label: str = "返回首页") -> HTMLResponse:
    """A Chinese error page with the right HTTP status (never raw JSON, never a 200 with an empty form)."""
    return render(request, "error.html", principal, title=ERROR_HEADINGS.get(status, "出错了"), status_code=status,
                  status=status, heading=ERROR_HEADINGS.get(status, "出错了"), message=message,
                  back_href=back_href, back_label=back_label)


def domain_page(request: Request, principal: Principal, key: str, template: str = "domain.html",
                **context: Any) -> HTMLResponse:
    """A domain's landing page: its capabilities (available when served) and the domains' panels."""
    domain = DOMAINS[key]
    served = served_paths(request)
    capabilities = [cap | {"status": "可用" if cap["href"] and cap["href"].split("#")[0] in served else BUILDING}
                    for cap in domain["capabilities"]]
    registered = LANDING_PANELS.get(key, [])
    panels = [(template_name, make()) for template_name, make, _ in registered]
    stylesheets = [css for _, _, css in registered if css]
    return render(request, template, principal, active=key, title=domain["title"], domain=domain,
                  capabilities=capabilities, panels=panels, panel_stylesheets=stylesheets, domain_key=key,
                  **context)


def can(principal: Principal, permission: str) -> bool:
    """Whether the page should offer an action (the API enforces it regardless)."""
    check = getattr(principal, "can", None)
    if callable(check):
        return bool(check(permission))
    return principal.role == "admin"


# --------------------------------------------------------------------------------------
# Routes
# --------------------------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, principal: MaybePrincipal, next: str | None = None) -> Response:
    target = safe_next(next)
    if principal is not None:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return RedirectResponse(root + target, status_code=303)
    return render(request, "login.html", None, title="登录", next_url=target)


@router.get("/", response_class=HTMLResponse)
def home_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    from yingji.core.home import SLOTS

    # the duty officer's cards come from GET /api/v1/home; the slots are the cards every home page keeps
    slots = [{"key": key, "title": title, "href": href} for key, title, href in SLOTS]
    return render(request, "home.html", principal, active="home", title="首页", slots=slots)


@router.get("/supervision", response_class=HTMLResponse)
def supervision_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return domain_page(request, principal, "supervision")


@router.get("/monitoring", response_class=HTMLResponse)
def monitoring_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return domain_page(request, principal, "monitoring")


@router.get("/command", response_class=HTMLResponse)
def command_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return domain_page(request, principal, "command")


@router.get("/decision", response_class=HTMLResponse)
def decision_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return domain_page(request, principal, "decision")


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    from yingji.core import permissions
    from yingji.core.passwords import MIN_LENGTH

    flags = permissions.page_flags(principal)
    allowed = {"users": flags["can_manage_users"], "audit": flags["can_read_audit"],
               "verify": flags["can_verify_audit"]}
    return domain_page(request, principal, "admin", template="admin.html", allowed=allowed,
                       admin_data={"flags": flags, "password_min": MIN_LENGTH})
