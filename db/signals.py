"""Monitoring signals (models/signals.py): recorded once per platform and signal id, matched to open cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import false, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.cases import is_unique_violation
from db.tables import cases, signals, users
from models.case import TERMINAL_STAGES
from models.signals import MonitoringSignal, SignalOutcome


@dataclass(frozen=True)
class Recorded:
    row: Any
    """The signals row as it is now."""
    new: bool
    """This call wrote it (not a retry of one already recorded)."""


async def record(
    session: AsyncSession, source_user_id: str, signal: MonitoringSignal, digest: str, received_at: datetime
) -> Recorded:
    """The signal's row, inserted unless the platform reported this id before (then the row already there)."""
    values = {
        "source_user_id": source_user_id,
        "signal_id": signal.signal_id,
        "digest": digest,
        "kind": signal.kind.value,
        "observed_at": signal.observed_at,
        "received_at": received_at,
        "region_code": signal.region_code,
        "employer_uscc": signal.employer.uscc,
        "project_name": signal.project_name,
        "payload": signal.model_dump(mode="json"),
    }
    try:
        async with session.begin_nested():
            await session.execute(signals.insert().values(**values))
        new = True
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        new = False
    row = await get(session, source_user_id, signal.signal_id)
    assert row is not None
    return Recorded(row, new)


def _with_source() -> Any:
    """Signals rows with their platform's user name (``source_name``)."""
    return select(signals, users.c.name.label("source_name")).join(users, users.c.user_id == signals.c.source_user_id)


async def get(session: AsyncSession, source_user_id: str, signal_id: str) -> Any:
    s = signals
    stmt = _with_source().where(s.c.source_user_id == source_user_id, s.c.signal_id == signal_id)
    return (await session.execute(stmt)).first()


async def open_case_for(session: AsyncSession, uscc: str, project_name: str | None) -> str | None:
    """The most recently received open case of this employer (and, if the signal names one, this project)."""
    stmt = (
        select(cases.c.case_id, cases.c.state["project"].label("project"))
        .where(cases.c.employer_uscc == uscc, cases.c.stage.not_in([s.value for s in TERMINAL_STAGES]))
        .order_by(cases.c.received_at.desc(), cases.c.case_id)
    )
    for row in await session.execute(stmt):
        project = row.project if isinstance(row.project, dict) else None
        name = project.get("name") if project else None
        if project_name is None or name == project_name:
            return str(row.case_id)
    return None


async def resolve(
    session: AsyncSession, source_user_id: str, signal_id: str, outcome: SignalOutcome, case_id: str | None
) -> None:
    s = signals
    await session.execute(
        update(s)
        .where(s.c.source_user_id == source_user_id, s.c.signal_id == signal_id)
        .values(outcome=outcome.value, case_id=case_id)
    )


async def of_case(session: AsyncSession, case_id: str) -> list[Any]:
    s = signals
    stmt = _with_source().where(s.c.case_id == case_id).order_by(s.c.received_at)
    return list((await session.execute(stmt)).all())


async def unmatched(session: AsyncSession, prefixes: list[str] | None, limit: int = 200) -> list[Any]:
    """Signals waiting for a supervisor, in the jurisdiction (region prefixes; None: everywhere), oldest first."""
    s = signals
    stmt = _with_source().where(s.c.outcome == SignalOutcome.UNMATCHED.value)
    if prefixes is not None:
        stmt = stmt.where(or_(false(), *(s.c.region_code.startswith(p) for p in prefixes)))
    return list((await session.execute(stmt.order_by(s.c.received_at).limit(limit))).all())
