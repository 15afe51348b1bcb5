"""The administrative decision track on the time-skipping server (issue 8, item 1): refused before the
order's pay-by date passed and on an unserved order; a prior notice whose service opens the party's
defence period; the decision waits for a defence or for the period to end, is never heavier than the notice
said, and decides each worker's wages plus 加付赔偿金 to the fen. The decided path is recorded for replay."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from models.actions import Action
from models.case import CaseState, DeadlineKind, DeadlineStatus, Stage
from models.clock import SHANGHAI, shanghai_date
from rules.escalation import end_of
from tests.builders import intake_body, make_id
from tests.harness import HEAD, act, running_worker, start_case
from tests.workflows.test_case_workflow import refusal_code, registered
from tests.workflows.test_clocks import skip_to
from tests.workflows.test_record_histories import save


async def refused(handle: WorkflowHandle[Any, Any], action: Action, body: dict[str, Any], **kw: Any) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await act(handle, action, body, **kw)
    return refusal_code(failed.value)


async def serve(env: WorkflowEnvironment, handle: WorkflowHandle[Any, Any], notice_id: str) -> CaseState:
    at = (await env.get_current_time()).isoformat()
    return await act(handle, Action.RECORD_SERVICE, {"notice_id": notice_id, "served_at": at, "method": "direct"})


async def ordered(env: WorkflowEnvironment, settings: Settings, *, served: bool = True) -> tuple[Any, datetime]:
    """A case ordered to pay 11,000 and 333.33 within three days; returns it and the order's due date's end."""
    now = await env.get_current_time()
    body = intake_body(workers=2, received_at=now.astimezone(SHANGHAI).isoformat(timespec="seconds"))
    handle = await start_case(env.client, settings, body)
    await registered(handle)
    await act(handle, Action.ACCEPT, {})
    finding = [
        {"id_number": make_id(1), "confirmed_amount": "11000.00"},
        {"id_number": make_id(2), "confirmed_amount": "333.33"},
    ]
    await act(handle, Action.RECORD_FINDING, {"workers": finding})
    due = shanghai_date(now) + timedelta(days=3)
    state = await act(handle, Action.ISSUE_ORDER, {"due_date": due.isoformat()})
    if served:
        await serve(env, handle, state.notices[-1].notice_id)
    return handle, end_of(due)


async def test_a_decision_after_a_defence(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, settings, sessions):
        handle, order_ends = await ordered(env, settings)
        rate = {"compensation_rate": "0.75"}
        assert await refused(handle, Action.PROPOSE_DECISION, rate) == "order_not_due"
        assert await refused(handle, Action.ISSUE_DECISION, rate, actor=HEAD) == "no_decision_notice"
        await skip_to(env, order_ends)

        state = await act(handle, Action.PROPOSE_DECISION, rate)
        assert state.decision is not None and state.decision.status == "noticed"
        notice = state.notices[-1]
        assert notice.kind == "decision_notice" and notice.notice_id == state.decision.prior_notice_id
        assert await refused(handle, Action.PROPOSE_DECISION, rate) == "decision_already_proposed"
        assert await refused(handle, Action.ISSUE_DECISION, rate, actor=HEAD) == "decision_notice_not_served"

        state = await serve(env, handle, notice.notice_id)
        period = next(d for d in state.deadlines if d.kind == DeadlineKind.DECISION_DEFENSE)
        assert period.working_days == 3 and period.start == shanghai_date(await env.get_current_time())
        assert await refused(handle, Action.ISSUE_DECISION, rate, actor=HEAD) == "defense_period_running"
        assert await refused(handle, Action.ISSUE_DECISION, rate) == "role_not_allowed"

        state = await act(
            handle, Action.SUBMIT_DEFENSE, {"party": "太原市某建筑劳务有限公司", "text": "资金周转困难，请求从轻"}
        )
        assert [d.party for d in state.decision.defenses] == ["太原市某建筑劳务有限公司"]  # type: ignore[union-attr]
        heavier = {"compensation_rate": "0.80"}
        assert await refused(handle, Action.ISSUE_DECISION, heavier, actor=HEAD) == "heavier_than_noticed"

        state = await act(handle, Action.ISSUE_DECISION, {"compensation_rate": "0.5"}, actor=HEAD)
        track = state.decision
        assert track is not None and track.status == "decided" and track.rate == Decimal("0.50")
        assert [(line.wages, line.compensation) for line in track.lines] == [
            (Decimal("11000.00"), Decimal("5500.00")),
            (Decimal("333.33"), Decimal("166.67")),  # 166.665 rounds half up
        ]
        assert (track.wages, track.compensation) == (Decimal("11333.33"), Decimal("5666.67"))
        assert state.notices[-1].kind == "decision" and track.notice_id == state.notices[-1].notice_id
        assert state.stage == Stage.ORDERED  # a track beside the stage: payments and closing go on
        period = next(d for d in state.deadlines if d.kind == DeadlineKind.DECISION_DEFENSE)
        assert period.status == DeadlineStatus.MET and period.met_at is not None and period.met_at <= period.due
        assert await refused(handle, Action.ISSUE_DECISION, rate, actor=HEAD) == "already_decided"
        assert await refused(handle, Action.SUBMIT_DEFENSE, {"party": "某公司", "text": "补充"}) == "no_defense_open"
        await save(handle, "v6_decided")


async def test_without_a_defence_the_decision_waits_for_the_period(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, settings, sessions):
        handle, order_ends = await ordered(env, settings)
        await skip_to(env, order_ends)
        state = await act(handle, Action.PROPOSE_DECISION, {"compensation_rate": "1"})
        state = await serve(env, handle, state.notices[-1].notice_id)
        period = next(d for d in state.deadlines if d.kind == DeadlineKind.DECISION_DEFENSE)
        await skip_to(env, end_of(period.due) + timedelta(days=10))
        state = await act(handle, Action.ISSUE_DECISION, {"compensation_rate": "1.00"}, actor=HEAD)
        # the party's period ran out: nothing to warn of or escalate, the bureau was not late
        assert not [e for e in state.escalations if e.deadline_kind == DeadlineKind.DECISION_DEFENSE]
        assert state.decision is not None and state.decision.compensation == state.decision.wages
        period = next(d for d in state.deadlines if d.kind == DeadlineKind.DECISION_DEFENSE)
        assert period.status == DeadlineStatus.MET and period.met_at == period.due


async def test_no_decision_on_an_unserved_order(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, settings, sessions):
        handle, order_ends = await ordered(env, settings, served=False)
        await skip_to(env, order_ends)
        assert await refused(handle, Action.PROPOSE_DECISION, {"compensation_rate": "0.5"}) == "order_not_served"
