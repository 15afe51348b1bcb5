"""Writes and reads of the case read model, its history and its notices."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Text, column, false, func, literal, or_, select, table, text, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import case_events, cases, notices
from models.activities import CaseEvent
from models.case import CaseState, DeadlineStatus


def to_fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def next_due(state: CaseState) -> date | None:
    pending = [d.due for d in state.deadlines if d.status == DeadlineStatus.PENDING]
    return min(pending) if pending else None


def _row(state: CaseState, updated_at: datetime) -> dict[str, Any]:
    return {
        "case_number": state.case_number,
        "stage": state.stage.value,
        "region_code": state.region_code,
        "received_at": state.received_at,
        "channel": state.channel.value,
        "employer_name": state.employer.name,
        "employer_uscc": state.employer.uscc,
        "worker_count": len(state.workers),
        "owed_fen": to_fen(state.owed_total),
        "paid_fen": to_fen(state.paid_total),
        "outstanding_fen": to_fen(state.outstanding),
        "assignee": state.assignee,
        "next_due": next_due(state),
        "last_seq": state.last_seq,
        "state": state.model_dump(mode="json"),
        "updated_at": updated_at,
    }


async def save_case(session: AsyncSession, state: CaseState, updated_at: datetime) -> None:
    """Upsert the projection; an older snapshot (lower seq) never overwrites a newer one."""
    current = await session.scalar(select(cases.c.last_seq).where(cases.c.case_id == state.case_id))
    if current is None:
        await session.execute(cases.insert().values(case_id=state.case_id, **_row(state, updated_at)))
    elif current <= state.last_seq:
        await session.execute(cases.update().where(cases.c.case_id == state.case_id).values(**_row(state, updated_at)))


async def sync_service(session: AsyncSession, state: CaseState) -> None:
    """Copy each served notice's service into its row, once (a retry or a later event finds it set)."""
    for ref in state.notices:
        if ref.served_at is None:
            continue
        await session.execute(
            notices.update()
            .where(notices.c.notice_id == ref.notice_id, notices.c.served_at.is_(None))
            .values(
                served_at=ref.served_at,
                service_method=ref.service_method,
                service_recipient=ref.service_recipient,
                receipt_id=ref.receipt_id,
            )
        )


async def event_exists(session: AsyncSession, case_id: str, seq: int) -> bool:
    found = await session.scalar(
        select(case_events.c.id).where(case_events.c.case_id == case_id, case_events.c.seq == seq)
    )
    return found is not None


async def append_event(session: AsyncSession, case_id: str, event: CaseEvent) -> None:
    await session.execute(case_events.insert().values(case_id=case_id, **event.model_dump()))


def is_unique_violation(exc: IntegrityError) -> bool:
    text = str(exc.orig).lower()
    return "unique" in text or "duplicate key" in text


async def get_state(session: AsyncSession, case_id: str) -> CaseState | None:
    raw = await session.scalar(select(cases.c.state).where(cases.c.case_id == case_id))
    return None if raw is None else CaseState.model_validate(raw)


async def get_region(session: AsyncSession, case_id: str) -> str | None:
    return await session.scalar(select(cases.c.region_code).where(cases.c.case_id == case_id))


COUNT_CAP = 1000
"""The list counts matching cases up to this many; beyond, ``total`` is this and ``total_is_estimate`` is set."""
NAME_PROBE = 1000
"""A name search matching at most this many cases is driven from the name index (its matches are sorted);
one matching more walks the list's order and tests each name, finding a page's worth of matches early."""
_SEARCH_TABLE = "cases_name_fts"  # SQLite's FTS5 trigram table, made by migration 0003
_SORT = (cases.c.received_at.desc(), cases.c.case_id)


class InvalidCursor(ValueError):
    """A ``cursor`` that no page of the list handed out."""


