"""Request dependencies: the database session, the Temporal client, the caller and their jurisdiction."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from api.errors import RETRY_AFTER, ApiError
from config.settings import Settings
from db.users import (
    SignInLimits,
    TokenState,
    User,
    check_token,
    clear_sign_in_failures,
    record_sign_in_failure,
    sign_in_failures_of,
)
from models.case import Role
from models.clock import shanghai_date
from models.errors import WWW_AUTHENTICATE, ErrorCode

log = logging.getLogger(__name__)


@dataclass
class Backend:
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    client: Client
    caller: str | None = None
    """The calling client (its address), in the copy that ``backend`` hands to each request: failed
    sign-ins are counted by it. None outside a request."""


async def backend(request: Request) -> Backend:
    """The application's backend, as a copy naming the request's client (``caller``)."""
    value = request.app.state.backend
    assert isinstance(value, Backend)
    return replace(value, caller=caller_address(request, trusted_proxy=value.settings.trusted_proxy))


def caller_address(request: Request, *, trusted_proxy: bool) -> str:
    """The connection's peer (the ASGI scope's client); behind a trusted proxy, the first address of
    ``X-Forwarded-For`` (the proxy must set that header itself, not append to the client's: docs/security.md).
    A header that does not start with an IP address falls back to the peer."""
    if trusted_proxy:
        forwarded = request.headers.get("x-forwarded-for", "").split(",", 1)[0].strip()
        if forwarded:
            try:
                return str(ipaddress.ip_address(forwarded))
            except ValueError:
                pass
    return request.client.host if request.client is not None and request.client.host else UNKNOWN_CALLER


async def session(b: Annotated[Backend, Depends(backend)]) -> AsyncIterator[AsyncSession]:
    async with b.sessions() as s:
        yield s


_bearer = HTTPBearer(auto_error=False, description="令牌：`qingling user create` 打印的 bearer token")
UNKNOWN_CALLER = "unknown"
MISSING_TOKEN = "未登录：请提供令牌（Authorization: Bearer <令牌>）"
_REFUSED: dict[TokenState, tuple[ErrorCode, str]] = {
    TokenState.UNKNOWN: (ErrorCode.TOKEN_INVALID, "The access token is invalid"),
    TokenState.EXPIRED: (ErrorCode.TOKEN_EXPIRED, "The access token expired"),
    TokenState.REVOKED: (ErrorCode.TOKEN_REVOKED, "The access token was revoked"),
}
"""A refused token's error, and the ``error_description`` of its challenge (RFC 6750: ASCII only)."""


def sign_in_limits(settings: Settings) -> SignInLimits:
    return SignInLimits(
        max_failures=settings.sign_in_failures_max, window=timedelta(seconds=settings.sign_in_window_seconds)
    )


MONITOR_ONLY = "监测预警平台的凭据只能用于报送预警信号（POST /api/v1/signals）"


async def current_user(
    b: Annotated[Backend, Depends(backend)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The caller by their bearer token: 401 (with ``WWW-Authenticate``) without a token, or with one that
    is unknown, expired or revoked, which also counts as a failed sign-in of the calling client; a client
    with too many failures in the window gets 429 (``Retry-After``) before its token is even looked up.
    A good token costs two reads (the client's failures, the token), and a write only if its client had
    failures on record (they are cleared)."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise ApiError(ErrorCode.UNAUTHENTICATED, MISSING_TOKEN)
    caller = b.caller or UNKNOWN_CALLER
    limits = sign_in_limits(b.settings)
    moment = now()
    try:
        async with b.sessions() as s:
            failures = await sign_in_failures_of(s, caller)
            wait = None if failures is None else failures.retry_after(moment, limits)
            if wait is not None:
                raise ApiError(
                    ErrorCode.TOO_MANY_SIGN_IN_FAILURES,
                    f"令牌验证失败次数过多，请 {wait} 秒后再试",
                    headers={"Retry-After": str(wait)},
                )
            state, user = await check_token(s, credentials.credentials, moment)
        if user is not None:
            if failures is not None:
                async with b.sessions.begin() as w:
                    await clear_sign_in_failures(w, caller)
            return user
        async with b.sessions.begin() as w:
            await record_sign_in_failure(w, caller, moment, limits.window)
        log.info("sign-in refused: %s token from %s", state.value, caller)
    except (SQLAlchemyError, OSError) as exc:
        # Not re-raised: a database error's text quotes the statement's parameters, the token's hash among them.
        log.warning("sign-in: database unavailable (%s)", type(exc).__name__)
        raise ApiError(ErrorCode.DATABASE_UNAVAILABLE, headers={"Retry-After": RETRY_AFTER}) from None
    code, description = _REFUSED[state]
    challenge = f'{WWW_AUTHENTICATE}, error="invalid_token", error_description="{description}"'
    raise ApiError(code, headers={"WWW-Authenticate": challenge})


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return shanghai_date(now())


async def person(user: Annotated[User, Depends(current_user)]) -> User:
    """A person's credential: a monitoring platform's (Role.MONITOR) opens nothing but its own route."""
    if user.role == Role.MONITOR:
        raise ApiError(ErrorCode.ROLE_NOT_ALLOWED, MONITOR_ONLY)
    return user


async def monitor(user: Annotated[User, Depends(current_user)]) -> User:
    """A monitoring platform's credential, and only that."""
    if user.role != Role.MONITOR:
        raise ApiError(ErrorCode.ROLE_NOT_ALLOWED, "只有监测预警平台的凭据可以报送预警信号")
    return user


CurrentUser = Annotated[User, Depends(person)]
MonitorCaller = Annotated[User, Depends(monitor)]
Session = Annotated[AsyncSession, Depends(session)]
BackendDep = Annotated[Backend, Depends(backend)]
