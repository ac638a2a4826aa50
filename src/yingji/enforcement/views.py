"""HTTP API of the enforcement domain (执法检查：年度计划、行政处罚、黑名单)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.orm import Session

from yingji.core.api import ERROR_RESPONSES, Page
from yingji.core.auth import Principal, get_db, requires
from yingji.enforcement import actions, service
from yingji.enforcement.schemas import (
    BlacklistIn,
    BlacklistOut,
    BlacklistQuery,
    BlacklistRemoveIn,
    PenaltyIn,
    PenaltyOut,
    PenaltyQuery,
    PlanGenerateIn,
    PlanItemOut,
    PlanItemQuery,
    PlanLinkIn,
    PlanOut,
    PlanQuery,
    PlanSummaryOut,
)

router = APIRouter(prefix="/api/v1/enforcement", tags=["执法检查"], responses=ERROR_RESPONSES)

Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Principal, Depends(requires("enforcement:read"))]
Writer = Annotated[Principal, Depends(requires("enforcement:write"))]
PlanId = Annotated[int, Path(ge=1, le=2**31 - 1, description="检查计划 ID")]
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1, description="计划检查 ID")]
EntryId = Annotated[int, Path(ge=1, le=2**31 - 1, description="黑名单记录 ID")]


@router.get("/plans", response_model=Page[PlanOut], summary="年度执法检查计划列表")
def list_plans(principal: Reader, db: Db, query: Annotated[PlanQuery, Query()]) -> Any:
    return service.plans(db, principal=principal, query=query)


@router.post("/plans", response_model=PlanOut, status_code=201, summary="按单位风险等级生成年度执法检查计划")
def generate_plan(body: PlanGenerateIn, principal: Writer, db: Db) -> Any:
    return actions.generate_plan(db, principal, body)


@router.get("/plans/{plan_id}", response_model=PlanSummaryOut, summary="检查计划概况（按月）")
def get_plan(plan_id: PlanId, principal: Reader, db: Db) -> Any:
    return service.plan_summary(db, principal=principal, plan_id=plan_id)


@router.get("/plans/{plan_id}/items", response_model=Page[PlanItemOut], summary="计划检查明细（日历）")
def plan_items(plan_id: PlanId, principal: Reader, db: Db, query: Annotated[PlanItemQuery, Query()]) -> Any:
    return service.plan_items(db, principal=principal, plan_id=plan_id, query=query)


@router.post("/plan-items/{item_id}/inspection", response_model=PlanItemOut,
             summary="将检查记录关联到计划检查（计划完成）")
def link_inspection(item_id: ItemId, body: PlanLinkIn, principal: Writer, db: Db) -> Any:
    item = actions.link_inspection(db, principal, item_id, body.inspection_id)
    return service.with_units(db, [item], PlanItemOut)[0]


@router.get("/penalties", response_model=Page[PenaltyOut], summary="行政处罚列表")
def list_penalties(principal: Reader, db: Db, query: Annotated[PenaltyQuery, Query()]) -> Any:
    return service.penalties(db, principal=principal, query=query)


@router.post("/penalties", response_model=PenaltyOut, status_code=201, summary="登记行政处罚")
def record_penalty(body: PenaltyIn, principal: Writer, db: Db) -> Any:
    return service.with_units(db, [actions.record_penalty(db, principal, body)], PenaltyOut)[0]


@router.get("/blacklist", response_model=Page[BlacklistOut], summary="安全生产失信黑名单")
def list_blacklist(principal: Reader, db: Db, query: Annotated[BlacklistQuery, Query()]) -> Any:
    return service.blacklist(db, principal=principal, query=query)


@router.post("/blacklist", response_model=BlacklistOut, status_code=201, summary="列入黑名单")
def blacklist_add(body: BlacklistIn, principal: Writer, db: Db) -> Any:
    return service.with_units(db, [actions.blacklist_add(db, principal, body)], BlacklistOut)[0]


@router.post("/blacklist/{entry_id}/removal", response_model=BlacklistOut, summary="移出黑名单（须填写原因）")
def blacklist_remove(entry_id: EntryId, body: BlacklistRemoveIn, principal: Writer, db: Db) -> Any:
    return service.with_units(db, [actions.blacklist_remove(db, principal, entry_id, body)], BlacklistOut)[0]
