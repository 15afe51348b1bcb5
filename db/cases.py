"""Writes and reads of the case read model, its history and its notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, false, func, or_, select
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


@dataclass(frozen=True)
class CaseFilter:
    region_prefixes: list[str] | None
    stage: str | None = None
    region_code: str | None = None
    overdue_before: date | None = None
    q: str | None = None
    limit: int = 50
    offset: int = 0


async def list_states(session: AsyncSession, f: CaseFilter) -> tuple[int, list[CaseState]]:
    conditions = []
    if f.region_prefixes is not None:
        conditions.append(or_(*(cases.c.region_code.startswith(p) for p in f.region_prefixes), false()))
    if f.stage:
        conditions.append(cases.c.stage == f.stage)
    if f.region_code:
        conditions.append(cases.c.region_code == f.region_code)
    if f.overdue_before is not None:
        conditions.append(cases.c.next_due < f.overdue_before)
    if f.q:
        escaped = f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        conditions.append(or_(cases.c.employer_name.like(pattern, escape="\\"), cases.c.employer_uscc == f.q.upper()))
    where = and_(*conditions) if conditions else None
    count_q = select(func.count()).select_from(cases)
    rows_q = select(cases.c.state).order_by(cases.c.received_at.desc(), cases.c.case_id)
    if where is not None:
        count_q = count_q.where(where)
        rows_q = rows_q.where(where)
    total = int(await session.scalar(count_q) or 0)
    rows = (await session.scalars(rows_q.limit(f.limit).offset(f.offset))).all()
    return total, [CaseState.model_validate(r) for r in rows]


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
