"""HTTP API of the broadcast package (预警发布渠道): recipients, counts in an area, campaigns and coverage."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.orm import Session

from yingji.broadcast import actions, permissions, service
from yingji.broadcast.schemas import (
    AreaIn,
    CampaignOut,
    CampaignQuery,
    DrillIn,
    RecipientIn,
    RecipientOut,
    RecipientQuery,
)
from yingji.core.api import ERROR_RESPONSES, Page
from yingji.core.auth import QUERY, Principal, get_db, requires
from yingji.core.errors import Forbidden
from yingji.core.scope import ensure_in_scope

router = APIRouter(prefix="/api/v1/broadcast", tags=["预警发布渠道"], responses=ERROR_RESPONSES)
Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Principal, Depends(requires("broadcast:read"))]
Writer = Annotated[Principal, Depends(requires("broadcast:write"))]
RecipientId = Annotated[int, Path(ge=1, le=2**31 - 1, description="接收对象 ID")]
CampaignId = Annotated[int, Path(ge=1, le=2**31 - 1, description="发布任务 ID")]


@router.get("/recipients", response_model=Page[RecipientOut], summary="预警接收对象（终端、短信、APP、责任人）")
def list_recipients(principal: Reader, db: Db, query: Annotated[RecipientQuery, Query()]) -> Any:
    return service.list_recipients(db, principal, query)


@router.post("/recipients", response_model=RecipientOut, status_code=201, summary="登记接收对象")
def register_recipient(body: RecipientIn, principal: Writer, db: Db) -> Any:
    return actions.register_recipient(db, principal, body)


@router.post("/recipients/{recipient_id}/deactivate", response_model=RecipientOut, summary="停用接收对象")
def deactivate_recipient(recipient_id: RecipientId, principal: Writer, db: Db) -> Any:
    return actions.deactivate_recipient(db, principal, recipient_id)


@router.post("/count", openapi_extra=QUERY, summary="范围内的接收对象与人口（绘制范围时实时统计）")
def count_in_area(body: AreaIn, principal: Reader, db: Db) -> Any:
    if principal.unit_id is not None:
        raise Forbidden("企业用户不能统计预警接收对象")
    area = body.plain()
    service.check_count_scope(principal, area)
    out = service.count_in_area(db, area)
    return out


@router.get("/campaigns", response_model=Page[CampaignOut], summary="发布任务（每个预警版本一次投递）")
def list_campaigns(principal: Reader, db: Db, query: Annotated[CampaignQuery, Query()]) -> Any:
    return service.list_campaigns(db, principal, query)


@router.get("/campaigns/{campaign_id}/coverage", summary="覆盖率（按区县、乡镇）与送达时间")
def campaign_coverage(campaign_id: CampaignId, principal: Reader, db: Db) -> Any:
    c = service.scoped_campaign(db, principal, campaign_id)
    out = service.coverage(db, c.id, townships=True)
    out["channels"] = service.by_channel(db, c.id)
    return out


@router.post("/drills", response_model=CampaignOut, status_code=201, summary="发送演练消息（同一投递链路）")
def send_drill(body: DrillIn, principal: Writer, db: Db) -> Any:
    for code in body.area.divisions:
        ensure_in_scope(principal, code, field="area.divisions")
    if (reason := permissions.write_refusal(principal)) is not None:
        raise Forbidden(reason)
    return actions.send_drill(db, principal, body)
