"""The web console's sessions: a random id in an HttpOnly cookie, its SHA-256 here, a CSRF token per session, an
absolute expiry. A session ends when signed out, when it expires, and when its user's token is revoked or
expired (the same account, signed in with that token)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import console_sessions, users
from db.users import User, token_hash
from models.case import Role


async def open_session(session: AsyncSession, user_id: str, now: datetime, lifetime: timedelta) -> tuple[str, str]:
    """A new session for ``user_id``: (the cookie's value, the session's CSRF token)."""
    raw, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    await session.execute(
        console_sessions.insert().values(
            session_hash=token_hash(raw), user_id=user_id, csrf=csrf, created_at=now, expires_at=now + lifetime
        )
    )
    await session.execute(delete(console_sessions).where(console_sessions.c.expires_at <= now))  # tidy
    return raw, csrf


async def session_user(session: AsyncSession, raw: str, now: datetime) -> tuple[User, str] | None:
    """The signed-in user and the session's CSRF token; None for an unknown or ended session."""
    s, u = console_sessions, users
    row = (
        await session.execute(
            select(u.c.user_id, u.c.name, u.c.role, u.c.regions, u.c.expires_at, u.c.revoked_at, s.c.csrf)
            .join(u, u.c.user_id == s.c.user_id)
            .where(s.c.session_hash == token_hash(raw), s.c.expires_at > now)
        )
    ).first()
    if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    return User(user_id=row.user_id, name=row.name, role=Role(row.role), regions=list(row.regions)), row.csrf


async def close_session(session: AsyncSession, raw: str) -> None:
    await session.execute(delete(console_sessions).where(console_sessions.c.session_hash == token_hash(raw)))
