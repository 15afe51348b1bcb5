"""Failed sign-ins are counted per client in the database (so every API process sees them): beyond the limit
in the window a client gets 429 with Retry-After, before its token is even looked up; a good sign-in clears
its own client's count only; behind a trusted proxy the client is X-Forwarded-For's first address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from temporalio.testing import WorkflowEnvironment

from api.deps import UNKNOWN_CALLER, caller_address
from config.settings import Settings
from db.tables import sign_in_failures
from db.users import create_user
from models.case import Role
from tests.accounts.helpers import LIST, bearer, http, running

MAX = 3
WINDOW = 300
BAD = bearer("ql_not-a-token")


@pytest.fixture
def limited(settings: Settings) -> Settings:
    return settings.model_copy(update={"sign_in_failures_max": MAX, "sign_in_window_seconds": WINDOW})


async def token_for(sessions: async_sessionmaker[AsyncSession], name: str = "li") -> str:
    async with sessions.begin() as s:
        _, token = await create_user(s, name, Role.INSPECTOR, ["140105"])
    return token


async def failures(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessions() as s:
        rows = (await s.execute(select(sign_in_failures.c.client, sign_in_failures.c.failures))).all()
    return {row.client: row.failures for row in rows}


async def end_windows(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Every client's window moved back by its length (rather than waited for)."""
    async with sessions.begin() as s:
        rows = (await s.execute(select(sign_in_failures.c.client, sign_in_failures.c.window_start))).all()
        for row in rows:
            moved = row.window_start - timedelta(seconds=WINDOW)
            await s.execute(
                update(sign_in_failures).where(sign_in_failures.c.client == row.client).values(window_start=moved)
            )


async def test_too_many_failures_then_the_window_ends(
    limited: Settings, sessions: async_sessionmaker[AsyncSession], time_skipping_env: WorkflowEnvironment
) -> None:
    token = await token_for(sessions)
    async with (
        running(limited, time_skipping_env.client) as app,
        http(app, "192.0.2.1") as attacker,
        http(app, "192.0.2.2") as bystander,
    ):
        await bystander.get(LIST, headers=BAD)  # one failure of another client's
        for _ in range(MAX):
            r = await attacker.get(LIST, headers=BAD)
            assert r.status_code == 401 and r.json()["error"]["code"] == "token_invalid"
        assert await failures(sessions) == {"192.0.2.1": MAX, "192.0.2.2": 1}

        r = await attacker.get(LIST, headers=BAD)
        assert r.status_code == 429, r.text
        assert r.json()["error"]["code"] == "too_many_sign_in_failures" and "过多" in r.json()["error"]["message"]
        wait = int(r.headers["retry-after"])
        assert 0 < wait <= WINDOW and f"{wait} 秒" in r.json()["error"]["message"]
        # Refused before the token is looked up: a good token from that client too, and nothing is written.
        r = await attacker.get(LIST, headers=bearer(token))
        assert r.status_code == 429 and "retry-after" in r.headers
        assert await failures(sessions) == {"192.0.2.1": MAX, "192.0.2.2": 1}
        # Missing tokens are not sign-in attempts: still the plain 401.
        assert (await attacker.get(LIST)).status_code == 401

        # Another client is not held back; its good sign-in clears its own count, not the attacker's.
        assert (await bystander.get(LIST, headers=bearer(token))).status_code == 200
        assert await failures(sessions) == {"192.0.2.1": MAX}

        # The window ends: the good token works and clears the count.
        await end_windows(sessions)
        assert (await attacker.get(LIST, headers=bearer(token))).status_code == 200
        assert await failures(sessions) == {}
        # A good sign-in with nothing on record writes nothing (the cheap path), and counting starts again.
        assert (await attacker.get(LIST, headers=bearer(token))).status_code == 200
        assert (await attacker.get(LIST, headers=BAD)).status_code == 401
        assert await failures(sessions) == {"192.0.2.1": 1}


