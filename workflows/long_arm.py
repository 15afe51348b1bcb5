"""The case's side of the long arm (docs/long-arm.md): it starts the blacklist and the referral as child workflows
that outlive it, keeps a summary of each as they report, tells them of payments and of its end, and publishes a
decided case as a major violation. The handlers decide only; the rules are in rules/long_arm.py."""

from __future__ import annotations

from temporalio import workflow
from temporalio.workflow import ParentClosePolicy

from workflows.enforcement import Enforcement
from workflows.procedure import action

with workflow.unsafe.imports_passed_through():
    from models.actions import (
        Action,
        ActionInput,
        ActionResult,
        ProposeBlacklistBody,
        PublishViolationBody,
        ReferToPoliceBody,
    )
    from models.clock import shanghai_date
    from models.money import ZERO
    from models.track_summary import Publication, TrackKind, TrackSummary
    from models.tracks import AnyTrackState, CasePaid, TrackStart
    from rules import long_arm
    from workflows.track import CASE_ENDED, CASE_PAID, TRACK_CHANGED

TRACKS_QUERY = "tracks"
TRACK_WORKFLOWS = {TrackKind.BLACKLIST: "Blacklist", TrackKind.REFERRAL: "Referral"}


class LongArm(Enforcement):
    """The long arm's handlers, inherited by the case workflow."""

    async def _start_track(self, state: AnyTrackState) -> TrackSummary:
        """Start the sub-process as a child that outlives the case (a listing runs 3 years; ParentClosePolicy
        ABANDON), and keep its summary."""
        await workflow.start_child_workflow(
            TRACK_WORKFLOWS[state.kind],
            TrackStart(state=state),
            id=state.track_id,
            task_queue=workflow.info().task_queue,
            parent_close_policy=ParentClosePolicy.ABANDON,
        )
        summary = TrackSummary(track_id=state.track_id, kind=state.kind, number=state.number, status=state.status.value)
        self._state = self._state.model_copy(update={"tracks": [*self._state.tracks, summary]})
        return summary

    @action(Action.PROPOSE_BLACKLIST)
    async def propose_blacklist(self, inp: ActionInput[ProposeBlacklistBody]) -> ActionResult:
        """失信联合惩戒: the listing starts as its own workflow (its 告知书 are issued there)."""
        body = inp.body
        number = long_arm.next_number(self._state, TrackKind.BLACKLIST)
        state = long_arm.start_blacklist(self._state, body, number, inp.actor.user_id, workflow.now())
        summary = await self._start_track(state)
        data: dict[str, object] = {
            "track_id": summary.track_id,
            "basis": body.basis.value,
            "parties": [p.name for p in state.parties],
        }
        if state.threshold is not None:
            data["threshold"] = state.threshold.model_dump(mode="json")
        return await self._record(Action.PROPOSE_BLACKLIST, inp.actor, body.comment, data)

    @action(Action.REFER_TO_POLICE)
    async def refer_to_police(self, inp: ActionInput[ReferToPoliceBody]) -> ActionResult:
        """行刑衔接: the referral starts as its own workflow with the team's transfer report."""
        body = inp.body
        number = long_arm.next_number(self._state, TrackKind.REFERRAL)
        state = long_arm.start_referral(self._state, body, number, inp.actor.user_id, workflow.now())
        summary = await self._start_track(state)
        data: dict[str, object] = {"track_id": summary.track_id, "officers": list(body.officers)}
        if state.threshold is not None:
            data["threshold"] = state.threshold.model_dump(mode="json")
        return await self._record(Action.REFER_TO_POLICE, inp.actor, body.comment, data)

    @action(Action.PUBLISH_VIOLATION)
    async def publish_violation(self, inp: ActionInput[PublishViolationBody]) -> ActionResult:
        """重大劳动保障违法行为社会公布: the head publishes the decided violation (the public list reads it)."""
        publication = Publication(
            violation=inp.body.violation,
            decided_at=workflow.now(),
            decided_by=inp.actor.user_id,
            documents=long_arm.published_documents(self._state),
        )
        self._state = self._state.model_copy(update={"publication": publication})
        data = {"violation": publication.violation, "documents": publication.documents}
        return await self._record(Action.PUBLISH_VIOLATION, inp.actor, inp.body.comment, data)

    @workflow.query(name=TRACKS_QUERY)
    def tracks(self) -> list[TrackSummary]:
        return self._state.tracks

    @workflow.signal(name=TRACK_CHANGED)
    async def track_changed(self, summary: TrackSummary) -> None:
        """A sub-process reports where it stands (no history row here: the sub-process wrote its own)."""
        await workflow.wait_condition(lambda: self._state.registered)
        async with self._lock:
            tracks = [summary if t.track_id == summary.track_id else t for t in self._state.tracks]
            self._state = self._state.model_copy(update={"tracks": tracks})

    async def _tell_tracks_paid(self) -> None:
        """After payments: the sub-processes learn the totals (a referral passes them on to the police; a listing
        may be removed early 6 months after the wages were paid in full)."""
        if not self._state.tracks:
            return
        now = workflow.now()
        news = CasePaid(
            at=now,
            paid_total=self._state.paid_total,
            outstanding=self._state.outstanding,
            paid_in_full_on=shanghai_date(now) if self._state.outstanding == ZERO else None,
        )
        for track in self._state.tracks:
            if track.open:
                await self._signal_track(track.track_id, CASE_PAID, news)

    async def _tell_tracks_ended(self) -> None:
        for track in self._state.tracks:
            await self._signal_track(track.track_id, CASE_ENDED, None)

    async def _signal_track(self, track_id: str, signal: str, arg: object) -> None:
        handle = workflow.get_external_workflow_handle(track_id)
        try:
            if arg is None:
                await handle.signal(signal)
            else:
                await handle.signal(signal, arg)
        except Exception as exc:
            workflow.logger.info("sub-process %s not told %s: %s", track_id, signal, exc)
