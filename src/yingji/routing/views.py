"""HTTP API of the routing package (路径与通行时间): travel times, routes, closures, status.

Every answer that carries a travel time says how it was computed (``model``/``label``) and carries
the road data's attribution (OpenStreetMap, ODbL).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.orm import Session

from yingji.core.api import ERROR_RESPONSES, Page
from yingji.core.auth import QUERY, Principal, get_db, requires
from yingji.core.db import utcnow
from yingji.routing import actions, service
from yingji.routing.schemas import (
    ClosureIn,
    ClosureOut,
    ClosureQuery,
    ReopenIn,
    RouteIn,
    RouteOut,
    TravelTimeOut,
    TravelTimesIn,
    TravelTimesOut,
)

router = APIRouter(prefix="/api/v1/routing", tags=["路径与通行时间"], responses=ERROR_RESPONSES)

Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Principal, Depends(requires("routing:read"))]
ClosureId = Annotated[int, Path(ge=1, le=2**31 - 1, description="道路封闭 ID")]


@router.post("/travel-times", response_model=TravelTimesOut, openapi_extra=QUERY,
             summary="通行时间：多个起点到一个终点（路网或估算模型，逐项说明；可只取最快 k 个）")
def travel_times(body: TravelTimesIn, principal: Reader, db: Db) -> Any:
    r = service.get_router(db)
    origins = [p.tuple() for p in body.origins]
    at = body.at or utcnow()
    if body.k is not None:
        pairs = r.nearest(origins, body.dest.tuple(), k=body.k, at=at)
    else:
        pairs = list(enumerate(r.travel_times(origins, body.dest.tuple(), at=at)))
    items = [TravelTimeOut(index=i, **{k: v for k, v in service.travel_time_json(t).items()}) for i, t in pairs]
    return {"items": items, "attribution": service.attribution(r), "network_version": r.version}


@router.post("/route", response_model=RouteOut, openapi_extra=QUERY, summary="最快路线（坐标串，用于地图绘制）")
def route(body: RouteIn, principal: Reader, db: Db) -> Any:
    r = service.get_router(db)
    rt = r.route(body.origin.tuple(), body.dest.tuple(), at=body.at or utcnow())
    return {**service.travel_time_json(rt), "attribution": service.attribution(r)}


@router.get("/status", summary="路网状态：规模、封闭路段、速度与时段系数、估算模型参数、数据来源")
def status(principal: Reader, db: Db) -> dict[str, Any]:
    return service.status(service.get_router(db))


@router.get("/closures", response_model=Page[ClosureOut], summary="道路封闭 / 拥堵列表")
def list_closures(principal: Reader, db: Db, query: Annotated[ClosureQuery, Query()]) -> Any:
    return service.CLOSURE_LIST.page(db, principal, query)


@router.post("/closures", response_model=ClosureOut, status_code=201,
             summary="设置道路封闭或拥堵（路段编号或范围多边形；立即生效）")
def create_closure(body: ClosureIn, principal: Reader, db: Db) -> Any:
    return actions.close_road(db, principal, body)


@router.get("/closure-map", summary="当前封闭/拥堵的范围与路段（GeoJSON，本辖区，用于地图）")
def closure_map(principal: Reader, db: Db) -> dict[str, Any]:
    return service.closure_map(db, principal)


@router.get("/closures/{closure_id}", response_model=ClosureOut, summary="道路封闭详情")
def get_closure(closure_id: ClosureId, principal: Reader, db: Db) -> Any:
    return service.get_closure(db, principal, closure_id)


@router.post("/closures/{closure_id}/reopen", response_model=ClosureOut, summary="恢复通行（立即生效）")
def reopen_closure(closure_id: ClosureId, body: ReopenIn, principal: Reader, db: Db) -> Any:
    return actions.reopen_road(db, principal, closure_id, body)
