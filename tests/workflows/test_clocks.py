"""Live deadlines on the time-skipping server: warnings, level 1 and level 2 raised by durable timers, and
timers that follow a deadline when it is met, paused, extended or recounted."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from db.calendar import store_schedule
from db.tables import case_events, notices
from models.actions import Action
from models.case import CLEAR_KINDS, CaseState, DeadlineKind, DeadlineStatus, EscalationKind, Role
from models.clock import SHANGHAI, shanghai_date
from qingling.recount import signal_provisional_cases
from rules.calendar import WorkingCalendar, parse_schedule
from rules.deadlines import add_working_days, subtract_working_days
from rules.escalation import end_of, start_of
from tests.builders import intake_body
from tests.harness import HEAD, INSPECTOR, act, running_worker, start_case
from tests.workflows.test_case_workflow import registered
from tests.workflows.test_record_histories import save
from workflows.case import ArrearsCase

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
CAL = WorkingCalendar.builtin()

# 示例，非官方 — a made-up 2027 schedule: Jan 1–5 off (Mon 4 and Tue 5 among them), Sat Jan 9 worked.
FICTITIOUS_2027 = {
    "year": 2027,
    "source": "测试用虚构安排（示例，非官方）",
    "holidays": [
        {"name": "元旦", "dates": ["2027-01-01", "2027-01-02", "2027-01-03"]},
        {"name": "测试假", "dates": ["2027-01-04", "2027-01-05"]},
    ],
    "workdays": ["2027-01-09"],
}


async def state_of(handle: WorkflowHandle[Any, Any]) -> CaseState:
    state: CaseState = await handle.query(ArrearsCase.state)
    return state


async def eventually(handle: WorkflowHandle[Any, Any], test: Callable[[CaseState], bool]) -> CaseState:
    for _ in range(400):
        state = await state_of(handle)
        if test(state):
            return state
        await asyncio.sleep(0.025)
    raise AssertionError(f"never reached: {(await state_of(handle)).escalations}")


async def skip_to(env: WorkflowEnvironment, moment: datetime) -> None:
    """Move the server's clock just past ``moment`` (timers due by then fire)."""
    now = await env.get_current_time()
    if moment > now:
        await env.sleep(moment - now + timedelta(minutes=1))


def raised(state: CaseState, kind: DeadlineKind) -> list[EscalationKind]:
    return [e.kind for e in state.escalations if e.deadline_kind == kind]


async def received_now(env: WorkflowEnvironment, settings: Settings) -> tuple[WorkflowHandle[Any, Any], date]:
    now = await env.get_current_time()
    body = intake_body(workers=1, received_at=now.astimezone(SHANGHAI).isoformat(timespec="seconds"))
    handle = await start_case(env.client, settings, body)
    await registered(handle)
    return handle, shanghai_date(now)


async def test_the_ladder_warning_level1_level2_with_its_supervision_notice(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, settings, sessions):
        handle, received = await received_now(env, settings)
        state = await state_of(handle)
        acceptance = state.deadline(DeadlineKind.ACCEPTANCE)
        assert acceptance is not None
        due = add_working_days(CAL, received, 5).due
        assert acceptance.due == due
        assert acceptance.warn_on == subtract_working_days(CAL, due, 3)
        assert acceptance.escalate_after == add_working_days(CAL, due, 5).due
        assert {d.kind for d in state.deadlines} == {DeadlineKind.ACCEPTANCE, *CLEAR_KINDS}
        assert state.escalations == []

        await skip_to(env, start_of(acceptance.warn_on))
        state = await eventually(handle, lambda s: len(s.escalations) == 1)
        warning = state.escalations[0]
        assert (warning.kind, warning.level, warning.deadline_kind) == (EscalationKind.WARNING, 0, "acceptance")
        assert (warning.addressee, warning.addressee_role) == (INSPECTOR.user_id, Role.INSPECTOR)
        assert start_of(acceptance.warn_on) <= warning.at < start_of(acceptance.warn_on) + timedelta(minutes=2)
        assert state.deadline(DeadlineKind.ACCEPTANCE).status == DeadlineStatus.PENDING  # type: ignore[union-attr]

        await skip_to(env, end_of(due))
        state = await eventually(handle, lambda s: len(s.escalations) == 2)
        level1 = state.escalations[1]
        assert (level1.kind, level1.level, level1.addressee, level1.addressee_role) == (
            EscalationKind.OVERDUE,
            1,
            None,
            Role.SUPERVISOR,
        )
        assert end_of(due) <= level1.at
        assert state.deadline(DeadlineKind.ACCEPTANCE).status == DeadlineStatus.OVERDUE  # type: ignore[union-attr]

        await skip_to(env, end_of(acceptance.escalate_after))  # type: ignore[arg-type]
        state = await eventually(handle, lambda s: len(s.escalations) == 3)
        level2 = state.escalations[2]
        assert (level2.kind, level2.level, level2.addressee_role) == (EscalationKind.SUPERVISION, 2, Role.HEAD)
        supervision = state.latest_notice("supervision")
        assert supervision is not None and level2.notice == supervision.doc_number

        async with sessions() as s:
            kinds = (await s.scalars(select(case_events.c.kind).order_by(case_events.c.seq))).all()
            pdf = await s.scalar(select(notices.c.path).where(notices.c.kind == "supervision"))
        assert kinds == ["intake", "deadline_warning", "deadline_overdue", "deadline_supervision"]
        assert pdf is not None

        # Meeting it late: met_late, and nothing more is raised for it.
        state = await act(handle, Action.ACCEPT, {}, INSPECTOR)
        assert state.deadline(DeadlineKind.ACCEPTANCE).status == DeadlineStatus.MET_LATE  # type: ignore[union-attr]
        await handle.terminate()
        await save(handle, "v5_escalated")


