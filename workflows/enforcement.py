"""The enforcement tracks of a case, beside its stage: the administrative decision (行政处理决定), the
administrative penalty (行政处罚) and going to court (行政强制法 art. 53). The handlers decide only; the rules
are in rules/transitions.py, rules/penalties.py and rules/court.py (docs/enforcement.md)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from temporalio import workflow

from workflows.procedure import Procedure, action

with workflow.unsafe.imports_passed_through():
    from models.actions import (
        SYSTEM,
        Action,
        ActionInput,
        ActionResult,
        DecidePenaltyBody,
        DefenseProcedure,
        IssueDecisionBody,
        ProposeDecisionBody,
        ProposePenaltyBody,
        RecordChallengeBody,
        RecordCourtEnforcementBody,
        RecordFinePaidBody,
        RecordHearingBody,
        RecordReviewBody,
        RequestHearingBody,
        ScheduleHearingBody,
        SubmitDefenseBody,
    )
    from models.activities import ASSESS_PENALTY, AssessPenaltyInput
    from models.case import CaseState, Deadline, DeadlineKind
    from models.clock import shanghai_date
    from models.enforcement import DecisionTrack, Defense, PenaltyTerms, PenaltyTrack
    from models.notices import NoticeKind
    from rules import court, transitions
    from rules.deadlines import end_party_period, mark_met
    from workflows.options import ACTIVITY_TIMEOUT, RETRY


class Enforcement(Procedure[CaseState]):
    """The decision's, the penalty's and the court's handlers and clocks, inherited by the case workflow."""

    async def _periods_from_service(self, kind: str, served: date) -> list[Deadline]:
        """The party's periods a prior notice opens when it is served (defence; a hearing request)."""
        if kind == NoticeKind.DECISION_NOTICE.value:
            return [await self._deadline(DeadlineKind.DECISION_DEFENSE, served)]
        if kind == NoticeKind.PENALTY_NOTICE.value:
            assert self._state.penalty is not None
            periods = [await self._deadline(DeadlineKind.PENALTY_DEFENSE, served)]
            if self._state.penalty.hearing_right:
                periods.append(await self._deadline(DeadlineKind.PENALTY_HEARING_REQUEST, served))
            return periods
        return []

    @action(Action.PROPOSE_DECISION)
    async def propose_decision(self, inp: ActionInput[ProposeDecisionBody]) -> ActionResult:
        """行政处理事先告知书: the decision the bureau intends (wages plus 加付赔偿金 at the rate given); the
        party's defence period opens when it is served."""
        track = DecisionTrack(proposed_rate=inp.body.compensation_rate, proposed_at=workflow.now())
        self._state = self._state.model_copy(update={"decision": track})
        notice = await self._notice(NoticeKind.DECISION_NOTICE)
        self._state = self._state.model_copy(
            update={"decision": track.model_copy(update={"prior_notice_id": notice.notice_id})}
        )
        data = {"compensation_rate": str(track.proposed_rate), "notice": notice.doc_number}
        return await self._record(Action.PROPOSE_DECISION, inp.actor, inp.body.comment, data)

    @action(Action.SUBMIT_DEFENSE)
    async def submit_defense(self, inp: ActionInput[SubmitDefenseBody]) -> ActionResult:
        """A party's 陈述申辩 against an intended decision or penalty; the head may decide once one is on file."""
        procedure = transitions.defense_procedure(self._state, inp.body)
        defense = Defense(party=inp.body.party, text=inp.body.text, at=workflow.now(), recorded_by=inp.actor.user_id)
        if procedure == DefenseProcedure.DECISION:
            assert self._state.decision is not None
            decision = self._state.decision.model_copy(update={"defenses": [*self._state.decision.defenses, defense]})
            self._state = self._state.model_copy(update={"decision": decision})
        else:
            assert self._state.penalty is not None
            penalty = self._state.penalty.model_copy(update={"defenses": [*self._state.penalty.defenses, defense]})
            self._state = self._state.model_copy(update={"penalty": penalty})
        data = {"party": inp.body.party, "text": inp.body.text, "procedure": procedure.value}
        return await self._record(Action.SUBMIT_DEFENSE, inp.actor, inp.body.comment, data)

    @action(Action.ISSUE_DECISION)
    async def issue_decision(self, inp: ActionInput[IssueDecisionBody]) -> ActionResult:
        """The head's 行政处理决定书: each worker's wages still owed plus 加付赔偿金 at the rate decided."""
        assert self._state.decision is not None  # checked by the rule
        now = workflow.now()
        rate = inp.body.compensation_rate
        track = self._state.decision.model_copy(
            update={"rate": rate, "lines": transitions.decision_lines(self._state, rate), "decided_at": now}
        )
        deadlines = end_party_period(self._state.deadlines, DeadlineKind.DECISION_DEFENSE, shanghai_date(now))
        self._state = self._state.model_copy(update={"decision": track, "deadlines": deadlines})
        notice = await self._notice(NoticeKind.DECISION)
        self._state = self._state.model_copy(
            update={"decision": track.model_copy(update={"notice_id": notice.notice_id})}
        )
        data = {
            "compensation_rate": str(rate),
            "wages": str(track.wages),
            "compensation": str(track.compensation),
            "notice": notice.doc_number,
        }
        return await self._record(Action.ISSUE_DECISION, inp.actor, inp.body.comment, data)

    def _penalty(self, **changes: Any) -> PenaltyTrack:
        assert self._state.penalty is not None  # checked by the rules
        track = self._state.penalty.model_copy(update=changes)
        self._state = self._state.model_copy(update={"penalty": track})
        return track

    @action(Action.PROPOSE_PENALTY)
    async def propose_penalty(self, inp: ActionInput[ProposePenaltyBody]) -> ActionResult:
        """行政处罚事先告知书 (行政处罚法 art. 44): the fine intended; its service opens the defence period and,
        for a large fine, the 5 days to ask for a hearing. The 90 days from 立案 (art. 60) start counting."""
        now = workflow.now()
        terms: PenaltyTerms = await workflow.execute_local_activity(
            ASSESS_PENALTY,
            AssessPenaltyInput(region_code=self._state.region_code, amount=inp.body.amount),
            result_type=PenaltyTerms,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        track = PenaltyTrack(
            basis=inp.body.basis,
            facts=inp.body.facts,
            proposed_amount=inp.body.amount,
            proposed_at=now,
            hearing_right=terms.hearing_right,
            collective_discussion_required=terms.collective_discussion_required,
        )
        filed = shanghai_date(self._state.accepted_at or now)
        limit = await self._deadline(DeadlineKind.PENALTY_DECISION, filed)
        self._state = self._state.model_copy(update={"penalty": track, "deadlines": [*self._state.deadlines, limit]})
        notice = await self._notice(NoticeKind.PENALTY_NOTICE)
        self._penalty(prior_notice_id=notice.notice_id)
        data = {
            "basis": inp.body.basis.value,
            "facts": inp.body.facts,
            "amount": str(inp.body.amount),
            "hearing_right": terms.hearing_right,
            "collective_discussion_required": terms.collective_discussion_required,
            "notice": notice.doc_number,
        }
        return await self._record(Action.PROPOSE_PENALTY, inp.actor, inp.body.comment, data)

    @action(Action.REQUEST_HEARING)
    async def request_hearing(self, inp: ActionInput[RequestHearingBody]) -> ActionResult:
        asked = inp.body.requested_at
        self._penalty(hearing_requested_at=asked)
        deadlines = end_party_period(self._state.deadlines, DeadlineKind.PENALTY_HEARING_REQUEST, shanghai_date(asked))
        self._state = self._state.model_copy(update={"deadlines": deadlines})
        data = {"requested_at": asked.isoformat()}
        return await self._record(Action.REQUEST_HEARING, inp.actor, inp.body.comment, data)

    @action(Action.SCHEDULE_HEARING)
    async def schedule_hearing(self, inp: ActionInput[ScheduleHearingBody]) -> ActionResult:
        """听证通知书, at least 7 days before the hearing (art. 64)."""
        self._penalty(hearing_at=inp.body.hearing_at, hearing_place=inp.body.place)
        notice = await self._notice(NoticeKind.HEARING_NOTICE)
        self._penalty(hearing_notice_id=notice.notice_id)
        data = {"hearing_at": inp.body.hearing_at.isoformat(), "place": inp.body.place, "notice": notice.doc_number}
        return await self._record(Action.SCHEDULE_HEARING, inp.actor, inp.body.comment, data)

    @action(Action.RECORD_HEARING)
    async def record_hearing(self, inp: ActionInput[RecordHearingBody]) -> ActionResult:
        self._penalty(hearing_held_at=inp.body.held_at, hearing_record=inp.body.record)
        data = {"held_at": inp.body.held_at.isoformat(), "record": inp.body.record}
        return await self._record(Action.RECORD_HEARING, inp.actor, inp.body.comment, data)

    @action(Action.RECORD_LEGAL_REVIEW)
    async def record_legal_review(self, inp: ActionInput[RecordReviewBody]) -> ActionResult:
        """法制审核 (art. 58), before the head decides."""
        self._penalty(legal_review_at=workflow.now(), legal_review=inp.body.opinion)
        return await self._record(
            Action.RECORD_LEGAL_REVIEW, inp.actor, inp.body.comment, {"opinion": inp.body.opinion}
        )

    @action(Action.RECORD_COLLECTIVE_DISCUSSION)
    async def record_collective_discussion(self, inp: ActionInput[RecordReviewBody]) -> ActionResult:
        """集体讨论 by the heads (art. 57), where the bureau requires it for the fine."""
        self._penalty(collective_discussion_at=workflow.now(), collective_discussion=inp.body.opinion)
        data = {"opinion": inp.body.opinion}
        return await self._record(Action.RECORD_COLLECTIVE_DISCUSSION, inp.actor, inp.body.comment, data)

    @action(Action.DECIDE_PENALTY)
    async def decide_penalty(self, inp: ActionInput[DecidePenaltyBody]) -> ActionResult:
        """The head decides: a fine (行政处罚决定书, to be served within 7 days, art. 61) or none."""
        now = workflow.now()
        today = shanghai_date(now)
        body = inp.body
        self._penalty(
            decided_at=now, imposed=body.impose, amount=body.amount if body.impose else None, reason=body.reason
        )
        deadlines = mark_met(self._state.deadlines, DeadlineKind.PENALTY_DECISION, today)
        for period in (DeadlineKind.PENALTY_DEFENSE, DeadlineKind.PENALTY_HEARING_REQUEST):
            deadlines = end_party_period(deadlines, period, today)
        if body.impose:
            deadlines = [*deadlines, await self._deadline(DeadlineKind.PENALTY_SERVICE, today)]
        self._state = self._state.model_copy(update={"deadlines": deadlines})
        data: dict[str, Any] = {"impose": body.impose, "amount": str(body.amount) if body.impose else None}
        data["reason"] = body.reason
        if body.impose:
            notice = await self._notice(NoticeKind.PENALTY_DECISION)
            self._penalty(notice_id=notice.notice_id)
            data["notice"] = notice.doc_number
        return await self._record(Action.DECIDE_PENALTY, inp.actor, body.comment, data)

    @action(Action.RECORD_CHALLENGE)
    async def record_challenge(self, inp: ActionInput[RecordChallengeBody]) -> ActionResult:
        """The party applied for review or sued: the decision is not enforced while the challenge runs."""
        body = inp.body
        self._enforcement(body.procedure, challenge=body.kind.value, challenged_on=body.filed_on)
        data = {"procedure": body.procedure.value, "kind": body.kind.value, "filed_on": body.filed_on.isoformat()}
        return await self._record(Action.RECORD_CHALLENGE, inp.actor, body.comment, data)

    @action(Action.RECORD_FINE_PAID)
    async def record_fine_paid(self, inp: ActionInput[RecordFinePaidBody]) -> ActionResult:
        self._penalty(fine_paid_on=inp.body.paid_on)
        data = {"paid_on": inp.body.paid_on.isoformat()}
        return await self._record(Action.RECORD_FINE_PAID, inp.actor, inp.body.comment, data)

    @action(Action.RECORD_COURT_ENFORCEMENT)
    async def record_court_enforcement(self, inp: ActionInput[RecordCourtEnforcementBody]) -> ActionResult:
        """The application filed with the court (the deadline met), and later what the court did."""
        body = inp.body
        changes: dict[str, Any] = {
            k: v for k, v in {"court": body.court, "reference": body.reference, "outcome": body.outcome}.items() if v
        }
        if body.filed_on is not None:
            changes["filed_on"] = body.filed_on
            deadlines = mark_met(self._state.deadlines, DeadlineKind.COURT_ENFORCEMENT, body.filed_on)
            self._state = self._state.model_copy(update={"deadlines": deadlines})
        self._enforcement(body.procedure, **changes)
        data = body.model_dump(mode="json", exclude={"comment"}, exclude_none=True)
        return await self._record(Action.RECORD_COURT_ENFORCEMENT, inp.actor, body.comment, data)

    async def _periods_passed(self, procedure: DefenseProcedure) -> None:
        """The review and litigation periods of a served decision or fine passed unchallenged: if the party
        complied, nothing to enforce; else the 3 months to apply to the court open (行政强制法 art. 53), with
        the 强制执行申请书 drafted for the bureau."""
        now = workflow.now()
        enforcement = court.enforcement_of(self._state, procedure)
        assert enforcement is not None and enforcement.served_on is not None
        if court.complied(self._state, procedure):
            self._enforcement(procedure, not_needed_at=now)
            await self._record("court_enforcement_not_needed", SYSTEM, None, {"procedure": procedure.value})
            return
        start = court.periods_end(enforcement.served_on) + timedelta(days=1)
        deadline = await self._deadline(DeadlineKind.COURT_ENFORCEMENT, start)
        self._enforcement(procedure, opened_at=now)
        self._state = self._state.model_copy(update={"deadlines": [*self._state.deadlines, deadline]})
        notice = await self._notice(NoticeKind.COURT_APPLICATION)
        data = {"procedure": procedure.value, "due": deadline.due.isoformat(), "notice": notice.doc_number}
        await self._record("court_enforcement_due", SYSTEM, None, data)

    def _enforcement(self, procedure: DefenseProcedure, **changes: Any) -> None:
        """Update the court-enforcement state of the decision or of the fine."""
        if procedure == DefenseProcedure.DECISION:
            assert self._state.decision is not None
            track = self._state.decision
            updated = track.model_copy(update={"enforcement": track.enforcement.model_copy(update=changes)})
            self._state = self._state.model_copy(update={"decision": updated})
        else:
            assert self._state.penalty is not None
            fine = self._state.penalty
            changed = fine.model_copy(update={"enforcement": fine.enforcement.model_copy(update=changes)})
            self._state = self._state.model_copy(update={"penalty": changed})
