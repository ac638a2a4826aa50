"""HTTP conventions shared by every domain: one error format, pagination, Chinese messages."""

from __future__ import annotations

import logging
from typing import Any, Generic, TypeVar, get_args

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from yingji.core.errors import ValidationFailed as YingjiValidation
from yingji.core.errors import YingjiError
from yingji.core.numbers import human_number

log = logging.getLogger(__name__)

T = TypeVar("T")


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None
    label: str | None = None  # the field's Chinese name (forms show messages next to the field)
    details: list[dict[str, Any]] | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class Page(BaseModel, Generic[T]):
    """One page of a list (see :mod:`yingji.core.listing`)."""

    items: list[T]
    total: int
    page: int
    page_size: int
    sort: str | None = None


def read_upload(file: Any, limit: int = 10 * 1024 * 1024) -> bytes:
    """The bytes of an uploaded file, refusing more than ``limit`` (default 10 MB) with a Chinese 422."""
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise YingjiValidation(f"文件超过 {limit // (1024 * 1024)} MB", field="file")
    return content


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (400, 401, 403, 404, 409, 422)
}

_PYDANTIC_MESSAGES = {
    "missing": "缺少必填项",
    "string_too_short": "内容太短",
    "string_too_long": "内容太长",
    "string_type": "必须是文本",
    "string_pattern_mismatch": "格式不正确",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "float_parsing": "必须是数字",
    "float_type": "必须是数字",
    "bool_parsing": "必须是是/否（true/false）",
    "bool_type": "必须是是/否（true/false）",
    "greater_than_equal": "数值太小",
    "greater_than": "数值太小",
    "less_than_equal": "数值太大",
    "less_than": "数值太大",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "格式不正确",
    "dict_type": "必须是对象",
    "list_type": "必须是列表",
    "datetime_parsing": "日期时间格式不正确",
    "datetime_type": "日期时间格式不正确",
    "date_parsing": "日期格式不正确",
    "date_from_datetime_parsing": "日期格式不正确",
    "timezone_aware": "日期时间必须带时区",
    "extra_forbidden": "不允许的字段",
    "value_error": "取值无效",
    "url_parsing": "网址格式不正确",
    "datetime_from_date_parsing": "日期时间格式不正确",
    "datetime_object_invalid": "日期时间无效",
    "timezone_naive": "日期时间必须带时区",
    "date_type": "日期格式不正确",
    "int_from_float": "必须是整数",
    "float_finite_number": "必须是有限的数字",
    "finite_number": "必须是有限的数字",
    "decimal_parsing": "必须是数字",
    "decimal_type": "必须是数字",
    "decimal_whole_digits": "数值太大",
    "decimal_max_digits": "数值位数太多",
    "decimal_max_places": "小数位数太多（最多两位）",
    "too_long": "项数太多",
    "too_short": "项数太少",
    "uuid_parsing": "格式不正确",
    "missing_argument": "缺少必填项",
    "model_type": "格式不正确",
    "string_unicode": "必须是文本",
    "bytes_type": "必须是文件",
}


