"""HTTP API of the duty domain (值班值守)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from yingji.core.api import ERROR_RESPONSES, Page
from yingji.core.auth import Principal, get_db, requires
from yingji.duty import actions, service
from yingji.duty.schemas import (
    HandoverIn,
    HandoverOut,
    LogIn,
    LogOut,
    LogQuery,
    RosterOut,
    RosterQuery,
    ShiftIn,
    ShiftOut,
)

router = APIRouter(prefix="/api/v1/duty", tags=["值班值守"], responses=ERROR_RESPONSES)

Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Principal, Depends(requires("duty:read"))]
Writer = Annotated[Principal, Depends(requires("duty:write"))]


@router.get("/roster", response_model=RosterOut, summary="值班表（带班领导、24 小时值班员）与当前在岗人员")
def roster(principal: Reader, db: Db, query: Annotated[RosterQuery, Query()]) -> Any:
    return service.roster(db, principal, query.division, query.start, query.days)


@router.post("/roster", response_model=ShiftOut, status_code=201, summary="排班：某日某局的带班领导或值班员")
def add_shift(body: ShiftIn, principal: Writer, db: Db) -> Any:
    return actions.add_shift(db, principal, body)


@router.get("/on-duty", summary="当前在岗人员")
def on_duty(principal: Reader, db: Db, query: Annotated[RosterQuery, Query()]) -> Any:
    return service.on_duty(db, principal, query.division)


@router.get("/handovers", response_model=Page[HandoverOut], summary="交接班记录")
def list_handovers(principal: Reader, db: Db, query: Annotated[LogQuery, Query()]) -> Any:
    return service.handovers(db, principal, query)


@router.post("/handovers", response_model=HandoverOut, status_code=201,
             summary="交接班（自动汇总未结事件与逾期报告）")
def hand_over(body: HandoverIn, principal: Writer, db: Db) -> Any:
    return actions.hand_over(db, principal, body)


@router.get("/log", response_model=Page[LogOut], summary="值班日志")
def list_log(principal: Reader, db: Db, query: Annotated[LogQuery, Query()]) -> Any:
    return service.log_rows(db, principal, query)


@router.post("/log", response_model=LogOut, status_code=201, summary="记值班日志（可关联事件）")
def add_log(body: LogIn, principal: Writer, db: Db) -> Any:
    return actions.add_log(db, principal, body)