async def test_an_ended_window_starts_again(
    limited: Settings, sessions: async_sessionmaker[AsyncSession], time_skipping_env: WorkflowEnvironment
) -> None:
    async with running(limited, time_skipping_env.client) as app, http(app, "192.0.2.1") as client:
        for _ in range(MAX):
            await client.get(LIST, headers=BAD)
        await end_windows(sessions)
        r = await client.get(LIST, headers=BAD)  # a new window: counted from 1, not refused
        assert r.status_code == 401
        assert await failures(sessions) == {"192.0.2.1": 1}


async def test_counts_are_shared_by_api_processes(
    limited: Settings, sessions: async_sessionmaker[AsyncSession], time_skipping_env: WorkflowEnvironment
) -> None:
    """Two applications, each with its own engine, on one database: as two API processes."""
    token = await token_for(sessions)
    async with (
        running(limited, time_skipping_env.client) as one,
        running(limited, time_skipping_env.client) as two,
        http(one, "192.0.2.1") as via_one,
        http(two, "192.0.2.1") as via_two,
    ):
        assert (await via_one.get(LIST, headers=BAD)).status_code == 401
        assert (await via_two.get(LIST, headers=BAD)).status_code == 401
        assert (await via_one.get(LIST, headers=BAD)).status_code == 401
        assert (await via_two.get(LIST, headers=bearer(token))).status_code == 429
        assert (await via_one.get(LIST, headers=bearer(token))).status_code == 429
        assert await failures(sessions) == {"192.0.2.1": MAX}


async def test_codec_sign_in_is_limited_too(
    limited: Settings, sessions: async_sessionmaker[AsyncSession], time_skipping_env: WorkflowEnvironment
) -> None:
    async with running(limited, time_skipping_env.client) as app, http(app, "192.0.2.1") as client:
        for _ in range(MAX):
            r = await client.post("/codec/session", data={"token": "ql_guess"})
            assert r.status_code == 401
        r = await client.post("/codec/decode", json={"payloads": []}, headers=BAD)
        assert r.status_code == 429 and "retry-after" in r.headers


@pytest.mark.parametrize("trusted", [False, True])
async def test_trusted_proxy(
    trusted: bool,
    limited: Settings,
    sessions: async_sessionmaker[AsyncSession],
    time_skipping_env: WorkflowEnvironment,
) -> None:
    settings = limited.model_copy(update={"trusted_proxy": trusted})
    token = await token_for(sessions)
    async with running(settings, time_skipping_env.client) as app, http(app, "10.0.0.1") as proxy:

        def via(address: str) -> dict[str, str]:
            return {"X-Forwarded-For": f"{address}, 10.0.0.7"}

        for _ in range(MAX):
            assert (await proxy.get(LIST, headers={**BAD, **via("198.51.100.1")})).status_code == 401
        blocked = await proxy.get(LIST, headers={**bearer(token), **via("198.51.100.1")})
        other = await proxy.get(LIST, headers={**bearer(token), **via("198.51.100.2")})
        assert blocked.status_code == 429
        if trusted:  # each forwarded client on its own
            assert other.status_code == 200
            assert await failures(sessions) == {"198.51.100.1": MAX}
        else:  # the header is ignored: everyone behind the proxy is one client (and cannot dodge the limit)
            assert other.status_code == 429
            assert await failures(sessions) == {"10.0.0.1": MAX}


def test_caller_address() -> None:
    def scope(peer: tuple[str, int] | None, forwarded: str | None = None) -> Request:
        headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
        return Request({"type": "http", "client": peer, "headers": headers})

    assert caller_address(scope(("192.0.2.1", 1)), trusted_proxy=False) == "192.0.2.1"
    assert caller_address(scope(("192.0.2.1", 1), "198.51.100.9"), trusted_proxy=False) == "192.0.2.1"
    assert caller_address(scope(("10.0.0.1", 1), " 198.51.100.9 , 10.0.0.2"), trusted_proxy=True) == "198.51.100.9"
    assert caller_address(scope(("10.0.0.1", 1), "2001:DB8::1"), trusted_proxy=True) == "2001:db8::1"
    assert caller_address(scope(("10.0.0.1", 1), "not-an-address"), trusted_proxy=True) == "10.0.0.1"
    assert caller_address(scope(("10.0.0.1", 1)), trusted_proxy=True) == "10.0.0.1"
    assert caller_address(scope(None), trusted_proxy=False) == UNKNOWN_CALLER
