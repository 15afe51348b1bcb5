"""Court-enforcement rules without a server: the periods from service, when the engine looks, compliance,
and what keeps a case open."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from models.actions import ChallengeKind, DefenseProcedure
from models.clock import SHANGHAI
from models.enforcement import CourtEnforcement, PenaltyBasis, PenaltyTrack
from rules import court
from tests.rules.test_transitions import case

AT = datetime(2026, 11, 23, 9, tzinfo=SHANGHAI)


def fined(**changes: object) -> PenaltyTrack:
    track = PenaltyTrack(
        basis=PenaltyBasis.INSPECTION_ART30,
        proposed_amount=Decimal("5000"),
        proposed_at=AT,
        hearing_right=False,
        decided_at=AT,
        imposed=True,
        amount=Decimal("5000"),
    )
    return track.model_copy(update=changes)


def test_the_periods_from_service() -> None:
    served = date(2026, 8, 31)
    assert court.challenge_ends(served, ChallengeKind.REVIEW) == date(2026, 10, 30)  # 60 days
    assert court.challenge_ends(served, ChallengeKind.LITIGATION) == date(2027, 2, 28)  # 6 months, month end
    assert court.court_enforcement_deadline(date(2027, 3, 1)).due == date(2027, 6, 1)


def test_the_engine_looks_once_the_suit_period_ended() -> None:
    served = court.enforcement_of(case().model_copy(update={"penalty": fined()}), DefenseProcedure.PENALTY)
    assert served is not None and served.served_on is None  # not served: nothing to wait for
    c = case().model_copy(update={"penalty": fined(enforcement=CourtEnforcement(served_on=date(2026, 11, 23)))})
    ((procedure, at),) = court.waiting(c)
    assert procedure == DefenseProcedure.PENALTY and at == datetime(2027, 5, 24, tzinfo=SHANGHAI)  # end of 05-23
    assert court.due(c, at) == [DefenseProcedure.PENALTY] and court.due(c, AT) == []
    challenged = CourtEnforcement(served_on=date(2026, 11, 23), challenge="review")
    assert court.waiting(case().model_copy(update={"penalty": fined(enforcement=challenged)})) == []


def test_a_fine_not_imposed_is_never_enforced() -> None:
    c = case().model_copy(update={"penalty": fined(imposed=False, amount=None)})
    assert court.enforcement_of(c, DefenseProcedure.PENALTY) is None and not court.pending_for_closing(c)


def test_an_unpaid_fine_keeps_the_case_open_until_paid_challenged_or_concluded() -> None:
    unpaid = case().model_copy(update={"penalty": fined()})
    assert court.pending_for_closing(unpaid)
    assert not court.pending_for_closing(unpaid.model_copy(update={"penalty": fined(fine_paid_on=date(2026, 12, 1))}))
    concluded = CourtEnforcement(served_on=date(2026, 11, 23), outcome="执行完毕")
    assert not court.pending_for_closing(unpaid.model_copy(update={"penalty": fined(enforcement=concluded)}))
