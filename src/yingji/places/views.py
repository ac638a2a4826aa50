"""HTTP API of places (/api/v1/places): search a place said in words, list and import the gazetteer."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile
from sqlalchemy.orm import Session

from yingji.core.api import ERROR_RESPONSES, Page, read_upload
from yingji.core.auth import Principal, get_db, requires
from yingji.core.schemas import ImportResult
from yingji.core.scope import get_scoped
from yingji.places import actions, service
from yingji.places.models import KINDS, Place
from yingji.places.schemas import (
    ImportDatum,
    LocateOut,
    LocateQuery,
    PlaceOut,
    PlaceQuery,
    match_out,
)

router = APIRouter(prefix="/api/v1/places", tags=["地名地址"], responses=ERROR_RESPONSES)

Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Principal, Depends(requires("places:read"))]
Writer = Annotated[Principal, Depends(requires("places:write"))]
PlaceId = Annotated[int, Path(ge=1, le=2**31 - 1, description="地名 ID")]
ImportFile = Annotated[UploadFile, File(description="CSV/xlsx（名称、类型、经度、纬度、别名、坐标系）、GeoJSON 或 OSM（.osm/.osm.pbf）")]
Mode = Annotated[Literal["all_or_nothing", "valid_only"],
                 Form(description="all_or_nothing 全部成功才提交；valid_only 只提交正确的行")]
DryRun = Annotated[bool, Form(description="只校验不提交")]
Datum = Annotated[ImportDatum, Form(description="CSV/GeoJSON 的坐标系（OSM 总是 WGS84）")]


@router.get("", response_model=Page[PlaceOut], summary="地名库列表（筛选、排序、分页）")
def list_places(db: Db, principal: Reader, query: Annotated[PlaceQuery, Query()]) -> dict:
    return service.PLACES.page(db, principal, query, out=lambda rows: [PlaceOut.model_validate(p) for p in rows])


@router.get("/locate", response_model=LocateOut, summary="地名定位：模糊匹配地址或来电文字（可带来电定位），返回点位、匹配方式、置信度与所在区划")
def locate(db: Db, principal: Reader, query: Annotated[LocateQuery, Query()]) -> LocateOut:
    near = (query.lon, query.lat) if query.lon is not None and query.lat is not None else None
    matches = service.locate(db, query.q, near=near, limit=query.limit, principal=principal)
    if near is not None and not query.q.strip():  # only the caller's position: its county and township
        county, township = service.division_of_point(db, near[0], near[1])
        matches = [service.PlaceMatch("来电定位", "caller", near[0], near[1], 0.5, "来电定位", county, township,
                                      "network")]
    return LocateOut(q=query.q, matches=[match_out(m) for m in matches])


@router.get("/kinds", summary="地点类型")
def kinds(principal: Reader) -> dict[str, str]:
    return dict(KINDS)


@router.post("/import", response_model=ImportResult, summary="导入地名（CSV/xlsx、GeoJSON、OSM，逐行校验）")
def import_places(db: Db, principal: Writer, file: ImportFile, mode: Mode = "all_or_nothing",
                  dry_run: DryRun = False, datum: Datum = "WGS84") -> ImportResult:
    total, imported, errors, committed = actions.import_places(
        db, principal, read_upload(file, limit=50 * 1024 * 1024), file.filename or "upload", datum=datum, mode=mode, dry_run=dry_run)
    return ImportResult(mode=mode, dry_run=dry_run, total_rows=total, imported=imported, committed=committed,
                        errors=errors)


@router.get("/{place_id}", response_model=PlaceOut, summary="地名详情")
def get_place(place_id: PlaceId, db: Db, principal: Reader) -> PlaceOut:
    return PlaceOut.model_validate(get_scoped(db, principal, Place, place_id, what="地名"))
