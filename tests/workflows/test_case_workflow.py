"""ArrearsCase on the time-skipping test server, with real activities on SQLite."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from db.tables import case_events, notices
from models.actions import Action
from models.case import CaseState, DeadlineKind, DeadlineStatus, Stage
from models.clock import shanghai_date
from models.errors import ACTION_REFUSED
from qingling.settings import Settings
from tests.builders import intake_body, make_id
from tests.harness import INSPECTOR, SUPERVISOR, act, running_worker, start_case
from workflows.case import ArrearsCase

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def registered(handle: Any) -> CaseState:
    for _ in range(200):
        state: CaseState = await handle.query(ArrearsCase.state)
        if state.registered:
            return state
        await asyncio.sleep(0.05)
    raise AssertionError("case never registered")


async def count(sessions: async_sessionmaker[AsyncSession], table: Any, case_id: str) -> int:
    async with sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(table).where(table.c.case_id == case_id)) or 0)


def refusal_code(exc: WorkflowUpdateFailedError) -> str:
    cause = exc.cause
    assert isinstance(cause, ApplicationError) and cause.type == ACTION_REFUSED
    return str(cause.details[0])


async def test_case_from_intake_to_closed(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = time_skipping_env.client
    async with running_worker(client, settings, sessions):
        handle = await start_case(client, settings)
        state = await registered(handle)
        acceptance = state.deadline(DeadlineKind.ACCEPTANCE)
        assert acceptance is not None and acceptance.start == shanghai_date(state.received_at)

        state = await act(handle, Action.ACCEPT, {})
        assert state.stage == Stage.INVESTIGATING
        assert state.case_number == f"小人社监案〔{shanghai_date(state.accepted_at).year}〕1号"  # type: ignore[arg-type]
        assert state.deadline(DeadlineKind.ACCEPTANCE).status == DeadlineStatus.MET  # type: ignore[union-attr]
        assert state.deadline(DeadlineKind.INVESTIGATION).status == DeadlineStatus.PENDING  # type: ignore[union-attr]

        w1, w2 = make_id(1), make_id(2)
        state = await act(
            handle,
            Action.RECORD_FINDING,
            {"workers": [{"id_number": w1, "confirmed_amount": "10000.00"}]},
        )
        assert state.owed_total == Decimal("22000.00")

        today = shanghai_date(await time_skipping_env.get_current_time())
        state = await act(handle, Action.ISSUE_ORDER, {"due_date": (today + timedelta(days=10)).isoformat()})
        assert state.stage == Stage.ORDERED

        paid_at = "2026-11-21T09:00:00+08:00"
        state = await act(
            handle,
            Action.RECORD_PAYMENT,
            {"payments": [{"id_number": w1, "amount": "10000.00", "paid_at": paid_at}]},
        )
        assert state.stage == Stage.ORDERED and state.outstanding == Decimal("12000.00")
        state = await act(
            handle,
            Action.RECORD_PAYMENT,
            {"payments": [{"id_number": w2, "amount": "12000.00", "paid_at": paid_at}]},
        )
        assert state.stage == Stage.CLEARED and state.outstanding == Decimal("0.00")
        assert state.deadline(DeadlineKind.PAYMENT_ORDER).status == DeadlineStatus.MET  # type: ignore[union-attr]

        state = await act(handle, Action.CLOSE, {"reason": "cleared"}, SUPERVISOR)
        assert state.stage == Stage.CLOSED
        final = await handle.result()
        assert final.stage == Stage.CLOSED

    case_id = final.case_id
    assert await count(sessions, case_events, case_id) == 7  # intake + 6 actions
    assert await count(sessions, notices, case_id) == 3  # 受理, 责令限期支付, 结案
    assert [n.kind for n in final.notices] == ["acceptance", "payment_order", "closing"]


async def test_refused_actions_change_nothing(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = time_skipping_env.client
    async with running_worker(client, settings, sessions):
        handle = await start_case(client, settings)
        before = await registered(handle)
        history_before = await count(sessions, case_events, before.case_id)

        with pytest.raises(WorkflowUpdateFailedError) as wrong_stage:
            await act(handle, Action.ISSUE_ORDER, {"due_date": "2030-01-01"})
        assert refusal_code(wrong_stage.value) == "stage_not_allowed"

        with pytest.raises(WorkflowUpdateFailedError) as wrong_role:
            await act(handle, Action.ACCEPT, {}, SUPERVISOR)
        assert refusal_code(wrong_role.value) == "role_not_allowed"

        after = await handle.query(ArrearsCase.state)
        assert after == before
        assert await count(sessions, case_events, before.case_id) == history_before
        # Rejected in the validator: no update ever reached the workflow history.
        events = [e async for e in handle.fetch_history_events()]
        assert not any(e.HasField("workflow_execution_update_accepted_event_attributes") for e in events)
        await handle.terminate()


async def test_close_refused_while_money_outstanding(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = time_skipping_env.client
    async with running_worker(client, settings, sessions):
        handle = await start_case(client, settings)
        await registered(handle)
        await act(handle, Action.ACCEPT, {})
        for reason in ("cleared", "no_violation"):
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await act(handle, Action.CLOSE, {"reason": reason}, SUPERVISOR)
            assert refusal_code(refused.value) == "outstanding_not_zero"
        with pytest.raises(WorkflowUpdateFailedError) as over:
            await act(
                handle,
                Action.RECORD_PAYMENT,
                {
                    "payments": [
                        {
                            "id_number": make_id(1),
                            "amount": "12000.01",
                            "paid_at": "2026-11-21T09:00:00+08:00",
                        }
                    ]
                },
            )
        assert refusal_code(over.value) == "overpayment"
        state = await act(handle, Action.CLOSE, {"reason": "transferred"}, SUPERVISOR)
        assert state.stage == Stage.CLOSED and state.close_reason == "transferred"
        assert state.outstanding == Decimal("24000.00")
        await handle.result()


async def test_rejected_complaint(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = time_skipping_env.client
    async with running_worker(client, settings, sessions):
        handle = await start_case(client, settings, intake_body(workers=1))
        await registered(handle)
        state = await act(handle, Action.REJECT, {"reason": "违法行为发生已超过两年"}, INSPECTOR)
        assert state.stage == Stage.REJECTED and state.case_number is None
        assert [n.kind for n in state.notices] == ["rejection"]
        final = await handle.result()
        assert final.rejection_reason == "违法行为发生已超过两年"
