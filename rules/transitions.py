"""Which action is allowed in which stage for which role, and what it does to the case.

Pure functions over models. The workflow's update validators and handlers call these, so
the API's 409 and the workflow's refusal can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from models.actions import (
    AcceptBody,
    Action,
    Body,
    CloseBody,
    CloseReason,
    ExtendInvestigationBody,
    IssueOrderBody,
    OrderAddressee,
    PaymentLine,
    RecordAidBody,
    RecordFindingBody,
    RecordPaymentBody,
    RecordServiceBody,
    RecordSupplementBody,
    RejectBody,
    RejectReason,
    ServiceMethod,
    SetClearDeadlineBody,
)
from models.case import Aid, CaseState, DeadlineKind, Payment, Role, Stage, WorkerState, totals_by_source
from models.clock import shanghai_date
from models.errors import ErrorCode, Refusal
from models.money import ZERO
from models.notices import SERVED_KINDS, NoticeKind

CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of the server's clock a reported moment may lie (a phone's clock runs fast)."""


@dataclass(frozen=True)
class ActionRule:
    roles: frozenset[Role]
    stages: frozenset[Stage]


_OPEN = frozenset({Stage.INVESTIGATING, Stage.ORDERED})
_CLOSERS = frozenset({Role.SUPERVISOR, Role.HEAD})
_INSPECTOR = frozenset({Role.INSPECTOR})
RULES: dict[Action, ActionRule] = {
    Action.ACCEPT: ActionRule(_INSPECTOR, frozenset({Stage.INTAKE})),
    Action.REJECT: ActionRule(_INSPECTOR, frozenset({Stage.INTAKE})),
    Action.REQUEST_SUPPLEMENT: ActionRule(_INSPECTOR, frozenset({Stage.INTAKE})),
    Action.RECORD_SUPPLEMENT: ActionRule(_INSPECTOR, frozenset({Stage.INTAKE})),
    Action.RECORD_FINDING: ActionRule(_INSPECTOR, _OPEN),
    Action.ISSUE_ORDER: ActionRule(_INSPECTOR, frozenset({Stage.INVESTIGATING})),
    # Every notice is served, including those issued as the case ends (refusal, closing notice).
    Action.RECORD_SERVICE: ActionRule(_INSPECTOR, frozenset(Stage)),
    Action.RECORD_PAYMENT: ActionRule(_INSPECTOR, _OPEN),
    Action.CLOSE: ActionRule(_CLOSERS, frozenset({Stage.INVESTIGATING, Stage.ORDERED, Stage.CLEARED})),
    # 条例 art. 17: the bureau's head approves the one extension of the investigation.
    Action.EXTEND_INVESTIGATION: ActionRule(frozenset({Role.HEAD}), _OPEN),
    Action.SET_CLEAR_DEADLINE: ActionRule(_CLOSERS, frozenset({Stage.INTAKE, *_OPEN})),
    # Aid may be recorded after the wages were paid: it was often given before.
    Action.RECORD_AID: ActionRule(_INSPECTOR, frozenset({*_OPEN, Stage.CLEARED})),
}


def check_action(stage: Stage, action: Action, role: Role) -> None:
    """Raise Refusal unless ``role`` may take ``action`` in ``stage``."""
    rule = RULES[action]
    if role not in rule.roles:
        raise Refusal(ErrorCode.ROLE_NOT_ALLOWED)
    if stage not in rule.stages:
        raise Refusal(ErrorCode.STAGE_NOT_ALLOWED)


def allowed_actions(stage: Stage, role: Role) -> list[Action]:
    return [a for a, r in RULES.items() if role in r.roles and stage in r.stages]


def check_input(body: Body, now: datetime) -> None:
    """Rules on the body alone, independent of the case: the API checks them before anything is sent,
    and the workflow's validators again. Handlers do not re-check them (time only moves forward, and
    actions recorded before a rule existed must still replay)."""
    if isinstance(body, RejectBody) and body.reason_code is None:
        raise Refusal(ErrorCode.REASON_CODE_REQUIRED, field="reason_code")
    if isinstance(body, RecordServiceBody):
        if body.method == ServiceMethod.ELECTRONIC and not body.electronic_consent:
            raise Refusal(ErrorCode.CONSENT_REQUIRED, field="electronic_consent")
        _not_future(body.served_at, now, "served_at")
    if isinstance(body, RecordSupplementBody):
        _not_future(body.received_at, now, "received_at")
    if isinstance(body, SetClearDeadlineBody):
        check_clear_deadline(body, now)
    if isinstance(body, RecordPaymentBody):
        for i, line in enumerate(body.payments):
            _not_future(line.paid_at, now, f"payments.{i}.paid_at")
    if isinstance(body, RecordAidBody):
        _not_future(body.paid_at, now, "paid_at")


def _workers(case: CaseState) -> dict[str, WorkerState]:
    return {w.id_number: w for w in case.workers}


def _unique(ids: list[str]) -> None:
    if len(set(ids)) != len(ids):
        raise Refusal(ErrorCode.DUPLICATE_WORKER)


