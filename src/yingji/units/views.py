"""HTTP API of units (/api/v1/units): the register of 生产经营单位 shared by every domain."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile
from sqlalchemy.orm import Session

from yingji.core.api import ERROR_RESPONSES, Page, read_upload
from yingji.core.auth import Principal, get_db, requires
from yingji.core.schemas import ImportResult
from yingji.units import actions, service
from yingji.units.catalog import default_industries
from yingji.units.schemas import IndustryOut, UnitIn, UnitOut, UnitPatch, UnitQuery

router = APIRouter(prefix="/api/v1/units", tags=["生产经营单位"], responses=ERROR_RESPONSES)

Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Principal, Depends(requires("units:read"))]
Writer = Annotated[Principal, Depends(requires("units:write"))]
UnitId = Annotated[int, Path(ge=1, le=2**31 - 1, description="单位 ID")]
ImportFile = Annotated[UploadFile, File(description="xlsx 或 csv（UTF-8/GBK），首行为中文列名")]
Mode = Annotated[Literal["all_or_nothing", "valid_only"],
                 Form(description="all_or_nothing 全部成功才提交；valid_only 只提交正确的行")]
DryRun = Annotated[bool, Form(description="只校验不提交")]


@router.get("", response_model=Page[UnitOut], summary="生产经营单位列表（筛选、排序、分页）")
def list_units(db: Db, principal: Reader, query: Annotated[UnitQuery, Query()]) -> dict:
    return service.UNITS.page(db, principal, query, out=lambda rows: [UnitOut.model_validate(u) for u in rows])


@router.post("", response_model=UnitOut, status_code=201, summary="登记生产经营单位")
def create_unit(body: UnitIn, db: Db, principal: Writer) -> UnitOut:
    return UnitOut.model_validate(actions.create_unit(db, principal, body))


@router.get("/industries", response_model=list[IndustryOut], summary="行业（领域）清单")
def industries(principal: Reader) -> list[IndustryOut]:
    return [IndustryOut(code=i.code, name=i.name, regulator=i.regulator, enterprise=i.enterprise)
            for i in default_industries()]


@router.post("/import", response_model=ImportResult, summary="批量导入单位（xlsx/csv，逐行校验）")
def import_units(db: Db, principal: Writer, file: ImportFile, mode: Mode = "all_or_nothing",
                 dry_run: DryRun = False) -> ImportResult:
    total, imported, errors, committed = actions.import_units(
        db, principal, read_upload(file), file.filename or "upload", mode=mode, dry_run=dry_run)
    return ImportResult(mode=mode, dry_run=dry_run, total_rows=total, imported=imported, committed=committed,
                        errors=errors)


@router.get("/{unit_id}", response_model=UnitOut, summary="单位详情")
def get_unit(unit_id: UnitId, db: Db, principal: Reader) -> UnitOut:
    return UnitOut.model_validate(service.get_unit(db, principal=principal, unit_id=unit_id))


@router.patch("/{unit_id}", response_model=UnitOut, summary="修改单位信息")
def patch_unit(unit_id: UnitId, body: UnitPatch, db: Db, principal: Writer) -> UnitOut:
    return UnitOut.model_validate(actions.update_unit(db, principal, unit_id, body))
