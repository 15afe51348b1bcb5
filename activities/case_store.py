"""Persistence activities: the read model, the append-only history and case numbers."""

from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from config.settings import Settings
from db.cases import (
    append_event,
    event_exists,
    is_unique_violation,
    merge_workers,
    recorded_workers,
    save_case,
    sync_service,
)
from db.sequences import next_value
from db.tables import cases
from models.activities import (
    ASSIGN_CASE_NUMBER,
    RECORD_EVENT,
    RECORD_EVENTS,
    AssignCaseNumberInput,
    RecordEventInput,
    RecordEventsInput,
)

log = logging.getLogger(__name__)
CASE_NUMBER_TYPE = "案"


class CaseStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self._sessions = sessions
        self._settings = settings

    @activity.defn(name=RECORD_EVENT)
    async def record_event(self, inp: RecordEventInput) -> None:
        """Write the projection and one history row in one transaction; a retry writes nothing twice."""
        ev, case = inp.event, inp.case
        try:
            async with self._sessions.begin() as session:
                if await event_exists(session, case.case_id, ev.seq):
                    log.info("event already recorded case=%s seq=%d", case.case_id, ev.seq)
                    return
                if not case.workers:  # a snapshot: the workers are the recorded ones with the changes applied
                    workers = merge_workers(await recorded_workers(session, case.case_id), inp.worker_changes)
                    case = case.model_copy(update={"workers": workers})
                await save_case(session, case, ev.at)
                await sync_service(session, case)
                await append_event(session, case.case_id, ev)
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
            log.info("concurrent attempt recorded case=%s seq=%d first", case.case_id, ev.seq)

    @activity.defn(name=RECORD_EVENTS)
    async def record_events(self, inp: RecordEventsInput) -> None:
        """The projection once and each history row not yet written, in one transaction (a retry, or an
        attempt that committed before its worker died, writes nothing twice)."""
        case = inp.case
        try:
            async with self._sessions.begin() as session:
                fresh = [ev for ev in inp.events if not await event_exists(session, case.case_id, ev.seq)]
                if not fresh:
                    return
                workers = await recorded_workers(session, case.case_id)
                await save_case(session, case.model_copy(update={"workers": workers}), inp.events[-1].at)
                for ev in fresh:
                    await append_event(session, case.case_id, ev)
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
            log.info("concurrent attempt recorded case=%s events first", case.case_id)

    @activity.defn(name=ASSIGN_CASE_NUMBER)
    async def assign_case_number(self, inp: AssignCaseNumberInput) -> str:
        """立案 number from the issuer's gapless sequence; the same case always gets the same number."""
        bureau = self._settings.bureau_for(inp.region_code)
        async with self._sessions.begin() as session:
            existing = await session.scalar(select(cases.c.case_number).where(cases.c.case_id == inp.case_id))
            if existing:
                return str(existing)
            seq = await next_value(session, bureau.abbr, CASE_NUMBER_TYPE, inp.year)
            number = f"{bureau.abbr}{CASE_NUMBER_TYPE}〔{inp.year}〕{seq}号"
            await session.execute(update(cases).where(cases.c.case_id == inp.case_id).values(case_number=number))
            return number
