"""Users and their bearer tokens; only a SHA-256 of each token is stored."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import users
from models.case import Role


@dataclass(frozen=True)
class User:
    user_id: str
    name: str
    role: Role
    regions: list[str]

    def prefixes(self) -> list[str] | None:
        """Region-code prefixes this user sees: a district itself, a city (xxxx00) all its districts,
        a province (xx0000) all its cities; None for admin (everything)."""
        if self.role == Role.ADMIN:
            return None
        return [region_prefix(r) for r in self.regions]

    def covers(self, region_code: str) -> bool:
        prefixes = self.prefixes()
        return prefixes is None or any(region_code.startswith(p) for p in prefixes)


def region_prefix(region: str) -> str:
    if region.endswith("0000"):
        return region[:2]
    if region.endswith("00"):
        return region[:4]
    return region


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_user(session: AsyncSession, name: str, role: Role, regions: list[str]) -> tuple[User, str]:
    token = "ql_" + secrets.token_urlsafe(32)
    user = User(user_id="u_" + uuid.uuid4().hex[:16], name=name, role=role, regions=regions)
    await session.execute(
        users.insert().values(
            user_id=user.user_id,
            name=name,
            role=role.value,
            regions=regions,
            token_sha256=token_hash(token),
            created_at=datetime.now(UTC),
        )
    )
    return user, token


async def user_by_token(session: AsyncSession, token: str) -> User | None:
    row = (await session.execute(select(users).where(users.c.token_sha256 == token_hash(token)))).first()
    if row is None:
        return None
    return User(user_id=row.user_id, name=row.name, role=Role(row.role), regions=list(row.regions))


async def user_by_name(session: AsyncSession, name: str) -> User | None:
    row = (await session.execute(select(users).where(users.c.name == name))).first()
    if row is None:
        return None
    return User(user_id=row.user_id, name=row.name, role=Role(row.role), regions=list(row.regions))
