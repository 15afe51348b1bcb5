"""Going to court (issue 8, item 4) on the time-skipping server: a served decision neither complied with
nor challenged opens the 3-month court-enforcement deadline when the review (60 days) and litigation
(6 months) periods have passed, with the 强制执行申请书 drafted; a challenge or compliance keeps it shut;
a fine unpaid keeps the case open; the filing and the outcome are recorded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from db.tables import notices
from models.actions import Action
from models.case import CaseState, DeadlineKind, DeadlineStatus
from models.clock import shanghai_date
from rules.clear import add_months
from tests.builders import make_id
from tests.harness import HEAD, act, running_worker
from tests.notices.conftest import pdf_text
from tests.workflows.test_decision import ordered, refused, serve
from tests.workflows.test_penalty import SUPERVISOR, accepted, later, propose, settled
from tests.workflows.test_record_histories import save


async def decided_and_served(env: WorkflowEnvironment, settings: Settings) -> tuple[Any, CaseState]:
    handle, _ = await ordered(env, settings)
    await later(env, 4)  # past the order's date
    state = await act(handle, Action.PROPOSE_DECISION, {"compensation_rate": "0.5"})
    await serve(env, handle, state.notices[-1].notice_id)
    await act(handle, Action.SUBMIT_DEFENSE, {"party": "某公司", "text": "无异议"})
    state = await act(handle, Action.ISSUE_DECISION, {"compensation_rate": "0.5"}, actor=HEAD)
    state = await serve(env, handle, state.notices[-1].notice_id)
    assert state.decision is not None and state.decision.enforcement.served_on is not None
    return handle, state


async def test_unchallenged_and_unpaid_the_court_deadline_opens(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, settings, sessions):
        handle, state = await decided_and_served(env, settings)
        served = state.decision.enforcement.served_on  # type: ignore[union-attr]
        assert served is not None
        early = {
            "procedure": "decision",
            "filed_on": shanghai_date(await env.get_current_time()).isoformat(),
            "court": "小店区人民法院",
        }
        assert await refused(handle, Action.RECORD_COURT_ENFORCEMENT, early) == "enforcement_not_due"
        await later(env, 100)  # the review period passed: the suit's has not
        state = await handle.query("state", result_type=CaseState)
        assert not [d for d in state.deadlines if d.kind == DeadlineKind.COURT_ENFORCEMENT]
        late = {
            "procedure": "decision",
            "kind": "review",
            "filed_on": shanghai_date(await env.get_current_time()).isoformat(),
        }
        assert await refused(handle, Action.RECORD_CHALLENGE, late) == "challenge_too_late"

        await later(env, 90)  # six months and more since service
        state = await settled(handle, lambda s: s.notices[-1].kind == "court_application")
        (deadline,) = [d for d in state.deadlines if d.kind == DeadlineKind.COURT_ENFORCEMENT]
        start = add_months(served, 6) + timedelta(days=1)
        assert (deadline.start, deadline.due) == (start, add_months(start, 3))
        assert "第五十三条" in deadline.basis
        assert state.notices[-1].kind == "court_application"
        assert state.decision is not None and state.decision.enforcement.status == "due"
        text = await notice_text(settings, sessions, state.notices[-1].notice_id)
        decision_number = next(n.doc_number for n in state.notices if n.kind == "decision")
        assert "强制执行申请书" in text and "第五十三条" in text and decision_number in text
        assert "人民法院" in text and make_id(1) not in text

        filed = {"procedure": "decision", "filed_on": shanghai_date(await env.get_current_time()).isoformat()}
        assert await refused(handle, Action.RECORD_COURT_ENFORCEMENT, filed) == "enforcement_filing_required"
        state = await act(handle, Action.RECORD_COURT_ENFORCEMENT, {**filed, "court": "太原市小店区人民法院"})
        (deadline,) = [d for d in state.deadlines if d.kind == DeadlineKind.COURT_ENFORCEMENT]
        assert deadline.status == DeadlineStatus.MET
        outcome = {"procedure": "decision", "outcome": "法院裁定准予强制执行", "reference": "（2027）晋0105行审1号"}
        state = await act(handle, Action.RECORD_COURT_ENFORCEMENT, outcome)
        assert state.decision is not None and state.decision.enforcement.status == "concluded"
        await save(handle, "v6_court")


async def notice_text(settings: Settings, sessions: async_sessionmaker[AsyncSession], notice_id: str) -> str:
    """The visible text (whitespace removed) of a notice's stored PDF."""
    async with sessions() as s:
        path = (await s.execute(select(notices.c.path).where(notices.c.notice_id == notice_id))).scalar_one()
    return pdf_text((settings.notice_dir / path).read_bytes())


async def test_a_challenge_keeps_the_court_out(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, settings, sessions):
        handle, _ = await decided_and_served(env, settings)
        now = shanghai_date(await env.get_current_time())
        state = await act(
            handle,
            Action.RECORD_CHALLENGE,
            {"procedure": "decision", "kind": "litigation", "filed_on": now.isoformat()},
        )
        assert state.decision is not None and state.decision.enforcement.status == "challenged"
        await later(env, 200)
        state = await handle.query("state", result_type=CaseState)
        assert not [d for d in state.deadlines if d.kind == DeadlineKind.COURT_ENFORCEMENT]


async def test_a_paid_fine_needs_no_court_and_an_unpaid_one_keeps_the_case_open(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = own_time_env
    async with running_worker(env.client, settings, sessions):
        handle = await accepted(env, settings)
        await propose(env, handle, "5000")
        await act(handle, Action.RECORD_LEGAL_REVIEW, {"opinion": "同意"}, actor=SUPERVISOR)
        await later(env, 10)
        state = await act(
            handle, Action.DECIDE_PENALTY, {"impose": True, "amount": "5000", "reason": "事实清楚"}, actor=HEAD
        )
        await serve(env, handle, state.notices[-1].notice_id)
        await act(handle, Action.RECORD_FINDING, {"workers": [{"id_number": make_id(1), "confirmed_amount": "0"}]})
        assert await refused(handle, Action.CLOSE, {"reason": "no_violation"}, actor=HEAD) == "enforcement_pending"
        paid = shanghai_date(await env.get_current_time()).isoformat()
        await act(handle, Action.RECORD_FINE_PAID, {"paid_on": paid})
        assert await refused(handle, Action.RECORD_FINE_PAID, {"paid_on": paid}) == "fine_already_paid"
        await later(env, 200)
        state = await settled(handle, lambda s: s.penalty is not None and s.penalty.enforcement.status == "not_needed")
        assert state.penalty is not None and state.penalty.enforcement.status == "not_needed"
        assert not [d for d in state.deadlines if d.kind == DeadlineKind.COURT_ENFORCEMENT]
        closed = await act(handle, Action.CLOSE, {"reason": "no_violation"}, actor=HEAD)
        assert closed.stage.value == "closed"
