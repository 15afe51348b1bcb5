"""The codec endpoint of the Temporal UI's "codec server" protocol: POST /codec/decode and /codec/encode.

Payloads in Temporal are sealed (config/sealing.py); an authorised operator's Temporal UI (or ``temporal
workflow show --codec-endpoint …/codec --codec-auth "Bearer <token>"``) sends them here to be opened. Only
supervisors and heads may (CODEC_ROLES): they already see full case files of their regions; inspectors and
admin do not (admin sees no case data). A payload names no case, so the region cannot be checked here:
access to the Temporal UI itself must be limited to the same people (docs/security.md).

Authentication: the same bearer tokens as the API, in the ``Authorization`` header (the CLI, scripts), or in
the ``qingling_codec`` cookie set by /codec/sign-in, because the Temporal UI sends no header of ours: it
only forwards cookies ("Include cross-origin credentials"). Cross-origin calls are answered for the
configured origins only (``QINGLING_CODEC_CORS_ORIGINS``, by default the dev UI on port 8233), preflights
included.
"""

from __future__ import annotations

import base64
import binascii
import html
import logging
import zlib
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, FastAPI, Header, Request
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from google.protobuf.message import DecodeError
from pydantic import BaseModel, ConfigDict, Field
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from api.deps import BackendDep, current_user
from api.errors import BODY_ERROR_RESPONSES, ERROR_RESPONSES, ApiError
from config.sealing import PayloadKeyError
from config.settings import Settings
from db.users import User
from models.case import Role
from models.errors import ErrorCode

log = logging.getLogger(__name__)
PREFIX = "/codec"
CODEC_ROLES = frozenset({Role.SUPERVISOR, Role.HEAD})
"""Who may open payloads: those who already see full case files; never inspectors, never admin."""
COOKIE = "qingling_codec"
COOKIE_MAX_AGE = 8 * 3600
MAX_PAYLOADS = 10_000

router = APIRouter(prefix=PREFIX, tags=["codec"])
_bearer = HTTPBearer(auto_error=False, description="令牌：`qingling user create` 打印的 bearer token")
_ROLE_MESSAGE = "只有 supervisor 和 head 角色可以解密或加密 Temporal 载荷"
ERRORS: dict[int | str, dict[str, Any]] = {k: v for k, v in ERROR_RESPONSES.items() if k in (401, 403, 422, 429)}
BODY_ERRORS: dict[int | str, dict[str, Any]] = {**ERRORS, **BODY_ERROR_RESPONSES}
"""The routes that read a JSON body also answer 400 (not UTF-8 JSON) and 413 (too large)."""
FORM_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {
        "description": spec["description"],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
    }
    for status, spec in ERRORS.items()
}
"""The sign-in form answers HTML, but its refusals are our JSON error body: documented as such."""


class CodecPayload(BaseModel):
    """A Temporal payload in protobuf JSON: metadata values and data in base64."""

    model_config = ConfigDict(extra="ignore")
    metadata: dict[str, str] = Field(default_factory=dict, description="每项的值为 base64")
    data: str = Field(default="", description="base64")


class CodecPayloads(BaseModel):
    """The body and the answer of /codec/decode and /codec/encode (temporal.api.common.v1.Payloads)."""

    model_config = ConfigDict(extra="ignore")
    payloads: list[CodecPayload] = Field(default_factory=list, max_length=MAX_PAYLOADS)


