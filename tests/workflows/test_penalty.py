"""The administrative penalty sub-process on the time-skipping server (issue 8, item 2): a fine at or above
the province's large-fine threshold with and without a hearing request, one below it, legal review and
collective discussion before the head decides, a heavier fine after a defence refused, the provision's
range, and the 90 days from 立案 (refused after them, and escalated like any deadline). The hearing path
is recorded for replay."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from models.actions import Action
from models.case import CaseState, DeadlineKind, DeadlineStatus, Role
from models.clock import SHANGHAI
from models.enforcement import HearingThreshold
from tests.builders import intake_body
from tests.harness import HEAD, act, running_worker, start_case
from tests.workflows.test_case_workflow import registered
from tests.workflows.test_clocks import skip_to
from tests.workflows.test_decision import refused, serve
from tests.workflows.test_record_histories import save

SUPERVISOR = HEAD.model_copy(update={"user_id": "u_supervisor", "role": Role.SUPERVISOR})


@pytest.fixture
def shanxi(settings: Settings) -> Settings:
    """Shanxi (14) with Hunan's figures, and collective discussion from 20,000 yuan."""
    return settings.model_copy(
        update={
            "penalty_hearing_thresholds": {
                "14": HearingThreshold(individual=Decimal("1000"), organisation=Decimal("20000"))
            },
            "penalty_collective_discussion_from": {"14": Decimal("20000")},
        }
    )


async def accepted(env: WorkflowEnvironment, settings: Settings) -> WorkflowHandle[Any, Any]:
    now = await env.get_current_time()
    body = intake_body(workers=1, received_at=now.astimezone(SHANGHAI).isoformat(timespec="seconds"))
    handle = await start_case(env.client, settings, body)
    await registered(handle)
    await act(handle, Action.ACCEPT, {})
    return handle


async def propose(env: WorkflowEnvironment, handle: Any, amount: str) -> CaseState:
    state = await act(handle, Action.PROPOSE_PENALTY, {"basis": "inspection_art30", "amount": amount})
    assert state.penalty is not None and state.notices[-1].kind == "penalty_notice"
    return await serve(env, handle, state.notices[-1].notice_id)


async def settled(handle: Any, done: Callable[[CaseState], bool], timeout: float = 15) -> CaseState:
    """The case's state once ``done`` holds of it: a fired timer's activities (an alarm's history row, a
    notice) finish a moment after the time skip returns."""
    for _ in range(int(timeout / 0.05)):
        state: CaseState = await handle.query("state", result_type=CaseState)
        if done(state):
            return state
        await asyncio.sleep(0.05)
    return state


def deadline(state: CaseState, kind: DeadlineKind) -> Any:
    return next(d for d in state.deadlines if d.kind == kind)


async def later(env: WorkflowEnvironment, days: float) -> datetime:
    moment = await env.get_current_time() + timedelta(days=days)
    await skip_to(env, moment)
    return await env.get_current_time()


async def test_a_large_fine_heard_reviewed_discussed_and_decided(
    own_time_env: WorkflowEnvironment, shanxi: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, shanxi, sessions):
        handle = await accepted(env, shanxi)
        assert await refused(handle, Action.PROPOSE_PENALTY, {"basis": "inspection_art30", "amount": "1000"}) == (
            "penalty_out_of_range"
        )
        state = await propose(env, handle, "20000")
        track = state.penalty
        assert track is not None and track.hearing_right and track.collective_discussion_required
        assert deadline(state, DeadlineKind.PENALTY_HEARING_REQUEST).due == deadline(
            state, DeadlineKind.PENALTY_HEARING_REQUEST
        ).start + timedelta(days=5)
        assert deadline(state, DeadlineKind.PENALTY_DECISION).basis.startswith("《中华人民共和国行政处罚法》第六十条")

        now = await env.get_current_time()
        await act(handle, Action.REQUEST_HEARING, {"requested_at": now.isoformat()})
        decide = {"impose": True, "amount": "15000", "reason": "经听证复核"}
        assert await refused(handle, Action.DECIDE_PENALTY, decide, actor=HEAD) == "hearing_pending"
        soon = {"hearing_at": (now + timedelta(days=3)).isoformat(), "place": "小店区人社局听证室"}
        assert await refused(handle, Action.SCHEDULE_HEARING, soon) == "hearing_too_soon"
        hearing_at = now + timedelta(days=8)
        state = await act(
            handle, Action.SCHEDULE_HEARING, {"hearing_at": hearing_at.isoformat(), "place": "小店区人社局听证室"}
        )
        assert state.notices[-1].kind == "hearing_notice"
        early = {"held_at": now.isoformat(), "record": "当事人到场陈述"}
        assert await refused(handle, Action.RECORD_HEARING, early) == "hearing_too_soon"

        held = await later(env, 8.1)
        await act(handle, Action.RECORD_HEARING, {"held_at": held.isoformat(), "record": "当事人到场陈述，请求从轻"})
        assert await refused(handle, Action.DECIDE_PENALTY, decide, actor=HEAD) == "legal_review_missing"
        assert await refused(handle, Action.RECORD_LEGAL_REVIEW, {"opinion": "事实清楚"}) == "role_not_allowed"
        await act(handle, Action.RECORD_LEGAL_REVIEW, {"opinion": "事实清楚，证据确凿，适用依据正确"}, actor=SUPERVISOR)
        assert await refused(handle, Action.DECIDE_PENALTY, decide, actor=HEAD) == "collective_discussion_missing"
        await act(handle, Action.RECORD_COLLECTIVE_DISCUSSION, {"opinion": "同意处以罚款"}, actor=HEAD)
        heavier = {**decide, "amount": "20000.01"}
        assert await refused(handle, Action.DECIDE_PENALTY, heavier, actor=HEAD) == "heavier_after_defense"

        state = await act(handle, Action.DECIDE_PENALTY, decide, actor=HEAD)
        track = state.penalty
        assert track is not None and track.status == "decided" and track.amount == Decimal("15000.00")
        assert state.notices[-1].kind == "penalty_decision" and track.notice_id == state.notices[-1].notice_id
        assert deadline(state, DeadlineKind.PENALTY_DECISION).status == DeadlineStatus.MET
        service = deadline(state, DeadlineKind.PENALTY_SERVICE)
        assert service.status == DeadlineStatus.PENDING and service.due == service.start + timedelta(days=7)
        state = await serve(env, handle, track.notice_id)
        assert deadline(state, DeadlineKind.PENALTY_SERVICE).status == DeadlineStatus.MET
        assert await refused(handle, Action.DECIDE_PENALTY, decide, actor=HEAD) == "already_decided"
        await save(handle, "v6_penalty_heard")


