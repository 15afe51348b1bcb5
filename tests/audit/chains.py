"""Helpers of the audit tests: history written by the real activities, and the tampering an attacker with
write access to the database would do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.case_store import CaseStore
from db.chain import CHAINED, link
from db.tables import case_events
from models.activities import CaseEvent, RecordEventInput
from models.case import CaseIntake, CaseState
from models.start import CaseStart
from tests.builders import intake_body
from tests.harness import INSPECTOR
from workflows.case import initial_state

T0 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def new_case(case_id: str, **update: Any) -> CaseState:
    intake = CaseIntake.model_validate(intake_body(workers=1))
    state = initial_state(CaseStart(case_id=case_id, intake=intake, created_by=INSPECTOR))
    return state.model_copy(update=update)


def event_input(case: CaseState, seq: int, **data: Any) -> RecordEventInput:
    ev = CaseEvent(
        seq=seq,
        at=T0 + timedelta(minutes=seq),
        kind="intake" if seq == 1 else "record_finding",
        actor=INSPECTOR.user_id,
        actor_role=INSPECTOR.role.value,
        stage_before=None if seq == 1 else case.stage.value,
        stage_after=case.stage.value,
        data={"n": seq, "amount": "12000.00", "note": "工资欠条", **data},
    )
    return RecordEventInput(case=case.model_copy(update={"last_seq": seq}), event=ev)


async def record(store: CaseStore, case: CaseState, seqs: range | list[int]) -> list[str | None]:
    """The case's rows written by the real activity, one transaction each, as the workflow writes them."""
    env = ActivityEnvironment()
    return [await env.run(store.record_event, event_input(case, seq)) for seq in seqs]


async def rows(sessions: async_sessionmaker[AsyncSession], case_id: str) -> list[dict[str, Any]]:
    async with sessions() as s:
        found = await s.execute(select(case_events).where(case_events.c.case_id == case_id).order_by(case_events.c.id))
        return [dict(r._mapping) for r in found]


async def edit(sessions: async_sessionmaker[AsyncSession], case_id: str, seq: int, /, **values: Any) -> None:
    """Change a row in place, as someone with write access to the database would."""
    async with sessions.begin() as s:
        await s.execute(
            case_events.update().where(case_events.c.case_id == case_id, case_events.c.seq == seq).values(**values)
        )


async def delete(sessions: async_sessionmaker[AsyncSession], case_id: str, seq: int) -> None:
    async with sessions.begin() as s:
        await s.execute(case_events.delete().where(case_events.c.case_id == case_id, case_events.c.seq == seq))


async def rehash(sessions: async_sessionmaker[AsyncSession], case_id: str) -> None:
    """Recompute every hash of the case's chain from its (edited) rows: a consistent rewrite that the database
    alone cannot tell from the original."""
    found = await rows(sessions, case_id)
    fresh = [{k: r[k] for k in ("id", *CHAINED)} for r in found]
    link(fresh, {})
    async with sessions.begin() as s:
        for r in fresh:
            await s.execute(
                case_events.update().where(case_events.c.id == r["id"]).values(prev_hash=r["prev_hash"], hash=r["hash"])
            )
