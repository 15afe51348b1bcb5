"""Which action in which stage for which role; what payments and findings do to a case."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from models.actions import Action, CloseBody, RecordFindingBody, RecordPaymentBody
from models.case import CaseIntake, CaseState, Role, Stage
from models.errors import ErrorCode, Refusal
from rules import transitions
from tests.builders import intake_body, make_id
from tests.harness import INSPECTOR
from workflows.case import CaseStart, initial_state

PAID_AT = datetime(2026, 11, 21, 1, tzinfo=UTC)

EXPECTED = {
    (Stage.INTAKE, Role.INSPECTOR): {Action.ACCEPT, Action.REJECT},
    (Stage.INVESTIGATING, Role.INSPECTOR): {Action.RECORD_FINDING, Action.ISSUE_ORDER, Action.RECORD_PAYMENT},
    (Stage.ORDERED, Role.INSPECTOR): {Action.RECORD_FINDING, Action.RECORD_PAYMENT},
    (Stage.INVESTIGATING, Role.SUPERVISOR): {Action.CLOSE},
    (Stage.ORDERED, Role.SUPERVISOR): {Action.CLOSE},
    (Stage.CLEARED, Role.SUPERVISOR): {Action.CLOSE},
}


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("role", list(Role))
def test_allowed_actions_table(stage: Stage, role: Role) -> None:
    expected = EXPECTED.get((stage, role), set())
    assert set(transitions.allowed_actions(stage, role)) == expected
    for action in Action:
        if action in expected:
            transitions.check_action(stage, action, role)
        else:
            with pytest.raises(Refusal) as refused:
                transitions.check_action(stage, action, role)
            assert refused.value.code in (ErrorCode.STAGE_NOT_ALLOWED, ErrorCode.ROLE_NOT_ALLOWED)


def case(stage: Stage = Stage.ORDERED) -> CaseState:
    intake = CaseIntake.model_validate(intake_body(workers=2))
    state = initial_state(CaseStart(case_id="C", intake=intake, created_by=INSPECTOR))
    return state.model_copy(update={"stage": stage})


def pay(*lines: tuple[int, str]) -> RecordPaymentBody:
    return RecordPaymentBody.model_validate(
        {"payments": [{"id_number": make_id(i), "amount": a, "paid_at": PAID_AT} for i, a in lines]}
    )


def test_partial_then_full_payment_clears() -> None:
    c = transitions.apply_payment(case(), pay((1, "5000.50")))
    assert c.stage == Stage.ORDERED and c.outstanding == Decimal("18999.50")
    c = transitions.apply_payment(c, pay((1, "6999.50"), (2, "12000")))
    assert c.stage == Stage.CLEARED and c.outstanding == Decimal("0.00")
    assert c.paid_total == Decimal("24000.00") and len(c.payments) == 3


def test_overpayment_refused_even_split_across_lines() -> None:
    with pytest.raises(Refusal) as refused:
        transitions.check_payment(case(), pay((1, "6000"), (1, "6000.01")))
    assert refused.value.code == ErrorCode.OVERPAYMENT
    transitions.check_payment(case(), pay((1, "6000"), (1, "6000")))


def test_unknown_worker_refused() -> None:
    with pytest.raises(Refusal) as refused:
        transitions.check_payment(case(), pay((9, "1")))
    assert refused.value.code == ErrorCode.UNKNOWN_WORKER


def test_finding_replaces_claim_and_may_clear() -> None:
    body = RecordFindingBody.model_validate(
        {
            "workers": [
                {"id_number": make_id(1), "confirmed_amount": "0"},
                {"id_number": make_id(2), "confirmed_amount": "0"},
            ]
        }
    )
    c = transitions.apply_finding(case(Stage.INVESTIGATING), body)
    assert c.owed_total == Decimal("0.00") and c.stage == Stage.CLEARED


def test_finding_below_paid_refused() -> None:
    c = transitions.apply_payment(case(), pay((1, "5000")))
    body = RecordFindingBody.model_validate({"workers": [{"id_number": make_id(1), "confirmed_amount": "4000"}]})
    with pytest.raises(Refusal):
        transitions.check_finding(c, body)


@pytest.mark.parametrize(
    ("reason", "allowed"),
    [("cleared", False), ("no_violation", False), ("withdrawn", True), ("transferred", True)],
)
def test_close_with_money_outstanding(reason: str, allowed: bool) -> None:
    body = CloseBody.model_validate({"reason": reason})
    if allowed:
        transitions.check_close(case(), body)
    else:
        with pytest.raises(Refusal) as refused:
            transitions.check_close(case(), body)
        assert refused.value.code == ErrorCode.OUTSTANDING_NOT_ZERO


def test_order_due_must_be_after_today() -> None:
    with pytest.raises(Refusal):
        transitions.check_order(case(Stage.INVESTIGATING), date(2026, 11, 22), date(2026, 11, 22))
    transitions.check_order(case(Stage.INVESTIGATING), date(2026, 11, 23), date(2026, 11, 22))
