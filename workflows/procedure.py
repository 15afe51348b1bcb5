"""The procedure core: what every procedure's workflow shares, written once.

A procedure (the case, and later its sub-processes: decision, listing, referral) is a workflow class
that extends ``Procedure`` and declares each action with ``@action(Action.X)``. The decorator makes
the Temporal update named ``x`` and its validator, and runs the handler under the shared rules:

- actions are serialised (one lock), and wait until the procedure has registered;
- the validator and the handler check the same pure rule (``Procedure._rule``), so a refusal never
  reaches history, and a rule that changed between validation and handling is caught under the lock;
- a handler that fails leaves the state exactly as it was (never half-applied);
- ``_record`` writes one history row (with the read model) per applied action, ``_notice`` issues a
  notice keyed by kind and occurrence, ``_deadline`` computes a deadline from the calendar (data).
"""

from __future__ import annotations

import asyncio
import inspect
import typing
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any, Generic, TypeVar

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from models.actions import Action, ActionInput, ActionResult, Actor, RecordServiceBody
    from models.activities import (
        COMPUTE_DEADLINE,
        COMPUTE_DEADLINES,
        ISSUE_NOTICE,
        RECORD_EVENT,
        RECORD_EVENTS,
        CaseEvent,
        ComputeDeadlineInput,
        ComputeDeadlinesInput,
        IssueNoticeInput,
        RecordedHash,
        RecordEventInput,
        RecordEventsInput,
    )
    from models.case import Deadline, DeadlineKind, NoticeRef, ProcedureState
    from models.errors import ACTION_REFUSED, Refusal
    from models.notices import NoticeKind
    from workflows.options import ACTIVITY_TIMEOUT, HEARTBEAT_TIMEOUT, RETRY

S = TypeVar("S", bound=ProcedureState)
P = TypeVar("P", bound="Procedure[Any]")
Handler = Callable[[P, ActionInput[Any]], Awaitable[Any]]


def refused(exc: Refusal) -> ApplicationError:
    """A rule's refusal as the update's failure: code and field travel as details, the API maps them."""
    return ApplicationError(exc.message, exc.code.value, exc.field, type=ACTION_REFUSED, non_retryable=True)


def action(name: Action) -> Callable[[Handler[P]], Any]:
    """Make ``handler`` the Temporal update ``name.value`` with its validator, both under the procedure's
    rule, the handler serialised and rolled back on failure."""

    def decorate(handler: Handler[P]) -> Any:
        hints = typing.get_type_hints(handler)  # resolved here, in the handler's own module

        async def run(self: P, inp: ActionInput[Any]) -> Any:
            async with self._acting(name, inp):
                return await handler(self, inp)

        def validate(self: P, inp: ActionInput[Any]) -> None:
            self._validate(name, inp)

        # Temporal decodes the update's argument by these hints and requires the validator's to match.
        params = [
            inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter("inp", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=hints["inp"]),
        ]
        for fn, returns in ((run, hints["return"]), (validate, None)):
            fn.__annotations__ = {"inp": hints["inp"], "return": returns}
            setattr(fn, "__signature__", inspect.Signature(params, return_annotation=returns))  # noqa: B010
        run.__name__, run.__qualname__, run.__doc__ = handler.__name__, handler.__qualname__, handler.__doc__
        validate.__qualname__ = f"{handler.__qualname__}.validator"
        update = workflow.update(name=name.value)(run)
        update.validator(validate)
        return update

    return decorate