def _not_future(moment: datetime, now: datetime, field: str) -> None:
    if moment > now + CLOCK_SKEW:
        raise Refusal(ErrorCode.IN_THE_FUTURE, field=field)


def check_accept(case: CaseState, body: AcceptBody) -> None:
    if case.supplement_missing is not None:
        raise Refusal(ErrorCode.SUPPLEMENT_PENDING)
    if case.limitation is not None and case.limitation.time_barred and not body.not_time_barred_because:
        raise Refusal(ErrorCode.TIME_BARRED)


def check_reject(case: CaseState, body: RejectBody) -> None:
    barred = case.limitation is not None and case.limitation.time_barred
    if body.reason_code == RejectReason.TIME_BARRED and not barred:
        raise Refusal(ErrorCode.NOT_TIME_BARRED)


def check_supplement(case: CaseState, body: RecordSupplementBody) -> None:
    if case.supplement_missing is None or case.supplement_requested_at is None:
        raise Refusal(ErrorCode.NO_SUPPLEMENT_REQUESTED)
    if body.received_at < case.supplement_requested_at:
        raise Refusal(ErrorCode.SUPPLEMENT_BEFORE_REQUEST)


def check_finding(case: CaseState, body: RecordFindingBody) -> None:
    _unique([line.id_number for line in body.workers])
    workers = _workers(case)
    for line in body.workers:
        worker = workers.get(line.id_number)
        if worker is None:
            raise Refusal(ErrorCode.UNKNOWN_WORKER)
        if line.confirmed_amount < worker.paid_amount:
            raise Refusal(ErrorCode.OVERPAYMENT, "认定金额不能低于该劳动者已获支付的金额")


def check_order(case: CaseState, body: IssueOrderBody, now: datetime) -> None:
    if body.due_date <= shanghai_date(now):
        raise Refusal(ErrorCode.ORDER_DUE_NOT_AFTER_TODAY)
    if case.outstanding == ZERO:
        raise Refusal(ErrorCode.NOTHING_OUTSTANDING)
    if body.addressee == OrderAddressee.GENERAL_CONTRACTOR and (
        case.project is None or case.project.general_contractor is None
    ):
        raise Refusal(ErrorCode.NO_GENERAL_CONTRACTOR)


def check_service(case: CaseState, body: RecordServiceBody) -> None:
    notice = case.notice(body.notice_id)
    if notice is None:
        raise Refusal(ErrorCode.UNKNOWN_NOTICE)
    if notice.kind not in SERVED_KINDS:
        raise Refusal(ErrorCode.NOT_SERVABLE)
    if notice.served:
        raise Refusal(ErrorCode.ALREADY_SERVED)
    if body.served_at < notice.issued_at:
        raise Refusal(ErrorCode.SERVED_BEFORE_ISSUE)
    if notice.kind == NoticeKind.PAYMENT_ORDER and case.order_due and shanghai_date(body.served_at) >= case.order_due:
        raise Refusal(ErrorCode.SERVED_AFTER_DUE)


def payment_key(line: PaymentLine) -> tuple[str, Decimal, datetime, str]:
    """The same key as ``Payment.key`` for a line not yet recorded (no model round trip: 5,000 lines)."""
    return (line.id_number, line.amount, line.paid_at, line.source.value)


def check_payment(case: CaseState, body: RecordPaymentBody) -> None:
    """Each line names a worker of the case, pays no more than is outstanding, falls inside the arrears'
    time and was not recorded before (the same worker, amount, moment and payer twice is one payment)."""
    workers = _workers(case)
    seen = {p.key() for p in case.payments}
    per_worker: dict[str, Decimal] = {}
    for line in body.payments:
        worker = workers.get(line.id_number)
        if worker is None:
            raise Refusal(ErrorCode.UNKNOWN_WORKER)
        key = payment_key(line)
        if key in seen:
            raise Refusal(ErrorCode.DUPLICATE_PAYMENT)
        seen.add(key)
        if shanghai_date(line.paid_at) < worker.owed_from:
            raise Refusal(ErrorCode.PAID_BEFORE_OWED)
        per_worker[line.id_number] = per_worker.get(line.id_number, ZERO) + line.amount
        if per_worker[line.id_number] > worker.outstanding:
            raise Refusal(ErrorCode.OVERPAYMENT)


def check_aid(case: CaseState, body: RecordAidBody) -> None:
    """Aid goes to a worker of the case, once (the same worker, amount and moment twice is one entry)."""
    if case.worker(body.id_number) is None:
        raise Refusal(ErrorCode.UNKNOWN_WORKER, field="id_number")
    if (body.id_number, body.amount, body.paid_at) in {a.key() for a in case.aid}:
        raise Refusal(ErrorCode.DUPLICATE_AID)


