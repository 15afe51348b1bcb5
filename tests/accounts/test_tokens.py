"""Tokens expire and can be revoked; every 401 says why (missing, invalid, expired, revoked) and carries
``WWW-Authenticate`` (RFC 6750); tokens are stored as hashes only."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from db.tables import users
from db.users import (
    DEFAULT_TOKEN_LIFETIME,
    TokenState,
    check_token,
    create_user,
    list_accounts,
    renew_token,
    revoke_user,
    token_hash,
    user_by_token,
)
from models.case import Role
from qingling.dev import ensure_demo_users
from tests.accounts.helpers import LIST, bearer, http, running

CHALLENGE = 'Bearer realm="qingling"'


async def test_tokens_expire_and_say_so(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], time_skipping_env: WorkflowEnvironment
) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=91)
    async with sessions.begin() as s:
        _, stale = await create_user(s, "stale", Role.INSPECTOR, ["140105"], now=long_ago)
        _, fresh = await create_user(s, "fresh", Role.INSPECTOR, ["140105"], lifetime=timedelta(days=1))
    async with running(settings, time_skipping_env.client) as app, http(app) as client:
        r = await client.get(LIST, headers=bearer(stale))
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "token_expired" and "过期" in r.json()["error"]["message"]
        challenge = r.headers["www-authenticate"]
        assert challenge.startswith(CHALLENGE) and 'error="invalid_token"' in challenge
        assert "expired" in challenge

        assert (await client.get(LIST, headers=bearer(fresh))).status_code == 200

        r = await client.get(LIST)  # no token: the challenge without an error code (RFC 6750, 3.1)
        assert r.status_code == 401 and r.headers["www-authenticate"] == CHALLENGE
        assert r.json()["error"]["code"] == "unauthenticated" and "未登录" in r.json()["error"]["message"]
        r = await client.get(LIST, headers={"Authorization": "Basic dXNlcjpwYXNz"})
        assert r.status_code == 401 and r.headers["www-authenticate"] == CHALLENGE

        r = await client.get(LIST, headers=bearer("ql_" + "x" * 43))
        assert r.status_code == 401 and r.json()["error"]["code"] == "token_invalid"
        assert r.json()["error"]["message"] == "令牌无效"
        assert 'error="invalid_token"' in r.headers["www-authenticate"]
        # The codec endpoint's 401 (it signs in through the same dependency) carries the challenge too.
        r = await client.post("/codec/decode", json={"payloads": []})
        assert r.status_code == 401 and r.headers["www-authenticate"] == CHALLENGE
        r = await client.post("/codec/decode", json={"payloads": []}, headers=bearer(stale))
        assert r.status_code == 401 and r.json()["error"]["code"] == "token_expired"
    async with sessions() as s:
        assert await user_by_token(s, stale) is None
        assert (await check_token(s, stale))[0] == TokenState.EXPIRED
        # At its creation a default token lives as long as the setting says by default.
        (row,) = (await s.execute(select(users).where(users.c.name == "fresh"))).all()
    assert Settings().token_lifetime_days == DEFAULT_TOKEN_LIFETIME.days == 90
    assert row.expires_at - row.created_at == timedelta(days=1)


async def test_revoked_and_renewed(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], time_skipping_env: WorkflowEnvironment
) -> None:
    async with sessions.begin() as s:
        _, token = await create_user(s, "li", Role.SUPERVISOR, ["140105"])
    async with running(settings, time_skipping_env.client) as app, http(app) as client:
        assert (await client.get(LIST, headers=bearer(token))).status_code == 200
        async with sessions.begin() as s:
            first = await revoke_user(s, "li")
        assert first is not None and first[1] and first[0].revoked_at is not None
        r = await client.get(LIST, headers=bearer(token))  # at once: no cache
        assert r.status_code == 401 and r.json()["error"]["code"] == "token_revoked"
        assert "已注销" in r.json()["error"]["message"] and 'error="invalid_token"' in r.headers["www-authenticate"]
        async with sessions.begin() as s:
            again = await revoke_user(s, "li")
            assert await revoke_user(s, "nobody") is None
        assert again is not None and not again[1] and again[0].revoked_at == first[0].revoked_at  # idempotent

        async with sessions.begin() as s:
            renewed = await renew_token(s, "li", lifetime=timedelta(days=7))
            assert await renew_token(s, "nobody") is None
        assert renewed is not None
        account, new = renewed
        assert account.revoked_at is None and account.state(datetime.now(UTC)) == TokenState.LIVE
        assert new != token and (await client.get(LIST, headers=bearer(new))).status_code == 200
        r = await client.get(LIST, headers=bearer(token))  # the old token is gone: unknown, not revoked
        assert r.status_code == 401 and r.json()["error"]["code"] == "token_invalid"


async def test_tokens_made_before_expiry_keep_working(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], time_skipping_env: WorkflowEnvironment
) -> None:
    async with sessions.begin() as s:
        _, token = await create_user(s, "old", Role.INSPECTOR, ["140105"])
        await s.execute(update(users).where(users.c.name == "old").values(expires_at=None))  # as before 0005
    async with running(settings, time_skipping_env.client) as app, http(app) as client:
        assert (await client.get(LIST, headers=bearer(token))).status_code == 200
    async with sessions() as s:
        (account,) = await list_accounts(s)
    assert account.expires_at is None and account.state(datetime.now(UTC)) == TokenState.LIVE


async def test_only_the_hash_is_stored(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as s:
        _, token = await create_user(s, "li", Role.INSPECTOR, ["140105"])
    async with sessions() as s:
        (row,) = (await s.execute(select(users))).all()
        accounts = await list_accounts(s)
    assert token.startswith("ql_") and len(token) >= 43
    assert row.token_sha256 == token_hash(token) and token not in [str(v) for v in row]
    assert not any(token_hash(token) in repr(a) or token in repr(a) for a in accounts)


async def test_a_lifetime_must_be_positive(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as s:
        with pytest.raises(ValueError):
            await create_user(s, "li", Role.INSPECTOR, ["140105"], lifetime=timedelta(0))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_expired_demo_tokens_are_reissued(sessions: async_sessionmaker[AsyncSession], tmp_path: Path) -> None:
    token_file = tmp_path / "dev-tokens.json"
    tokens = await ensure_demo_users(sessions, token_file, lifetime=timedelta(days=30))
    async with sessions.begin() as s:
        await s.execute(update(users).where(users.c.name == "head").values(expires_at=datetime.now(UTC)))
    again = await ensure_demo_users(sessions, token_file)
    assert again["head"] != tokens["head"] and again["inspector"] == tokens["inspector"]
    assert json.loads(token_file.read_text(encoding="utf-8")) == again
    async with sessions() as s:
        assert await user_by_token(s, again["head"]) is not None
