"""ArrearsCase: one wage-arrears complaint from intake to closing (workflow id = case id).

Decides only: which action is allowed (rules.transitions), what the case becomes, which
activities record it. No I/O, no wall clock (workflow.now() only), no calendar look-ups.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from temporalio import workflow

from workflows.long_arm import LongArm
from workflows.procedure import action

with workflow.unsafe.imports_passed_through():
    from models.actions import (
        SYSTEM,
        AcceptBody,
        Action,
        ActionInput,
        ActionResult,
        AssignBody,
        CloseBody,
        DefenseProcedure,
        ExtendInvestigationBody,
        IssueOrderBody,
        RecordAidBody,
        RecordFindingBody,
        RecordPaymentBody,
        RecordServiceBody,
        RecordSupplementBody,
        RejectBody,
        RejectReason,
        RequestSupplementBody,
        SetClearDeadlineBody,
    )
    from models.activities import (
        ASSIGN_CASE_NUMBER,
        AssignCaseNumberInput,
        CaseEvent,
        IssueNoticeInput,
        RecordEventInput,
    )
    from models.case import (
        CLEAR_KINDS,
        TERMINAL_STAGES,
        CaseState,
        Deadline,
        DeadlineKind,
        DeadlineStatus,
        EscalationKind,
        Stage,
        WorkerState,
    )
    from models.clock import shanghai_date
    from models.money import ZERO
    from models.notices import SERVED_KINDS, NoticeKind
    from models.start import CaseStart
    from rules import court, transitions
    from rules.deadlines import (
        cancel_all,
        mark_met,
        mark_overdue,
        payment_order_deadline,
        replace,
        suspend,
    )
    from rules.escalation import ALARM_EVENTS, Alarm, alarm_data, due_alarms, escalation, next_alarm
    from rules.limitation import limitation
    from workflows.options import ACTIVITY_TIMEOUT, HEARTBEAT_TIMEOUT, RETRY, SERVICE_GRACE

WORKFLOW_NAME = "ArrearsCase"
REGISTRATION = "registration"
"""The one update that is not an inspector's action: intake's answer."""


def initial_state(start: CaseStart) -> CaseState:
    intake = start.intake
    return CaseState(
        case_id=start.case_id,
        region_code=intake.region_code,
        received_at=intake.received_at,
        channel=intake.channel,
        employer=intake.employer,
        project=intake.project,
        complainant=intake.complainant,
        workers=[
            WorkerState(
                name=w.name,
                id_number=w.id_number,
                phone=w.phone,
                claimed_amount=w.owed_amount,
                owed_from=w.owed_from,
                owed_to=w.owed_to,
            )
            for w in intake.workers
        ],
        description=intake.description,
        major=intake.major,
        created_by=start.created_by.user_id,
        assignee=start.routing.assignee if start.routing else None,
        shared_clock=start.shared_clock,
        limitation=limitation(shanghai_date(intake.received_at), [w.owed_to for w in intake.workers]),
    )


INVESTIGATION_EXTENSION = 30
"""Working days an approved extension adds to the investigation (劳动保障监察条例 art. 17)."""
SET_DUE_KINDS = frozenset({DeadlineKind.PAYMENT_ORDER, DeadlineKind.CLEAR_MAJOR})
"""Deadlines whose date someone sets rather than counts."""

REDIRECTING_REASONS = frozenset({RejectReason.NOT_IN_REMIT, RejectReason.OTHER_TERRITORY})
"""Reasons answered by a 告知书 (where to go) rather than a 不予受理通知书 (若干规定 art. 18)."""


@workflow.defn(name=WORKFLOW_NAME)
class ArrearsCase(LongArm):
    @workflow.init
    def __init__(self, start: CaseStart) -> None:
        self._begin(start.resume or initial_state(start))
        self._intake_recorded = start.resume is not None
        self._court_clock = False
        """The engine sees the review and litigation periods of a served decision or fine pass (rules/court.py);
        cases started before that never had one."""
        self._clocks = False
        """Live deadlines (timers, warnings, escalations, the clear-to-zero targets): cases started before
        them keep running without."""
        self._recorded_workers: list[WorkerState] = [] if start.resume is None else start.resume.workers
        """The workers as the read model last received them: only changes travel to the next record."""

    @workflow.run
    async def run(self, start: CaseStart) -> CaseState:
        # Cases started before notices could be served end as soon as they are closed or refused.
        serve_after_end = workflow.patched("serve-after-end")
        self._clocks = workflow.patched("clocks")
        self._court_clock = self._clocks and workflow.patched("court-clock")
        if start.resume is None:
            async with self._lock:
                received = shanghai_date(self._state.received_at)
                if self._clocks:
                    deadlines = await self._deadlines([DeadlineKind.ACCEPTANCE, *CLEAR_KINDS], received)
                else:
                    deadlines = [await self._deadline(DeadlineKind.ACCEPTANCE, received)]
                self._state = self._state.model_copy(update={"deadlines": deadlines, "registered": True})
                intake: dict[str, Any] = {"worker_count": len(self._state.workers)}
                if start.routing is not None:  # who it went to on intake, and why (rules/routing.py)
                    intake["routing"] = start.routing.model_dump(mode="json")
                await self._record("intake", start.created_by, None, intake)
                self._intake_recorded = True
        if self._clocks:
            await self._keep_clocks()
        else:
            await workflow.wait_condition(self._ending)
        if self._state.stage not in TERMINAL_STAGES:
            # A case that lives for years: its history starts afresh, its state carries over.
            workflow.continue_as_new(start.model_copy(update={"resume": self._state}))
        if serve_after_end:
            # The last notices (结案通知书, 不予受理通知书) are served after the case ends: stay open for
            # their service, for a bounded time.
            try:
                await workflow.wait_condition(
                    lambda: self._all_served() and workflow.all_handlers_finished(), timeout=SERVICE_GRACE
                )
            except TimeoutError:
                workflow.logger.info("case ended with notices still unserved after the grace period")
            await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state

    def _ending(self) -> bool:
        return (
            self._state.stage in TERMINAL_STAGES or workflow.info().is_continue_as_new_suggested()
        ) and workflow.all_handlers_finished()

    async def _keep_clocks(self) -> None:
        """One durable timer at a time, for the earliest alarm not yet raised; it is set again whenever the
        deadlines change (an action, an extension, a recount), so it follows a moving date, and what was
        raised stays raised (escalations are on the case). Returns when the case ends or continues as new."""
        while not self._ending():
            alarm = None if self._state.stage in TERMINAL_STAGES else next_alarm(self._state)
            moments = [alarm.at] if alarm is not None else []
            if self._court_clock and self._state.stage not in TERMINAL_STAGES:
                court_moment = court.next_moment(self._state)
                moments += [court_moment] if court_moment is not None else []
            seen = self._watched()

            def changed(seen: tuple[Any, ...] = seen) -> bool:
                return self._ending() or any(a is not b for a, b in zip(self._watched(), seen, strict=True))

            if not moments:
                await workflow.wait_condition(changed)
                continue
            delay = (min(moments) - workflow.now()).total_seconds()
            if delay > 0:
                try:  # whole seconds: a timer rounded down must not wake before the alarm's moment
                    await workflow.wait_condition(changed, timeout=timedelta(seconds=math.ceil(delay)))
                    continue
                except TimeoutError:
                    pass
            await self._raise_alarms()

    def _watched(self) -> tuple[Any, ...]:
        """What the clock's timer depends on: the deadlines, and with the court clock the decision and the
        fine (a service starts their periods). Cases without the court clock watch the deadlines only, as
        they always did (their histories replay: tests/replay)."""
        if self._court_clock:
            return (self._state.deadlines, self._state.decision, self._state.penalty)
        return (self._state.deadlines,)

    async def _raise_alarms(self) -> None:
        """Raise every alarm whose moment has come, each an escalation on the case and a history event."""
        async with self._lock:
            if self._state.stage in TERMINAL_STAGES:
                return
            alarms = due_alarms(self._state, workflow.now())
            if alarms:
                self._stage_before = self._state.stage_name()
                await self._record_all([await self._raise(alarm) for alarm in alarms])
            if self._court_clock:
                for procedure in court.due(self._state, workflow.now()):
                    self._stage_before = self._state.stage_name()
                    await self._periods_passed(procedure)

    async def _raise(self, alarm: Alarm) -> CaseEvent:
        notice = None
        if alarm.kind == EscalationKind.OVERDUE:
            deadlines = mark_overdue(self._state.deadlines, alarm.deadline_kind, alarm.due)
            self._state = self._state.model_copy(update={"deadlines": deadlines})
        elif alarm.kind == EscalationKind.SUPERVISION:
            notice = (await self._notice(NoticeKind.SUPERVISION, subject=alarm.deadline_kind.value)).doc_number
        raised = escalation(self._state, alarm, workflow.now(), notice)
        self._state = self._state.model_copy(update={"escalations": [*self._state.escalations, raised]})
        return self._event(ALARM_EVENTS[alarm.kind], SYSTEM, None, alarm_data(raised))

    @workflow.query
    def state(self) -> CaseState:
        return self._state

    @workflow.update(name=REGISTRATION)
    async def registration(self) -> ActionResult:
        """Answers once the intake is registered (deadline computed, history and read model written): sent
        with the start (update-with-start), so intake needs no polling."""
        await workflow.wait_condition(lambda: self._intake_recorded)
        return self._result()

    # --- inspector and supervisor actions (Temporal updates) -------------------------------------

    @action(Action.ACCEPT)
    async def accept(self, inp: ActionInput[AcceptBody]) -> ActionResult:
        now = workflow.now()
        number = await workflow.execute_activity(
            ASSIGN_CASE_NUMBER,
            AssignCaseNumberInput(
                case_id=self._state.case_id,
                region_code=self._state.region_code,
                year=shanghai_date(now).year,
            ),
            result_type=str,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            heartbeat_timeout=HEARTBEAT_TIMEOUT,
            retry_policy=RETRY,
        )
        today = shanghai_date(now)
        investigation = await self._deadline(DeadlineKind.INVESTIGATION, today)
        deadlines = [*mark_met(self._state.deadlines, DeadlineKind.ACCEPTANCE, today), investigation]
        self._state = self._state.model_copy(
            update={
                "case_number": number,
                "stage": Stage.INVESTIGATING,
                "accepted_at": now,
                # routed on intake: it stays with its inspector whoever accepts it
                "assignee": self._state.assignee or inp.actor.user_id,
                "deadlines": deadlines,
                "not_time_barred_because": inp.body.not_time_barred_because,
            }
        )
        notice = await self._notice(NoticeKind.ACCEPTANCE)
        data: dict[str, Any] = {"notice": notice.doc_number}
        if inp.body.not_time_barred_because:
            data["not_time_barred_because"] = inp.body.not_time_barred_because
        return await self._record(Action.ACCEPT, inp.actor, inp.body.comment, data)

    @action(Action.REJECT)
    async def reject(self, inp: ActionInput[RejectBody]) -> ActionResult:
        now = workflow.now()
        code = inp.body.reason_code
        self._state = self._state.model_copy(
            update={
                "stage": Stage.REJECTED,
                "rejection_reason": inp.body.reason,
                "rejection_code": code.value if code else None,
                "supplement_missing": None,
                "closed_at": now,
                "deadlines": cancel_all(mark_met(self._state.deadlines, DeadlineKind.ACCEPTANCE, shanghai_date(now))),
            }
        )
        kind = NoticeKind.REDIRECTION if code in REDIRECTING_REASONS else NoticeKind.REJECTION
        notice = await self._notice(kind)
        data: dict[str, Any] = {"reason": inp.body.reason, "notice": notice.doc_number}
        if code:
            data["reason_code"] = code.value
        return await self._record(Action.REJECT, inp.actor, inp.body.comment, data)

    @action(Action.REQUEST_SUPPLEMENT)
    async def request_supplement(self, inp: ActionInput[RequestSupplementBody]) -> ActionResult:
        """补正: the acceptance clock stands still until the material arrives."""
        now = workflow.now()
        self._state = self._state.model_copy(
            update={
                "supplement_missing": inp.body.missing,
                "supplement_requested_at": now,
                "deadlines": suspend(self._state.deadlines, DeadlineKind.ACCEPTANCE, shanghai_date(now)),
            }
        )
        notice = await self._notice(NoticeKind.SUPPLEMENT)
        data = {"missing": inp.body.missing, "notice": notice.doc_number}
        return await self._record(Action.REQUEST_SUPPLEMENT, inp.actor, inp.body.comment, data)

    @action(Action.RECORD_SUPPLEMENT)
    async def record_supplement(self, inp: ActionInput[RecordSupplementBody]) -> ActionResult:
        """The material arrived: the 5 working days start again from its arrival."""
        arrived = shanghai_date(inp.body.received_at)
        acceptance = await self._deadline(DeadlineKind.ACCEPTANCE, arrived)
        self._state = self._state.model_copy(
            update={
                "supplement_missing": None,
                "supplement_requested_at": None,
                "deadlines": replace(self._state.deadlines, acceptance),
            }
        )
        data = {"received_at": inp.body.received_at.isoformat(), "acceptance_due": acceptance.due.isoformat()}
        return await self._record(Action.RECORD_SUPPLEMENT, inp.actor, inp.body.comment, data)

    @action(Action.RECORD_FINDING)
    async def record_finding(self, inp: ActionInput[RecordFindingBody]) -> ActionResult:
        self._state = transitions.apply_finding(self._state, inp.body)
        self._settle_deadlines()
        data = {
            "workers": [
                {"id_number": w.id_number, "confirmed_amount": str(w.confirmed_amount)} for w in inp.body.workers
            ],
            "owed_total": str(self._state.owed_total),
        }
        return await self._record(Action.RECORD_FINDING, inp.actor, inp.body.comment, data)

    @action(Action.ISSUE_ORDER)
    async def issue_order(self, inp: ActionInput[IssueOrderBody]) -> ActionResult:
        today = shanghai_date(workflow.now())
        if self._clocks:
            order = await self._deadline(DeadlineKind.PAYMENT_ORDER, today, due=inp.body.due_date)
        else:
            order = payment_order_deadline(today, inp.body.due_date)
        deadlines = [*self._state.deadlines, order]
        if workflow.patched("service-deadline"):
            deadlines.append(await self._deadline(DeadlineKind.SERVICE, today))
        self._state = self._state.model_copy(
            update={
                "stage": Stage.ORDERED,
                "order_due": inp.body.due_date,
                "order_addressee": inp.body.addressee.value,
                "deadlines": deadlines,
            }
        )
        notice = await self._notice(NoticeKind.PAYMENT_ORDER)
        data = {
            "due_date": inp.body.due_date.isoformat(),
            "addressee": inp.body.addressee.value,
            "outstanding": str(self._state.outstanding),
            "notice": notice.doc_number,
            "notice_id": notice.notice_id,
        }
        return await self._record(Action.ISSUE_ORDER, inp.actor, inp.body.comment, data)

    @action(Action.RECORD_SERVICE)
    async def record_service(self, inp: ActionInput[RecordServiceBody]) -> ActionResult:
        """送达: when and how a notice reached its addressee, proved by a 送达回证; the periods the
        notice opens run from here."""
        body = inp.body
        served = self._mark_served(body)
        deadlines = self._state.deadlines
        if served.kind == NoticeKind.PAYMENT_ORDER.value:
            deadlines = mark_met(deadlines, DeadlineKind.SERVICE, shanghai_date(body.served_at))
        deadlines = [*deadlines, *await self._periods_from_service(served.kind, shanghai_date(body.served_at))]
        if served.kind == NoticeKind.PENALTY_DECISION.value:
            deadlines = mark_met(deadlines, DeadlineKind.PENALTY_SERVICE, shanghai_date(body.served_at))
            self._enforcement(DefenseProcedure.PENALTY, served_on=shanghai_date(body.served_at))
        if served.kind == NoticeKind.DECISION.value:  # the review and litigation periods run from here
            self._enforcement(DefenseProcedure.DECISION, served_on=shanghai_date(body.served_at))
        self._state = self._state.model_copy(update={"deadlines": deadlines})
        return await self._prove_service(served, inp)

    @action(Action.RECORD_PAYMENT)
    async def record_payment(self, inp: ActionInput[RecordPaymentBody]) -> ActionResult:
        self._state = transitions.apply_payment(self._state, inp.body)
        self._settle_deadlines()
        data = {
            "payments": inp.body.model_dump(mode="json", include={"payments"})["payments"],
            "paid_total": str(self._state.paid_total),
            "outstanding": str(self._state.outstanding),
        }
        result = await self._record(Action.RECORD_PAYMENT, inp.actor, inp.body.comment, data)
        await self._tell_tracks_paid()
        return result

    @action(Action.RECORD_AID)
    async def record_aid(self, inp: ActionInput[RecordAidBody]) -> ActionResult:
        """Emergency aid to a worker: in the history and the ledger; the debt and the stage stay as they were."""
        self._state = transitions.apply_aid(self._state, inp.body)
        data = {
            **inp.body.model_dump(mode="json", exclude={"comment"}),
            "aid_total": str(self._state.aid_total),
            "outstanding": str(self._state.outstanding),
        }
        return await self._record(Action.RECORD_AID, inp.actor, inp.body.comment, data)

    @action(Action.CLOSE)
    async def close(self, inp: ActionInput[CloseBody]) -> ActionResult:
        now = workflow.now()
        deadlines = cancel_all(mark_met(self._state.deadlines, DeadlineKind.INVESTIGATION, shanghai_date(now)))
        self._state = self._state.model_copy(
            update={
                "stage": Stage.CLOSED,
                "close_reason": inp.body.reason.value,
                "closed_at": now,
                "deadlines": deadlines,
            }
        )
        notice = await self._notice(NoticeKind.CLOSING)
        data = {"reason": inp.body.reason.value, "notice": notice.doc_number}
        result = await self._record(Action.CLOSE, inp.actor, inp.body.comment, data)
        await self._tell_tracks_ended()
        return result

    @action(Action.ASSIGN)
    async def assign(self, inp: ActionInput[AssignBody]) -> ActionResult:
        """A supervisor gives the case to an inspector (the API checked the account): from the regional queue, on a
        handover, or while its inspector is away."""
        before = self._state.assignee
        self._state = self._state.model_copy(update={"assignee": inp.body.assignee})
        data = {"from": before, "to": inp.body.assignee, "reason": inp.body.reason}
        return await self._record(Action.ASSIGN, inp.actor, inp.body.comment, data)

    @action(Action.EXTEND_INVESTIGATION)
    async def extend_investigation(self, inp: ActionInput[ExtendInvestigationBody]) -> ActionResult:
        """The head approves the one extension (+30 working days, 条例 art. 17): the investigation's timer
        moves to the new date; the warnings already raised stay on the case."""
        current = next(d for d in self._state.deadlines if d.kind == DeadlineKind.INVESTIGATION and d.open)
        fresh = await self._deadline(DeadlineKind.INVESTIGATION, current.start, extended_by=INVESTIGATION_EXTENSION)
        self._state = self._state.model_copy(update={"deadlines": replace(self._state.deadlines, fresh)})
        data = {"reason": inp.body.reason, "from": current.due.isoformat(), "to": fresh.due.isoformat()}
        return await self._record(Action.EXTEND_INVESTIGATION, inp.actor, inp.body.comment, data)

    @action(Action.SET_CLEAR_DEADLINE)
    async def set_clear_deadline(self, inp: ActionInput[SetClearDeadlineBody]) -> ActionResult:
        """A supervisor sets (or moves) the date a major or stock case must be cleared by."""
        today = shanghai_date(workflow.now())
        fresh = await self._deadline(DeadlineKind.CLEAR_MAJOR, today, due=inp.body.due)
        if self._state.stage == Stage.CLEARED:
            fresh = mark_met([fresh], DeadlineKind.CLEAR_MAJOR, today)[0]
        self._state = self._state.model_copy(
            update={"deadlines": replace(self._state.deadlines, fresh), "clear_major_reason": inp.body.reason}
        )
        data = {"due": inp.body.due.isoformat(), "reason": inp.body.reason}
        return await self._record(Action.SET_CLEAR_DEADLINE, inp.actor, inp.body.comment, data)

    # --- the engine's own work ------------------------------------------------------------------

    @workflow.signal
    async def calendar_loaded(self) -> None:
        """A holiday schedule was loaded: recount deadlines that were provisional (weekends only)."""
        await workflow.wait_condition(lambda: self._state.registered)
        async with self._lock:
            if self._state.stage in TERMINAL_STAGES:
                return
            self._stage_before = self._state.stage.value
            deadlines: list[Deadline] = []
            changed: list[dict[str, str]] = []
            for d in self._state.deadlines:
                recount = d.provisional and (
                    d.open if self._clocks else d.status == DeadlineStatus.PENDING and bool(d.working_days)
                )
                if recount:
                    due = d.due if d.kind in SET_DUE_KINDS else None
                    fresh = await self._deadline(d.kind, d.start, due=due, extended_by=d.extended_by)
                    status = d.status
                    if status == DeadlineStatus.OVERDUE and fresh.due != d.due:
                        status = DeadlineStatus.PENDING  # a moved date is a new clock: it warns and escalates anew
                    fresh = fresh.model_copy(update={"status": status, "suspended_since": d.suspended_since})
                    if fresh.due != d.due or not fresh.provisional:
                        changed.append({"kind": d.kind.value, "from": d.due.isoformat(), "to": fresh.due.isoformat()})
                    d = fresh
                deadlines.append(d)
            if changed:
                self._state = self._state.model_copy(update={"deadlines": deadlines})
                await self._record("deadlines_recomputed", SYSTEM, None, {"deadlines": changed})

    # --- the pieces every action shares ----------------------------------------------------------

    def _input_rule(self, inp: ActionInput[Any]) -> None:
        transitions.check_input(inp.body, workflow.now())

    def _rule(self, name: Action, inp: ActionInput[Any]) -> None:
        transitions.check(self._state, name, inp.actor.role, inp.body, workflow.now())

    def _settle_deadlines(self) -> None:
        """Paying everything meets the order's deadline; clearing the case (清零) meets its clear-to-zero targets."""
        if self._state.outstanding == ZERO:
            today = shanghai_date(workflow.now())
            deadlines = mark_met(self._state.deadlines, DeadlineKind.PAYMENT_ORDER, today)
            if self._state.stage == Stage.CLEARED:
                for kind in (*CLEAR_KINDS, DeadlineKind.CLEAR_MAJOR):
                    deadlines = mark_met(deadlines, kind, today)
            self._state = self._state.model_copy(update={"deadlines": deadlines})

    def _all_served(self) -> bool:
        return all(n.served for n in self._state.notices if n.kind in SERVED_KINDS)

    def _snapshot(self) -> CaseState:
        """The case without its workers and payments, for activities (they read those from the read model)."""
        return self._state.model_copy(update={"workers": [], "payments": []})

    def _notice_input(self, kind: NoticeKind, occurrence: int, subject: str | None) -> IssueNoticeInput:
        if self._state.workers is not self._recorded_workers:
            raise RuntimeError("an action that changes workers must record them before it issues a notice")
        return IssueNoticeInput(
            case=self._snapshot(),
            kind=kind,
            occurrence=occurrence,
            issued_at=workflow.now(),
            subject_notice_id=subject,
        )

    def _record_input(self, event: CaseEvent) -> RecordEventInput:
        workers, recorded = self._state.workers, self._recorded_workers
        changes: list[WorkerState] | None = None
        if workers is not recorded:
            # Rules copy only the workers they change, so identity tells what changed.
            same_shape = len(workers) == len(recorded)
            changes = [w for w, r in zip(workers, recorded, strict=True) if w is not r] if same_shape else workers
            self._recorded_workers = workers
        return RecordEventInput(case=self._snapshot(), event=event, worker_changes=changes)