async def test_a_large_fine_without_a_hearing_request(
    own_time_env: WorkflowEnvironment, shanxi: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, shanxi, sessions):
        handle = await accepted(env, shanxi)
        await propose(env, handle, "20000")
        await act(handle, Action.RECORD_LEGAL_REVIEW, {"opinion": "同意"}, actor=SUPERVISOR)
        await act(handle, Action.RECORD_COLLECTIVE_DISCUSSION, {"opinion": "同意"}, actor=HEAD)
        decide = {"impose": True, "amount": "20000", "reason": "逾期未申请听证"}
        assert await refused(handle, Action.DECIDE_PENALTY, decide, actor=HEAD) == "hearing_window_open"
        now = await later(env, 10)
        assert await refused(handle, Action.REQUEST_HEARING, {"requested_at": now.isoformat()}) == (
            "hearing_window_closed"
        )
        heavier = {**decide, "amount": "20000.01"}  # no defence, but the notice said 20,000 (art. 44)
        assert await refused(handle, Action.DECIDE_PENALTY, heavier, actor=HEAD) == "heavier_than_noticed"
        state = await act(handle, Action.DECIDE_PENALTY, decide, actor=HEAD)
        assert state.penalty is not None and state.penalty.amount == Decimal("20000.00")
        asked = deadline(state, DeadlineKind.PENALTY_HEARING_REQUEST)
        assert asked.status == DeadlineStatus.MET and asked.met_at == asked.due  # ran its course, unused


async def test_below_the_threshold_no_hearing_and_no_heavier_fine_after_a_defence(
    own_time_env: WorkflowEnvironment, shanxi: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, shanxi, sessions):
        handle = await accepted(env, shanxi)
        state = await propose(env, handle, "5000")
        assert state.penalty is not None and not state.penalty.hearing_right
        assert not [d for d in state.deadlines if d.kind == DeadlineKind.PENALTY_HEARING_REQUEST]
        now = await env.get_current_time()
        assert await refused(handle, Action.REQUEST_HEARING, {"requested_at": now.isoformat()}) == "no_hearing_right"
        await act(handle, Action.RECORD_LEGAL_REVIEW, {"opinion": "同意"}, actor=SUPERVISOR)
        decide = {"impose": True, "amount": "5000", "reason": "事实清楚"}
        assert await refused(handle, Action.DECIDE_PENALTY, decide, actor=HEAD) == "penalty_defense_running"
        state = await act(handle, Action.SUBMIT_DEFENSE, {"party": "太原市某建筑劳务有限公司", "text": "初次违法"})
        assert state.penalty is not None and state.penalty.defended
        assert await refused(handle, Action.DECIDE_PENALTY, {**decide, "amount": "6000"}, actor=HEAD) == (
            "heavier_after_defense"
        )
        state = await act(
            handle, Action.DECIDE_PENALTY, {"impose": False, "reason": "初次违法且已改正，不予处罚"}, actor=HEAD
        )
        assert state.penalty is not None and state.penalty.status == "not_imposed"
        assert state.notices[-1].kind != "penalty_decision"  # no fine, no 行政处罚决定书


async def test_no_decision_after_ninety_days_and_the_limit_escalates(
    own_time_env: WorkflowEnvironment, shanxi: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, shanxi, sessions):
        handle = await accepted(env, shanxi)
        await propose(env, handle, "5000")
        await act(handle, Action.RECORD_LEGAL_REVIEW, {"opinion": "同意"}, actor=SUPERVISOR)
        await later(env, 100)  # past the 90 days and the 5 working days of level 2
        decide = {"impose": True, "amount": "5000", "reason": "事实清楚"}
        assert await refused(handle, Action.DECIDE_PENALTY, decide, actor=HEAD) == "penalty_time_limit"

        def raised(state: CaseState) -> set[str]:
            return {e.kind.value for e in state.escalations if e.deadline_kind == DeadlineKind.PENALTY_DECISION}

        state = await settled(handle, lambda s: {"overdue", "supervision"} <= raised(s))
        assert {"overdue", "supervision"} <= raised(state)
