"""`qingling user create|list|revoke|renew` through the console script, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from db.tables import users
from db.users import token_hash
from tests.accounts.helpers import LIST, bearer, http, qingling, running


async def test_revoke_list_renew(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], time_skipping_env: WorkflowEnvironment
) -> None:
    created = qingling(settings, "user", "create", "--name", "li", "--role", "inspector", "--region", "140105")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("ql_") and len(created.stdout.splitlines()) == 1 and "有效期至" in created.stderr
    short = qingling(settings, "user", "create", "--name", "wang", "--role", "admin", "--days", "7")
    assert short.returncode == 0, short.stderr
    bad_days = qingling(settings, "user", "create", "--name", "zhao", "--role", "admin", "--days", "0")
    assert bad_days.returncode == 2 and "1 到 3650" in bad_days.stderr
    async with sessions.begin() as s:
        rows = {r.name: r for r in (await s.execute(select(users))).all()}
        assert (rows["li"].expires_at - rows["li"].created_at).days == 90  # the default lifetime
        assert (rows["wang"].expires_at - rows["wang"].created_at).days == 7
        await s.execute(update(users).where(users.c.name == "wang").values(expires_at=None))  # made before 0005
    hashes = [token_hash(token), rows["wang"].token_sha256]

    async with running(settings, time_skipping_env.client) as app, http(app) as client:
        assert (await client.get(LIST, headers=bearer(token))).status_code == 200

        revoked = qingling(settings, "user", "revoke", "li")
        assert revoked.returncode == 0, revoked.stderr
        assert "已注销用户 li" in revoked.stderr and revoked.stdout == ""
        r = await client.get(LIST, headers=bearer(token))
        assert r.status_code == 401 and "已注销" in r.json()["error"]["message"]
        assert 'error="invalid_token"' in r.headers["www-authenticate"]
        again = qingling(settings, "user", "revoke", "li")
        assert again.returncode == 0 and "未作改变" in again.stderr

        unknown = qingling(settings, "user", "revoke", "nobody")
        assert unknown.returncode == 1 and "没有名为 nobody 的用户" in unknown.stderr and unknown.stdout == ""

        listed = qingling(settings, "user", "list")
        assert listed.returncode == 0, listed.stderr
        lines = listed.stdout.splitlines()
        assert lines[0].split()[:2] == ["用户名", "name"]
        (li,) = [line for line in lines if line.startswith("li ")]
        (wang,) = [line for line in lines if line.startswith("wang ")]
        assert "inspector" in li and "140105" in li and "已注销" in li
        assert "admin" in wang and "未设置有效期" in wang and "有效" in wang
        assert "共 2 个用户" in listed.stdout
        for secret in [token, *hashes]:  # never a token nor a hash
            assert secret not in listed.stdout + listed.stderr
            assert secret not in revoked.stdout + revoked.stderr

        renewed = qingling(settings, "user", "renew", "li", "--days", "30")
        assert renewed.returncode == 0, renewed.stderr
        fresh = renewed.stdout.strip()
        assert fresh.startswith("ql_") and fresh != token and "旧令牌立即失效" in renewed.stderr
        assert (await client.get(LIST, headers=bearer(fresh))).status_code == 200
        assert (await client.get(LIST, headers=bearer(token))).status_code == 401
        assert qingling(settings, "user", "renew", "nobody").returncode == 1
    listed = qingling(settings, "user", "list")
    assert fresh not in listed.stdout and token_hash(fresh) not in listed.stdout
    (li,) = [line for line in listed.stdout.splitlines() if line.startswith("li ")]
    assert "有效" in li and "已注销" not in li
