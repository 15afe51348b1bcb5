"""The long arm's rules without a server: when a listing or a referral may start (an ignored order, 数额较大 or an
incident), who is listed, when the head may decide, early removal at 6 months not 5, the referral's 3-day windows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.actions import (
    Action,
    ApplyRemovalBody,
    DecideBlacklistBody,
    ProposeBlacklistBody,
    ReferToPoliceBody,
    RequestReconsiderationBody,
    RequestSupervisionBody,
    SubmitDefenseBody,
)
from models.case import CaseState, Deadline, DeadlineKind, NoticeRef, Role, Stage
from models.enforcement import CriminalThreshold, Defense
from models.errors import ErrorCode, Refusal
from models.track_summary import TrackKind, TrackSummary
from models.tracks import BlacklistStatus, ReferralStatus
from rules import blacklist, long_arm, referral
from rules.criminal import SHIPPED
from tests.builders import make_id
from tests.rules.test_transitions import case, refusal

NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)
HUNAN = SHIPPED["43"].threshold
ISSUED = datetime(2026, 11, 10, 2, tzinfo=UTC)


def persons(*roles: str) -> list[dict[str, Any]]:
    return [{"role": r, "name": f"李某{i}", "id_number": make_id(50 + i)} for i, r in enumerate(roles)]


def proposal(
    basis: str = "large_amount", threshold: CriminalThreshold | None = HUNAN, **kw: Any
) -> ProposeBlacklistBody:
    body = {"basis": basis, "facts": "逾期未支付", "persons": persons("legal_representative"), **kw}
    return ProposeBlacklistBody.model_validate(body).model_copy(update={"threshold": threshold})


def ordered(owed: str = "8000", *, served: bool = True, due: date = date(2026, 11, 20)) -> CaseState:
    """A case ordered to pay two workers ``owed`` each (owed June–September: over three months)."""
    c = case()
    workers = [w.model_copy(update={"confirmed_amount": Decimal(owed)}) for w in c.workers]
    order = NoticeRef(
        notice_id="C-payment_order-1",
        kind="payment_order",
        doc_number="小人社监令〔2026〕1号",
        issued_at=ISSUED,
        sha256="0" * 64,
        served_at=ISSUED if served else None,
    )
    return c.model_copy(update={"workers": workers, "notices": [order], "order_due": due, "stage": Stage.ORDERED})


def test_a_listing_needs_one_legal_representative_and_no_one_twice() -> None:
    assert refusal(long_arm.check_persons, proposal(persons=persons("responsible_person"))) == (
        ErrorCode.LEGAL_REPRESENTATIVE_REQUIRED
    )
    two = persons("legal_representative", "legal_representative")
    assert refusal(long_arm.check_persons, proposal(persons=two)) == ErrorCode.LEGAL_REPRESENTATIVE_REQUIRED
    twice = persons("legal_representative", "responsible_person")
    twice[1]["id_number"] = twice[0]["id_number"]
    assert refusal(long_arm.check_persons, proposal(persons=twice)) == ErrorCode.DUPLICATE_PARTY
    long_arm.check_persons(proposal(persons=persons("legal_representative", "responsible_person")))


def test_a_listing_rests_on_an_order_served_and_ignored() -> None:
    assert (
        refusal(long_arm.check_propose_blacklist, ordered(served=False), proposal(), NOW) == ErrorCode.ORDER_NOT_SERVED
    )
    not_due = ordered(due=date(2026, 11, 23))  # the pay-by day itself is still in time
    assert refusal(long_arm.check_propose_blacklist, not_due, proposal(), NOW) == ErrorCode.ORDER_NOT_DUE
    long_arm.check_propose_blacklist(ordered(), proposal(), NOW)


def test_below_the_provinces_figures_only_an_incident_grounds_a_listing() -> None:
    low = ordered("4000")  # Hunan: 6,000 for one worker, 40,000 for ten
    assert refusal(long_arm.check_propose_blacklist, low, proposal(), NOW) == ErrorCode.THRESHOLD_NOT_MET
    long_arm.check_propose_blacklist(low, proposal("mass_incident"), NOW)
    long_arm.check_propose_blacklist(low, proposal("extreme_incident"), NOW)
    assert (
        refusal(
            long_arm.check_refer,
            low,
            ReferToPoliceBody(report="报告", officers=["甲", "乙"]).model_copy(update={"threshold": HUNAN}),
            NOW,
        )
        == ErrorCode.THRESHOLD_NOT_MET
    )
    long_arm.check_refer(ordered("6000"), ReferToPoliceBody(report="报告", officers=["甲", "乙"]), NOW)


def test_one_running_listing_at_a_time() -> None:
    running = TrackSummary(track_id="C/blacklist/1", kind=TrackKind.BLACKLIST, number=1, status="listed")
    c = ordered().model_copy(update={"tracks": [running]})
    assert refusal(long_arm.check_propose_blacklist, c, proposal(), NOW) == ErrorCode.TRACK_ALREADY_OPEN
    dropped = c.model_copy(update={"tracks": [running.model_copy(update={"open": False})]})
    long_arm.check_propose_blacklist(dropped, proposal(), NOW)
    assert long_arm.next_number(dropped, TrackKind.BLACKLIST) == 2


def test_a_referral_needs_two_officers() -> None:
    with pytest.raises(ValueError):
        ReferToPoliceBody(report="报告", officers=["甲"])


def listing(**changes: Any) -> Any:
    state = long_arm.start_blacklist(ordered(), proposal(), 1, "u_inspector", NOW)
    return state.model_copy(update=changes)


def test_the_listing_starts_with_the_employer_and_the_persons_as_parties() -> None:
    state = listing()
    assert [p.role.value for p in state.parties] == ["employer", "legal_representative"]
    assert state.parties[0].uscc == ordered().employer.uscc and state.track_id == "C/blacklist/1"
    assert state.last_seq == 110_000_000 and state.order.doc_number == "小人社监令〔2026〕1号"
    assert state.outstanding == Decimal("16000.00") and state.owed_workers == 2 and state.threshold == HUNAN


def test_the_head_decides_once_every_party_was_served_and_heard() -> None:
    today = date(2026, 11, 23)
    state = listing()
    decide = DecideBlacklistBody(list=True, reason="理由")
    assert (
        refusal(blacklist.check, state, Action.DECIDE_BLACKLIST, Role.HEAD, decide, NOW) == ErrorCode.NOTICE_NOT_SERVED
    )
    served = [
        p.model_copy(update={"served_on": today, "defense_due": today + timedelta(days=7)}) for p in state.parties
    ]
    state = state.model_copy(update={"parties": served})
    assert (
        refusal(blacklist.check, state, Action.DECIDE_BLACKLIST, Role.HEAD, decide, NOW)
        == ErrorCode.DEFENSE_PERIOD_RUNNING
    )
    defended = Defense(party=served[0].name, text="申辩", at=NOW, recorded_by="u")
    heard = [
        served[0].model_copy(update={"defenses": [defended]}),
        served[1].model_copy(update={"defense_due": today - timedelta(days=1)}),
    ]
    blacklist.check(state.model_copy(update={"parties": heard}), Action.DECIDE_BLACKLIST, Role.HEAD, decide, NOW)
    assert (
        refusal(blacklist.check, state, Action.DECIDE_BLACKLIST, Role.INSPECTOR, decide, NOW)
        == ErrorCode.ROLE_NOT_ALLOWED
    )
    defense = SubmitDefenseBody(party="无关的人", text="申辩")
    assert (
        refusal(blacklist.check, state, Action.SUBMIT_DEFENSE, Role.INSPECTOR, defense, NOW) == ErrorCode.UNKNOWN_PARTY
    )


def test_the_term_is_three_years_and_early_removal_comes_at_six_months_not_five() -> None:
    listed_on = date(2026, 11, 23)
    assert blacklist.term_end(listed_on) == date(2029, 11, 23)
    state = listing(status=BlacklistStatus.LISTED, term_start=listed_on, term_end=blacklist.term_end(listed_on))

    def apply(on: date) -> ApplyRemovalBody:
        return ApplyRemovalBody(applied_on=on, promise="守信承诺")

    assert refusal(blacklist.check_apply_removal, state, apply(date(2027, 6, 1))) == ErrorCode.NOT_PAID_IN_FULL
    paid = state.model_copy(update={"paid_in_full_on": date(2026, 12, 10)})
    assert blacklist.earliest_removal(paid) == date(2027, 6, 10)
    assert (
        refusal(blacklist.check_apply_removal, paid, apply(date(2027, 5, 10))) == ErrorCode.REMOVAL_TOO_EARLY
    )  # 5 months
    blacklist.check_apply_removal(paid, apply(date(2027, 6, 10)))  # 6 months
    before = state.model_copy(update={"paid_in_full_on": date(2026, 10, 1)})  # paid before the listing: from listing
    assert blacklist.earliest_removal(before) == date(2027, 5, 23)


def referral_state(status: ReferralStatus, *windows: Deadline) -> Any:
    state = long_arm.start_referral(ordered(), ReferToPoliceBody(report="报告", officers=["甲", "乙"]), 1, "u", NOW)
    return state.model_copy(update={"status": status, "deadlines": list(windows)})


def test_the_referrals_three_day_windows() -> None:
    window = Deadline(kind=DeadlineKind.RECONSIDERATION_REQUEST, start=date(2026, 11, 20), due=date(2026, 11, 23))
    state = referral_state(ReferralStatus.POLICE_REFUSED, window)
    ask = RequestReconsiderationBody(requested_on=date(2026, 11, 23), reason="理由")
    referral.check(state, Action.REQUEST_RECONSIDERATION, Role.INSPECTOR, ask, NOW)
    late = ask.model_copy(update={"requested_on": date(2026, 11, 24)})
    assert (
        refusal(referral.check, state, Action.REQUEST_RECONSIDERATION, Role.INSPECTOR, late, NOW)
        == ErrorCode.WINDOW_CLOSED
    )
    # art. 9: the procuratorate may be asked at once after a refusal, within the same 3 days
    supervise = RequestSupervisionBody(requested_on=date(2026, 11, 23), procuratorate="某区人民检察院", reason="理由")
    referral.check(state, Action.REQUEST_SUPERVISION, Role.INSPECTOR, supervise, NOW)
    transferred = referral_state(ReferralStatus.TRANSFERRED)
    assert refusal(referral.check, transferred, Action.REQUEST_RECONSIDERATION, Role.INSPECTOR, ask, NOW) == (
        ErrorCode.STAGE_NOT_ALLOWED
    )
    with pytest.raises(Refusal):
        referral.check(state, Action.DECIDE_BLACKLIST, Role.HEAD, ask, NOW)


def test_every_status_fits_a_history_rows_stage_columns() -> None:
    """A sub-process's status is the stage before and after of its history rows (``case_events.stage_*``)."""
    from db.tables import case_events

    width = case_events.c.stage_after.type.length
    assert all(len(s.value) <= width for s in [*BlacklistStatus, *ReferralStatus])


def test_a_sub_processes_numbers_never_meet_the_shared_clocks() -> None:
    """Escalation positions: the shared clock's (a date × 10) lie between blacklist/9's and referral/1's."""
    from models.case import DeadlineKind as K
    from models.tracks import seq_base
    from rules.escalation import shared_code

    lowest, highest = (
        shared_code(K.CLEAR_YEAR_END, date(2000, 1, 1), 0),
        shared_code(K.CLEAR_YEAR_END, date(2099, 12, 31), 2),
    )
    assert seq_base(TrackKind.BLACKLIST, 9) + 10_000_000 <= lowest and highest < seq_base(TrackKind.REFERRAL, 1)
