"""What the case's sub-processes (the blacklist, the referral) share beyond the procedure core: their history rows
go into the case's history (seqs of their own, models.tracks.seq_base), their notices are the case's notices
(occurrences of their own), each step is reported to the case, and each keeps its own clock: warnings and
escalations of its deadlines, and the moments its procedure waits for (a listing's term)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow

from workflows.procedure import Procedure

with workflow.unsafe.imports_passed_through():
    from models.actions import SYSTEM, ActionInput, ActionResult, Actor
    from models.activities import (
        ISSUE_TRACK_NOTICE,
        RECORD_TRACK_EVENT,
        IssueTrackNoticeInput,
        RecordedHash,
        RecordTrackEventInput,
    )
    from models.case import EscalationKind, NoticeRef
    from models.notices import NoticeKind
    from models.track_summary import TrackSummary
    from models.tracks import OCCURRENCE_STRIDE, BlacklistState, CasePaid, ReferralState
    from rules.deadlines import mark_overdue
    from rules.escalation import ALARM_EVENTS, Alarm, alarm_data, due_alarms, escalation, next_alarm
    from rules.transitions import check_input
    from workflows.options import ACTIVITY_TIMEOUT, HEARTBEAT_TIMEOUT, RETRY

T = TypeVar("T", BlacklistState, ReferralState)

TRACK_CHANGED = "track_changed"
"""The case's signal: a sub-process reports its summary after each step."""
CASE_PAID = "case_paid"
"""A sub-process's signal: payments were recorded on the case."""
CASE_ENDED = "case_ended"
"""A sub-process's signal: the case closed."""
TRACK_REGISTRATION = "registration"
"""A sub-process's update that answers once its first documents are issued and recorded (the API waits for it)."""


