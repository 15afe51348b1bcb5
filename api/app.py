"""The FastAPI application: thin routes over Temporal (actions) and the read model (views)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from api import errors
from api.deps import Backend
from api.routes import cases, health, notices
from db.session import make_engine, make_session_factory
from qingling.settings import Settings, get_settings
from qingling.temporal import connect


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
    return app
