"""Which action is allowed in which stage for which role, and what it does to the case.

Pure functions over models. The workflow's update validators and handlers call these, so
the API's 409 and the workflow's refusal can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.actions import (
    Action,
    Body,
    CloseBody,
    CloseReason,
    IssueOrderBody,
    RecordFindingBody,
    RecordPaymentBody,
)
from models.case import CaseState, Payment, Role, Stage
from models.errors import ErrorCode, Refusal
from models.money import ZERO


@dataclass(frozen=True)
class ActionRule:
    roles: frozenset[Role]
    stages: frozenset[Stage]


_OPEN = frozenset({Stage.INVESTIGATING, Stage.ORDERED})
RULES: dict[Action, ActionRule] = {
    Action.ACCEPT: ActionRule(frozenset({Role.INSPECTOR}), frozenset({Stage.INTAKE})),
    Action.REJECT: ActionRule(frozenset({Role.INSPECTOR}), frozenset({Stage.INTAKE})),
    Action.RECORD_FINDING: ActionRule(frozenset({Role.INSPECTOR}), _OPEN),
    Action.ISSUE_ORDER: ActionRule(frozenset({Role.INSPECTOR}), frozenset({Stage.INVESTIGATING})),
    Action.RECORD_PAYMENT: ActionRule(frozenset({Role.INSPECTOR}), _OPEN),
    Action.CLOSE: ActionRule(
        frozenset({Role.SUPERVISOR}), frozenset({Stage.INVESTIGATING, Stage.ORDERED, Stage.CLEARED})
    ),
}

MAY_CLOSE_WITH_OUTSTANDING = frozenset({CloseReason.TRANSFERRED, CloseReason.WITHDRAWN})


def check_action(stage: Stage, action: Action, role: Role) -> None:
    """Raise Refusal unless ``role`` may take ``action`` in ``stage``."""
    rule = RULES[action]
    if role not in rule.roles:
        raise Refusal(ErrorCode.ROLE_NOT_ALLOWED)
    if stage not in rule.stages:
        raise Refusal(ErrorCode.STAGE_NOT_ALLOWED)


def allowed_actions(stage: Stage, role: Role) -> list[Action]:
    return [a for a, r in RULES.items() if role in r.roles and stage in r.stages]


def _unique(ids: list[str]) -> None:
    if len(set(ids)) != len(ids):
        raise Refusal(ErrorCode.DUPLICATE_WORKER)


def check_finding(case: CaseState, body: RecordFindingBody) -> None:
    _unique([line.id_number for line in body.workers])
    for line in body.workers:
        worker = case.worker(line.id_number)
        if worker is None:
            raise Refusal(ErrorCode.UNKNOWN_WORKER)
        if line.confirmed_amount < worker.paid_amount:
            raise Refusal(ErrorCode.OVERPAYMENT, "认定金额不能低于该劳动者已获支付的金额")


def check_order(case: CaseState, due: date, today: date) -> None:
    if due <= today:
        raise Refusal(ErrorCode.ORDER_DUE_NOT_AFTER_TODAY)
    if case.outstanding == ZERO:
        raise Refusal(ErrorCode.NOTHING_OUTSTANDING)


def check_payment(case: CaseState, body: RecordPaymentBody) -> None:
    per_worker: dict[str, Decimal] = {}
    for line in body.payments:
        worker = case.worker(line.id_number)
        if worker is None:
            raise Refusal(ErrorCode.UNKNOWN_WORKER)
        per_worker[line.id_number] = per_worker.get(line.id_number, ZERO) + line.amount
        if per_worker[line.id_number] > worker.outstanding:
            raise Refusal(ErrorCode.OVERPAYMENT)


def check_close(case: CaseState, body: CloseBody) -> None:
    if case.outstanding > ZERO and body.reason not in MAY_CLOSE_WITH_OUTSTANDING:
        raise Refusal(ErrorCode.OUTSTANDING_NOT_ZERO)


def check(case: CaseState, action: Action, role: Role, body: Body, today: date) -> None:
    """Every rule an action must pass, in one call: the stage and role, then the body against the case."""
    check_action(case.stage, action, role)
    if isinstance(body, RecordFindingBody):
        check_finding(case, body)
    elif isinstance(body, IssueOrderBody):
        check_order(case, body.due_date, today)
    elif isinstance(body, RecordPaymentBody):
        check_payment(case, body)
    elif isinstance(body, CloseBody):
        check_close(case, body)


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
    payments = [
        *case.payments,
        *(Payment.model_validate(p.model_dump()) for p in body.payments),
    ]
    return settle(case.model_copy(update={"workers": workers, "payments": payments}))


def settle(case: CaseState) -> CaseState:
    """An open case whose outstanding reaches 0 is cleared (清零)."""
    if case.stage in _OPEN and case.outstanding == ZERO:
        return case.model_copy(update={"stage": Stage.CLEARED})
    return case
