"""The escalation ladder as pure rules: when each open deadline warns and escalates, and what is due now.

Defaults (configurable per deployment, applied where the dates are computed): a warning to the assignee at
the start of the day 3 working days before ``due``; at the end of ``due`` the deadline is overdue and goes to
the supervisor (level 1); at the end of the 5th working day after ``due`` to the head with a 督办通知书
(level 2). An alarm is identified by (kind, deadline kind, due date): once raised it is on the case, so a
replayed or restarted clock never raises it twice, and a deadline whose date moves gets alarms for its new
date. Meeting or cancelling a deadline leaves it with no alarms; a suspended clock (补正) has none either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from models.case import (
    ESCALATION_LEVEL,
    CaseState,
    Deadline,
    DeadlineKind,
    Escalation,
    EscalationKind,
    Role,
)
from models.clock import SHANGHAI


@dataclass(frozen=True, order=True)
class Alarm:
    at: datetime
    kind: EscalationKind
    deadline_kind: DeadlineKind
    due: date

    @property
    def key(self) -> tuple[EscalationKind, DeadlineKind, date]:
        return (self.kind, self.deadline_kind, self.due)


def start_of(day: date) -> datetime:
    """00:00 of ``day`` in Asia/Shanghai."""
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def end_of(day: date) -> datetime:
    """24:00 of ``day`` in Asia/Shanghai (a deadline ends then)."""
    return start_of(day + timedelta(days=1))


def alarms(d: Deadline) -> list[Alarm]:
    """Every alarm an open, running deadline has, raised or not."""
    if not d.open or d.suspended_since is not None:
        return []
    found = []
    if d.warn_on is not None:
        found.append(Alarm(start_of(d.warn_on), EscalationKind.WARNING, d.kind, d.due))
    found.append(Alarm(end_of(d.due), EscalationKind.OVERDUE, d.kind, d.due))
    if d.escalate_after is not None:
        found.append(Alarm(end_of(d.escalate_after), EscalationKind.SUPERVISION, d.kind, d.due))
    return found


def pending_alarms(case: CaseState) -> list[Alarm]:
    """The alarms not raised yet, earliest first; a warning is moot once its deadline's level 1 is raised."""
    raised = {(e.kind, e.deadline_kind, e.due) for e in case.escalations}
    passed = {(k, due) for kind, k, due in raised if kind != EscalationKind.WARNING}
    return sorted(
        a
        for d in case.deadlines
        for a in alarms(d)
        if a.key not in raised and not (a.kind == EscalationKind.WARNING and (a.deadline_kind, a.due) in passed)
    )


def next_alarm(case: CaseState) -> Alarm | None:
    pending = pending_alarms(case)
    return pending[0] if pending else None


def due_alarms(case: CaseState, now: datetime) -> list[Alarm]:
    """The alarms whose moment has come, earliest first. A warning whose deadline has already passed too is
    left out: the level-1 escalation, in the same list, says more (and makes the warning moot)."""
    due = [a for a in pending_alarms(case) if a.at <= now]
    overdue_now = {(a.deadline_kind, a.due) for a in due if a.kind != EscalationKind.WARNING}
    return [a for a in due if not (a.kind == EscalationKind.WARNING and (a.deadline_kind, a.due) in overdue_now)]


ADDRESSEE_ROLE: dict[EscalationKind, Role] = {
    EscalationKind.WARNING: Role.INSPECTOR,
    EscalationKind.OVERDUE: Role.SUPERVISOR,
    EscalationKind.SUPERVISION: Role.HEAD,
}


def escalation(case: CaseState, alarm: Alarm, at: datetime, notice: str | None = None) -> Escalation:
    """The record of a raised alarm: a warning to the assignee (or, before 立案, whoever registered the
    complaint); escalations to every supervisor or head of the case's region."""
    addressee = (case.assignee or case.created_by) if alarm.kind == EscalationKind.WARNING else None
    return Escalation(
        kind=alarm.kind,
        level=ESCALATION_LEVEL[alarm.kind],
        deadline_kind=alarm.deadline_kind,
        due=alarm.due,
        at=at,
        addressee_role=ADDRESSEE_ROLE[alarm.kind],
        addressee=addressee,
        notice=notice,
    )
