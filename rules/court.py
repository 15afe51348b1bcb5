"""Going to court (行政强制法 art. 53) as pure rules: a served decision or fine may be challenged by review
within 60 days or by suit within 6 months (行政复议法 2023 art. 20; 行政诉讼法 art. 46); when both periods
have passed, unchallenged and not complied with, the bureau has 3 months to apply to the people's court."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from models.actions import ChallengeKind, DefenseProcedure
from models.case import CaseState, Deadline, DeadlineKind
from models.enforcement import CourtEnforcement
from models.money import ZERO
from rules.clear import add_months
from rules.escalation import end_of

REVIEW_DAYS = 60
LITIGATION_MONTHS = 6
COURT_MONTHS = 3
COURT_ENFORCEMENT_BASIS = (
    "《中华人民共和国行政强制法》第五十三条：当事人在法定期限内不申请行政复议或者提起行政诉讼，又不履行行政决定的，"
    "没有行政强制执行权的行政机关可以自期限届满之日起三个月内，依照本章规定申请人民法院强制执行"
)


def challenge_ends(served: date, kind: ChallengeKind) -> date:
    """The last day to apply for review (60 days) or to sue (6 months), counted from service."""
    if kind == ChallengeKind.REVIEW:
        return served + timedelta(days=REVIEW_DAYS)
    return add_months(served, LITIGATION_MONTHS)


def periods_end(served: date) -> date:
    """The last day of the longer period (the suit's): after it the decision is final."""
    return challenge_ends(served, ChallengeKind.LITIGATION)


def enforcement_of(case: CaseState, procedure: DefenseProcedure) -> CourtEnforcement | None:
    """The court-enforcement state of a decided decision, or of an imposed fine; None otherwise."""
    if procedure == DefenseProcedure.DECISION:
        d = case.decision
        return d.enforcement if d is not None and d.decided_at is not None else None
    p = case.penalty
    return p.enforcement if p is not None and p.decided_at is not None and p.imposed else None


def complied(case: CaseState, procedure: DefenseProcedure) -> bool:
    """The decision is complied with when the wages are paid; the fine when it is paid."""
    if procedure == DefenseProcedure.DECISION:
        return case.outstanding == ZERO
    return case.penalty is not None and case.penalty.fine_paid_on is not None


def waiting(case: CaseState) -> list[tuple[DefenseProcedure, datetime]]:
    """Decisions and fines served, not challenged, whose periods the engine has yet to see pass: when."""
    found = []
    for procedure in DefenseProcedure:
        e = enforcement_of(case, procedure)
        if e is not None and e.served_on and not e.challenge and not e.opened_at and not e.not_needed_at:
            found.append((procedure, end_of(periods_end(e.served_on))))
    return sorted(found, key=lambda pair: pair[1])


def next_moment(case: CaseState) -> datetime | None:
    pending = waiting(case)
    return pending[0][1] if pending else None


def due(case: CaseState, now: datetime) -> list[DefenseProcedure]:
    return [procedure for procedure, at in waiting(case) if at <= now]


def court_enforcement_deadline(start: date) -> Deadline:
    """Three months from the day after the periods end, to apply to the court."""
    return Deadline(
        kind=DeadlineKind.COURT_ENFORCEMENT,
        start=start,
        due=add_months(start, COURT_MONTHS),
        basis=COURT_ENFORCEMENT_BASIS,
    )


def pending_for_closing(case: CaseState) -> bool:
    """A fine imposed and unpaid whose periods or court application are still open keeps the case open: its
    clock lives in the case's workflow."""
    e = enforcement_of(case, DefenseProcedure.PENALTY)
    return not (e is None or complied(case, DefenseProcedure.PENALTY) or e.challenge or e.outcome)