def check_close(case: CaseState, body: CloseBody, role: Role) -> None:
    """Closing reasons follow 劳动保障监察条例 art. 18; a case whose confirmed arrears are zero is
    ``no_violation``, never ``cleared``."""
    reason, owed, outstanding = body.reason, case.owed_total, case.outstanding
    if reason == CloseReason.CLEARED:
        if owed == ZERO:
            raise Refusal(ErrorCode.NOTHING_WAS_OWED)
        if outstanding > ZERO:
            raise Refusal(ErrorCode.OUTSTANDING_NOT_ZERO)
    elif reason == CloseReason.NO_VIOLATION:
        if owed > ZERO:
            raise Refusal(ErrorCode.VIOLATION_FOUND)
    elif reason == CloseReason.MINOR_CORRECTED:
        if outstanding > ZERO:
            raise Refusal(ErrorCode.NOT_CORRECTED)
    elif reason == CloseReason.WITHDRAWN and outstanding > ZERO and role != Role.HEAD:
        raise Refusal(ErrorCode.HEAD_APPROVAL_REQUIRED)


def check_extension(case: CaseState, now: datetime) -> None:
    """Once, and only while the period runs: an extension approved after expiry would hide the overdue."""
    deadline = next((d for d in case.deadlines if d.kind == DeadlineKind.INVESTIGATION and d.open), None)
    if deadline is None:
        raise Refusal(ErrorCode.NO_INVESTIGATION_DEADLINE)
    if deadline.extended_by:
        raise Refusal(ErrorCode.ALREADY_EXTENDED)
    if shanghai_date(now) > deadline.due:
        raise Refusal(ErrorCode.INVESTIGATION_EXPIRED)


def check_clear_deadline(body: SetClearDeadlineBody, now: datetime) -> None:
    if body.due <= shanghai_date(now):
        raise Refusal(ErrorCode.CLEAR_DUE_NOT_AFTER_TODAY, field="due")


def check(case: CaseState, action: Action, role: Role, body: Body, now: datetime) -> None:
    """Every rule an action must pass against the case, in one call: the stage and role, then the body
    against the case. Validators and handlers both call it (the case may change between them)."""
    check_action(case.stage, action, role)
    if isinstance(body, AcceptBody):
        check_accept(case, body)
    elif isinstance(body, RejectBody):
        check_reject(case, body)
    elif isinstance(body, RecordSupplementBody):
        check_supplement(case, body)
    elif isinstance(body, RecordFindingBody):
        check_finding(case, body)
    elif isinstance(body, IssueOrderBody):
        check_order(case, body, now)
    elif isinstance(body, RecordServiceBody):
        check_service(case, body)
    elif isinstance(body, RecordPaymentBody):
        check_payment(case, body)
    elif isinstance(body, CloseBody):
        check_close(case, body, role)
    elif isinstance(body, ExtendInvestigationBody):
        check_extension(case, now)
    elif isinstance(body, RecordAidBody):
        check_aid(case, body)


def apply_finding(case: CaseState, body: RecordFindingBody) -> CaseState:
    """Confirmed arrears replace claimed ones for the workers named."""
    confirmed = {line.id_number: line.confirmed_amount for line in body.workers}
    workers = [
        w.model_copy(update={"confirmed_amount": confirmed[w.id_number]}) if w.id_number in confirmed else w
        for w in case.workers
    ]
    return settle(case.model_copy(update={"workers": workers}))


def apply_payment(case: CaseState, body: RecordPaymentBody) -> CaseState:
    paid: dict[str, Decimal] = {}
    for line in body.payments:
        paid[line.id_number] = paid.get(line.id_number, ZERO) + line.amount
    workers = [
        w.model_copy(update={"paid_amount": w.paid_amount + paid[w.id_number]}) if w.id_number in paid else w
        for w in case.workers
    ]
    fresh = [
        Payment.model_construct(id_number=p.id_number, amount=p.amount, paid_at=p.paid_at, source=p.source.value)
        for p in body.payments
    ]
    by_source = totals_by_source(fresh, case.paid_by_source)
    update = {"workers": workers, "payments": [*case.payments, *fresh], "paid_by_source": by_source}
    return settle(case.model_copy(update=update))


def apply_aid(case: CaseState, body: RecordAidBody) -> CaseState:
    """Aid is added to the ledger; the workers' paid amounts, and so the debt and the stage, stay as they were."""
    aid = Aid(id_number=body.id_number, amount=body.amount, paid_at=body.paid_at)
    return case.model_copy(update={"aid": [*case.aid, aid]})


def settle(case: CaseState) -> CaseState:
    """An open case is cleared (清零) when every confirmed amount is paid and something was owed; a
    finding of zero arrears is no violation, not a clearing."""
    if case.stage in _OPEN and case.outstanding == ZERO and case.owed_total > ZERO:
        return case.model_copy(update={"stage": Stage.CLEARED})
    return case


def order_served(case: CaseState) -> bool:
    """Whether the latest order to pay was served: an unserved order grounds no decision, listing or
    referral (SPC interpretation 2013 art. 4)."""
    order = case.latest_notice(NoticeKind.PAYMENT_ORDER.value)
    return order is not None and order.served
