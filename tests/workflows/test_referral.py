"""The criminal referral as its own workflow on the time-skipping server (issue 9, item 2): refused where the
province's figures are not met; the head's 3 days and the police's 3 days escalate when silent; the transfer with
its 移送书 and list of materials; reconsideration and supervision each within 3 days; payments after the transfer
passed on; an accepted case's materials handed over. The refused-then-supervised path is recorded for replay."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from models.actions import Action, ActionResult, Actor
from models.case import DeadlineKind, DeadlineStatus, EscalationKind
from models.clock import shanghai_date
from models.tracks import ReferralState, ReferralStatus
from rules.escalation import end_of
from tests.builders import make_id
from tests.harness import HEAD, INSPECTOR, act, act_on, running_worker, until
from tests.workflows.test_clocks import skip_to
from tests.workflows.test_decision import ordered, refused
from tests.workflows.test_record_histories import save

REPORT = {
    "report": "经调查，该单位有能力支付而不支付，经责令限期支付仍不支付，涉嫌拒不支付劳动报酬罪",
    "officers": ["执法人员甲", "执法人员乙"],
    "threshold": {"one_worker": "5000", "ten_workers": "30000"},
}


async def on_track(
    env: WorkflowEnvironment, track_id: str, action: Action, body: dict[str, Any], actor: Actor = INSPECTOR
) -> ReferralState:
    return await act_on(env.client.get_workflow_handle(track_id), action, body, ReferralState, actor)


async def referral(env: WorkflowEnvironment, track_id: str) -> ReferralState:
    state: ReferralState = await env.client.get_workflow_handle(track_id).query("state", result_type=ReferralState)
    return state


async def until_referral(
    env: WorkflowEnvironment, track_id: str, test: Callable[[ReferralState], bool]
) -> ReferralState:
    return await until(env.client.get_workflow_handle(track_id), ReferralState, test)


async def referred(env: WorkflowEnvironment, settings: Settings) -> tuple[Any, str]:
    handle, order_ends = await ordered(env, settings)
    await skip_to(env, order_ends)
    state = await act(handle, Action.REFER_TO_POLICE, REPORT)
    track_id = state.tracks[-1].track_id
    await env.client.get_workflow_handle(track_id).execute_update("registration", result_type=ActionResult)
    return handle, track_id


def escalated(state: ReferralState, kind: DeadlineKind) -> bool:
    return any(e.kind == EscalationKind.OVERDUE and e.deadline_kind == kind for e in state.escalations)


async def test_refused_where_the_provinces_figures_are_not_met(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, settings, sessions):
        handle, order_ends = await ordered(env, settings)
        await skip_to(env, order_ends)
        high = {**REPORT, "threshold": {"one_worker": "12000", "ten_workers": "50000"}}
        assert await refused(handle, Action.REFER_TO_POLICE, high) == "threshold_not_met"


async def test_silence_escalates_then_refusal_reconsideration_and_supervision(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, settings, sessions):
        handle, track_id = await referred(env, settings)
        state = await referral(env, track_id)
        assert state.status == ReferralStatus.AWAITING_APPROVAL and [n.kind for n in state.notices] == [
            "referral_report"
        ]
        approval = next(d for d in state.deadlines if d.kind == DeadlineKind.REFERRAL_APPROVAL)
        assert (approval.due - approval.start).days == 3
        await skip_to(env, end_of(approval.due))
        state = await until_referral(env, track_id, lambda s: escalated(s, DeadlineKind.REFERRAL_APPROVAL))

        state = await on_track(env, track_id, Action.DECIDE_REFERRAL, {"approve": True, "reason": "同意移送"}, HEAD)
        assert state.status == ReferralStatus.APPROVED
        assert [n.kind for n in state.notices][-2:] == ["referral_transfer", "evidence_list"]
        transfer = next(d for d in state.deadlines if d.kind == DeadlineKind.REFERRAL_TRANSFER)
        assert (transfer.due - transfer.start).days == 1
        now = await env.get_current_time()
        transferred = {"transferred_at": now.isoformat(), "police_organ": "太原市公安局小店分局", "receipt": "回执001"}
        state = await on_track(env, track_id, Action.RECORD_TRANSFER, transferred)
        assert state.status == ReferralStatus.TRANSFERRED
        police = next(d for d in state.deadlines if d.kind == DeadlineKind.POLICE_DECISION)
        await skip_to(env, end_of(police.due))
        state = await until_referral(env, track_id, lambda s: escalated(s, DeadlineKind.POLICE_DECISION))

        # payments made now go on to the police, and change nothing in the referral's course
        paid_at = (await env.get_current_time()).isoformat()
        await act(
            handle,
            Action.RECORD_PAYMENT,
            {"payments": [{"id_number": make_id(2), "amount": "333.33", "paid_at": paid_at}]},
        )
        state = await until_referral(env, track_id, lambda s: bool(s.payments) and s.payments[-1].notice_id is not None)
        assert state.payments[0].outstanding == state.outstanding and state.status == ReferralStatus.TRANSFERRED
        assert state.notices[-1].kind == "referral_payment"

        today = shanghai_date(await env.get_current_time())
        refusal = {"accepted": False, "reference": "小公不立字〔2026〕8号", "decided_on": today.isoformat()}
        state = await on_track(env, track_id, Action.RECORD_POLICE_DECISION, refusal)
        assert state.status == ReferralStatus.POLICE_REFUSED
        window = next(d for d in state.deadlines if d.kind == DeadlineKind.RECONSIDERATION_REQUEST)
        assert window.due == today + timedelta(days=3)
        state = await on_track(
            env, track_id, Action.REQUEST_RECONSIDERATION, {"requested_on": today.isoformat(), "reason": "证据充分"}
        )
        assert state.status == ReferralStatus.RECONSIDERATION_REQUESTED
        assert state.notices[-1].kind == "reconsideration_request"
        again = {**refusal, "reference": "小公复字〔2026〕2号"}
        state = await on_track(env, track_id, Action.RECORD_POLICE_DECISION, again)
        assert state.status == ReferralStatus.RECONSIDERATION_REFUSED and state.police_decisions[-1].reconsideration
        supervise = next(d for d in state.deadlines if d.kind == DeadlineKind.SUPERVISION_REQUEST)
        late = (supervise.due + timedelta(days=1)).isoformat()
        await skip_to(env, end_of(supervise.due))
        ask = {"requested_on": late, "procuratorate": "太原市小店区人民检察院", "reason": "应当立案"}
        assert (
            await refused(env.client.get_workflow_handle(track_id), Action.REQUEST_SUPERVISION, ask) == "window_closed"
        )
        on_time = {**ask, "requested_on": supervise.due.isoformat()}
        state = await on_track(env, track_id, Action.REQUEST_SUPERVISION, on_time)
        assert state.status == ReferralStatus.SUPERVISION_REQUESTED and state.notices[-1].kind == "supervision_request"
        # the case's own handling goes on whatever the police decide
        case = await act(
            handle,
            Action.RECORD_PAYMENT,
            {"payments": [{"id_number": make_id(1), "amount": "1000.00", "paid_at": paid_at}]},
        )
        assert case.tracks[-1].status == ReferralStatus.SUPERVISION_REQUESTED
        await save(env.client.get_workflow_handle(track_id), "v7_referral")


async def test_accepted_then_materials_handed_over(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, settings, sessions):
        handle, track_id = await referred(env, settings)
        assert (
            await refused(
                env.client.get_workflow_handle(track_id), Action.DECIDE_REFERRAL, {"approve": True, "reason": "同意"}
            )
            == "role_not_allowed"
        )
        state = await on_track(env, track_id, Action.DECIDE_REFERRAL, {"approve": True, "reason": "同意"}, HEAD)
        now = await env.get_current_time()
        await on_track(
            env, track_id, Action.RECORD_TRANSFER, {"transferred_at": now.isoformat(), "police_organ": "某公安分局"}
        )
        today = shanghai_date(now)
        accepted = {"accepted": True, "reference": "小公立字〔2026〕9号", "decided_on": today.isoformat()}
        state = await on_track(env, track_id, Action.RECORD_POLICE_DECISION, accepted)
        assert state.status == ReferralStatus.POLICE_ACCEPTED
        police = next(d for d in state.deadlines if d.kind == DeadlineKind.POLICE_DECISION)
        assert police.status == DeadlineStatus.MET
        handover = {"handed_over_on": today.isoformat(), "items": "案卷一宗、工资表复印件"}
        state = await on_track(env, track_id, Action.RECORD_HANDOVER, handover)
        assert state.status == ReferralStatus.HANDED_OVER
        assert (
            next(d for d in state.deadlines if d.kind == DeadlineKind.MATERIALS_HANDOVER).status == DeadlineStatus.MET
        )
        refused_again = await refused(handle, Action.REFER_TO_POLICE, REPORT)
        assert refused_again == "track_already_open"
