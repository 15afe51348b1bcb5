"""After a holiday schedule is loaded: tell every open case with provisional deadlines to recount."""

from __future__ import annotations

import contextlib
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.service import RPCError

from config.temporal import case_workflow_id
from db.cases import open_states
from models.case import DeadlineStatus
from models.shared_clock import SHARED_CLOCK_ID
from workflows.case import ArrearsCase
from workflows.shared_clock import SharedClock

log = logging.getLogger(__name__)


async def signal_provisional_cases(client: Client, sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    """Returns (signalled, failed). The workflow recounts under its own lock and records the change. The
    shared clock is told too: the shared days' warning and level-2 moments may have moved."""
    with contextlib.suppress(RPCError):  # not started (yet): it reads the calendar when it starts
        await client.get_workflow_handle(SHARED_CLOCK_ID).signal(SharedClock.calendar_loaded)
    async with sessions() as session:
        states = await open_states(session)
    signalled = failed = 0
    for state in states:
        if not any(
            d.provisional and d.status in (DeadlineStatus.PENDING, DeadlineStatus.OVERDUE) for d in state.deadlines
        ):
            continue
        try:
            await client.get_workflow_handle(case_workflow_id(state.case_id)).signal(ArrearsCase.calendar_loaded)
            signalled += 1
        except RPCError as exc:
            failed += 1
            log.error("could not signal case %s to recount deadlines: %s", state.case_id, exc.status)
    return signalled, failed