def _field_name(loc: tuple[Any, ...]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``X``, ``X | None``, ``list[X]``, ``Annotated[X, ...]`` (or None)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _title_in(model: type[BaseModel] | None, path: list[Any]) -> str | None:
    """The Chinese title of the field ``path`` leads to inside ``model`` (``["plan", "measures"]``)."""
    title = None
    for part in path:
        if isinstance(part, int):
            continue  # a list index: the field stays the same
        if model is None or not isinstance(part, str) or part not in model.model_fields:
            return None
        info = model.model_fields[part]
        title = info.title
        model = _model_in(info.annotation)
    return title


def field_title(route: Any, loc: tuple[Any, ...]) -> str | None:
    """The Chinese name of the input at ``loc`` of a FastAPI route: the schema field's ``title``,
    else the label registry's ``fields`` table (:mod:`yingji.core.labels`), else None."""
    from yingji.core.labels import field_label

    parts = list(loc)
    where = parts.pop(0) if parts and parts[0] in ("body", "query", "path", "header", "cookie") else None
    title = None
    dependant = getattr(route, "dependant", None)
    if dependant is not None and where is not None and parts:
        params = {"body": dependant.body_params, "query": dependant.query_params, "path": dependant.path_params,
                  "header": dependant.header_params, "cookie": dependant.cookie_params}[where]
        for param in params:
            info = getattr(param, "field_info", None)
            if where == "body" and len(params) == 1 and _model_in(getattr(info, "annotation", None)) is not None \
                    and param.name != parts[0]:  # one body model, not embedded: loc names its fields
                title = _title_in(_model_in(info.annotation), parts)
                break
            if param.name == parts[0] or getattr(param, "alias", None) == parts[0]:
                title = (getattr(info, "title", None) if len(parts) == 1
                         else _title_in(_model_in(getattr(info, "annotation", None)), parts[1:]))
                break
    if title:
        return title
    names = [p for p in parts if isinstance(p, str)]
    return field_label(names[-1]) if names else None


def translate_error(err: dict[str, Any], route: Any = None) -> dict[str, Any]:
    field = _field_name(tuple(err.get("loc", ())))
    kind = err.get("type", "")
    base = _PYDANTIC_MESSAGES.get(kind)
    if kind == "value_error":
        raw = str(err.get("msg", ""))
        base = raw.removeprefix("Value error, ") or base
    ctx = err.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than") and ("ge" in ctx or "gt" in ctx):
        base = f"不能小于 {human_number(ctx.get('ge', ctx.get('gt')))}"
    if kind in ("less_than_equal", "less_than") and ("le" in ctx or "lt" in ctx):
        base = f"不能大于 {human_number(ctx.get('le', ctx.get('lt')))}"
    if kind == "string_too_long" and "max_length" in ctx:
        base = f"长度不能超过 {human_number(ctx['max_length'])} 个字符"
    if kind == "string_too_short" and "min_length" in ctx:
        base = f"长度不能少于 {human_number(ctx['min_length'])} 个字符"
    if kind in ("too_long", "too_short") and ("max_length" in ctx or "min_length" in ctx):
        base = (f"最多 {human_number(ctx['max_length'])} 项" if kind == "too_long"
                else f"至少 {human_number(ctx['min_length'])} 项")
    if kind == "literal_error":
        base = "取值不在允许范围内"  # the allowed codes are the API's; forms offer them by name
    message = base or "输入无效"
    label = field_title(route, tuple(err.get("loc", ()))) if field else None
    name = label or field
    return {"field": field, "label": label, "message": f"{name}：{message}" if name else message, "type": kind}


_HTTP_MESSAGES = {
    404: ("not_found", "请求的资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    401: ("not_authenticated", "请先登录"),
    403: ("forbidden", "无权访问"),
}


def http_error_json(exc: StarletteHTTPException) -> JSONResponse:
    """The JSON error of an HTTP exception (unknown path, wrong method…) in the one error format."""
    code, message = _HTTP_MESSAGES.get(exc.status_code, ("http_error", str(exc.detail)))
    if isinstance(exc.detail, str) and exc.status_code not in (404, 405):
        message = exc.detail
    return JSONResponse({"error": {"code": code, "message": message, "field": None}},
                        status_code=exc.status_code, headers=getattr(exc, "headers", None))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(YingjiError)
    async def _yingji(_: Request, exc: YingjiError) -> JSONResponse:
        return JSONResponse(exc.to_dict(), status_code=exc.status, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        route = request.scope.get("route")
        details = [translate_error(e, route) for e in exc.errors()]
        first = details[0] if details else {"field": None, "message": "输入无效", "label": None}
        body = {"code": "validation_failed", "message": first["message"], "field": first["field"],
                "label": first.get("label"), "details": details}
        return JSONResponse({"error": body}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return http_error_json(exc)

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        log.info("integrity error: %s", exc.orig)
        return JSONResponse({"error": {"code": "conflict", "message": "数据与现有记录冲突（重复或引用无效）",
                                       "field": None}}, status_code=409)

    @app.exception_handler(DataError)
    async def _data(_: Request, exc: DataError) -> JSONResponse:
        log.info("data error: %s", exc.orig)
        return JSONResponse({"error": {"code": "validation_failed", "message": "数据格式无效或超出范围",
                                       "field": None}}, status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return JSONResponse({"error": {"code": "internal_error",
                                       "message": "服务器内部错误，已记录，请联系管理员", "field": None}},
                            status_code=500)