class Track(Procedure[T]):
    """A sub-process of a case, with its own clock; its run waits until ``_finished``."""

    def _finished(self) -> bool:
        raise NotImplementedError

    def _open(self) -> bool:
        """Whether the case should still count it as running (a new one of its kind is refused meanwhile)."""
        raise NotImplementedError

    def _next_moment(self) -> datetime | None:
        """A moment the procedure itself waits for (a term's end), besides its deadlines' alarms."""
        return None

    async def _moment_passed(self) -> None:
        """Called under the lock when ``_next_moment`` has come."""

    # --- effects --------------------------------------------------------------------------------------

    async def _notice(self, kind: NoticeKind, subject: str | None = None, party: int | None = None) -> NoticeRef:
        own = sum(1 for n in self._state.notices if n.kind == kind.value)
        occurrence = OCCURRENCE_STRIDE * (self._state.number - 1) + own + 1
        inp = IssueTrackNoticeInput(
            track=self._state,
            kind=kind,
            occurrence=occurrence,
            issued_at=workflow.now(),
            party=party,
            subject_notice_id=subject,
        )
        ref: NoticeRef = await workflow.execute_activity(
            ISSUE_TRACK_NOTICE,
            inp,
            result_type=NoticeRef,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            heartbeat_timeout=HEARTBEAT_TIMEOUT,
            retry_policy=RETRY,
        )
        self._state = self._state.model_copy(update={"notices": [*self._state.notices, ref]})
        return ref

    async def _record(self, kind: str, actor: Actor, comment: str | None, data: dict[str, Any]) -> ActionResult:
        event = self._event(kind, actor, comment, data)
        recorded: RecordedHash = await workflow.execute_activity(
            RECORD_TRACK_EVENT,
            RecordTrackEventInput(track=self._state, event=event),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            heartbeat_timeout=HEARTBEAT_TIMEOUT,
            retry_policy=RETRY,
        )
        self._chained(recorded)
        await self._report()
        return self._result()

    async def _report(self) -> None:
        """Tell the case (its latest run) where this sub-process stands; a case that has ended hears nothing."""
        summary = TrackSummary(
            track_id=self._state.track_id,
            kind=self._state.kind,
            number=self._state.number,
            status=self._state.status.value,
            open=self._open(),
        )
        if not self._state.case_open:
            return
        try:
            await workflow.get_external_workflow_handle(self._state.case_id).signal(TRACK_CHANGED, summary)
        except Exception as exc:
            workflow.logger.info("case %s not told of %s: %s", self._state.case_id, self._state.track_id, exc)

    def _result(self) -> ActionResult:
        return ActionResult(case_id=self._state.case_id, seq=self._state.last_seq, stage=self._state.stage_name())

    # --- the case's news -------------------------------------------------------------------------------

    @workflow.signal(name=CASE_PAID)
    async def case_paid(self, news: CasePaid) -> None:
        await workflow.wait_condition(lambda: self._state.registered)
        async with self._lock:
            self._stage_before = self._state.stage_name()
            await self._paid(news)

    async def _paid(self, news: CasePaid) -> None:
        self._state = self._state.model_copy(
            update={"outstanding": news.outstanding, "paid_in_full_on": news.paid_in_full_on}
        )
        data = {"paid_total": str(news.paid_total), "outstanding": str(news.outstanding)}
        if news.paid_in_full_on:
            data["paid_in_full_on"] = news.paid_in_full_on.isoformat()
        await self._record("case_paid", SYSTEM, None, data)

    @workflow.signal(name=CASE_ENDED)
    def case_ended(self) -> None:
        self._state = self._state.model_copy(update={"case_open": False})

    @workflow.update(name=TRACK_REGISTRATION)
    async def registration(self) -> ActionResult:
        await workflow.wait_condition(lambda: self._state.registered)
        return self._result()

    @workflow.query
    def state(self) -> T:
        return self._state

    # --- the clock ------------------------------------------------------------------------------------

    async def _keep_clock(self) -> None:
        """One durable timer at a time, for the earliest alarm or procedural moment; set again whenever the state
        changes. Returns when the procedure is finished, or continues as new when its history grows long."""
        while True:
            if self._finished() and workflow.all_handlers_finished():
                return
            if workflow.info().is_continue_as_new_suggested() and workflow.all_handlers_finished():
                self._continue()
            moments = [m for m in (self._alarm_at(), self._next_moment()) if m is not None]
            seen: object = self._state

            def changed(seen: object = seen) -> bool:
                return self._state is not seen or (self._finished() and workflow.all_handlers_finished())

            if not moments:
                await workflow.wait_condition(changed)
                continue
            delay = (min(moments) - workflow.now()).total_seconds()
            if delay > 0:
                try:  # whole seconds: a timer rounded down must not wake before the moment
                    await workflow.wait_condition(changed, timeout=timedelta(seconds=math.ceil(delay)))
                    continue
                except TimeoutError:
                    pass
            await self._wake()

    def _continue(self) -> None:
        raise NotImplementedError

    def _alarm_at(self) -> datetime | None:
        alarm = None if self._finished() else next_alarm(self._state)
        return alarm.at if alarm is not None else None

    async def _wake(self) -> None:
        async with self._lock:
            now = workflow.now()
            for alarm in due_alarms(self._state, now) if not self._finished() else []:
                self._stage_before = self._state.stage_name()
                await self._raise(alarm)
            moment = self._next_moment()
            if moment is not None and moment <= now:
                self._stage_before = self._state.stage_name()
                await self._moment_passed()

    async def _raise(self, alarm: Alarm) -> None:
        notice = None
        if alarm.kind == EscalationKind.OVERDUE:
            self._state = self._state.model_copy(
                update={"deadlines": mark_overdue(self._state.deadlines, alarm.deadline_kind, alarm.due)}
            )
        elif alarm.kind == EscalationKind.SUPERVISION:
            notice = (await self._notice(NoticeKind.SUPERVISION, subject=alarm.deadline_kind.value)).doc_number
        raised = escalation(self._state, alarm, workflow.now(), notice)
        self._state = self._state.model_copy(update={"escalations": [*self._state.escalations, raised]})
        await self._record(ALARM_EVENTS[alarm.kind], SYSTEM, None, alarm_data(raised))

    # --- rules ----------------------------------------------------------------------------------------

    def _input_rule(self, inp: ActionInput[Any]) -> None:
        """The same edge rules the case's actions pass (dates not in the future, …)."""
        check_input(inp.body, workflow.now())
