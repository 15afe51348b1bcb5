"""Which action in which stage for which role; what each action's body must satisfy against the case."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.actions import (
    AcceptBody,
    Action,
    CloseBody,
    IssueOrderBody,
    RecordFindingBody,
    RecordPaymentBody,
    RecordServiceBody,
    RecordSupplementBody,
    RejectBody,
)
from models.case import CaseIntake, CaseState, NoticeRef, Role, Stage
from models.errors import ErrorCode, Refusal
from models.start import CaseStart
from rules import transitions
from tests.builders import intake_body, make_id
from tests.harness import INSPECTOR
from workflows.case import initial_state

PAID_AT = datetime(2026, 11, 21, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 22, 2, tzinfo=UTC)

INSPECTOR_EVERYWHERE = {Action.RECORD_SERVICE}
PENALTY_INSPECTOR = {
    Action.SUBMIT_DEFENSE,
    Action.PROPOSE_PENALTY,
    Action.REQUEST_HEARING,
    Action.SCHEDULE_HEARING,
    Action.RECORD_HEARING,
    Action.RECORD_CHALLENGE,
    Action.RECORD_FINE_PAID,
    Action.RECORD_COURT_ENFORCEMENT,
}
PENALTY_HEAD = {Action.RECORD_COLLECTIVE_DISCUSSION, Action.DECIDE_PENALTY, Action.PUBLISH_VIOLATION}
EXPECTED = {
    (Stage.INTAKE, Role.INSPECTOR): {Action.ACCEPT, Action.REJECT, Action.REQUEST_SUPPLEMENT, Action.RECORD_SUPPLEMENT},
    (Stage.INVESTIGATING, Role.INSPECTOR): {
        Action.RECORD_FINDING,
        Action.ISSUE_ORDER,
        Action.RECORD_PAYMENT,
        Action.RECORD_AID,
        *PENALTY_INSPECTOR,
    },
    (Stage.ORDERED, Role.INSPECTOR): {
        Action.RECORD_FINDING,
        Action.RECORD_PAYMENT,
        Action.RECORD_AID,
        Action.PROPOSE_DECISION,
        Action.PROPOSE_BLACKLIST,
        Action.REFER_TO_POLICE,
        *PENALTY_INSPECTOR,
    },
    (Stage.CLEARED, Role.INSPECTOR): {Action.RECORD_AID, *PENALTY_INSPECTOR},
    (Stage.INTAKE, Role.SUPERVISOR): {Action.SET_CLEAR_DEADLINE},
    (Stage.INVESTIGATING, Role.SUPERVISOR): {Action.CLOSE, Action.SET_CLEAR_DEADLINE, Action.RECORD_LEGAL_REVIEW},
    (Stage.ORDERED, Role.SUPERVISOR): {Action.CLOSE, Action.SET_CLEAR_DEADLINE, Action.RECORD_LEGAL_REVIEW},
    (Stage.CLEARED, Role.SUPERVISOR): {Action.CLOSE, Action.RECORD_LEGAL_REVIEW},
    (Stage.INTAKE, Role.HEAD): {Action.SET_CLEAR_DEADLINE},
    (Stage.INVESTIGATING, Role.HEAD): {
        Action.CLOSE,
        Action.SET_CLEAR_DEADLINE,
        Action.EXTEND_INVESTIGATION,
        *PENALTY_HEAD,
    },
    (Stage.ORDERED, Role.HEAD): {
        Action.CLOSE,
        Action.SET_CLEAR_DEADLINE,
        Action.EXTEND_INVESTIGATION,
        Action.ISSUE_DECISION,
        *PENALTY_HEAD,
    },
    (Stage.CLEARED, Role.HEAD): {Action.CLOSE, *PENALTY_HEAD},
}


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("role", list(Role))
def test_allowed_actions_table(stage: Stage, role: Role) -> None:
    expected = EXPECTED.get((stage, role), set())
    if role == Role.INSPECTOR:
        expected = expected | INSPECTOR_EVERYWHERE
    if role in (Role.SUPERVISOR, Role.HEAD) and stage not in (Stage.CLOSED, Stage.REJECTED):
        expected = expected | {Action.ASSIGN}  # a running case is given to an inspector by a supervisor or the head
    assert set(transitions.allowed_actions(stage, role)) == expected
    for action in Action:
        if action in expected:
            transitions.check_action(stage, action, role)
        else:
            with pytest.raises(Refusal) as refused:
                transitions.check_action(stage, action, role)
            assert refused.value.code in (ErrorCode.STAGE_NOT_ALLOWED, ErrorCode.ROLE_NOT_ALLOWED)


def test_admin_takes_no_case_action() -> None:
    assert all(transitions.allowed_actions(stage, Role.ADMIN) == [] for stage in Stage)


def case(stage: Stage = Stage.ORDERED, **intake: Any) -> CaseState:
    body = intake_body(workers=2)
    body.update(intake)
    parsed = CaseIntake.model_validate(body)
    state = initial_state(CaseStart(case_id="C", intake=parsed, created_by=INSPECTOR))
    return state.model_copy(update={"stage": stage})


def refusal(fn: Any, *args: Any) -> ErrorCode:
    with pytest.raises(Refusal) as refused:
        fn(*args)
    return refused.value.code


def pay(*lines: tuple[int, str], at: datetime = PAID_AT, source: str = "employer") -> RecordPaymentBody:
    return RecordPaymentBody.model_validate(
        {
            "payments": [
                {"id_number": make_id(i), "amount": a, "paid_at": at.isoformat(), "source": source} for i, a in lines
            ]
        }
    )


def test_partial_then_full_payment_clears() -> None:
    c = transitions.apply_payment(case(), pay((1, "5000.50")))
    assert c.stage == Stage.ORDERED and c.outstanding == Decimal("18999.50")
    c = transitions.apply_payment(c, pay((1, "6999.50"), (2, "12000")))
    assert c.stage == Stage.CLEARED and c.outstanding == Decimal("0.00")
    assert c.paid_total == Decimal("24000.00") and len(c.payments) == 3


def test_overpayment_refused_even_split_across_lines() -> None:
    assert refusal(transitions.check_payment, case(), pay((1, "6000"), (1, "6000.01"))) == ErrorCode.OVERPAYMENT
    later = PAID_AT + timedelta(hours=1)
    transitions.check_payment(
        case(), RecordPaymentBody(payments=[*pay((1, "6000")).payments, *pay((1, "6000"), at=later).payments])
    )


def test_unknown_worker_refused() -> None:
    assert refusal(transitions.check_payment, case(), pay((9, "1"))) == ErrorCode.UNKNOWN_WORKER


def test_the_same_payment_twice_is_refused_within_a_submission_and_across_them() -> None:
    assert refusal(transitions.check_payment, case(), pay((1, "100"), (1, "100"))) == ErrorCode.DUPLICATE_PAYMENT
    paid = transitions.apply_payment(case(), pay((1, "100")))
    assert refusal(transitions.check_payment, paid, pay((1, "100"))) == ErrorCode.DUPLICATE_PAYMENT
    # the same instant written in another offset is the same payment
    shanghai = PAID_AT.astimezone(__import__("models.clock", fromlist=["SHANGHAI"]).SHANGHAI)
    assert refusal(transitions.check_payment, paid, pay((1, "100.00"), at=shanghai)) == ErrorCode.DUPLICATE_PAYMENT
    # a different amount, moment or payer is another payment
    transitions.check_payment(paid, pay((1, "100.01")))
    transitions.check_payment(paid, pay((1, "100"), at=PAID_AT + timedelta(seconds=1)))
    transitions.check_payment(paid, pay((1, "100"), source="general_contractor"))


def test_a_payment_before_the_arrears_began_is_refused() -> None:
    before = datetime(2026, 5, 31, 12, tzinfo=UTC)  # owed_from is 2026-06-01
    assert refusal(transitions.check_payment, case(), pay((1, "1"), at=before)) == ErrorCode.PAID_BEFORE_OWED
    transitions.check_payment(case(), pay((1, "1"), at=datetime(2026, 5, 31, 16, tzinfo=UTC)))  # 06-01 in Shanghai


def test_moments_in_the_future_are_refused_by_the_input_rule() -> None:
    future = NOW + timedelta(minutes=6)
    with pytest.raises(Refusal) as refused:
        transitions.check_input(pay((1, "1"), (2, "1"), at=future), NOW)
    assert (refused.value.code, refused.value.field) == (ErrorCode.IN_THE_FUTURE, "payments.0.paid_at")
    transitions.check_input(pay((1, "1"), at=NOW + timedelta(minutes=4)), NOW)  # a fast phone clock
    body = RecordSupplementBody(received_at=future)
    assert refusal(transitions.check_input, body, NOW) == ErrorCode.IN_THE_FUTURE


def test_finding_replaces_claim_and_all_zero_is_no_violation_not_cleared() -> None:
    body = RecordFindingBody.model_validate(
        {
            "workers": [
                {"id_number": make_id(1), "confirmed_amount": "0"},
                {"id_number": make_id(2), "confirmed_amount": "0"},
            ]
        }
    )
    c = transitions.apply_finding(case(Stage.INVESTIGATING), body)
    assert c.owed_total == Decimal("0.00") and c.stage == Stage.INVESTIGATING
    assert (
        refusal(transitions.check_close, c, CloseBody(reason="cleared"), Role.SUPERVISOR) == ErrorCode.NOTHING_WAS_OWED
    )
    transitions.check_close(c, CloseBody(reason="no_violation"), Role.SUPERVISOR)


def test_finding_below_paid_refused() -> None:
    c = transitions.apply_payment(case(), pay((1, "5000")))
    body = RecordFindingBody.model_validate({"workers": [{"id_number": make_id(1), "confirmed_amount": "4000"}]})
    assert refusal(transitions.check_finding, c, body) == ErrorCode.OVERPAYMENT


@pytest.mark.parametrize(
    ("reason", "role", "refused"),
    [
        ("cleared", Role.SUPERVISOR, ErrorCode.OUTSTANDING_NOT_ZERO),
        ("no_violation", Role.SUPERVISOR, ErrorCode.VIOLATION_FOUND),
        ("minor_corrected", Role.SUPERVISOR, ErrorCode.NOT_CORRECTED),
        ("withdrawn", Role.SUPERVISOR, ErrorCode.HEAD_APPROVAL_REQUIRED),
        ("withdrawn", Role.HEAD, None),
        ("transferred", Role.SUPERVISOR, None),
    ],
)
def test_close_with_money_outstanding(reason: str, role: Role, refused: ErrorCode | None) -> None:
    body = CloseBody.model_validate({"reason": reason})
    if refused is None:
        transitions.check_close(case(), body, role)
    else:
        assert refusal(transitions.check_close, case(), body, role) == refused


@pytest.mark.parametrize(
    ("reason", "refused"),
    [
        ("cleared", None),
        ("minor_corrected", None),
        ("withdrawn", None),
        ("transferred", None),
        ("no_violation", ErrorCode.VIOLATION_FOUND),  # a violation was found, even if since corrected
    ],
)
def test_close_once_everything_is_paid(reason: str, refused: ErrorCode | None) -> None:
    paid = transitions.apply_payment(case(), pay((1, "12000"), (2, "12000")))
    body = CloseBody.model_validate({"reason": reason})
    if refused is None:
        transitions.check_close(paid, body, Role.SUPERVISOR)
    else:
        assert refusal(transitions.check_close, paid, body, Role.SUPERVISOR) == refused


def test_order_due_must_be_after_today_and_a_general_contractor_must_exist() -> None:
    today_noon = datetime(2026, 11, 22, 4, tzinfo=UTC)
    c = case(Stage.INVESTIGATING)
    due = IssueOrderBody(due_date=date(2026, 11, 22))
    assert refusal(transitions.check_order, c, due, today_noon) == ErrorCode.ORDER_DUE_NOT_AFTER_TODAY
    transitions.check_order(c, IssueOrderBody(due_date=date(2026, 11, 23)), today_noon)
    gc = IssueOrderBody(due_date=date(2026, 11, 23), addressee="general_contractor")
    transitions.check_order(c, gc, today_noon)
    no_gc = case(Stage.INVESTIGATING, project={"name": "某项目"})
    assert refusal(transitions.check_order, no_gc, gc, today_noon) == ErrorCode.NO_GENERAL_CONTRACTOR


def test_reject_needs_a_reason_code_and_time_barred_needs_the_limit_passed() -> None:
    legacy = RejectBody(reason="旧记录")
    assert refusal(transitions.check_input, legacy, NOW) == ErrorCode.REASON_CODE_REQUIRED
    barred = RejectBody(reason_code="time_barred", reason="超过两年")
    assert (
        refusal(
            transitions.check_reject,
            case(Stage.INTAKE),
            barred,
        )
        == ErrorCode.NOT_TIME_BARRED
    )
    old = case(Stage.INTAKE, workers=[_worker(owed_to="2024-06-30")])
    transitions.check_reject(old, barred)
    transitions.check_reject(case(Stage.INTAKE), RejectBody(reason_code="labour_dispute", reason="劳动争议"))


def _worker(owed_to: str) -> dict[str, Any]:
    return {
        "name": "工人",
        "id_number": make_id(1),
        "owed_amount": "100",
        "owed_from": "2024-01-01",
        "owed_to": owed_to,
    }


def test_accepting_a_time_barred_complaint_needs_a_recorded_reason() -> None:
    old = case(Stage.INTAKE, workers=[_worker(owed_to="2024-06-30")])
    assert old.limitation is not None and old.limitation.time_barred
    assert refusal(transitions.check_accept, old, AcceptBody()) == ErrorCode.TIME_BARRED
    transitions.check_accept(old, AcceptBody(not_time_barred_because="2025年曾向本机关口头投诉，有登记记录"))
    transitions.check_accept(case(Stage.INTAKE), AcceptBody())


def test_supplement_must_be_requested_first_and_blocks_acceptance() -> None:
    c = case(Stage.INTAKE)
    arrived = RecordSupplementBody(received_at=NOW)
    assert refusal(transitions.check_supplement, c, arrived) == ErrorCode.NO_SUPPLEMENT_REQUESTED
    asked = c.model_copy(update={"supplement_missing": "工资欠条复印件", "supplement_requested_at": NOW})
    assert refusal(transitions.check_accept, asked, AcceptBody()) == ErrorCode.SUPPLEMENT_PENDING
    early = RecordSupplementBody(received_at=NOW - timedelta(hours=1))
    assert refusal(transitions.check_supplement, asked, early) == ErrorCode.SUPPLEMENT_BEFORE_REQUEST
    transitions.check_supplement(asked, arrived)


ISSUED = datetime(2026, 11, 20, 2, tzinfo=UTC)


def with_order(served: bool = False) -> CaseState:
    order = NoticeRef(
        notice_id="C-payment_order-1",
        kind="payment_order",
        doc_number="小人社监令〔2026〕1号",
        issued_at=ISSUED,
        sha256="0" * 64,
        served_at=ISSUED if served else None,
    )
    receipt = order.model_copy(update={"notice_id": "C-service_receipt-1", "kind": "service_receipt"})
    return case().model_copy(update={"notices": [order, receipt], "order_due": date(2026, 11, 30)})


def service(**overrides: Any) -> RecordServiceBody:
    body = {"notice_id": "C-payment_order-1", "served_at": ISSUED + timedelta(hours=1), "method": "direct"}
    return RecordServiceBody.model_validate({**body, **overrides})


def test_service_rules() -> None:
    c = with_order()
    transitions.check_service(c, service())
    assert not transitions.order_served(c) and transitions.order_served(with_order(served=True))
    assert refusal(transitions.check_service, with_order(served=True), service()) == ErrorCode.ALREADY_SERVED
    assert refusal(transitions.check_service, c, service(notice_id="nope")) == ErrorCode.UNKNOWN_NOTICE
    receipt = service(notice_id="C-service_receipt-1")
    assert refusal(transitions.check_service, c, receipt) == ErrorCode.NOT_SERVABLE
    early = service(served_at=ISSUED - timedelta(seconds=1))
    assert refusal(transitions.check_service, c, early) == ErrorCode.SERVED_BEFORE_ISSUE
    on_due_day = service(served_at=datetime(2026, 11, 30, 1, tzinfo=UTC))
    assert refusal(transitions.check_service, c, on_due_day) == ErrorCode.SERVED_AFTER_DUE


def test_electronic_service_needs_recorded_consent() -> None:
    assert refusal(transitions.check_input, service(method="electronic"), NOW) == ErrorCode.CONSENT_REQUIRED
    transitions.check_input(service(method="electronic", electronic_consent="送达地址确认书（2026-11-20签署）"), NOW)
