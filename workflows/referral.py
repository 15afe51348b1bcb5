"""Referral: handing a case of refusing to pay wages (拒不支付劳动报酬罪, 刑法 art. 276-1) to the police under
国务院令第310号, a child workflow of its case (id ``<case id>/referral/<n>``): the head approves within 3 days, the
transfer goes within 24 hours, the police decide within 3 days; a refusal may be reconsidered and then supervised
by the procuratorate, each asked within 3 days; an accepted case's materials go over within 3 days. Payments made on
the case afterwards are passed on; the case's administrative handling goes on whatever the police decide.

Decides only; the rules are in rules/referral.py (docs/long-arm.md)."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

from workflows.procedure import action
from workflows.track import Track

with workflow.unsafe.imports_passed_through():
    from models.actions import (
        SYSTEM,
        Action,
        ActionInput,
        ActionResult,
        Actor,
        DecideReferralBody,
        RecordHandoverBody,
        RecordPoliceDecisionBody,
        RecordTransferBody,
        RequestReconsiderationBody,
        RequestSupervisionBody,
    )
    from models.case import DeadlineKind, Role
    from models.clock import shanghai_date
    from models.notices import NoticeKind
    from models.tracks import CasePaid, PassedPayment, PoliceDecision, ReferralState, TrackStart
    from models.tracks import ReferralStatus as S
    from rules import referral
    from rules.deadlines import end_party_period, mark_met

WORKFLOW_NAME = "Referral"
_PENDING = frozenset({S.AWAITING_APPROVAL, S.APPROVED, S.TRANSFERRED, S.RECONSIDERATION_REQUESTED, S.POLICE_ACCEPTED})
"""Someone (the head, the bureau, the police) still owes a step."""
_WITH_POLICE = frozenset(
    {
        S.TRANSFERRED,
        S.POLICE_ACCEPTED,
        S.HANDED_OVER,
        S.POLICE_REFUSED,
        S.RECONSIDERATION_REQUESTED,
        S.RECONSIDERATION_REFUSED,
        S.SUPERVISION_REQUESTED,
    }
)
"""The case is (or was) before the police: payments made now are passed on to them."""


@workflow.defn(name=WORKFLOW_NAME)
class Referral(Track[ReferralState]):
    @workflow.init
    def __init__(self, start: TrackStart) -> None:
        assert isinstance(start.state, ReferralState)
        self._begin(start.state)

    @workflow.run
    async def run(self, start: TrackStart) -> ReferralState:
        if not start.resume:
            async with self._lock:
                await self._report_filed()
        await self._keep_clock()
        return self._state

    async def _report_filed(self) -> None:
        """The team's 涉嫌犯罪案件移送报告 goes to the head, who decides within 3 days (art. 5)."""
        today = shanghai_date(workflow.now())
        approval = await self._deadline(DeadlineKind.REFERRAL_APPROVAL, today)
        self._state = self._state.model_copy(update={"deadlines": [approval]})
        report = await self._notice(NoticeKind.REFERRAL_REPORT)
        self._state = self._state.model_copy(update={"report_notice_id": report.notice_id})
        proposer = Actor(user_id=self._state.created_by, name="", role=Role.INSPECTOR)
        data = {
            "track_id": self._state.track_id,
            "officers": self._state.officers,
            "notice": report.doc_number,
            "approval_due": approval.due.isoformat(),
        }
        await self._record("referral_reported", proposer, None, data)
        self._state = self._state.model_copy(update={"registered": True})  # recorded: the API may show it

    def _set(self, **changes: Any) -> None:
        self._state = self._state.model_copy(update=changes)

    @action(Action.DECIDE_REFERRAL)
    async def decide_referral(self, inp: ActionInput[DecideReferralBody]) -> ActionResult:
        """Approved: the 移送书 and the list of materials, to go within 24 hours; refused: the reasons on record."""
        now = workflow.now()
        today = shanghai_date(now)
        deadlines = mark_met(self._state.deadlines, DeadlineKind.REFERRAL_APPROVAL, today)
        approved = inp.body.approve
        self._set(
            status=S.APPROVED if approved else S.REFUSED,
            decided_at=now,
            decided_by=inp.actor.user_id,
            decision_reason=inp.body.reason,
            deadlines=deadlines,
        )
        data: dict[str, Any] = {"approve": approved, "reason": inp.body.reason}
        if approved:
            transfer = await self._deadline(DeadlineKind.REFERRAL_TRANSFER, today)
            self._set(deadlines=[*self._state.deadlines, transfer])
            letter = await self._notice(NoticeKind.REFERRAL_TRANSFER)
            materials = await self._notice(NoticeKind.EVIDENCE_LIST)
            self._set(transfer_notice_id=letter.notice_id, evidence_notice_id=materials.notice_id)
            data |= {"notices": [letter.doc_number, materials.doc_number], "transfer_due": transfer.due.isoformat()}
        return await self._record(Action.DECIDE_REFERRAL, inp.actor, inp.body.comment, data)

    @action(Action.RECORD_TRANSFER)
    async def record_transfer(self, inp: ActionInput[RecordTransferBody]) -> ActionResult:
        """The police received the case (their receipt); their decision is due in 3 days (art. 8)."""
        body = inp.body
        on = shanghai_date(body.transferred_at)
        deadlines = mark_met(self._state.deadlines, DeadlineKind.REFERRAL_TRANSFER, on)
        police = await self._deadline(DeadlineKind.POLICE_DECISION, on)
        self._set(
            status=S.TRANSFERRED,
            transferred_at=body.transferred_at,
            police_organ=body.police_organ,
            police_receipt=body.receipt,
            deadlines=[*deadlines, police],
        )
        data = {
            "transferred_at": body.transferred_at.isoformat(),
            "police_organ": body.police_organ,
            "police_decision_due": police.due.isoformat(),
        }
        if body.receipt:
            data["receipt"] = body.receipt
        return await self._record(Action.RECORD_TRANSFER, inp.actor, body.comment, data)

    @action(Action.RECORD_POLICE_DECISION)
    async def record_police_decision(self, inp: ActionInput[RecordPoliceDecisionBody]) -> ActionResult:
        """立案: materials within 3 days (art. 12). 不予立案: 3 days to ask for reconsideration; refused again: 3
        days to ask the procuratorate to supervise (art. 9)."""
        body = inp.body
        again = self._state.status == S.RECONSIDERATION_REQUESTED
        decision = PoliceDecision(
            accepted=body.accepted,
            reference=body.reference,
            decided_on=body.decided_on,
            reconsideration=again,
            recorded_at=workflow.now(),
        )
        deadlines = mark_met(self._state.deadlines, DeadlineKind.POLICE_DECISION, body.decided_on)
        if body.accepted:
            status, window = S.POLICE_ACCEPTED, DeadlineKind.MATERIALS_HANDOVER
        elif again:
            status, window = S.RECONSIDERATION_REFUSED, DeadlineKind.SUPERVISION_REQUEST
        else:
            status, window = S.POLICE_REFUSED, DeadlineKind.RECONSIDERATION_REQUEST
        period = await self._deadline(window, body.decided_on)
        self._set(
            status=status,
            police_decisions=[*self._state.police_decisions, decision],
            deadlines=[*deadlines, period],
        )
        data = {
            "accepted": body.accepted,
            "reference": body.reference,
            "decided_on": body.decided_on.isoformat(),
            "reconsideration": again,
            f"{window.value}_due": period.due.isoformat(),
        }
        return await self._record(Action.RECORD_POLICE_DECISION, inp.actor, body.comment, data)

    @action(Action.REQUEST_RECONSIDERATION)
    async def request_reconsideration(self, inp: ActionInput[RequestReconsiderationBody]) -> ActionResult:
        """提请复议 of the refusal; the police answer within 3 days (art. 9)."""
        body = inp.body
        deadlines = end_party_period(self._state.deadlines, DeadlineKind.RECONSIDERATION_REQUEST, body.requested_on)
        police = await self._deadline(DeadlineKind.POLICE_DECISION, body.requested_on)
        self._set(
            status=S.RECONSIDERATION_REQUESTED,
            reconsideration_requested_on=body.requested_on,
            deadlines=[*deadlines, police],
        )
        notice = await self._notice(NoticeKind.RECONSIDERATION_REQUEST)
        data = {
            "requested_on": body.requested_on.isoformat(),
            "reason": body.reason,
            "notice": notice.doc_number,
            "police_decision_due": police.due.isoformat(),
        }
        return await self._record(Action.REQUEST_RECONSIDERATION, inp.actor, body.comment, data)

    @action(Action.REQUEST_SUPERVISION)
    async def request_supervision(self, inp: ActionInput[RequestSupervisionBody]) -> ActionResult:
        """建议人民检察院立案监督 (art. 9)."""
        body = inp.body
        window = referral.supervision_window(self._state)
        self._set(
            status=S.SUPERVISION_REQUESTED,
            supervision_requested_on=body.requested_on,
            procuratorate=body.procuratorate,
            deadlines=end_party_period(self._state.deadlines, window, body.requested_on),
        )
        notice = await self._notice(NoticeKind.SUPERVISION_REQUEST)
        data = {
            "requested_on": body.requested_on.isoformat(),
            "procuratorate": body.procuratorate,
            "reason": body.reason,
            "notice": notice.doc_number,
        }
        return await self._record(Action.REQUEST_SUPERVISION, inp.actor, body.comment, data)

    @action(Action.RECORD_HANDOVER)
    async def record_handover(self, inp: ActionInput[RecordHandoverBody]) -> ActionResult:
        body = inp.body
        self._set(
            status=S.HANDED_OVER,
            handed_over_on=body.handed_over_on,
            handed_over_items=body.items,
            deadlines=mark_met(self._state.deadlines, DeadlineKind.MATERIALS_HANDOVER, body.handed_over_on),
        )
        data = {"handed_over_on": body.handed_over_on.isoformat(), "items": body.items}
        return await self._record(Action.RECORD_HANDOVER, inp.actor, body.comment, data)

    async def _paid(self, news: CasePaid) -> None:
        """Payments after the transfer go on to the police (a 补充移送材料函): they may spare or lighten the
        penalty (法释〔2013〕3号 art. 6; 刑法 art. 276-1 ¶3), and never close the referral."""
        if self._state.status not in _WITH_POLICE:
            await super()._paid(news)
            return
        passed = PassedPayment(at=news.at, paid_total=news.paid_total, outstanding=news.outstanding)
        self._set(
            outstanding=news.outstanding,
            paid_in_full_on=news.paid_in_full_on,
            payments=[*self._state.payments, passed],
        )
        notice = await self._notice(NoticeKind.REFERRAL_PAYMENT)
        self._set(payments=[*self._state.payments[:-1], passed.model_copy(update={"notice_id": notice.notice_id})])
        data = {"paid_total": str(news.paid_total), "outstanding": str(news.outstanding), "notice": notice.doc_number}
        await self._record("payment_passed_on", SYSTEM, None, data)

    def _finished(self) -> bool:
        return not self._state.case_open and self._state.status not in _PENDING

    def _open(self) -> bool:
        return self._state.status != S.REFUSED

    def _continue(self) -> None:
        workflow.continue_as_new(TrackStart(state=self._state, resume=True))

    def _rule(self, name: Action, inp: ActionInput[Any]) -> None:
        referral.check(self._state, name, inp.actor.role, inp.body, workflow.now())
