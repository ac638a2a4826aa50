"""HTTP API of dispatch (/api/v1/dispatch): forces registry, unit status, recommendations, orders."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from yingji.core.api import ERROR_RESPONSES, Page, read_upload
from yingji.core.auth import QUERY, Principal, get_db, requires
from yingji.core.schemas import ImportResult, Strict
from yingji.dispatch import actions, service
from yingji.dispatch.schemas import (
    AddUnitsIn,
    CatalogOut,
    ExpertIn,
    ExpertOut,
    ExpertQuery,
    ForceIn,
    ForceOut,
    ForceQuery,
    Lat,
    Lon,
    OrderDetailOut,
    OrderIn,
    OrderOut,
    OrderQuery,
    RaiseIn,
    RecommendationOut,
    RecommendIn,
    RouteOut,
    StatusIn,
    VehicleIn,
    VehicleOut,
    VehicleQuery,
)

router = APIRouter(prefix="/api/v1/dispatch", tags=["救援力量调度"], responses=ERROR_RESPONSES)

Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Principal, Depends(requires("dispatch:read"))]
Writer = Annotated[Principal, Depends(requires("dispatch:write"))]
ForceId = Annotated[int, Path(ge=1, le=2**31 - 1, description="救援力量 ID")]
VehicleId = Annotated[int, Path(ge=1, le=2**31 - 1, description="车辆（装备）ID")]
OrderId = Annotated[int, Path(ge=1, le=2**31 - 1, description="调派单 ID")]
ImportFile = Annotated[UploadFile, File(description="xlsx 或 csv（UTF-8/GBK），首行为中文列名")]
Mode = Annotated[Literal["all_or_nothing", "valid_only"],
                 Form(description="all_or_nothing 全部成功才提交；valid_only 只提交正确的行")]
DryRun = Annotated[bool, Form(description="只校验不提交")]


class RouteIn(Strict):
    vehicle_id: int = Field(ge=1, le=2**31 - 1, title="车辆")
    lon: Lon = Field(title="经度")
    lat: Lat = Field(title="纬度")


class BoardVehicle(BaseModel):
    id: int
    callsign: str
    vehicle_type: str
    status: str
    status_at: Any
    order_id: int | None


class BoardForce(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    station_level: str
    specialties: list[str]
    division_code: str
    lon: float
    lat: float
    phone: str
    synthetic: bool
    vehicles: list[BoardVehicle]


def _import_result(mode: str, dry_run: bool, out: tuple[int, int, list[Any], bool]) -> ImportResult:
    total, imported, errors, committed = out
    return ImportResult(mode=mode, dry_run=dry_run, total_rows=total, imported=imported, committed=committed,  # type: ignore[arg-type]
                        errors=errors)


@router.get("/catalog", response_model=CatalogOut, summary="火警等级、事件类型、车辆类型、力量状态等代码表")
def catalog(principal: Reader) -> dict[str, Any]:
    return service.catalog()


@router.get("/board", response_model=list[BoardForce], summary="力量一张图与状态看板（辖区内全部力量及车辆状态）")
def board(db: Db, principal: Reader) -> list[dict[str, Any]]:
    return service.force_map(db, principal)


@router.get("/forces", response_model=Page[ForceOut], summary="救援力量列表（类别、专业、区划筛选）")
def list_forces(db: Db, principal: Reader, query: Annotated[ForceQuery, Query()]) -> dict:
    return service.FORCES.page(db, principal, query, out=lambda rows: [ForceOut.model_validate(r) for r in rows])


@router.post("/forces", response_model=ForceOut, status_code=201, summary="登记救援力量")
def create_force(body: ForceIn, db: Db, principal: Writer) -> ForceOut:
    return ForceOut.model_validate(actions.create_force(db, principal, body))


@router.post("/forces/import", response_model=ImportResult, summary="批量导入救援力量（xlsx/csv，逐行校验）")
def import_forces(db: Db, principal: Writer, file: ImportFile, mode: Mode = "all_or_nothing",
                  dry_run: DryRun = False) -> ImportResult:
    return _import_result(mode, dry_run, actions.import_forces(db, principal, read_upload(file),
                                                               file.filename or "upload", mode=mode, dry_run=dry_run))


@router.get("/forces/{force_id}", response_model=ForceOut, summary="救援力量详情")
def get_force(force_id: ForceId, db: Db, principal: Reader) -> ForceOut:
    return ForceOut.model_validate(service.get_force(db, principal, force_id))


@router.get("/vehicles", response_model=Page[VehicleOut], summary="救援车辆（装备）列表（状态、类型筛选）")
def list_vehicles(db: Db, principal: Reader, query: Annotated[VehicleQuery, Query()]) -> dict:
    return service.VEHICLES.page(db, principal, query, out=lambda rows: [VehicleOut.model_validate(r) for r in rows])


@router.post("/vehicles", response_model=VehicleOut, status_code=201, summary="登记救援车辆（装备）")
def create_vehicle(body: VehicleIn, db: Db, principal: Writer) -> VehicleOut:
    return VehicleOut.model_validate(actions.create_vehicle(db, principal, body))


@router.post("/vehicles/import", response_model=ImportResult, summary="批量导入救援车辆（xlsx/csv，逐行校验）")
def import_vehicles(db: Db, principal: Writer, file: ImportFile, mode: Mode = "all_or_nothing",
                    dry_run: DryRun = False) -> ImportResult:
    return _import_result(mode, dry_run, actions.import_vehicles(db, principal, read_upload(file),
                                                                 file.filename or "upload", mode=mode, dry_run=dry_run))


@router.post("/vehicles/{vehicle_id}/status", response_model=VehicleOut, summary="变更力量状态（出动、到场、返回、停用…）")
def set_status(vehicle_id: VehicleId, body: StatusIn, db: Db, principal: Writer) -> VehicleOut:
    return VehicleOut.model_validate(actions.set_vehicle_status(db, principal, vehicle_id, body))


@router.get("/experts", response_model=Page[ExpertOut], summary="应急专家列表（专业筛选）")
def list_experts(db: Db, principal: Reader, query: Annotated[ExpertQuery, Query()]) -> dict:
    return service.EXPERTS.page(db, principal, query, out=lambda rows: [ExpertOut.model_validate(r) for r in rows])


@router.post("/experts", response_model=ExpertOut, status_code=201, summary="登记应急专家")
def create_expert(body: ExpertIn, db: Db, principal: Writer) -> ExpertOut:
    return ExpertOut.model_validate(actions.create_expert(db, principal, body))


@router.post("/experts/import", response_model=ImportResult, summary="批量导入应急专家（xlsx/csv，逐行校验）")
def import_experts(db: Db, principal: Writer, file: ImportFile, mode: Mode = "all_or_nothing",
                   dry_run: DryRun = False) -> ImportResult:
    return _import_result(mode, dry_run, actions.import_experts(db, principal, read_upload(file),
                                                                file.filename or "upload", mode=mode, dry_run=dry_run))


@router.post("/recommendations", response_model=RecommendationOut, openapi_extra=QUERY,
             summary="调派推荐：火警等级、所需力量，按行驶时间与能力排序的候选（附理由）")
def recommend(body: RecommendIn, db: Db, principal: Reader) -> dict[str, Any]:
    out = service.recommendation_out(service.recommend(db, principal, body))
    out["experts"] = [ExpertOut.model_validate(e) for e in out["experts"]]
    return out


@router.post("/routes", response_model=RouteOut, openapi_extra=QUERY, summary="车辆所在力量到现场的行车路线（画在地图上）")
def route(body: RouteIn, db: Db, principal: Reader) -> dict[str, Any]:
    return service.route_for(db, principal, body.vehicle_id, body.lon, body.lat)


@router.get("/orders", response_model=Page[OrderOut], summary="调派单列表")
def list_orders(db: Db, principal: Reader, query: Annotated[OrderQuery, Query()]) -> dict:
    return service.ORDERS.page(db, principal, query, out=lambda rows: [OrderOut.model_validate(r) for r in rows])


@router.post("/orders", response_model=OrderOut, status_code=201, summary="生成调派单（接受或修改推荐后下达）")
def issue_order(body: OrderIn, db: Db, principal: Writer) -> OrderOut:
    return OrderOut.model_validate(actions.issue_order(db, principal, body))


@router.get("/orders/{order_id}", response_model=OrderDetailOut, summary="调派单详情（车辆、行驶时间、到场记录）")
def get_order(order_id: OrderId, db: Db, principal: Reader) -> dict[str, Any]:
    d = service.order_detail(db, principal, order_id)
    return OrderOut.model_validate(d["order"]).model_dump() | {
        "units": d["units"], "experts": [ExpertOut.model_validate(e) for e in d["experts"]], "flags": d["flags"]}


@router.post("/orders/{order_id}/raise", response_model=OrderOut, summary="提升火警等级（只升不降）")
def raise_grade(order_id: OrderId, body: RaiseIn, db: Db, principal: Writer) -> OrderOut:
    return OrderOut.model_validate(actions.raise_grade(db, principal, order_id, body))


@router.post("/orders/{order_id}/units", response_model=OrderOut, summary="增派力量")
def add_units(order_id: OrderId, body: AddUnitsIn, db: Db, principal: Writer) -> OrderOut:
    return OrderOut.model_validate(actions.add_units(db, principal, order_id, body))
