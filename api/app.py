"""The FastAPI application: thin routes over Temporal (actions) and the read model (views)."""

from __future__ import annotations

import gc
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic.json_schema import models_json_schema
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from temporalio.client import Client

from api import errors
from api.console import app as console
from api.deps import Backend
from api.routes import (
    cases,
    codec,
    digests,
    follow,
    health,
    me,
    notices,
    open_data,
    public,
    reports,
    signals,
    workload,
)
from config import logs
from config.settings import Settings, get_settings
from config.temporal import connect
from db.session import make_engine, make_session_factory
from models.actions import BODY_MODELS
from models.errors import MESSAGES, ErrorCode

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
"""An incoming request id is kept if it is a plain token of at most 128 characters (a UUID, a proxy's id)."""
access_log = logging.getLogger("api.access")


def request_id_from(value: str | None) -> str:
    """The caller's ``X-Request-ID`` if it is a sane token that carries no ID or mobile number; else a new
    one (32 hex digits)."""
    if value is not None and _SANE_REQUEST_ID.fullmatch(value) and logs.redact(value) == value:
        return value
    return uuid.uuid4().hex


class RequestContext:
    """Pure ASGI middleware: each HTTP request gets a request id (echoed in ``X-Request-ID``) and a log
    context (config.logs) that the routes fill with the actor and the case; one access line per request
    (method, path without its query, status, milliseconds; never a body). An exception no handler turned
    into an answer is logged with its traceback and answered 500 in the contract's error shape."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(Headers(scope=scope).get(REQUEST_ID_HEADER))
        token = logs.open_context(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = int(message["status"])
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            access_log.exception("unhandled error")
            if response_started:
                raise
            await _internal_error(send_with_id)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            access_log.info("%s %s %d %.0fms", scope.get("method", ""), scope.get("path", ""), status, elapsed)
            logs.close_context(token)


async def _internal_error(send: Send) -> None:
    body = errors.error_body(ErrorCode.INTERNAL, MESSAGES[ErrorCode.INTERNAL], [])
    response = JSONResponse(body, status_code=500)
    await send({"type": "http.response.start", "status": 500, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


def create_app(
    settings: Settings | None = None, *, client: Client | None = None, engine: AsyncEngine | None = None
) -> FastAPI:
    cfg = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = engine is None
        eng = engine or make_engine(cfg.database_url)
        temporal = client or await connect(cfg)
        app.state.backend = Backend(settings=cfg, sessions=make_session_factory(eng), client=temporal)
        # Everything loaded at start-up lives as long as the process: keep it out of the garbage
        # collector's full passes, which otherwise stall 1–2% of requests by 50–100 ms (bench/bench_list.py).
        gc.freeze()
        try:
            yield
        finally:
            if own_engine:
                await eng.dispose()

    app = FastAPI(
        title="Qingling 清零 — 欠薪案件办理 API",
        version="1.0.0",
        description="Wage-arrears enforcement engine: intake, investigation, orders to pay, notices.",
        lifespan=lifespan,
    )
    errors.install(app)
    app.include_router(health.router)
    app.include_router(cases.router)
    app.include_router(notices.router)
    app.include_router(reports.router)
    app.include_router(digests.router)
    app.include_router(me.router)
    app.include_router(public.router)
    app.include_router(signals.router)
    app.include_router(open_data.router)
    app.include_router(follow.router)
    app.include_router(workload.router)
    console.install(app)  # the inspectors' console at /, same process, same rules
    codec.install(app, cfg)  # /codec/decode and /codec/encode for the Temporal UI, with their CORS
    app.add_middleware(RequestContext)  # added last: the outermost but for Starlette's last-resort error handler
    install_openapi(app)
    return app


def install_openapi(app: FastAPI) -> None:
    """Add the per-action body schemas (the action route reads its body by action name) and drop
    FastAPI's default validation-error schemas, which our error shape replaces."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            _, defs = models_json_schema(
                [(m, "validation") for m in BODY_MODELS.values()], ref_template="#/components/schemas/{model}"
            )
            schemas = doc.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(defs.get("$defs", {}))
            schemas.pop("HTTPValidationError", None)
            schemas.pop("ValidationError", None)
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