async def test_met_the_day_before_raises_no_escalation(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, settings, sessions):
        handle, received = await received_now(env, settings)
        due = add_working_days(CAL, received, 5).due
        await skip_to(env, start_of(due - timedelta(days=1)) + timedelta(hours=9))
        await eventually(handle, lambda s: raised(s, DeadlineKind.ACCEPTANCE) == [EscalationKind.WARNING])
        state = await act(handle, Action.ACCEPT, {}, INSPECTOR)
        assert state.deadline(DeadlineKind.ACCEPTANCE).status == DeadlineStatus.MET  # type: ignore[union-attr]
        after = add_working_days(CAL, due, 6).due
        await skip_to(env, end_of(after))
        await asyncio.sleep(0.5)
        state = await state_of(handle)
        assert raised(state, DeadlineKind.ACCEPTANCE) == [EscalationKind.WARNING]
        await handle.terminate()


async def test_supplement_pauses_then_restarts_the_acceptance_clock(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, settings, sessions):
        handle, _ = await received_now(env, settings)
        state = await act(handle, Action.REQUEST_SUPPLEMENT, {"missing": "欠薪期间的考勤记录"}, INSPECTOR)
        first = state.deadline(DeadlineKind.ACCEPTANCE)
        assert first is not None and first.suspended_since is not None
        # Well past the first due date and its level-2 day: a paused clock raises nothing.
        await skip_to(env, end_of(add_working_days(CAL, first.due, 6).due))
        await asyncio.sleep(0.5)
        assert raised(await state_of(handle), DeadlineKind.ACCEPTANCE) == []
        arrived = await env.get_current_time()
        state = await act(handle, Action.RECORD_SUPPLEMENT, {"received_at": arrived.isoformat()}, INSPECTOR)
        restarted = state.deadline(DeadlineKind.ACCEPTANCE)
        assert restarted is not None and restarted.due == add_working_days(CAL, shanghai_date(arrived), 5).due
        await skip_to(env, end_of(restarted.due))
        state = await eventually(handle, lambda s: EscalationKind.OVERDUE in raised(s, DeadlineKind.ACCEPTANCE))
        assert all(e.due == restarted.due for e in state.escalations if e.deadline_kind == "acceptance")
        await handle.terminate()


async def test_extension_moves_the_investigation_timer(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, settings, sessions):
        handle, _ = await received_now(env, settings)
        state = await act(handle, Action.ACCEPT, {}, INSPECTOR)
        original = state.deadline(DeadlineKind.INVESTIGATION)
        assert original is not None and original.warn_on is not None
        state = await act(handle, Action.EXTEND_INVESTIGATION, {"reason": "涉及劳务分包多层转包，需调取银行流水"}, HEAD)
        extended = state.deadline(DeadlineKind.INVESTIGATION)
        assert extended is not None and extended.extended_by == 30 and extended.working_days == 90
        # 90 working days from 立案 (the activity counts with the same built-in calendar: no year loaded here)
        assert extended.due == add_working_days(CAL, original.start, 90).due
        assert extended.due > original.due
        # Once only, and only by the head.
        from temporalio.client import WorkflowUpdateFailedError

        with pytest.raises(WorkflowUpdateFailedError):
            await act(handle, Action.EXTEND_INVESTIGATION, {"reason": "再次延长"}, HEAD)
        with pytest.raises(WorkflowUpdateFailedError):
            await act(handle, Action.EXTEND_INVESTIGATION, {"reason": "检查员延长"}, INSPECTOR)
        # Past the original due date and its level-2 day: nothing raised for the investigation.
        await skip_to(env, end_of(original.escalate_after))  # type: ignore[arg-type]
        await asyncio.sleep(0.5)
        assert EscalationKind.OVERDUE not in raised(await state_of(handle), DeadlineKind.INVESTIGATION)
        await skip_to(env, end_of(extended.due))
        state = await eventually(handle, lambda s: EscalationKind.OVERDUE in raised(s, DeadlineKind.INVESTIGATION))
        assert {e.due for e in state.escalations if e.deadline_kind == "investigation"} <= {original.due, extended.due}
        assert [
            e.due for e in state.escalations if e.kind == EscalationKind.OVERDUE and e.deadline_kind == "investigation"
        ] == [extended.due]
        await handle.terminate()