async def codec_user(
    request: Request,
    b: BackendDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The caller, by the Authorization header or else the sign-in cookie; supervisors and heads only."""
    if credentials is None and request.cookies.get(COOKIE):
        credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=request.cookies[COOKIE])
    user = await current_user(b, credentials)
    if user.role not in CODEC_ROLES:
        raise ApiError(ErrorCode.ROLE_NOT_ALLOWED, _ROLE_MESSAGE)
    return user


CodecUser = Annotated[User, Depends(codec_user)]
Namespace = Annotated[
    str | None, Header(alias="X-Namespace", description="Temporal UI 所看的命名空间；只服务本系统的命名空间")
]


def _bytes(text: str, field: str) -> bytes:
    """Protobuf JSON bytes: standard or URL-safe base64, padding optional."""
    try:
        return base64.b64decode(text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(
            ErrorCode.VALIDATION_FAILED, details=[{"field": field, "message": "应为 base64 编码的字节"}]
        ) from None


def _to_protobuf(body: CodecPayloads) -> list[Payload]:
    return [
        Payload(
            metadata={k: _bytes(v, f"payloads.{i}.metadata.{k}") for k, v in p.metadata.items()},
            data=_bytes(p.data, f"payloads.{i}.data"),
        )
        for i, p in enumerate(body.payloads)
    ]


def _to_json(payloads: list[Payload]) -> CodecPayloads:
    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")

    return CodecPayloads(
        payloads=[CodecPayload(metadata={k: b64(v) for k, v in p.metadata.items()}, data=b64(p.data)) for p in payloads]
    )


def _codec(b: BackendDep, namespace: str | None) -> PayloadCodec:
    if namespace is not None and namespace != b.settings.temporal_namespace:
        message = f"本服务只为命名空间 {b.settings.temporal_namespace} 编解码"
        raise ApiError(ErrorCode.VALIDATION_FAILED, message, [{"field": "X-Namespace", "message": message}])
    codec = b.client.data_converter.payload_codec
    if codec is None:
        raise ApiError(ErrorCode.BACKEND_UNAVAILABLE)
    return codec


@router.post(
    "/decode",
    response_model=CodecPayloads,
    summary="解密 Temporal 载荷（Temporal UI 的 codec server）",
    responses=BODY_ERRORS,
)
async def decode(body: CodecPayloads, user: CodecUser, b: BackendDep, x_namespace: Namespace = None) -> CodecPayloads:
    """Opens sealed payloads (any key of the ring) and decompresses; other payloads come back as they are.
    A payload that cannot be opened (unknown key id, tampered) refuses the whole request with 422."""
    codec = _codec(b, x_namespace)
    payloads = _to_protobuf(body)
    opened: list[Payload] = []
    for i, payload in enumerate(payloads):
        try:
            opened.extend(await codec.decode([payload]))
        except (PayloadKeyError, zlib.error, DecodeError) as exc:
            message = str(exc) if isinstance(exc, PayloadKeyError) else "载荷已损坏，无法解压"
            raise ApiError(
                ErrorCode.VALIDATION_FAILED, message, [{"field": f"payloads.{i}", "message": message}]
            ) from None
    log.info("codec decode: %d payloads for %s (%s)", len(payloads), user.user_id, user.role.value)
    return _to_json(opened)


@router.post(
    "/encode",
    response_model=CodecPayloads,
    summary="加密 Temporal 载荷（Temporal UI 的 codec server）",
    responses=BODY_ERRORS,
)
async def encode(body: CodecPayloads, user: CodecUser, b: BackendDep, x_namespace: Namespace = None) -> CodecPayloads:
    """Compresses and seals payloads with the current key, as a worker would (e.g. a signal sent from the UI)."""
    codec = _codec(b, x_namespace)
    payloads = _to_protobuf(body)
    log.info("codec encode: %d payloads for %s (%s)", len(payloads), user.user_id, user.role.value)
    return _to_json(await codec.encode(payloads))


_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>清零 · Temporal UI 解密登录</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>Temporal UI 解密登录</h1>
{body}
</body></html>"""

_FORM = """<p>以 supervisor 或 head 的令牌登录后，本浏览器中的 Temporal UI 可经 <code>{endpoint}</code> 解密案件载荷
（在 UI 的 Codec Server 设置中填写该地址并勾选 “Include cross-origin credentials”）。登录保持 8 小时。</p>
<form method="post" action="session">
<p><label>令牌 token <input name="token" type="password" size="50" autocomplete="off" required></label></p>
<p><button type="submit">登录</button></p>
</form>
<form method="post" action="sign-out"><p><button type="submit">退出</button></p></form>"""


def _endpoint(request: Request) -> str:
    return str(request.base_url).rstrip("/") + PREFIX


def _page(body: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(body=body), status_code=status_code)


def _same_site_form(request: Request) -> None:
    """A browser's form post must come from this page or an allowed origin (no sign-in from other sites)."""
    origin = request.headers.get("origin")
    allowed = {str(request.base_url).rstrip("/"), *request.app.state.codec_origins}
    if origin is not None and origin != "null" and origin not in allowed:
        raise ApiError(ErrorCode.FORBIDDEN, "不接受来自其他网站的登录请求")


@router.get("/sign-in", response_class=HTMLResponse, summary="Temporal UI 解密登录页")
async def sign_in_page(request: Request) -> HTMLResponse:
    return _page(_FORM.format(endpoint=html.escape(_endpoint(request))))


@router.post(
    "/session",
    response_class=HTMLResponse,
    summary="以令牌登录 Temporal UI 解密（设置 qingling_codec Cookie）",
    responses=FORM_ERRORS,
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {"token": {"type": "string"}}}
                }
            },
        }
    },
)
async def sign_in(
    request: Request,
    b: BackendDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> HTMLResponse:
    """The token from the form (or the Authorization header) is checked like any request's, then kept in an
    HttpOnly, SameSite=Strict cookie for the /codec paths only; every codec request checks it again."""
    _same_site_form(request)
    if credentials is None:
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        token = (form.get("token") or [""])[0].strip()
        credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=token) if token else None
    user = await current_user(b, credentials)
    if user.role not in CODEC_ROLES:
        raise ApiError(ErrorCode.ROLE_NOT_ALLOWED, _ROLE_MESSAGE)
    assert credentials is not None
    page = _page(
        f"<p>已登录（{html.escape(user.name)}，{user.role.value}）。"
        f"Temporal UI 的 Codec Server 地址：<code>{html.escape(_endpoint(request))}</code>，"
        "并勾选 “Include cross-origin credentials”。</p>"
    )
    page.set_cookie(
        COOKIE,
        credentials.credentials,
        max_age=COOKIE_MAX_AGE,
        path=PREFIX,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    log.info("codec sign-in for %s (%s)", user.user_id, user.role.value)
    return page


@router.post("/sign-out", response_class=HTMLResponse, summary="退出 Temporal UI 解密登录")
async def sign_out(request: Request) -> HTMLResponse:
    _same_site_form(request)
    page = _page("<p>已退出。</p>")
    page.delete_cookie(COOKIE, path=PREFIX, httponly=True, samesite="strict")
    return page


class CodecCors:
    """CORS for the /codec paths only (the rest of the API is not meant for browsers on other origins):
    preflights answered, credentials (the sign-in cookie) allowed, for the configured origins only."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["POST"],
            allow_headers=["Authorization", "Content-Type", "X-Namespace"],
            allow_credentials=True,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: Any = scope.get("path", "")
        if scope["type"] == "http" and isinstance(path, str) and path.startswith(PREFIX + "/"):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def install(app: FastAPI, settings: Settings) -> None:
    """The codec routes and their CORS, for the origins in ``settings.codec_cors_origins``."""
    app.state.codec_origins = list(settings.codec_cors_origins)
    app.include_router(router)
    app.add_middleware(CodecCors, origins=list(settings.codec_cors_origins))
