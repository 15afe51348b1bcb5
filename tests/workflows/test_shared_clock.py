"""The shared clock on the time-skipping server: one timer per shared day raises the year-end targets of
every open case at once, exactly as each case's own clock would show them, and never twice."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from bench._builders import finding_body, payment_body
from config.settings import Settings
from db.cases import get_state, history
from db.tables import case_escalations, case_events, notices
from models.actions import Action
from models.case import CaseIntake, CaseState, DeadlineKind, EscalationKind, Role
from models.clock import SHANGHAI
from models.shared_clock import SHARED_CLOCK_ID
from models.start import CaseStart
from qingling.schedules import ensure_shared_clock
from rules.escalation import end_of, start_of
from tests.builders import intake_body
from tests.harness import INSPECTOR, act, running_worker
from tests.workflows.test_case_workflow import registered
from tests.workflows.test_clocks import skip_to
from tests.workflows.test_record_histories import save
from workflows.case import ArrearsCase
from workflows.shared_clock import SharedClock

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
YEAR_END = (DeadlineKind.CLEAR_YEAR_END, DeadlineKind.CLEAR_BEFORE_NEW_YEAR)


async def start_shared(env: WorkflowEnvironment, settings: Settings) -> WorkflowHandle[Any, Any]:
    now = await env.get_current_time()
    body = intake_body(workers=1, received_at=now.astimezone(SHANGHAI).isoformat(timespec="seconds"))
    case_id = f"QL-TEST-{uuid.uuid4().hex[:8]}"
    start = CaseStart(case_id=case_id, intake=CaseIntake.model_validate(body), created_by=INSPECTOR, shared_clock=True)
    handle = await env.client.start_workflow(ArrearsCase.run, start, id=case_id, task_queue=settings.task_queue)
    await registered(handle)
    return handle


async def rows(sessions: async_sessionmaker[AsyncSession], case_id: str) -> list[tuple[str, str, date]]:
    e = case_escalations
    async with sessions() as s:
        found = await s.execute(
            select(e.c.kind, e.c.deadline_kind, e.c.due)
            .where(e.c.case_id == case_id, e.c.deadline_kind.in_([k.value for k in YEAR_END]))
            .order_by(e.c.at, e.c.position)
        )
        return [tuple(r) for r in found]  # type: ignore[misc]


async def until(sessions: async_sessionmaker[AsyncSession], case_id: str, n: int) -> list[tuple[str, str, date]]:
    for _ in range(400):
        found = await rows(sessions, case_id)
        if len(found) >= n:
            return found
        await asyncio.sleep(0.025)
    raise AssertionError(f"only {await rows(sessions, case_id)}")


async def test_year_end_raised_for_every_open_case_by_one_timer(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, settings, sessions):
        await ensure_shared_clock(env.client, settings)
        await ensure_shared_clock(env.client, settings)  # a second worker start finds it running
        open_case = await start_shared(env, settings)
        cleared_case = await start_shared(env, settings)
        await act(cleared_case, Action.ACCEPT, {}, INSPECTOR)
        await act(cleared_case, Action.RECORD_FINDING, finding_body(1), INSPECTOR)
        cleared: CaseState = await act(cleared_case, Action.RECORD_PAYMENT, payment_body(1), INSPECTOR)
        assert cleared.stage == "cleared"

        state: CaseState = await open_case.query(ArrearsCase.state)
        year_end = state.deadline(DeadlineKind.CLEAR_YEAR_END)
        assert year_end is not None and year_end.due.month == 12 and year_end.due.day == 31
        assert year_end.warn_on is not None and year_end.escalate_after is not None

        await skip_to(env, start_of(year_end.warn_on))
        found = await until(sessions, open_case.id, 2)
        assert sorted(found) == sorted(("warning", k.value, year_end.due) for k in YEAR_END)

        await skip_to(env, end_of(year_end.due))
        found = await until(sessions, open_case.id, 4)
        assert {(k, d) for k, d, _ in found[2:]} == {("overdue", k.value) for k in YEAR_END}

        await skip_to(env, end_of(year_end.escalate_after))
        found = await until(sessions, open_case.id, 6)
        assert {(k, d) for k, d, _ in found[4:]} == {("supervision", k.value) for k in YEAR_END}

        # Nothing for the cleared case; the open case's own workflow never raised them itself.
        assert await rows(sessions, cleared_case.id) == []
        own: CaseState = await open_case.query(ArrearsCase.state)
        assert not [e for e in own.escalations if e.deadline_kind in YEAR_END]

        # The case as shown (API read model): the six escalations and two 督办通知书, in history too.
        async with sessions() as s:
            shown = await get_state(s, open_case.id)
            events = await history(s, open_case.id)
            docs = await s.scalar(
                select(func.count())
                .select_from(notices)
                .where(
                    notices.c.case_id == open_case.id,
                    notices.c.kind == "supervision",
                    notices.c.occurrence > 1000,  # the shared clock's; the case's own clock chased its acceptance
                )
            )
        assert shown is not None
        shared = [e for e in shown.escalations if e.deadline_kind in YEAR_END]
        assert [e.level for e in shared] == [0, 0, 1, 1, 2, 2]
        assert {e.addressee_role for e in shared} == {Role.INSPECTOR, Role.SUPERVISOR, Role.HEAD}
        assert all(e.addressee == INSPECTOR.user_id for e in shared if e.kind == EscalationKind.WARNING)
        assert docs == 2
        assert {e.notice for e in shared if e.notice} <= {n.doc_number for n in shown.notices}
        kinds = [e["kind"] for e in events if e["seq"] < 0]
        assert kinds.count("deadline_warning") == 2 and kinds.count("deadline_supervision") == 2
        assert events[0]["kind"] == "intake"

        # Firing again (an operator's catch-up) raises nothing twice; the case acts on as before.
        async with sessions() as s:
            before = await s.scalar(select(func.count()).select_from(case_events))
        await env.client.get_workflow_handle(SHARED_CLOCK_ID).signal(SharedClock.fire)
        await asyncio.sleep(1.0)
        after_state = await act(open_case, Action.ACCEPT, {}, INSPECTOR)
        assert after_state.case_number is not None
        async with sessions() as s:
            after = await s.scalar(select(func.count()).select_from(case_events))
        assert after == (before or 0) + 1
        clock = env.client.get_workflow_handle(SHARED_CLOCK_ID)
        for handle in (open_case, cleared_case, clock):
            await handle.terminate()
        await save(open_case, "v5_shared_case")
        await save(clock, "v5_shared_clock")