@dataclass(frozen=True)
class CaseFilter:
    region_prefixes: list[str] | None
    stage: str | None = None
    region_code: str | None = None
    overdue_before: date | None = None
    q: str | None = None
    limit: int = 50
    offset: int = 0
    """Rows skipped (after the cursor, when there is one)."""
    cursor: str | None = None
    """A previous page's ``next_cursor``: this page starts right after that page's last case."""


@dataclass(frozen=True)
class CasePage:
    states: list[CaseState]
    total: int
    """Cases matching the filter (the cursor aside), counted up to COUNT_CAP."""
    total_is_estimate: bool
    """More than COUNT_CAP cases match; ``total`` is COUNT_CAP."""
    next_cursor: str | None
    """The cursor of the next page; None on the last one."""


def encode_cursor(received_at: datetime, case_id: str) -> str:
    raw = json.dumps([received_at.isoformat(), case_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        at, case_id = json.loads(raw)
        received_at = datetime.fromisoformat(at)
    except (ValueError, TypeError) as exc:
        raise InvalidCursor(token) from exc
    if received_at.tzinfo is None or not isinstance(case_id, str):
        raise InvalidCursor(token)
    return received_at, case_id


_PREFIX_COLUMNS = {2: cases.c.province_code, 4: cases.c.city_code, 6: cases.c.region_code}


def jurisdiction(prefixes: list[str] | None) -> ColumnElement[bool] | None:
    """Cases under any of the region prefixes (db.users.region_prefix: 2, 4 or 6 digits), as equalities on the
    indexed province_code, city_code or region_code; None for no restriction."""
    if prefixes is None:
        return None
    kept = {p for p in prefixes if not any(p != o and p.startswith(o) for o in prefixes)}
    terms: list[ColumnElement[bool]] = []
    for length in sorted({len(p) for p in kept}):
        values = sorted(p for p in kept if len(p) == length)
        column = _PREFIX_COLUMNS.get(length)
        if column is None:  # not a prefix region_prefix makes; correct, unindexed
            terms.extend(cases.c.region_code.startswith(v) for v in values)
        else:
            terms.append(column == values[0] if len(values) == 1 else column.in_(values))
    return or_(*terms) if terms else false()


def _covered(region_code: str, prefixes: list[str] | None) -> bool:
    return prefixes is None or any(region_code.startswith(p) for p in prefixes)


def _like_pattern(q: str) -> tuple[str, str | None]:
    if not any(c in q for c in "\\%_"):
        return f"%{q}%", None  # no ESCAPE clause: FTS5 uses its trigram index only without one
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%", "\\"


def _name_contains(column: ColumnElement[str], q: str, dialect: str) -> ColumnElement[bool]:
    """Case-insensitive (for Latin letters) on both databases, as SQLite's LIKE and FTS5's trigrams are."""
    pattern, escape = _like_pattern(q)
    if dialect == "postgresql":
        return column.ilike(pattern, escape=escape)
    return column.like(pattern, escape=escape)


async def name_matches(session: AsyncSession, q: str, limit: int) -> list[str]:
    """Ids of cases whose employer name contains ``q``, at most ``limit`` (unordered), from the name index:
    SQLite's FTS5 trigram table, PostgreSQL's pg_trgm GIN index (a scan where they are missing, and for a
    ``q`` shorter than three characters, which no trigram index can serve)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite" and await _has_search_table(session):
        fts = table(_SEARCH_TABLE, column("case_id"), column("employer_name"))
        stmt = select(fts.c.case_id).where(_name_contains(fts.c.employer_name, q, dialect))
    else:
        stmt = select(cases.c.case_id).where(_name_contains(cases.c.employer_name, q, dialect))
    return list((await session.scalars(stmt.limit(limit))).all())


async def _has_search_table(session: AsyncSession) -> bool:
    found = await session.scalar(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name").bindparams(name=_SEARCH_TABLE)
    )
    return found is not None


async def list_states(session: AsyncSession, f: CaseFilter) -> CasePage:
    """A page of the case list, newest received first (received_at desc, case_id), by keyset.

    Keys first: the page's (received_at, case_id) come from a walk of the index that starts with the filter's
    equality column and continues in the list's order, stopping after ``limit`` + 1 keys; only then are the
    page's states (the JSON) read, by primary key. The count stops at COUNT_CAP + 1."""
    after = decode_cursor(f.cursor) if f.cursor else None
    dialect = session.get_bind().dialect.name
    conditions: list[ColumnElement[bool]] = []
    if f.region_code:
        if not _covered(f.region_code, f.region_prefixes):
            return CasePage([], 0, False, None)
        conditions.append(cases.c.region_code == f.region_code)  # inside the jurisdiction: says it all
    else:
        allowed = jurisdiction(f.region_prefixes)
        if allowed is not None:
            conditions.append(allowed)
    if f.stage:
        conditions.append(cases.c.stage == f.stage)
    if f.overdue_before is not None:
        conditions.append(cases.c.next_due < f.overdue_before)
    known_over_cap = False
    if f.q:
        by_uscc = cases.c.employer_uscc == f.q.upper()
        ids = await name_matches(session, f.q, NAME_PROBE + 1)
        if len(ids) <= NAME_PROBE:  # few: those ids, by primary key
            conditions.append(or_(cases.c.case_id.in_(ids), by_uscc) if ids else by_uscc)
        else:  # many: test each name along the walk; a page fills early
            conditions.append(or_(_name_contains(cases.c.employer_name, f.q, dialect), by_uscc))
            known_over_cap = len(conditions) == 1 and NAME_PROBE >= COUNT_CAP

    if known_over_cap:
        total, estimate = COUNT_CAP, True
    else:
        counted = select(literal(1)).select_from(cases).where(*conditions).limit(COUNT_CAP + 1).subquery()
        found = int(await session.scalar(select(func.count()).select_from(counted)) or 0)
        total, estimate = min(found, COUNT_CAP), found > COUNT_CAP

    keys_q = select(cases.c.case_id, cases.c.received_at).where(*conditions)
    if after is not None:
        at, case_id = after
        keys_q = keys_q.where(cases.c.received_at <= at, or_(cases.c.received_at < at, cases.c.case_id > case_id))
    keys = (await session.execute(keys_q.order_by(*_SORT).limit(f.limit + 1).offset(f.offset))).all()
    next_cursor = (
        encode_cursor(keys[f.limit - 1].received_at, keys[f.limit - 1].case_id) if len(keys) > f.limit else None
    )
    page = [k.case_id for k in keys[: f.limit]]
    states: dict[str, str] = {}
    if page:
        # the JSON as text, parsed and validated in one pass by pydantic (half the cost of json.loads + validate)
        raw = type_coerce(cases.c.state, Text).label("state")
        rows = await session.execute(select(cases.c.case_id, raw).where(cases.c.case_id.in_(page)))
        states = {r.case_id: r.state for r in rows}
    return CasePage([CaseState.model_validate_json(states[i]) for i in page], total, estimate, next_cursor)


async def history(session: AsyncSession, case_id: str) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(
            case_events.c.seq,
            case_events.c.at,
            case_events.c.kind,
            case_events.c.actor,
            case_events.c.actor_role,
            case_events.c.stage_before,
            case_events.c.stage_after,
            case_events.c.data,
        )
        .where(case_events.c.case_id == case_id)
        .order_by(case_events.c.seq)
    )
    return [dict(r._mapping) for r in rows]


async def case_notices(session: AsyncSession, case_id: str) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(notices).where(notices.c.case_id == case_id).order_by(notices.c.issued_at, notices.c.notice_id)
    )
    return [dict(r._mapping) for r in rows]


async def get_notice(session: AsyncSession, notice_id: str) -> dict[str, Any] | None:
    row = (await session.execute(select(notices).where(notices.c.notice_id == notice_id))).first()
    return None if row is None else dict(row._mapping)


async def open_states(session: AsyncSession) -> list[CaseState]:
    rows = await session.scalars(select(cases.c.state).where(cases.c.stage.not_in(["closed", "rejected"])))
    return [CaseState.model_validate(r) for r in rows]
