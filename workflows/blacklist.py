"""Blacklist: listing an employer that ignored an order to pay (失信联合惩戒, 人社部令第45号), a child workflow of
its case (id ``<case id>/blacklist/<n>``) that outlives it: the parties are told and heard, the head decides, the
listing runs 3 years and ends on its own, or earlier once the wages are paid and 6 months have passed.

Decides only; the rules are in rules/blacklist.py (docs/long-arm.md)."""

from __future__ import annotations

from datetime import datetime
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
        ApplyRemovalBody,
        DecideBlacklistBody,
        DecideRemovalBody,
        RecordServiceBody,
        SubmitDefenseBody,
    )
    from models.case import DeadlineKind, Role
    from models.clock import shanghai_date
    from models.enforcement import Defense
    from models.notices import NoticeKind
    from models.tracks import (
        BLACKLIST_ENDED,
        BlacklistState,
        BlacklistStatus,
        ListedParty,
        RemovalApplication,
        TrackStart,
    )
    from rules import blacklist
    from rules.deadlines import end_party_period, mark_met
    from rules.escalation import start_of
    from workflows.options import SERVICE_GRACE

WORKFLOW_NAME = "Blacklist"


@workflow.defn(name=WORKFLOW_NAME)
class Blacklist(Track[BlacklistState]):
    @workflow.init
    def __init__(self, start: TrackStart) -> None:
        assert isinstance(start.state, BlacklistState)
        self._begin(start.state)

    @workflow.run
    async def run(self, start: TrackStart) -> BlacklistState:
        if not start.resume:
            async with self._lock:
                await self._propose()
        await self._keep_clock()
        return self._state

    async def _propose(self) -> None:
        """告知书 to every party (45号令: facts, grounds, basis, the right to state and defend); the head's decision
        falls due a set number of working days after the order's pay-by date."""
        decision = await self._deadline(DeadlineKind.BLACKLIST_DECISION, self._state.order.due)
        self._state = self._state.model_copy(update={"deadlines": [decision]})
        parties: list[ListedParty] = []
        for party in self._state.parties:
            notice = await self._notice(NoticeKind.BLACKLIST_NOTICE, party=party.index)
            parties.append(party.model_copy(update={"notice_id": notice.notice_id}))
        self._state = self._state.model_copy(update={"parties": parties})
        proposer = Actor(user_id=self._state.created_by, name="", role=Role.INSPECTOR)
        data = {
            "track_id": self._state.track_id,
            "basis": self._state.basis.value,
            "parties": [p.name for p in parties],
            "notices": [n.doc_number for n in self._state.notices],
            "decision_due": decision.due.isoformat(),
        }
        await self._record("blacklist_proposed", proposer, None, data)
        self._state = self._state.model_copy(update={"registered": True})  # recorded: the API may show it

    # --- actions -------------------------------------------------------------------------------------

    def _party(self, index: int, **changes: object) -> None:
        parties = [p.model_copy(update=changes) if p.index == index else p for p in self._state.parties]
        self._state = self._state.model_copy(update={"parties": parties})

    @action(Action.RECORD_SERVICE)
    async def record_service(self, inp: ActionInput[RecordServiceBody]) -> ActionResult:
        """送达 of a 告知书 (its party's defence period runs from here) or of a decision, with its 送达回证."""
        body = inp.body
        served = self._mark_served(body)
        on = shanghai_date(body.served_at)
        party = next((p for p in self._state.parties if p.notice_id == served.notice_id), None)
        if party is not None:
            period = await self._deadline(DeadlineKind.BLACKLIST_DEFENSE, on, subject=party.name)
            self._state = self._state.model_copy(update={"deadlines": [*self._state.deadlines, period]})
            self._party(party.index, served_on=on, defense_due=period.due)
        return await self._prove_service(served, inp)

    @action(Action.SUBMIT_DEFENSE)
    async def submit_defense(self, inp: ActionInput[SubmitDefenseBody]) -> ActionResult:
        """A party's 陈述申辩 against the intended listing."""
        party = blacklist.party_of(self._state, inp.body.party)
        defense = Defense(party=party.name, text=inp.body.text, at=workflow.now(), recorded_by=inp.actor.user_id)
        self._party(party.index, defenses=[*party.defenses, defense])
        data = {"party": party.name, "text": inp.body.text, "procedure": "blacklist"}
        return await self._record(Action.SUBMIT_DEFENSE, inp.actor, inp.body.comment, data)

    @action(Action.DECIDE_BLACKLIST)
    async def decide_blacklist(self, inp: ActionInput[DecideBlacklistBody]) -> ActionResult:
        """The head lists the parties (a 列入决定书 each; the 3-year term starts today) or drops the listing."""
        now = workflow.now()
        today = shanghai_date(now)
        deadlines = mark_met(self._state.deadlines, DeadlineKind.BLACKLIST_DECISION, today)
        deadlines = end_party_period(deadlines, DeadlineKind.BLACKLIST_DEFENSE, today)
        listed = inp.body.list
        self._state = self._state.model_copy(
            update={
                "status": BlacklistStatus.LISTED if listed else BlacklistStatus.DROPPED,
                "decided_at": now,
                "decided_by": inp.actor.user_id,
                "decision_reason": inp.body.reason,
                "deadlines": deadlines,
                "term_start": today if listed else None,
                "term_end": blacklist.term_end(today) if listed else None,
                "ended_on": None if listed else today,
            }
        )
        data: dict[str, object] = {"list": listed, "reason": inp.body.reason}
        if listed:
            for party in self._state.parties:
                notice = await self._notice(NoticeKind.BLACKLIST_DECISION, party=party.index)
                self._party(party.index, decision_notice_id=notice.notice_id)
            assert self._state.term_end is not None
            data |= {
                "term_start": today.isoformat(),
                "term_end": self._state.term_end.isoformat(),
                "notices": [n.doc_number for n in self._state.notices if n.kind == NoticeKind.BLACKLIST_DECISION],
            }
        return await self._record(Action.DECIDE_BLACKLIST, inp.actor, inp.body.comment, data)

    @action(Action.APPLY_REMOVAL)
    async def apply_removal(self, inp: ActionInput[ApplyRemovalBody]) -> ActionResult:
        """信用修复: an application for early removal; the head decides within the bureau's working days."""
        body = inp.body
        application = RemovalApplication(
            applied_on=body.applied_on, promise=body.promise, recorded_by=inp.actor.user_id
        )
        due = await self._deadline(DeadlineKind.EARLY_REMOVAL_DECISION, body.applied_on)
        self._state = self._state.model_copy(
            update={"removals": [*self._state.removals, application], "deadlines": [*self._state.deadlines, due]}
        )
        data = {"applied_on": body.applied_on.isoformat(), "promise": body.promise, "decision_due": due.due.isoformat()}
        return await self._record(Action.APPLY_REMOVAL, inp.actor, body.comment, data)

    @action(Action.DECIDE_REMOVAL)
    async def decide_removal(self, inp: ActionInput[DecideRemovalBody]) -> ActionResult:
        """The head removes the parties early (a 提前移出决定书 each) or refuses (to the applicant, with reasons)."""
        now = workflow.now()
        today = shanghai_date(now)
        application = self._state.open_removal
        assert application is not None  # checked by the rule
        decided = application.model_copy(
            update={"decided_at": now, "granted": inp.body.remove, "reason": inp.body.reason}
        )
        self._state = self._state.model_copy(
            update={
                "removals": [*self._state.removals[:-1], decided],
                "deadlines": mark_met(self._state.deadlines, DeadlineKind.EARLY_REMOVAL_DECISION, today),
            }
        )
        if inp.body.remove:
            self._state = self._state.model_copy(update={"status": BlacklistStatus.REMOVED, "ended_on": today})
            for party in self._state.parties:
                notice = await self._notice(NoticeKind.BLACKLIST_REMOVAL, party=party.index)
                self._party(party.index, removal_notice_id=notice.notice_id)
        else:
            notice = await self._notice(NoticeKind.REMOVAL_REFUSAL, party=0)
            self._set_last_removal(notice.notice_id)
        data = {"remove": inp.body.remove, "reason": inp.body.reason}
        return await self._record(Action.DECIDE_REMOVAL, inp.actor, inp.body.comment, data)

    def _set_last_removal(self, notice_id: str) -> None:
        last = self._state.removals[-1].model_copy(update={"notice_id": notice_id})
        self._state = self._state.model_copy(update={"removals": [*self._state.removals[:-1], last]})

    # --- the clock and the rules ------------------------------------------------------------------------

    def _next_moment(self) -> datetime | None:
        """The term's end while listed; once ended, the end of the time allowed to serve its last decisions."""
        if self._state.status == BlacklistStatus.LISTED and self._state.term_end is not None:
            return start_of(self._state.term_end)
        if self._state.status in BLACKLIST_ENDED and self._state.ended_on is not None and not self._grace_over():
            return start_of(self._state.ended_on) + SERVICE_GRACE
        return None

    def _grace_over(self) -> bool:
        return self._state.ended_on is not None and workflow.now() >= start_of(self._state.ended_on) + SERVICE_GRACE

    async def _moment_passed(self) -> None:
        if self._state.status == BlacklistStatus.LISTED:
            end = self._state.term_end
            assert end is not None
            self._state = self._state.model_copy(update={"status": BlacklistStatus.EXPIRED, "ended_on": end})
            await self._record("blacklist_expired", SYSTEM, None, {"term_end": end.isoformat()})

    def _finished(self) -> bool:
        if self._state.status not in BLACKLIST_ENDED:
            return False
        return self._grace_over() or all(n.served for n in self._state.notices if n.kind in _SERVED)

    def _open(self) -> bool:
        return self._state.status in (BlacklistStatus.PROPOSED, BlacklistStatus.LISTED)

    def _continue(self) -> None:
        workflow.continue_as_new(TrackStart(state=self._state, resume=True))

    def _rule(self, name: Action, inp: ActionInput[Any]) -> None:
        blacklist.check(self._state, name, inp.actor.role, inp.body, workflow.now())


_SERVED = frozenset(
    {NoticeKind.BLACKLIST_DECISION.value, NoticeKind.BLACKLIST_REMOVAL.value, NoticeKind.REMOVAL_REFUSAL.value}
)
"""The decisions served after the listing ended (its notices before are served while it runs)."""
