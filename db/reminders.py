"""Who must be told what is due: the warnings and escalations addressed to a user (``GET /me/reminders``) and
the regions' daily digests of overdue deadlines (written by the ``make_digests`` activity).

Both read the rows db.cases.save_case writes for each case's deadlines (``case_deadlines``) and
escalations (``case_escalations``), never the state JSON.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.cases import InvalidCursor
from db.regions import within
from db.tables import case_deadlines, case_escalations, cases, digests
from models.case import TERMINAL_STAGES, DeadlineStatus, Role

OPEN_STATUSES = (DeadlineStatus.PENDING.value, DeadlineStatus.OVERDUE.value)
CLOSED_STAGES = tuple(sorted(s.value for s in TERMINAL_STAGES))

_E, _D, _C = case_escalations, case_deadlines, cases


# --- Reminders: the warnings and escalations addressed to one user ------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """One escalation row, with its case's number and employer and its deadline's status now."""

    case_id: str
    position: int
    case_number: str | None
    employer_name: str
    kind: str
    level: int
    deadline_kind: str
    due: date
    at: datetime
    addressee_role: str
    addressee: str | None
    region_code: str
    notice: str | None
    deadline_status: str | None
    """The status of the deadline it was raised for (the latest of that kind with that due date); None if
    the case no longer has one."""


@dataclass(frozen=True)
class ReminderPage:
    items: list[Reminder]
    next_cursor: str | None
    """The cursor of the next page; None on the last one."""


def encode_reminder_cursor(at: datetime, case_id: str, position: int) -> str:
    raw = json.dumps([at.isoformat(), case_id, position], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_reminder_cursor(token: str) -> tuple[datetime, str, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        at, case_id, position = json.loads(raw)
        moment = datetime.fromisoformat(at)
    except (ValueError, TypeError) as exc:
        raise InvalidCursor(token) from exc
    if moment.tzinfo is None or not isinstance(case_id, str) or type(position) is not int:
        raise InvalidCursor(token)
    return moment, case_id, position


def deadline_status() -> ColumnElement[str]:
    """The status of the deadline an escalation row was raised for: of the case's deadlines of that kind with
    that due date, the latest (a deadline replaced on the same date leaves the cancelled one before it)."""
    return (
        select(_D.c.status)
        .where(_D.c.case_id == _E.c.case_id, _D.c.kind == _E.c.deadline_kind, _D.c.due == _E.c.due)
        .order_by(_D.c.position.desc())
        .limit(1)
        .correlate(_E)
        .scalar_subquery()
    )


def addressed_to(user_id: str, role: Role, region_prefixes: list[str] | None) -> ColumnElement[bool]:
    """Escalation rows for this user: addressed to them by id, or to every holder of their role in a region
    within their jurisdiction."""
    allowed = within(region_prefixes, _E.c.region_code)
    to_role = and_(
        _E.c.addressee.is_(None), _E.c.addressee_role == role.value, allowed if allowed is not None else true()
    )
    return or_(_E.c.addressee == user_id, to_role)


async def reminders_for(
    session: AsyncSession,
    user_id: str,
    role: Role,
    region_prefixes: list[str] | None,
    *,
    include_settled: bool = False,
    limit: int = 50,
    cursor: str | None = None,
) -> ReminderPage:
    """The user's reminders, newest first (at desc, case_id, position), by keyset.

    By default only those whose deadline is still open (pending or overdue) on a case not closed or refused;
    ``include_settled`` adds the rest (deadlines met, cancelled or gone, cases finished)."""
    after = decode_reminder_cursor(cursor) if cursor else None
    status = deadline_status().label("deadline_status")
    conditions: list[ColumnElement[bool]] = [addressed_to(user_id, role, region_prefixes)]
    if not include_settled:
        conditions += [deadline_status().in_(OPEN_STATUSES), _C.c.stage.not_in(CLOSED_STAGES)]
    if after is not None:
        at, case_id, position = after
        conditions.append(
            or_(
                _E.c.at < at,
                and_(
                    _E.c.at == at, or_(_E.c.case_id > case_id, and_(_E.c.case_id == case_id, _E.c.position > position))
                ),
            )
        )
    stmt = (
        select(_E, _C.c.case_number, _C.c.employer_name, status)
        .join(_C, _C.c.case_id == _E.c.case_id)
        .where(*conditions)
        .order_by(_E.c.at.desc(), _E.c.case_id, _E.c.position)
        .limit(limit + 1)
    )
    rows = (await session.execute(stmt)).all()
    items = [Reminder(**{k: r._mapping[k] for k in Reminder.__dataclass_fields__}) for r in rows[:limit]]
    last = items[-1] if len(rows) > limit else None
    return ReminderPage(items, encode_reminder_cursor(last.at, last.case_id, last.position) if last else None)


# --- Daily digests: each region's overdue deadlines ---------------------------------------------------------


_UPSERT_BATCH = 500
"""Rows per upsert statement (SQLite limits the parameters of one statement)."""


@dataclass(frozen=True)
class OverdueDeadline:
    region_code: str
    case_id: str
    case_number: str | None
    employer_name: str
    kind: str
    due: date


async def open_cases_by_region(session: AsyncSession) -> dict[str, int]:
    """Cases not closed or refused, counted by region code."""
    rows = await session.execute(
        select(_C.c.region_code, func.count()).where(_C.c.stage.not_in(CLOSED_STAGES)).group_by(_C.c.region_code)
    )
    return {region: int(n) for region, n in rows}


async def overdue_deadlines(session: AsyncSession, day: date) -> list[OverdueDeadline]:
    """The open deadlines (pending or overdue) of open cases whose last day is before ``day``, by region, case
    and due date."""
    rows = await session.execute(
        select(_C.c.region_code, _C.c.case_id, _C.c.case_number, _C.c.employer_name, _D.c.kind, _D.c.due)
        .join(_C, _C.c.case_id == _D.c.case_id)
        .where(_D.c.status.in_(OPEN_STATUSES), _D.c.due < day, _C.c.stage.not_in(CLOSED_STAGES))
        .order_by(_C.c.region_code, _C.c.case_id, _D.c.due, _D.c.kind)
    )
    return [OverdueDeadline(*r) for r in rows]


async def store_digests(session: AsyncSession, day: date, created_at: datetime, data: dict[str, Any]) -> None:
    """Upsert one row per region (``data``: region code → the digest as JSON) for ``day``, and drop that day's
    rows of other regions: running the same day again leaves exactly the latest run's rows."""
    await session.execute(
        delete(digests).where(digests.c.day == day, digests.c.region_code.not_in(list(data)) if data else true())
    )
    if not data:
        return
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    rows = [{"region_code": region, "day": day, "created_at": created_at, "data": d} for region, d in data.items()]
    for start in range(0, len(rows), _UPSERT_BATCH):
        stmt = insert(digests).values(rows[start : start + _UPSERT_BATCH])
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[digests.c.region_code, digests.c.day],
                set_={"created_at": stmt.excluded.created_at, "data": stmt.excluded.data},
            )
        )


@dataclass(frozen=True)
class StoredDigest:
    region_code: str
    day: date
    created_at: datetime
    data: dict[str, Any]


async def get_digest(session: AsyncSession, region_code: str, day: date | None = None) -> StoredDigest | None:
    """The region's digest of ``day``, or its latest one."""
    stmt = select(digests).where(digests.c.region_code == region_code)
    stmt = stmt.where(digests.c.day == day) if day is not None else stmt.order_by(digests.c.day.desc()).limit(1)
    row = (await session.execute(stmt)).first()
    return None if row is None else StoredDigest(row.region_code, row.day, row.created_at, dict(row.data))
