"""The contract's error shape {"error": {code, message, details}}; zh-CN messages for bad fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.errors import HTTP_STATUS, MESSAGES, ErrorCode


class ErrorDetail(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail]


class ErrorResponse(BaseModel):
    """The contract's error shape."""

    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in [
        (401, "未登录或令牌无效"),
        (403, "角色或辖区不允许"),
        (404, "案件不存在或不在您的辖区"),
        (409, "案件当前阶段不允许此操作，未作任何改变"),
        (422, "输入有误，逐项说明"),
    ]
}


class ApiError(Exception):
    def __init__(
        self, code: ErrorCode, message: str | None = None, details: list[dict[str, Any]] | None = None
    ) -> None:
        self.code = code
        self.message = message or MESSAGES[code]
        self.details = details or []
        super().__init__(self.message)


_ZH: dict[str, str] = {
    "missing": "必填项",
    "extra_forbidden": "不允许的字段",
    "string_too_short": "不能为空",
    "string_too_long": "内容过长",
    "too_short": "至少需要一项",
    "too_long": "条目过多（单次最多 5000 条）",
    "string_type": "应为文本",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式应为 ISO 8601，例如 2026-11-20T10:00:00+08:00",
    "datetime_from_date_parsing": "时间格式应为 ISO 8601，例如 2026-11-20T10:00:00+08:00",
    "datetime_type": "时间格式应为 ISO 8601，例如 2026-11-20T10:00:00+08:00",
    "timezone_aware": "时间必须带时区，例如 +08:00",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "list_type": "应为数组",
    "json_invalid": "请求体不是合法的 JSON",
    "string_pattern_mismatch": "格式不正确",
}


def _field(loc: Sequence[int | str]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts)


def _message(err: dict[str, Any]) -> str:
    kind = str(err.get("type", ""))
    if kind in ("value_error", "assertion_error"):
        ctx_error = err.get("ctx", {}).get("error")
        return str(ctx_error) if ctx_error is not None else str(err.get("msg", ""))
    if kind == "enum":
        expected = err.get("ctx", {}).get("expected")
        return f"{_ZH['enum']}：{expected}" if expected else _ZH["enum"]
    return _ZH.get(kind, "内容不正确")


def validation_details(errors: Sequence[Any]) -> list[dict[str, Any]]:
    return [{"field": _field(e.get("loc", ())), "message": _message(e)} for e in errors]


def error_body(code: ErrorCode, message: str, details: list[dict[str, Any]]) -> dict[str, Any]:
    return {"error": {"code": code.value, "message": message, "details": details}}


def error_response(exc: ApiError) -> JSONResponse:
    return JSONResponse(error_body(exc.code, exc.message, exc.details), status_code=HTTP_STATUS[exc.code])


def invalid(errors: Sequence[Any]) -> ApiError:
    return ApiError(ErrorCode.VALIDATION_FAILED, details=validation_details(errors))


def install(app: FastAPI) -> None:
    async def on_api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc)

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, (RequestValidationError, ValidationError))
        return error_response(invalid(exc.errors()))

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {401: ErrorCode.UNAUTHENTICATED, 403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND}.get(
            exc.status_code, ErrorCode.INTERNAL
        )
        return JSONResponse(error_body(code, MESSAGES[code], []), status_code=exc.status_code)

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(ValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