class Procedure(Generic[S]):
    """Shared machinery of a procedure's workflow; ``_state`` is the truth for its case or sub-process."""

    _state: S
    _lock: asyncio.Lock
    _stage_before: str | None

    def _begin(self, state: S) -> None:
        self._state = state
        self._lock = asyncio.Lock()
        self._stage_before = None

    # --- rules ------------------------------------------------------------------------------------

    def _input_rule(self, inp: ActionInput[Any]) -> None:
        """Rules on the body alone (checked by the validator only: time only moves forward, and actions
        recorded before a rule existed must still replay)."""

    def _rule(self, name: Action, inp: ActionInput[Any]) -> None:
        """Rules on the body against the state, for the validator and again under the lock."""
        raise NotImplementedError

    def _validate(self, name: Action, inp: ActionInput[Any]) -> None:
        try:
            self._input_rule(inp)
            self._rule(name, inp)
        except Refusal as exc:
            raise refused(exc) from None

    @asynccontextmanager
    async def _acting(self, name: Action, inp: ActionInput[Any]) -> AsyncIterator[None]:
        """Serialise actions; re-check under the lock, since another action may have run since validation."""
        await workflow.wait_condition(lambda: self._state.registered)
        async with self._lock:
            try:
                self._rule(name, inp)
            except Refusal as exc:
                raise refused(exc) from None
            before = self._state
            self._stage_before = before.stage_name()
            try:
                yield
            except BaseException:
                self._state = before  # never half-applied: an action that fails leaves the state as it was
                raise

    # --- effects (activities) ------------------------------------------------------------------------

    async def _deadlines(self, kinds: list[DeadlineKind], start: date) -> list[Deadline]:
        """Several deadlines from one event in one local activity."""
        inp = ComputeDeadlinesInput(kinds=kinds, start=start, region_code=self._state.region_code)
        found: list[Deadline] = await workflow.execute_local_activity(
            COMPUTE_DEADLINES,
            inp,
            result_type=list[Deadline],
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        return found

    async def _deadline(
        self,
        kind: DeadlineKind,
        start: date,
        *,
        due: date | None = None,
        extended_by: int | None = None,
        subject: str | None = None,
    ) -> Deadline:
        """Calendar arithmetic over loaded data: quick, so a local activity (no server round trip);
        cases started before that ran it as an ordinary activity and still replay that way. ``due``: the
        date someone set (payment order, major case); ``extended_by``: an approved extension."""
        inp = ComputeDeadlineInput(
            kind=kind,
            start=start,
            region_code=self._state.region_code,
            due=due,
            extended_by=extended_by,
            subject=subject,
        )
        if workflow.patched("local-deadline"):
            local: Deadline = await workflow.execute_local_activity(
                COMPUTE_DEADLINE, inp, result_type=Deadline, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY
            )
            return local
        deadline: Deadline = await workflow.execute_activity(
            COMPUTE_DEADLINE,
            inp,
            result_type=Deadline,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            heartbeat_timeout=HEARTBEAT_TIMEOUT,
            retry_policy=RETRY,
        )
        return deadline

    def _notice_input(self, kind: NoticeKind, occurrence: int, subject: str | None) -> IssueNoticeInput:
        raise NotImplementedError

    async def _notice(self, kind: NoticeKind, subject: str | None = None) -> NoticeRef:
        occurrence = 1 + sum(1 for n in self._state.notices if n.kind == kind.value)
        ref: NoticeRef = await workflow.execute_activity(
            ISSUE_NOTICE,
            self._notice_input(kind, occurrence, subject),
            result_type=NoticeRef,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            heartbeat_timeout=HEARTBEAT_TIMEOUT,
            retry_policy=RETRY,
        )
        self._state = self._state.model_copy(update={"notices": [*self._state.notices, ref]})
        return ref

    def _mark_served(self, body: RecordServiceBody) -> NoticeRef:
        """送达: the notice as served (the state only; the periods it opens are the procedure's own)."""
        served = self._state.notice(body.notice_id)
        assert served is not None  # checked by the rule
        ref = served.model_copy(
            update={
                "served_at": body.served_at,
                "service_method": body.method.value,
                "service_recipient": body.recipient,
            }
        )
        self._state = self._state.model_copy(
            update={"notices": [ref if n.notice_id == ref.notice_id else n for n in self._state.notices]}
        )
        return ref

    async def _prove_service(self, ref: NoticeRef, inp: ActionInput[RecordServiceBody]) -> ActionResult:
        """The 送达回证 that proves the service, linked to the notice, and the history row."""
        receipt = await self._notice(NoticeKind.SERVICE_RECEIPT, subject=ref.notice_id)
        linked = [
            n.model_copy(update={"receipt_id": receipt.notice_id}) if n.notice_id == ref.notice_id else n
            for n in self._state.notices
        ]
        self._state = self._state.model_copy(update={"notices": linked})
        body = inp.body
        data = {
            "notice_id": ref.notice_id,
            "doc_number": ref.doc_number,
            "served_at": body.served_at.isoformat(),
            "method": body.method.value,
            "receipt": receipt.doc_number,
        }
        return await self._record(Action.RECORD_SERVICE, inp.actor, body.comment, data)

    def _record_input(self, event: CaseEvent) -> RecordEventInput:
        raise NotImplementedError

    def _event(self, kind: str, actor: Actor, comment: str | None, data: dict[str, Any]) -> CaseEvent:
        """The next history row (its seq counted here, so a retry of its write finds it)."""
        seq = self._state.last_seq + 1
        self._state = self._state.model_copy(update={"last_seq": seq})
        return CaseEvent(
            seq=seq,
            at=workflow.now(),
            kind=str(kind),
            actor=actor.user_id,
            actor_role=actor.role.value,
            stage_before=self._stage_before,
            stage_after=self._state.stage_name(),
            data={**data, "comment": comment} if comment else data,
        )

    def _snapshot(self) -> S:
        """The state as activities receive it (a procedure may leave out what the read model already holds)."""
        return self._state

    async def _record_all(self, events: list[CaseEvent]) -> None:
        """Several rows that change no workers, with one read-model update, as a local activity."""
        recorded: RecordedHash = await workflow.execute_local_activity(
            RECORD_EVENTS,
            RecordEventsInput(case=self._snapshot(), events=events),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        self._chained(recorded)

    async def _record(self, kind: str, actor: Actor, comment: str | None, data: dict[str, Any]) -> ActionResult:
        event = self._event(kind, actor, comment, data)
        recorded: RecordedHash = await workflow.execute_activity(
            RECORD_EVENT,
            self._record_input(event),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            heartbeat_timeout=HEARTBEAT_TIMEOUT,
            retry_policy=RETRY,
        )
        self._chained(recorded)
        return self._result()

    def _chained(self, recorded: object) -> None:
        """Keep the hash of the history row just written (db/chain.py) in the state, for ``qingling audit verify
        --against-temporal``. Histories recorded before the chain answered None: the state keeps what it had
        (no command, so nothing to patch)."""
        if isinstance(recorded, str):
            self._state = self._state.model_copy(update={"history_hash": recorded})

    def _result(self) -> ActionResult:
        return ActionResult(case_id=self._state.case_id, seq=self._state.last_seq, stage=self._state.stage_name())
