"""Users and their bearer tokens; only a SHA-256 of each token is stored. Failed sign-ins per client.

A token is ``ql_`` and 256 random bits (``secrets.token_urlsafe(32)``). Nobody can guess one, so a fast,
unsalted hash is enough to keep the stored column useless to a reader of the database: salting and slow
hashing defend low-entropy passwords against dictionary attacks, and a 256-bit random secret has no
dictionary. The hash is looked up by equality (a unique index), never returned, listed or logged: only
``qingling user create`` and ``qingling user renew`` print a token, once, when they make it.

A token works until its ``expires_at`` (set at creation from the configured lifetime) and until the user is
revoked (``revoked_at``). Tokens made before tokens expired have no ``expires_at``: they keep working, and
``qingling user list`` flags them so that an operator renews them (docs/security.md, Accounts).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from math import ceil
from typing import Any

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import sign_in_failures, users
from models.case import Role

DEFAULT_TOKEN_LIFETIME = timedelta(days=90)
"""As ``Settings.token_lifetime_days`` by default; what a caller that names no lifetime gets."""
CLIENT_KEY_LENGTH = 200
"""The length of ``sign_in_failures.client``: longer client keys are cut."""


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


class TokenState(StrEnum):
    LIVE = "live"
    UNKNOWN = "unknown"
    """No user has this token (never issued, mistyped, or replaced by ``renew``)."""
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class Account:
    """A user as ``qingling user list`` shows it: never the token nor its hash."""

    user_id: str
    name: str
    role: Role
    regions: list[str]
    created_at: datetime
    expires_at: datetime | None
    """None: made before tokens expired; works until revoked or renewed."""
    revoked_at: datetime | None

    def state(self, now: datetime) -> TokenState:
        return _state(self.expires_at, self.revoked_at, now)

    def user(self) -> User:
        return User(user_id=self.user_id, name=self.name, role=self.role, regions=list(self.regions))


def _state(expires_at: datetime | None, revoked_at: datetime | None, now: datetime) -> TokenState:
    if revoked_at is not None:
        return TokenState.REVOKED
    if expires_at is not None and expires_at <= now:
        return TokenState.EXPIRED
    return TokenState.LIVE


def region_prefix(region: str) -> str:
    if region.endswith("0000"):
        return region[:2]
    if region.endswith("00"):
        return region[:4]
    return region


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "ql_" + secrets.token_urlsafe(32)


_ACCOUNT_COLUMNS = (
    users.c.user_id,
    users.c.name,
    users.c.role,
    users.c.regions,
    users.c.created_at,
    users.c.expires_at,
    users.c.revoked_at,
)
"""Every column but the token's hash, which is only ever compared."""


