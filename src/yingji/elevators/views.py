"""HTTP API of the elevators domain (电梯物联网): registry, trapped-passenger rescues, statistics."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from sqlalchemy.orm import Session

from yingji.core.api import ERROR_RESPONSES
from yingji.core.auth import Principal, get_db, requires
from yingji.core.scope import get_scoped
from yingji.elevators import actions, service
from yingji.elevators.models import Rescue
from yingji.elevators.schemas import ElevatorIn, ElevatorOut, RescueActionIn, RescueOut

router = APIRouter(prefix="/api/v1/elevators", tags=["电梯物联网"], responses=ERROR_RESPONSES)
Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Principal, Depends(requires("monitoring:read"))]
Writer = Annotated[Principal, Depends(requires("monitoring:write"))]
RescueId = Annotated[int, Path(ge=1, le=2**31 - 1, description="救援 ID")]


@router.get("", response_model=list[ElevatorOut], summary="电梯清单（前 500 台）")
def list_elevators(principal: Reader, db: Db) -> Any:
    return service.elevators(db, principal)


@router.post("", response_model=ElevatorOut, status_code=201, summary="登记电梯")
def register(body: ElevatorIn, principal: Writer, db: Db) -> Any:
    return actions.register(db, principal, body)


@router.get("/rescues", response_model=list[RescueOut], summary="困人救援（未完成）")
def rescues(principal: Reader, db: Db, all: bool = False) -> Any:
    return service.rescues(db, principal, open_only=not all)


@router.get("/rescues/{rescue_id}", response_model=RescueOut, summary="困人救援详情")
def rescue(rescue_id: RescueId, principal: Reader, db: Db) -> Any:
    return get_scoped(db, principal, Rescue, rescue_id, what="困人救援")


@router.post("/rescues/{rescue_id}/actions", response_model=RescueOut, summary="救援响应、到场、解救完成")
def rescue_action(rescue_id: RescueId, body: RescueActionIn, principal: Writer, db: Db) -> Any:
    return actions.act(db, principal, rescue_id, body)


@router.get("/stats", summary="救援统计（按维保单位、区县、楼栋、电梯；到场与解救时间；按需维保评分）")
def stats(principal: Reader, db: Db) -> Any:
    return service.stats(db, principal)
