"""The API in-process (ASGI) over a real database and the time-skipping Temporal server with a worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from config.settings import Settings
from db.users import create_user
from models.case import Role
from tests.harness import running_worker


@dataclass
class Api:
    http: httpx.AsyncClient
    tokens: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
async def api(
    time_skipping_env: WorkflowEnvironment,
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[Api]:
    tokens: dict[str, str] = {}
    async with sessions.begin() as s:
        for name, role, regions in [
            ("inspector", Role.INSPECTOR, ["140105"]),
            ("supervisor", Role.SUPERVISOR, ["140105"]),
            ("head", Role.HEAD, ["140105"]),
            ("other", Role.INSPECTOR, ["140106"]),
            ("city", Role.SUPERVISOR, ["140100"]),
            ("admin", Role.ADMIN, []),
        ]:
            _, tokens[name] = await create_user(s, name, role, regions)
    app = create_app(settings, client=time_skipping_env.client, engine=engine)
    async with (
        running_worker(time_skipping_env.client, settings, sessions),
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        yield Api(http=http, tokens=tokens)
