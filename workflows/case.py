"""ArrearsCase: one wage-arrears complaint from intake to closing (workflow id = case id).

Decides only: which action is allowed (rules.transitions), what the case becomes, which
activities record it. No I/O, no wall clock (workflow.now() only), no calendar look-ups.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from pydantic import BaseModel
from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from models.actions import (
        AcceptBody,
        Action,
        ActionInput,
        Actor,
        CloseBody,
        IssueOrderBody,
        RecordFindingBody,
        RecordPaymentBody,
        RejectBody,
    )
    from models.activities import (
        ASSIGN_CASE_NUMBER,
        COMPUTE_DEADLINE,
        ISSUE_NOTICE,
        RECORD_EVENT,
        AssignCaseNumberInput,
        CaseEvent,
        ComputeDeadlineInput,
        IssueNoticeInput,
        RecordEventInput,
    )
    from models.case import (
        TERMINAL_STAGES,
        CaseIntake,
        CaseState,
        Deadline,
        DeadlineKind,
        DeadlineStatus,
        NoticeRef,
        Role,
        Stage,
        WorkerState,
    )
    from models.clock import shanghai_date
    from models.errors import ACTION_REFUSED, Refusal
    from models.money import ZERO
    from models.notices import NoticeKind
    from rules import transitions
    from rules.deadlines import mark_met, payment_order_deadline
    from workflows.options import ACTIVITY_TIMEOUT, RETRY

WORKFLOW_NAME = "ArrearsCase"
SYSTEM = Actor(user_id="system", name="清零引擎", role=Role.ADMIN)


class CaseStart(BaseModel):
    case_id: str
    intake: CaseIntake
    created_by: Actor


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
    )


def refused(exc: Refusal) -> ApplicationError:
    return ApplicationError(exc.message, exc.code.value, type=ACTION_REFUSED, non_retryable=True)


@workflow.defn(name=WORKFLOW_NAME)
class ArrearsCase:
    @workflow.init
    def __init__(self, start: CaseStart) -> None:
        self._case = initial_state(start)
        self._lock = asyncio.Lock()
        self._stage_before: str | None = None

    @workflow.run
    async def run(self, start: CaseStart) -> CaseState:
        async with self._lock:
            acceptance = await self._deadline(DeadlineKind.ACCEPTANCE, shanghai_date(self._case.received_at))
            self._case = self._case.model_copy(update={"deadlines": [acceptance], "registered": True})
            await self._record("intake", start.created_by, None, {"worker_count": len(self._case.workers)})
        await workflow.wait_condition(lambda: self._case.stage in TERMINAL_STAGES and workflow.all_handlers_finished())
        return self._case

    @workflow.query
    def state(self) -> CaseState:
        return self._case

    # --- inspector and supervisor actions (Temporal updates) -------------------------------------

    @workflow.update
    async def accept(self, inp: ActionInput[AcceptBody]) -> CaseState:
        async with self._acting(Action.ACCEPT, inp):
            now = workflow.now()
            number = await workflow.execute_activity(
                ASSIGN_CASE_NUMBER,
                AssignCaseNumberInput(
                    case_id=self._case.case_id,
                    region_code=self._case.region_code,
                    year=shanghai_date(now).year,
                ),
                result_type=str,
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=RETRY,
            )
            investigation = await self._deadline(DeadlineKind.INVESTIGATION, shanghai_date(now))
            deadlines = [*mark_met(self._case.deadlines, DeadlineKind.ACCEPTANCE), investigation]
            self._case = self._case.model_copy(
                update={
                    "case_number": number,
                    "stage": Stage.INVESTIGATING,
                    "accepted_at": now,
                    "assignee": inp.actor.user_id,
                    "deadlines": deadlines,
                }
            )
            notice = await self._notice(NoticeKind.ACCEPTANCE)
            return await self._record(Action.ACCEPT, inp.actor, inp.body.comment, {"notice": notice.doc_number})

    @accept.validator
    def _validate_accept(self, inp: ActionInput[AcceptBody]) -> None:
        self._check(Action.ACCEPT, inp)

    @workflow.update
    async def reject(self, inp: ActionInput[RejectBody]) -> CaseState:
        async with self._acting(Action.REJECT, inp):
            self._case = self._case.model_copy(
                update={
                    "stage": Stage.REJECTED,
                    "rejection_reason": inp.body.reason,
                    "closed_at": workflow.now(),
                    "deadlines": mark_met(self._case.deadlines, DeadlineKind.ACCEPTANCE),
                }
            )
            notice = await self._notice(NoticeKind.REJECTION)
            data = {"reason": inp.body.reason, "notice": notice.doc_number}
            return await self._record(Action.REJECT, inp.actor, inp.body.comment, data)

    @reject.validator
    def _validate_reject(self, inp: ActionInput[RejectBody]) -> None:
        self._check(Action.REJECT, inp)

    @workflow.update
    async def record_finding(self, inp: ActionInput[RecordFindingBody]) -> CaseState:
        async with self._acting(Action.RECORD_FINDING, inp):
            self._case = transitions.apply_finding(self._case, inp.body)
            self._settle_deadlines()
            data = {
                "workers": [
                    {"id_number": w.id_number, "confirmed_amount": str(w.confirmed_amount)} for w in inp.body.workers
                ],
                "owed_total": str(self._case.owed_total),
            }
            return await self._record(Action.RECORD_FINDING, inp.actor, inp.body.comment, data)

    @record_finding.validator
    def _validate_record_finding(self, inp: ActionInput[RecordFindingBody]) -> None:
        self._check(Action.RECORD_FINDING, inp)

    @workflow.update
    async def issue_order(self, inp: ActionInput[IssueOrderBody]) -> CaseState:
        async with self._acting(Action.ISSUE_ORDER, inp):
            now = workflow.now()
            deadline = payment_order_deadline(shanghai_date(now), inp.body.due_date)
            self._case = self._case.model_copy(
                update={
                    "stage": Stage.ORDERED,
                    "order_due": inp.body.due_date,
                    "deadlines": [*self._case.deadlines, deadline],
                }
            )
            notice = await self._notice(NoticeKind.PAYMENT_ORDER)
            data = {
                "due_date": inp.body.due_date.isoformat(),
                "outstanding": str(self._case.outstanding),
                "notice": notice.doc_number,
            }
            return await self._record(Action.ISSUE_ORDER, inp.actor, inp.body.comment, data)

    @issue_order.validator
    def _validate_issue_order(self, inp: ActionInput[IssueOrderBody]) -> None:
        self._check(Action.ISSUE_ORDER, inp)

    @workflow.update
    async def record_payment(self, inp: ActionInput[RecordPaymentBody]) -> CaseState:
        async with self._acting(Action.RECORD_PAYMENT, inp):
            self._case = transitions.apply_payment(self._case, inp.body)
            self._settle_deadlines()
            data = {
                "payments": [p.model_dump(mode="json") for p in inp.body.payments],
                "paid_total": str(self._case.paid_total),
                "outstanding": str(self._case.outstanding),
            }
            return await self._record(Action.RECORD_PAYMENT, inp.actor, inp.body.comment, data)

    @record_payment.validator
    def _validate_record_payment(self, inp: ActionInput[RecordPaymentBody]) -> None:
        self._check(Action.RECORD_PAYMENT, inp)

    @workflow.update
    async def close(self, inp: ActionInput[CloseBody]) -> CaseState:
        async with self._acting(Action.CLOSE, inp):
            deadlines = mark_met(self._case.deadlines, DeadlineKind.INVESTIGATION)
            deadlines = [
                d.model_copy(update={"status": DeadlineStatus.CANCELLED}) if d.status == DeadlineStatus.PENDING else d
                for d in deadlines
            ]
            self._case = self._case.model_copy(
                update={
                    "stage": Stage.CLOSED,
                    "close_reason": inp.body.reason.value,
                    "closed_at": workflow.now(),
                    "deadlines": deadlines,
                }
            )
            notice = await self._notice(NoticeKind.CLOSING)
            data = {"reason": inp.body.reason.value, "notice": notice.doc_number}
            return await self._record(Action.CLOSE, inp.actor, inp.body.comment, data)

    @close.validator
    def _validate_close(self, inp: ActionInput[CloseBody]) -> None:
        self._check(Action.CLOSE, inp)

    # --- the engine's own work ------------------------------------------------------------------

    @workflow.signal
    async def calendar_loaded(self) -> None:
        """A holiday schedule was loaded: recount deadlines that were provisional (weekends only)."""
        await workflow.wait_condition(lambda: self._case.registered)
        async with self._lock:
            if self._case.stage in TERMINAL_STAGES:
                return
            self._stage_before = self._case.stage.value
            deadlines: list[Deadline] = []
            changed: list[dict[str, str]] = []
            for d in self._case.deadlines:
                if d.provisional and d.status == DeadlineStatus.PENDING and d.working_days:
                    fresh = await self._deadline(d.kind, d.start)
                    fresh = fresh.model_copy(update={"status": d.status})
                    if fresh.due != d.due or not fresh.provisional:
                        changed.append({"kind": d.kind.value, "from": d.due.isoformat(), "to": fresh.due.isoformat()})
                    d = fresh
                deadlines.append(d)
            if changed:
                self._case = self._case.model_copy(update={"deadlines": deadlines})
                await self._record("deadlines_recomputed", SYSTEM, None, {"deadlines": changed})

    # --- the pieces every action shares ----------------------------------------------------------

    def _check(self, action: Action, inp: ActionInput[Any]) -> None:
        """The same rules for the validator (before history) and the handler (under the lock)."""
        try:
            transitions.check(self._case, action, inp.actor.role, inp.body, shanghai_date(workflow.now()))
        except Refusal as exc:
            raise refused(exc) from None

    @asynccontextmanager
    async def _acting(self, action: Action, inp: ActionInput[Any]) -> AsyncIterator[None]:
        """Serialise actions; re-check under the lock, since another action may have run since validation."""
        await workflow.wait_condition(lambda: self._case.registered)
        async with self._lock:
            self._check(action, inp)
            before = self._case
            self._stage_before = before.stage.value
            try:
                yield
            except BaseException:
                self._case = before  # never half-applied: an action that fails leaves the case as it was
                raise

    def _settle_deadlines(self) -> None:
        if self._case.outstanding == ZERO:
            self._case = self._case.model_copy(
                update={"deadlines": mark_met(self._case.deadlines, DeadlineKind.PAYMENT_ORDER)}
            )

    async def _deadline(self, kind: DeadlineKind, start: date) -> Deadline:
        deadline: Deadline = await workflow.execute_activity(
            COMPUTE_DEADLINE,
            ComputeDeadlineInput(kind=kind, start=start),
            result_type=Deadline,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        return deadline

    async def _notice(self, kind: NoticeKind) -> NoticeRef:
        occurrence = 1 + sum(1 for n in self._case.notices if n.kind == kind.value)
        ref: NoticeRef = await workflow.execute_activity(
            ISSUE_NOTICE,
            IssueNoticeInput(case=self._case, kind=kind, occurrence=occurrence, issued_at=workflow.now()),
            result_type=NoticeRef,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        self._case = self._case.model_copy(update={"notices": [*self._case.notices, ref]})
        return ref

    async def _record(self, kind: str, actor: Actor, comment: str | None, data: dict[str, Any]) -> CaseState:
        seq = self._case.last_seq + 1
        self._case = self._case.model_copy(update={"last_seq": seq})
        event = CaseEvent(
            seq=seq,
            at=workflow.now(),
            kind=str(kind),
            actor=actor.user_id,
            actor_role=actor.role.value,
            stage_before=self._stage_before,
            stage_after=self._case.stage.value,
            data={**data, "comment": comment} if comment else data,
        )
        await workflow.execute_activity(
            RECORD_EVENT,
            RecordEventInput(case=self._case, event=event),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        return self._case
