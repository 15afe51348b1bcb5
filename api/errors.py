"""The contract's error shape {"error": {code, message, details}}; zh-CN messages for bad fields."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from config.logs import redact
from db.outage import is_outage
from models.errors import HTTP_STATUS, MESSAGES, WWW_AUTHENTICATE, ErrorCode, Refusal


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
        (429, "令牌验证失败次数过多，Retry-After 秒后再试"),
    ]
}
BODY_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "请求体不是合法的 UTF-8 JSON（body_invalid），指明出错的行和列"},
    413: {"model": ErrorResponse, "description": "提交的内容超过办案引擎单次可接收的上限（payload_too_large），未生效"},
}
"""The extra errors of a route that reads a JSON body."""


log = logging.getLogger(__name__)
RETRY_AFTER = "5"
"""Seconds a client is asked to wait (``Retry-After``) when the database is down."""


class ApiError(Exception):
    def __init__(
        self,
        code: ErrorCode,
        message: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.code = code
        self.message = message or MESSAGES[code]
        self.details = details or []
        self.headers = dict(headers or {})
        """Extra response headers (``WWW-Authenticate``, ``Retry-After``)."""
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


BODY_FIELD = "body"
"""The ``field`` of an error about the request body as a whole (not JSON, empty, not an object)."""

EMPTY_BODY = "请求体为空：请以 JSON 对象提交（Content-Type: application/json）"
NOT_JSON_BODY = "请求体应为 JSON：请设置 Content-Type: application/json 并以 JSON 对象提交"
NOT_OBJECT_BODY = "请求体应为 JSON 对象（{…}）"
NOT_UTF8_BODY = "请求体不是有效的 UTF-8 文本，请以 UTF-8 编码的 JSON 提交"

_JSON_PROBLEMS: dict[str, str] = {
    "Expecting value": "此处缺少值",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting property name enclosed in double quotes": "字段名须用双引号括起",
    "Unterminated string starting at": "字符串缺少结束的引号",
    "Invalid control character at": "字符串中含有未转义的控制字符",
    "Invalid \\escape": "无效的转义序列",
    "Invalid \\uXXXX escape": "无效的 \\u 转义序列",
    "Extra data": "JSON 结束后还有多余内容",
    "Unexpected UTF-8 BOM (decode using utf-8-sig)": "开头有多余的字节序标记（BOM）",
}


def json_position_message(doc: str, pos: int, problem: str = "") -> str:
    """Where a JSON text stops being JSON, as a line and column (counted from 1), never as a field."""
    pos = max(0, min(pos, len(doc)))
    line = doc.count("\n", 0, pos) + 1
    column = pos - doc.rfind("\n", 0, pos)
    what = next((zh for en, zh in _JSON_PROBLEMS.items() if problem.startswith(en)), "")
    return f"请求体不是合法的 JSON：第{line}行第{column}列附近" + (f"（{what}）" if what else "")


def body_error(message: str, code: ErrorCode = ErrorCode.BODY_INVALID) -> ApiError:
    """An error about the body as a whole, named as the field ``body``."""
    return ApiError(code, message, [{"field": BODY_FIELD, "message": message}])


def json_error(doc: str, pos: int, problem: str = "") -> ApiError:
    return body_error(json_position_message(doc, pos, problem))


def _field(loc: Sequence[int | str]) -> str:
    if len(loc) == 2 and loc[0] == "header":  # FastAPI names a header by its lower-case alias
        return "-".join(part.capitalize() for part in str(loc[1]).split("-"))
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts)


_WHOLE_BODY_TYPES = frozenset({"missing", "model_type", "model_attributes_type", "dict_type"})


def _body_message(err: dict[str, Any]) -> str | None:
    """A clear word when the body as a whole is wrong: empty, not JSON, or JSON but not an object."""
    if tuple(err.get("loc", ())) != ("body",) or err.get("type") not in _WHOLE_BODY_TYPES:
        return None
    if err.get("type") == "missing":
        return EMPTY_BODY
    if isinstance(err.get("input"), (bytes, bytearray)):
        return NOT_JSON_BODY
    return NOT_OBJECT_BODY


def _message(err: dict[str, Any]) -> str:
    body = _body_message(err)
    if body is not None:
        return body
    kind = str(err.get("type", ""))
    if kind in ("value_error", "assertion_error"):
        ctx_error = err.get("ctx", {}).get("error")
        return str(ctx_error) if ctx_error is not None else str(err.get("msg", ""))
    if kind == "enum":
        expected = err.get("ctx", {}).get("expected")
        return f"{_ZH['enum']}：{expected}" if expected else _ZH["enum"]
    return _ZH.get(kind, "内容不正确")


def validation_details(errors: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {"field": BODY_FIELD if _body_message(e) else _field(e.get("loc", ())), "message": _message(e)} for e in errors
    ]


def error_body(code: ErrorCode, message: str, details: list[dict[str, Any]]) -> dict[str, Any]:
    """The error shape. Our messages never quote the input, but a field's name can come from the caller (an
    unknown key in a body is named as it was sent), so every text in it is passed through the mask of ID
    and mobile numbers: no error ever echoes a resident ID number or a phone."""
    shown = [{key: redact(str(value)) for key, value in detail.items()} for detail in details]
    return {"error": {"code": code.value, "message": redact(message), "details": shown}}


def error_response(exc: ApiError) -> JSONResponse:
    status = HTTP_STATUS[exc.code]
    headers = {"WWW-Authenticate": WWW_AUTHENTICATE, **exc.headers} if status == 401 else exc.headers
    return JSONResponse(error_body(exc.code, exc.message, exc.details), status_code=status, headers=headers or None)


def refusal_error(exc: Refusal) -> ApiError:
    """A rule's refusal as the contract's error; a refusal about one field names it in ``details``."""
    details = [{"field": exc.field, "message": exc.message}] if exc.field else []
    return ApiError(exc.code, exc.message, details)


def invalid(errors: Sequence[Any]) -> ApiError:
    return ApiError(ErrorCode.VALIDATION_FAILED, details=validation_details(errors))


def install(app: FastAPI) -> None:
    async def on_api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc)

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, (RequestValidationError, ValidationError))
        errors: Sequence[Any] = exc.errors()
        for err in errors:
            if err.get("type") == "json_invalid":  # FastAPI's loc is ("body", <char offset>): a position
                loc = err.get("loc", ())
                pos = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0
                doc = getattr(exc, "body", None)
                problem = str(err.get("ctx", {}).get("error", ""))
                return error_response(json_error(doc if isinstance(doc, str) else "", pos, problem))
        whole = [m for m in (_body_message(e) for e in errors) if m is not None]
        if whole:  # the body as a whole: say so in the message, not only in details
            return error_response(ApiError(ErrorCode.VALIDATION_FAILED, whole[0], validation_details(errors)))
        return error_response(invalid(errors))

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400:  # FastAPI could not read the body (e.g. not UTF-8)
            return error_response(body_error(NOT_UTF8_BODY))
        if exc.status_code == 413:
            return error_response(body_error(MESSAGES[ErrorCode.PAYLOAD_TOO_LARGE], ErrorCode.PAYLOAD_TOO_LARGE))
        code = {401: ErrorCode.UNAUTHENTICATED, 403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND}.get(
            exc.status_code, ErrorCode.INTERNAL
        )
        headers = {"WWW-Authenticate": WWW_AUTHENTICATE} if exc.status_code == 401 else None
        return JSONResponse(error_body(code, MESSAGES[code], []), status_code=exc.status_code, headers=headers)

    async def on_database(_: Request, exc: Exception) -> JSONResponse:
        if not is_outage(exc):
            raise exc  # a bug, not an outage: the request context logs it and answers 500
        log.warning("database unavailable: %s", type(exc).__name__)  # never its text: it quotes parameters
        return error_response(ApiError(ErrorCode.DATABASE_UNAVAILABLE, headers={"Retry-After": RETRY_AFTER}))

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(SQLAlchemyError, on_database)
    app.add_exception_handler(ConnectionError, on_database)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(ValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
