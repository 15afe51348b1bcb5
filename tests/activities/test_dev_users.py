"""`qingling dev` creates the demo users of the interface, the head (劳动保障行政部门负责人) among them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.users import user_by_token
from models.case import Role
from qingling.dev import ensure_demo_users

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_demo_tokens_name_every_role(sessions: async_sessionmaker[AsyncSession], tmp_path: Path) -> None:
    token_file = tmp_path / "dev-tokens.json"
    tokens = await ensure_demo_users(sessions, token_file)
    assert set(json.loads(token_file.read_text(encoding="utf-8"))) == {"inspector", "supervisor", "head", "admin"}
    async with sessions() as s:
        head = await user_by_token(s, tokens["head"])
    assert head is not None and head.role == Role.HEAD and head.regions == ["140105"]
    assert await ensure_demo_users(sessions, token_file) == tokens  # reused while they still work
