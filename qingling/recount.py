"""After a holiday schedule is loaded: tell every open case with provisional deadlines to recount."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.service import RPCError

from config.temporal import case_workflow_id
from db.cases import open_states
from models.case import DeadlineStatus
from workflows.case import ArrearsCase

log = logging.getLogger(__name__)


async def signal_provisional_cases(client: Client, sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    """Returns (signalled, failed). The workflow recounts under its own lock and records the change."""
    async with sessions() as session:
        states = await open_states(session)
    signalled = failed = 0
    for state in states:
        if not any(d.provisional and d.status == DeadlineStatus.PENDING for d in state.deadlines):
            continue
        try:
            await client.get_workflow_handle(case_workflow_id(state.case_id)).signal(ArrearsCase.calendar_loaded)
            signalled += 1
        except RPCError as exc:
            failed += 1
            log.error("could not signal case %s to recount deadlines: %s", state.case_id, exc.status)
    return signalled, failed