async def test_investigation_into_2027_is_provisional_then_recounted_and_its_timer_moves(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    assert not CAL.knows(2027), "the installed chinesecalendar now knows 2027: pin the calendar in this test"
    async with running_worker(env.client, settings, sessions):
        body = intake_body(workers=1, received_at="2026-11-23T10:00:00+08:00")
        handle = await start_case(env.client, settings, body)
        await registered(handle)
        state = await act(handle, Action.ACCEPT, {}, INSPECTOR)
        before = state.deadline(DeadlineKind.INVESTIGATION)
        assert before is not None and before.provisional and before.due.year == 2027

        async with sessions.begin() as s:
            await store_schedule(s, parse_schedule(FICTITIOUS_2027), await env.get_current_time())
        assert (await signal_provisional_cases(env.client, sessions))[0] >= 1
        state = await eventually(
            handle,
            lambda s: not s.deadline(DeadlineKind.INVESTIGATION).provisional,  # type: ignore[union-attr]
        )
        after = state.deadline(DeadlineKind.INVESTIGATION)
        assert after is not None and after.status == DeadlineStatus.PENDING
        # Jan 4–5 off and Sat Jan 9 worked: one working day fewer in January, so later.
        assert after.due > before.due
        loaded = WorkingCalendar.builtin().with_schedules([parse_schedule(FICTITIOUS_2027)])
        assert after.due == add_working_days(loaded, before.start, 60).due

        await skip_to(env, end_of(before.due))
        await asyncio.sleep(0.5)
        assert EscalationKind.OVERDUE not in raised(await state_of(handle), DeadlineKind.INVESTIGATION)
        await skip_to(env, end_of(after.due))
        state = await eventually(handle, lambda s: EscalationKind.OVERDUE in raised(s, DeadlineKind.INVESTIGATION))
        overdue = [
            e for e in state.escalations if e.kind == EscalationKind.OVERDUE and e.deadline_kind == "investigation"
        ]
        assert [e.due for e in overdue] == [after.due] and overdue[0].at >= end_of(after.due)
        async with sessions() as s:
            kinds = (await s.scalars(select(case_events.c.kind).order_by(case_events.c.seq))).all()
        assert "deadlines_recomputed" in kinds
        await handle.terminate()


async def test_clearing_meets_the_clear_to_zero_targets_and_closing_cancels_the_rest(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    from bench._builders import finding_body, payment_body
    from tests.harness import SUPERVISOR

    env = time_skipping_env
    async with running_worker(env.client, settings, sessions):
        handle = await start_case(env.client, settings, intake_body(workers=1))
        await registered(handle)
        await act(handle, Action.ACCEPT, {}, INSPECTOR)
        state = await act(
            handle, Action.SET_CLEAR_DEADLINE, {"due": "2027-01-15", "reason": "重大欠薪案件"}, SUPERVISOR
        )
        major = state.deadline(DeadlineKind.CLEAR_MAJOR)
        assert major is not None and major.due == date(2027, 1, 15) and state.clear_major_reason == "重大欠薪案件"
        await act(handle, Action.RECORD_FINDING, finding_body(1), INSPECTOR)
        state = await act(handle, Action.RECORD_PAYMENT, payment_body(1), INSPECTOR)
        assert state.stage == "cleared"
        for kind in (*CLEAR_KINDS, DeadlineKind.CLEAR_MAJOR):
            assert state.deadline(kind).status == DeadlineStatus.MET, kind  # type: ignore[union-attr]
        state = await act(handle, Action.CLOSE, {"reason": "cleared"}, SUPERVISOR)
        assert {d.status for d in state.deadlines} <= {DeadlineStatus.MET, DeadlineStatus.CANCELLED}
        assert state.escalations == []
        await handle.terminate()


async def test_received_2026_09_29_falls_due_2026_10_12_and_escalates_at_once(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """A complaint registered late (received weeks ago): its acceptance passed long since, so its clock raises
    level 1 and level 2 as soon as it starts; the warning is moot. No time moves."""
    env = time_skipping_env
    async with running_worker(env.client, settings, sessions):
        body = intake_body(workers=1, received_at="2026-09-29T09:30:00+08:00")
        handle = await start_case(env.client, settings, body)
        await registered(handle)
        state = await eventually(handle, lambda s: len(raised(s, DeadlineKind.ACCEPTANCE)) == 2)
        acceptance = state.deadline(DeadlineKind.ACCEPTANCE)
        assert acceptance is not None and acceptance.due == date(2026, 10, 12)
        assert acceptance.status == DeadlineStatus.OVERDUE
        assert raised(state, DeadlineKind.ACCEPTANCE) == [EscalationKind.OVERDUE, EscalationKind.SUPERVISION]
        assert {e.due for e in state.escalations if e.deadline_kind == "acceptance"} == {date(2026, 10, 12)}
        # clear_3_months (due 2026-12-29) and the year-end targets are still ahead: nothing raised for them.
        assert {e.deadline_kind for e in state.escalations} == {DeadlineKind.ACCEPTANCE}
        await handle.terminate()
