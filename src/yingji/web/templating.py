"""Jinja2 environment shared by every HTML page of the platform.

Domain packages render their own pages with the same :data:`templates` object (add their
template folder with :func:`add_template_dir`) and extend ``base.html``; :func:`render`
fills in what the base layout needs (the signed-in principal, the navigation, the
JSON page context read by the page bootstrap ``/static/js/boot.js``).

A page template names its ES module and the data it hands to it at top level::

    {% set page_module = "risk/js/map.js" %}          {# under /static/, see yingji.web.assets #}
    {% set page_data = {"levels": levels_json} %}     {# JSON; read by the module, never HTML #}
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from yingji.core.city import city_profile
from yingji.core.timeutil import fmt_local, parse_aware
from yingji.web import TEMPLATES_DIR
from yingji.web.assets import versioned_path

if TYPE_CHECKING:
    from yingji.core.auth import Principal

PLATFORM_CODE = "yingji"

# The five business domains, in the order the bureau presents them, after the home page.
NAV: tuple[dict[str, str], ...] = (
    {"key": "home", "label": "首页", "href": "/"},
    {"key": "supervision", "label": "监督管理", "href": "/supervision"},
    {"key": "monitoring", "label": "监测预警", "href": "/monitoring"},
    {"key": "command", "label": "指挥救援", "href": "/command"},
    {"key": "decision", "label": "决策支持", "href": "/decision"},
    {"key": "admin", "label": "政务管理", "href": "/admin"},
)


def _root_path(context: Mapping[str, Any]) -> str:
    request = context.get("request")
    if request is None:
        return ""
    return str(request.scope.get("root_path", "")).rstrip("/")


@jinja2.pass_context
def static_url(context: Mapping[str, Any], path: str) -> str:
    """URL of one of our own assets (``css/yingji.css``, ``risk/js/map.js``), versioned in the path."""
    return f"{_root_path(context)}{versioned_path(path)}"


@jinja2.pass_context
def page_context(context: Mapping[str, Any], client: Mapping[str, Any], module: str | None = None,
                 data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The JSON the page bootstrap reads: the shell's context, the page's module URL and its data."""
    return {**client, "module": static_url(context, module) if module else None, "data": dict(data or {})}


@jinja2.pass_context
def vendor_url(context: Mapping[str, Any], path: str) -> str:
    """URL of a file of a pinned npm package (``frontend/node_modules``), e.g. ``leaflet/dist/leaflet.js``."""
    return f"{_root_path(context)}/vendor/{path.lstrip('/')}"


@jinja2.pass_context
def app_url(context: Mapping[str, Any], path: str) -> str:
    """An absolute in-app path honouring a reverse-proxy ``root_path``."""
    return f"{_root_path(context)}/{path.lstrip('/')}"


def local_datetime(value: datetime | str | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """Show an aware datetime (or ISO string) in the platform's time zone; naive values are taken as UTC."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = parse_aware(value)
        except ValueError:
            return value
    return fmt_local(value, fmt)


def thousands(value: float | int | None) -> str:
    """12,345,678 (what Chinese official tables use for plain counts)."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals.update(
    PLATFORM_NAME=city_profile().platform_name,
    CITY_NAME=city_profile().city_name,
    PLATFORM_CODE=PLATFORM_CODE,
    NAV=NAV,
    static_url=static_url,
    page_context=page_context,
    vendor_url=vendor_url,
    app_url=app_url,
)
templates.env.filters.update(local_datetime=local_datetime, thousands=thousands)


def add_template_dir(directory: str | Path) -> None:
    """Let a domain package keep its own ``templates/`` folder (searched after ours)."""
    loader = templates.env.loader
    directory = str(directory)
    if isinstance(loader, jinja2.FileSystemLoader):
        if directory not in loader.searchpath:
            loader.searchpath.append(directory)
    else:  # pragma: no cover - we always build a FileSystemLoader above
        raise TypeError("unexpected Jinja2 loader")


def principal_context(principal: Principal | None) -> dict[str, Any] | None:
    """What the browser may know about the signed-in user (no secrets beyond the CSRF token)."""
    if principal is None:
        return None
    return {
        "user_id": principal.user_id,
        "username": principal.username,
        "display_name": principal.display_name,
        "role": principal.role,
        "role_label": principal.role_label,
        "scope_code": principal.scope_code,
        "scope_name": principal.scope_name,
        "unit_id": principal.unit_id,
        "permissions": list(principal.permissions),
        "csrf_token": principal.csrf_token,
    }


def shell_context(request: Request) -> dict[str, Any]:
    """What every page's scripts need from the configuration: time zone, map defaults, code labels."""
    from yingji.config import get_settings
    from yingji.core.labels import all_labels

    settings = getattr(request.app.state, "settings", None) or get_settings()
    profile = city_profile()
    centre = settings.map_center or (profile.map_center[1], profile.map_center[0])  # lat, lon
    return {
        "timezone": settings.timezone,
        "city": {"code": profile.city_code, "name": profile.city_name},
        "map": {"center": list(centre), "zoom": settings.map_zoom if settings.map_zoom is not None else profile.map_zoom,
                "min_zoom": settings.map_min_zoom, "max_zoom": settings.map_max_zoom,
                "bounds": list(settings.map_bounds) if settings.map_bounds else None},
        "labels": all_labels(),  # every code's Chinese label (yingji.core.labels): labelOf(table, key)
    }


def render(
    request: Request,
    template: str,
    principal: Principal | None,
    *,
    active: str = "",
    title: str = "",
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a page that extends ``base.html``.

    ``active`` is the key of the highlighted navigation entry (see :data:`NAV`);
    ``title`` goes before the platform name in the browser tab.
    """
    page_context: dict[str, Any] = {
        "principal": principal,
        "active": active,
        "title": title,
        "client_context": {
            "user": principal_context(principal),
            "root": str(request.scope.get("root_path", "")).rstrip("/"),
            "page": active,
            **shell_context(request),
        },
    }
    page_context.update(context)
    return templates.TemplateResponse(request, template, page_context, status_code=status_code)
