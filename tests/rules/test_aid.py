"""Emergency aid and payers as pure rules: aid never reduces the debt nor clears a case; the totals per
payer follow every payment; a state saved before the totals were kept gets them from its payments."""

from __future__ import annotations

from decimal import Decimal

from models.actions import Action, RecordAidBody
from models.case import CaseState, Role, Stage
from models.errors import ErrorCode
from rules import transitions
from tests.builders import make_id
from tests.rules.test_transitions import NOW, PAID_AT, case, pay, refusal


def aid(worker: int = 1, amount: str = "1000.00") -> RecordAidBody:
    return RecordAidBody.model_validate(
        {"id_number": make_id(worker), "amount": amount, "paid_at": PAID_AT.isoformat()}
    )


def test_aid_leaves_the_debt_and_the_stage() -> None:
    before = case(Stage.ORDERED)
    after = transitions.apply_aid(before, aid(1, "11000.00"))  # as much as the worker is owed
    assert after.outstanding == before.outstanding and after.paid_total == Decimal("0.00")
    assert after.stage == Stage.ORDERED and after.aid_total == Decimal("11000.00")


def test_aid_once_per_worker_amount_and_moment() -> None:
    c = transitions.apply_aid(case(), aid())
    assert refusal(transitions.check, c, Action.RECORD_AID, Role.INSPECTOR, aid(), NOW) == ErrorCode.DUPLICATE_AID
    transitions.check(c, Action.RECORD_AID, Role.INSPECTOR, aid(amount="1000.01"), NOW)  # another aid
    assert refusal(transitions.check, c, Action.RECORD_AID, Role.INSPECTOR, aid(9), NOW) == ErrorCode.UNKNOWN_WORKER


def test_aid_only_in_an_open_or_cleared_case_by_an_inspector() -> None:
    assert refusal(transitions.check, case(Stage.INTAKE), Action.RECORD_AID, Role.INSPECTOR, aid(), NOW) == (
        ErrorCode.STAGE_NOT_ALLOWED
    )
    assert refusal(transitions.check, case(Stage.CLOSED), Action.RECORD_AID, Role.INSPECTOR, aid(), NOW) == (
        ErrorCode.STAGE_NOT_ALLOWED
    )
    assert refusal(transitions.check, case(), Action.RECORD_AID, Role.SUPERVISOR, aid(), NOW) == (
        ErrorCode.ROLE_NOT_ALLOWED
    )
    transitions.check(case(Stage.CLEARED), Action.RECORD_AID, Role.INSPECTOR, aid(), NOW)


def test_totals_per_payer_follow_the_payments() -> None:
    c = transitions.apply_payment(case(), pay((1, "1000.00"), source="general_contractor"))
    c = transitions.apply_payment(c, pay((1, "500.00"), (2, "700.00"), source="wage_deposit"))
    c = transitions.apply_payment(c, pay((2, "300.00")))
    assert c.paid_by_source == {
        "general_contractor": Decimal("1000.00"),
        "wage_deposit": Decimal("1200.00"),
        "employer": Decimal("300.00"),
    }
    assert sum(c.paid_by_source.values()) == c.paid_total


def test_a_state_saved_without_the_totals_gets_them_from_its_payments() -> None:
    c = transitions.apply_payment(case(), pay((1, "1000.00"), source="construction_unit"))
    saved = c.model_dump(mode="json")
    del saved["paid_by_source"]
    assert CaseState.model_validate(saved).paid_by_source == {"construction_unit": Decimal("1000.00")}
