"""ArrearsCase on the time-skipping test server, with real activities on SQLite."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowExecutionStatus, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from db.tables import case_events, notices
from models.actions import Action, ActionResult
from models.case import CaseIntake, CaseState, DeadlineKind, DeadlineStatus, Stage
from models.clock import shanghai_date
from models.errors import ACTION_REFUSED
from models.start import CaseStart
from tests.builders import intake_body, make_id
from tests.harness import HEAD, INSPECTOR, SUPERVISOR, act, finished, running_worker, start_case
from workflows.case import REGISTRATION, ArrearsCase

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def registered(handle: Any) -> CaseState:
    """The case once its intake is recorded (the workflow's own answer for that: the registration update)."""
    await handle.execute_update(REGISTRATION, result_type=ActionResult)
    state: CaseState = await handle.query(ArrearsCase.state)
    assert state.registered
    return state


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

        now = await time_skipping_env.get_current_time()
        today = shanghai_date(now)
        state = await act(handle, Action.ISSUE_ORDER, {"due_date": (today + timedelta(days=10)).isoformat()})
        assert state.stage == Stage.ORDERED and state.order_addressee == "employer"
        service = state.deadline(DeadlineKind.SERVICE)
        assert service is not None and service.due == today + timedelta(days=3)
        order = state.notices[-1]
        assert order.kind == "payment_order" and not order.served

        served_at = (now + timedelta(minutes=1)).isoformat()
        state = await act(
            handle, Action.RECORD_SERVICE, {"notice_id": order.notice_id, "served_at": served_at, "method": "direct"}
        )
        served = state.notice(order.notice_id)
        assert served is not None and served.served and served.service_method == "direct"
        assert served.receipt_id == state.notices[-1].notice_id and state.notices[-1].kind == "service_receipt"
        assert state.deadline(DeadlineKind.SERVICE).status == DeadlineStatus.MET  # type: ignore[union-attr]
        with pytest.raises(WorkflowUpdateFailedError) as twice:
            await act(
                handle,
                Action.RECORD_SERVICE,
                {"notice_id": order.notice_id, "served_at": served_at, "method": "direct"},
            )
        assert refusal_code(twice.value) == "already_served"

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
        assert {d.status for d in state.deadlines} <= {DeadlineStatus.MET, DeadlineStatus.CANCELLED}
        # The closing notice is served after the case closed: the workflow stays open for it.
        closing = state.notices[-1]
        state = await act(
            handle,
            Action.RECORD_SERVICE,
            {"notice_id": closing.notice_id, "served_at": served_at, "method": "post"},
        )
        assert state.notice(closing.notice_id).served  # type: ignore[union-attr]
        assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING  # the acceptance is unserved
        with pytest.raises(WorkflowUpdateFailedError) as after_close:
            await act(
                handle,
                Action.RECORD_PAYMENT,
                {"payments": [{"id_number": w1, "amount": "1.00", "paid_at": paid_at, "source": "wage_deposit"}]},
            )
        assert refusal_code(after_close.value) == "stage_not_allowed"
        acceptance = state.notices[0]
        await act(
            handle,
            Action.RECORD_SERVICE,
            {
                "notice_id": acceptance.notice_id,
                "served_at": served_at,
                "method": "electronic",
                "electronic_consent": "网上投诉时勾选同意电子送达",
            },
        )
        final = await finished(handle)  # every notice served: done at once (no timer waited out)
        assert final.stage == Stage.CLOSED

    case_id = final.case_id
    assert await count(sessions, case_events, case_id) == 10  # intake + 9 actions
    assert await count(sessions, notices, case_id) == 6  # 受理, 指令书, 送达回证, 结案, 送达回证 ×2
    assert [n.kind for n in final.notices] == [
        "acceptance",
        "payment_order",
        "service_receipt",
        "closing",
        "service_receipt",
        "service_receipt",
    ]
    async with sessions() as s:
        rows = (await s.execute(select(notices.c.kind, notices.c.served_at, notices.c.service_method))).all()
    assert {(k, m) for k, at, m in rows if at is not None} == {
        ("payment_order", "direct"),
        ("closing", "post"),
        ("acceptance", "electronic"),
    }


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
        accepted = [
            e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
            for e in events
            if e.HasField("workflow_execution_update_accepted_event_attributes")
        ]
        assert accepted == [REGISTRATION]  # intake's own answer; no refused action was accepted
        await handle.terminate()


async def test_close_refused_while_money_outstanding(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = time_skipping_env.client
    async with running_worker(client, settings, sessions):
        handle = await start_case(client, settings)
        await registered(handle)
        await act(handle, Action.ACCEPT, {})
        for reason, code in [
            ("cleared", "outstanding_not_zero"),
            ("no_violation", "violation_found"),
            ("minor_corrected", "not_corrected"),
            ("withdrawn", "head_approval_required"),
        ]:
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await act(handle, Action.CLOSE, {"reason": reason}, SUPERVISOR)
            assert refusal_code(refused.value) == code
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
        await handle.terminate()  # it would wait for its notices' service


async def test_rejected_complaint(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = time_skipping_env.client
    async with running_worker(client, settings, sessions):
        handle = await start_case(client, settings, intake_body(workers=1))
        await registered(handle)
        with pytest.raises(WorkflowUpdateFailedError) as no_code:
            await act(handle, Action.REJECT, {"reason": "属于劳动争议"}, INSPECTOR)
        assert refusal_code(no_code.value) == "reason_code_required"
        with pytest.raises(WorkflowUpdateFailedError) as not_barred:
            await act(handle, Action.REJECT, {"reason_code": "time_barred", "reason": "超过两年"}, INSPECTOR)
        assert refusal_code(not_barred.value) == "not_time_barred"
        state = await act(handle, Action.REJECT, {"reason_code": "labour_dispute", "reason": "属于劳动争议"}, INSPECTOR)
        assert state.stage == Stage.REJECTED and state.case_number is None and state.rejection_code == "labour_dispute"
        assert [n.kind for n in state.notices] == ["rejection"]
        assert state.deadline(DeadlineKind.ACCEPTANCE).status == DeadlineStatus.MET  # type: ignore[union-attr]
        # Refusing ends the clear-to-zero clocks too.
        assert {d.status for d in state.deadlines if d.kind != DeadlineKind.ACCEPTANCE} == {DeadlineStatus.CANCELLED}
        await handle.terminate()  # it would wait for the refusal's service


@pytest.mark.parametrize("code", ["not_in_remit", "other_territory"])
async def test_redirection_is_a_告知书_not_a_refusal(
    code: str, time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = time_skipping_env.client
    async with running_worker(client, settings, sessions):
        handle = await start_case(client, settings, intake_body(workers=1))
        await registered(handle)
        state = await act(handle, Action.REJECT, {"reason_code": code, "reason": "请向迎泽区人社局反映"})
        assert [n.kind for n in state.notices] == ["redirection"] and state.rejection_code == code
        await handle.terminate()


async def test_supplement_stops_the_acceptance_clock_and_restarts_it_from_arrival(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    time_skipping_env = own_time_env  # it moves the clock 20 days
    client = time_skipping_env.client
    async with running_worker(client, settings, sessions):
        handle = await start_case(client, settings, intake_body(workers=1))
        before = await registered(handle)
        state = await act(handle, Action.REQUEST_SUPPLEMENT, {"missing": "欠薪期间的考勤记录或工资欠条"})
        acceptance = state.deadline(DeadlineKind.ACCEPTANCE)
        assert acceptance is not None and acceptance.suspended_since is not None
        assert state.supplement_missing == "欠薪期间的考勤记录或工资欠条"
        assert [n.kind for n in state.notices] == ["supplement"]
        with pytest.raises(WorkflowUpdateFailedError) as blocked:
            await act(handle, Action.ACCEPT, {})
        assert refusal_code(blocked.value) == "supplement_pending"

        await time_skipping_env.sleep(timedelta(days=20))  # the complainant takes their time
        arrived = await time_skipping_env.get_current_time()
        state = await act(handle, Action.RECORD_SUPPLEMENT, {"received_at": arrived.isoformat()})
        restarted = state.deadline(DeadlineKind.ACCEPTANCE)
        assert restarted is not None and restarted.suspended_since is None
        assert restarted.start == shanghai_date(arrived) and restarted.due > before.deadlines[0].due
        assert len([d for d in state.deadlines if d.kind == DeadlineKind.ACCEPTANCE]) == 1
        state = await act(handle, Action.ACCEPT, {})
        assert state.deadline(DeadlineKind.ACCEPTANCE).status == DeadlineStatus.MET  # type: ignore[union-attr]
        await handle.terminate()


async def test_time_barred_complaint_is_accepted_only_with_a_recorded_reason(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    body = intake_body(workers=1)
    body["workers"][0].update(owed_from="2023-01-01", owed_to="2024-06-30")
    client = time_skipping_env.client
    async with running_worker(client, settings, sessions):
        handle = await start_case(client, settings, body)
        state = await registered(handle)
        assert state.limitation is not None and state.limitation.time_barred  # visible before anyone acts
        with pytest.raises(WorkflowUpdateFailedError) as barred:
            await act(handle, Action.ACCEPT, {})
        assert refusal_code(barred.value) == "time_barred"
        because = "投诉人2025年3月曾来电投诉，有12333登记记录，时效中断"
        state = await act(handle, Action.ACCEPT, {"not_time_barred_because": because})
        assert state.stage == Stage.INVESTIGATING and state.not_time_barred_because == because
        await handle.terminate()


async def test_zero_finding_closes_as_no_violation_and_withdrawal_with_money_owed_needs_the_head(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = time_skipping_env.client
    async with running_worker(client, settings, sessions):
        zero = await start_case(client, settings, intake_body(workers=1))
        await registered(zero)
        await act(zero, Action.ACCEPT, {})
        state = await act(
            zero, Action.RECORD_FINDING, {"workers": [{"id_number": make_id(1), "confirmed_amount": "0"}]}
        )
        assert state.stage == Stage.INVESTIGATING and state.outstanding == Decimal("0.00")
        with pytest.raises(WorkflowUpdateFailedError) as cleared:
            await act(zero, Action.CLOSE, {"reason": "cleared"}, SUPERVISOR)
        assert refusal_code(cleared.value) == "nothing_was_owed"
        state = await act(zero, Action.CLOSE, {"reason": "no_violation"}, SUPERVISOR)
        assert state.close_reason == "no_violation"
        await zero.terminate()

        owed = await start_case(client, settings, intake_body(workers=1))
        await registered(owed)
        await act(owed, Action.ACCEPT, {})
        state = await act(owed, Action.CLOSE, {"reason": "withdrawn"}, HEAD)
        assert state.stage == Stage.CLOSED and state.outstanding == Decimal("12000.00")
        await owed.terminate()


async def test_a_case_continued_as_new_resumes_its_state_without_a_second_intake(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = time_skipping_env.client
    async with running_worker(client, settings, sessions):
        first = await start_case(client, settings, intake_body(workers=1))
        accepted = await act(first, Action.ACCEPT, {})
        await first.terminate()
        resumed = await client.start_workflow(
            ArrearsCase.run,
            CaseStart(
                case_id=accepted.case_id,
                intake=CaseIntake.model_validate(intake_body(workers=1)),
                created_by=INSPECTOR,
                resume=accepted,
            ),
            id=f"{accepted.case_id}-resumed",
            task_queue=settings.task_queue,
        )
        state = await resumed.query(ArrearsCase.state)
        assert state == accepted
        later = await act(resumed, Action.CLOSE, {"reason": "transferred"}, SUPERVISOR)
        assert later.stage == Stage.CLOSED and later.last_seq == accepted.last_seq + 1
        await resumed.terminate()
    assert await count(sessions, case_events, accepted.case_id) == 3  # intake, accept, close: no second intake