def _account(row: Any) -> Account:
    return Account(
        user_id=row.user_id,
        name=row.name,
        role=Role(row.role),
        regions=list(row.regions),
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


def _lifetime(lifetime: timedelta) -> timedelta:
    if lifetime <= timedelta(0):
        raise ValueError("a token's lifetime must be positive")
    return lifetime


async def create_user(
    session: AsyncSession,
    name: str,
    role: Role,
    regions: list[str],
    *,
    lifetime: timedelta = DEFAULT_TOKEN_LIFETIME,
    now: datetime | None = None,
) -> tuple[User, str]:
    """A new user and their token, which expires ``lifetime`` after ``now`` (a past ``now`` makes a token
    that has already expired, for tests)."""
    moment = now or datetime.now(UTC)
    token = new_token()
    user = User(user_id="u_" + uuid.uuid4().hex[:16], name=name, role=role, regions=regions)
    await session.execute(
        users.insert().values(
            user_id=user.user_id,
            name=name,
            role=role.value,
            regions=regions,
            token_sha256=token_hash(token),
            created_at=moment,
            expires_at=moment + _lifetime(lifetime),
        )
    )
    return user, token


async def check_token(session: AsyncSession, token: str, now: datetime | None = None) -> tuple[TokenState, User | None]:
    """Whose token this is and whether it still works; the user only when it does (``LIVE``)."""
    row = (await session.execute(select(*_ACCOUNT_COLUMNS).where(users.c.token_sha256 == token_hash(token)))).first()
    if row is None:
        return TokenState.UNKNOWN, None
    account = _account(row)
    state = account.state(now or datetime.now(UTC))
    return state, account.user() if state == TokenState.LIVE else None


async def user_by_token(session: AsyncSession, token: str, now: datetime | None = None) -> User | None:
    """The user whose token this is, if it still works (not expired, not revoked)."""
    return (await check_token(session, token, now))[1]


async def user_by_name(session: AsyncSession, name: str) -> User | None:
    account = await account_by_name(session, name)
    return None if account is None else account.user()


async def account_by_name(session: AsyncSession, name: str) -> Account | None:
    row = (await session.execute(select(*_ACCOUNT_COLUMNS).where(users.c.name == name))).first()
    return None if row is None else _account(row)


async def list_accounts(session: AsyncSession) -> list[Account]:
    rows = (await session.execute(select(*_ACCOUNT_COLUMNS).order_by(users.c.name))).all()
    return [_account(row) for row in rows]


async def revoke_user(session: AsyncSession, name: str, now: datetime | None = None) -> tuple[Account, bool] | None:
    """The user's token stops working at once. The account, and whether it was revoked now: revoking again
    changes nothing (the first ``revoked_at`` stays). None if no user has that name."""
    result = await session.execute(
        update(users)
        .where(users.c.name == name, users.c.revoked_at.is_(None))
        .values(revoked_at=now or datetime.now(UTC))
    )
    account = await account_by_name(session, name)
    return None if account is None else (account, result.rowcount == 1)  # type: ignore[attr-defined]


async def renew_token(
    session: AsyncSession,
    name: str,
    *,
    lifetime: timedelta = DEFAULT_TOKEN_LIFETIME,
    now: datetime | None = None,
) -> tuple[Account, str] | None:
    """A fresh token for the user (a new hash: the old token stops working), expiring ``lifetime`` from now;
    a revoked user is reinstated with it. None if no user has that name."""
    moment = now or datetime.now(UTC)
    token = new_token()
    result = await session.execute(
        update(users)
        .where(users.c.name == name)
        .values(token_sha256=token_hash(token), expires_at=moment + _lifetime(lifetime), revoked_at=None)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        return None
    account = await account_by_name(session, name)
    assert account is not None
    return account, token


# --- failed sign-ins ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignInLimits:
    max_failures: int
    """Bad tokens a client may present in one window; the next attempt is refused (429) unchecked."""
    window: timedelta
    """From the client's first failure; the count starts again after it."""


@dataclass(frozen=True)
class SignInFailures:
    failures: int
    window_start: datetime

    def retry_after(self, now: datetime, limits: SignInLimits) -> int | None:
        """Seconds until this client may try again, or None if it may now."""
        ends = self.window_start + limits.window
        if self.failures < limits.max_failures or ends <= now:
            return None
        return max(1, ceil((ends - now).total_seconds()))


def client_key(client: str) -> str:
    return client[:CLIENT_KEY_LENGTH]


async def sign_in_failures_of(session: AsyncSession, client: str) -> SignInFailures | None:
    """The client's failures, if it has any on record (in the current window or an ended one)."""
    row = (
        await session.execute(
            select(sign_in_failures.c.failures, sign_in_failures.c.window_start).where(
                sign_in_failures.c.client == client_key(client)
            )
        )
    ).first()
    return None if row is None else SignInFailures(failures=row.failures, window_start=row.window_start)


async def record_sign_in_failure(session: AsyncSession, client: str, now: datetime, window: timedelta) -> None:
    """One more failure for the client, in one statement (an upsert, so that API processes sharing the
    database count together): a window that has ended starts again at ``now`` with 1. Rows of other clients
    whose window has ended are dropped, so the table holds only the clients failing lately."""
    col = sign_in_failures.c
    ended = col.window_start <= now - window
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(sign_in_failures).values(client=client_key(client), window_start=now, failures=1)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[col.client],
            set_={
                "failures": case((ended, 1), else_=col.failures + 1),
                "window_start": case((ended, stmt.excluded.window_start), else_=col.window_start),
            },
        )
    )
    await session.execute(delete(sign_in_failures).where(ended, col.client != client_key(client)))


async def clear_sign_in_failures(session: AsyncSession, client: str) -> None:
    await session.execute(delete(sign_in_failures).where(sign_in_failures.c.client == client_key(client)))
