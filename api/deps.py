"""Request dependencies: the database session, the Temporal client, the caller and their jurisdiction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from api.errors import ApiError
from config.settings import Settings
from db.users import User, user_by_token
from models.clock import shanghai_date
from models.errors import ErrorCode


@dataclass
class Backend:
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    client: Client


def backend(request: Request) -> Backend:
    value = request.app.state.backend
    assert isinstance(value, Backend)
    return value


async def session(b: Annotated[Backend, Depends(backend)]) -> AsyncIterator[AsyncSession]:
    async with b.sessions() as s:
        yield s


_bearer = HTTPBearer(auto_error=False, description="令牌：`qingling user create` 打印的 bearer token")


async def current_user(
    b: Annotated[Backend, Depends(backend)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(ErrorCode.UNAUTHENTICATED)
    async with b.sessions() as s:
        user = await user_by_token(s, credentials.credentials)
    if user is None:
        raise ApiError(ErrorCode.UNAUTHENTICATED)
    return user


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return shanghai_date(now())


CurrentUser = Annotated[User, Depends(current_user)]
Session = Annotated[AsyncSession, Depends(session)]
BackendDep = Annotated[Backend, Depends(backend)]
