"""The FastAPI application: thin routes over Temporal (actions) and the read model (views)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from api import errors
from api.deps import Backend
from api.routes import cases, codec, digests, health, me, notices, reports
from config.settings import Settings, get_settings
from config.temporal import connect
from db.session import make_engine, make_session_factory
from models.actions import BODY_MODELS


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
    codec.install(app, cfg)  # /codec/decode and /codec/encode for the Temporal UI, with their CORS
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
