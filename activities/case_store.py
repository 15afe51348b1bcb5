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
    append_events,
    chain_holds,
    is_unique_violation,
    lock_cases,
    merge_workers,
    recorded_hashes,
    recorded_workers,
    save_case,
    sync_service,
)
from db.sequences import next_value
from db.tables import cases
from db.tracks import save_track
from models.activities import (
    ASSIGN_CASE_NUMBER,
    RECORD_EVENT,
    RECORD_EVENTS,
    RECORD_TRACK_EVENT,
    AssignCaseNumberInput,
    RecordedHash,
    RecordEventInput,
    RecordEventsInput,
    RecordTrackEventInput,
)
from models.case import ProcedureState

log = logging.getLogger(__name__)
CASE_NUMBER_TYPE = "案"


class CaseStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self._sessions = sessions
        self._settings = settings

    @activity.defn(name=RECORD_EVENT)
    async def record_event(self, inp: RecordEventInput) -> RecordedHash:
        """Write the projection and one history row (chained: db/chain.py) in one transaction; a retry writes
        nothing twice. Returns the row's hash, which the workflow keeps (``ProcedureState.history_hash``; see
        ``_answer`` for the one exception); None only for a row written before the chain existed."""
        ev, case = inp.event, inp.case
        try:
            async with self._sessions.begin() as session:
                found = await recorded_hashes(session, case.case_id, [ev.seq])
                if ev.seq in found:
                    log.info("event already recorded case=%s seq=%d", case.case_id, ev.seq)
                    return await self._answer(session, case, found[ev.seq])
                if not case.workers:  # a snapshot: the workers are the recorded ones with the changes applied
                    workers = merge_workers(await recorded_workers(session, case.case_id), inp.worker_changes)
                    case = case.model_copy(update={"workers": workers})
                await save_case(session, case, ev.at)
                await sync_service(session, case)
                return await self._answer(session, case, await append_event(session, case.case_id, ev))
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
            log.info("concurrent attempt recorded case=%s seq=%d first", case.case_id, ev.seq)
            return await self._recorded(case, ev.seq)

    @activity.defn(name=RECORD_EVENTS)
    async def record_events(self, inp: RecordEventsInput) -> RecordedHash:
        """The projection once and each history row not yet written (chained), in one transaction (a retry, or
        an attempt that committed before its worker died, writes nothing twice). Returns the hash of the last
        event's row (as ``record_event``)."""
        case = inp.case
        if not inp.events:
            return case.history_hash
        last = inp.events[-1].seq
        try:
            async with self._sessions.begin() as session:
                found = await recorded_hashes(session, case.case_id, [ev.seq for ev in inp.events])
                fresh = [ev for ev in inp.events if ev.seq not in found]
                if not fresh:
                    return await self._answer(session, case, found[last])
                workers = await recorded_workers(session, case.case_id)
                await save_case(session, case.model_copy(update={"workers": workers}), inp.events[-1].at)
                written = await append_events(session, case.case_id, fresh)
                return await self._answer(session, case, written if fresh[-1].seq == last else found[last])
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
            log.info("concurrent attempt recorded case=%s events first", case.case_id)
            return await self._recorded(case, last)

    @activity.defn(name=RECORD_TRACK_EVENT)
    async def record_track_event(self, inp: RecordTrackEventInput) -> RecordedHash:
        """A sub-process's history row, into its case's history (chained with the case's rows, under the case's
        lock), with the sub-process's read model, in one transaction; a retry writes nothing twice."""
        track, ev = inp.track, inp.event
        try:
            async with self._sessions.begin() as session:
                found = await recorded_hashes(session, track.case_id, [ev.seq])
                if ev.seq in found:
                    return await self._answer(session, track, found[ev.seq])
                await lock_cases(session, [track.case_id])
                await save_track(session, track, ev.at)
                return await self._answer(session, track, await append_event(session, track.case_id, ev))
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
            log.info("concurrent attempt recorded track=%s seq=%d first", track.track_id, ev.seq)
            return await self._recorded(track, ev.seq)

    async def _answer(self, session: AsyncSession, case: ProcedureState, written: str | None) -> RecordedHash:
        """The hash the workflow is to keep: the hash of the row just written, unless the case's chain no longer
        holds the hash the workflow kept from its previous row (``case.history_hash``, in the snapshot). Then
        the chain was rewritten (or the database restored from an older backup) since: the row is written all
        the same (the case goes on), but the workflow keeps its old hash, so ``qingling audit verify
        --against-temporal`` keeps reporting the case rather than the new row covering the rewrite up."""
        kept = case.history_hash
        if written is None or kept is None or kept == written or await chain_holds(session, case.case_id, kept):
            return written
        log.error(
            "history chain of case=%s no longer holds the hash its workflow kept (%s…): rewritten or restored; "
            "run `qingling audit verify --against-temporal`",
            case.case_id,
            kept[:12],
        )
        return kept

    async def _recorded(self, case: ProcedureState, seq: int) -> RecordedHash:
        """The hash of a row another attempt wrote first."""
        async with self._sessions() as session:
            return await self._answer(session, case, (await recorded_hashes(session, case.case_id, [seq])).get(seq))

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
