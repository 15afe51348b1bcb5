"""Loading a holiday schedule recounts an open case's provisional deadlines, once, in its history."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from db.calendar import store_schedule
from db.tables import case_events
from models.case import CaseState, DeadlineKind
from qingling.recount import signal_provisional_cases
from rules.calendar import parse_schedule
from tests.builders import FICTITIOUS_2099, intake_body
from tests.harness import running_worker, start_case
from tests.workflows.test_case_workflow import registered
from tests.workflows.test_record_histories import HISTORIES
from workflows.case import ArrearsCase

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def recorded(sessions: async_sessionmaker[AsyncSession], rows: int) -> None:
    """Until the read model holds ``rows`` history rows (the workflow counts seq before its activity commits)."""
    for _ in range(200):
        async with sessions() as s:
            if await s.scalar(select(func.count()).select_from(case_events)) == rows:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never recorded {rows} rows")


async def test_provisional_deadline_recounted_after_load(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = time_skipping_env.client
    async with running_worker(client, settings, sessions):
        # received 2098-12-31: the 5 working days run into 2099, which no built-in calendar knows
        handle = await start_case(client, settings, intake_body(received_at="2098-12-31T10:00:00+08:00"))
        before = (await registered(handle)).deadline(DeadlineKind.ACCEPTANCE)
        await recorded(sessions, 1)
        assert before is not None and before.provisional and before.due == date(2099, 1, 7)

        assert await signal_provisional_cases(client, sessions) == (1, 0)
        await asyncio.sleep(0.5)
        unchanged: CaseState = await handle.query(ArrearsCase.state)
        assert unchanged.last_seq == 1  # nothing known yet: no new history row

        async with sessions.begin() as s:
            await store_schedule(s, parse_schedule(FICTITIOUS_2099), datetime.now(UTC))
        assert await signal_provisional_cases(client, sessions) == (1, 0)
        await recorded(sessions, 2)
        state: CaseState = await handle.query(ArrearsCase.state)
        after = state.deadline(DeadlineKind.ACCEPTANCE)
        assert after is not None and not after.provisional and after.due == date(2099, 1, 8)

        # Only what still touches 2098 (no calendar knows it) stays provisional: the year-end targets, due
        # 2098-12-31, whose warnings fall in 2098.
        still = {d.kind for d in state.deadlines if d.provisional}
        assert still == {DeadlineKind.CLEAR_YEAR_END, DeadlineKind.CLEAR_BEFORE_NEW_YEAR}
        assert await signal_provisional_cases(client, sessions) == (1, 0)
        await asyncio.sleep(0.5)
        async with sessions() as s:
            kinds = (await s.scalars(select(case_events.c.kind).order_by(case_events.c.seq))).all()
        assert kinds == ["intake", "deadlines_recomputed"]
        await handle.terminate()
        history = await handle.fetch_history()
    if os.environ.get("QINGLING_RECORD_HISTORIES") == "1":
        (HISTORIES / "v1_calendar_recount.json").write_text(json.dumps(json.loads(history.to_json()), indent=1))
