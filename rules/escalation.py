"""The escalation ladder as pure rules: when each open deadline warns and escalates, and what is due now.

Defaults (configurable per deployment, applied where the dates are computed): a warning to the assignee at
the start of the day 3 working days before ``due``; at the end of ``due`` the deadline is overdue and goes to
the supervisor (level 1); at the end of the 5th working day after ``due`` to the head with a 督办通知书
(level 2). An alarm is identified by (kind, deadline kind, due date): once raised it is on the case, so a
replayed or restarted clock never raises it twice, and a deadline whose date moves gets alarms for its new
date. Meeting or cancelling a deadline leaves it with no alarms; a suspended clock (补正) has none either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from models.case import (
    ESCALATION_LEVEL,
    PARTY_PERIODS,
    SHARED_KINDS,
    Deadline,
    DeadlineKind,
    Escalation,
    EscalationKind,
    Role,
)
from models.clock import SHANGHAI


class Clocked(Protocol):
    """What a procedure with its own clock has: a case, or one of its sub-processes (models/tracks.py)."""

    @property
    def deadlines(self) -> list[Deadline]: ...
    @property
    def escalations(self) -> list[Escalation]: ...
    @property
    def shared_clock(self) -> bool: ...
    @property
    def assignee(self) -> str | None: ...
    @property
    def created_by(self) -> str: ...


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
    if not d.open or d.suspended_since is not None or d.kind in PARTY_PERIODS:
        return []
    return alarms_of(d.kind, d.due, d.warn_on, d.escalate_after)


def alarms_of(kind: DeadlineKind, due: date, warn_on: date | None, escalate_after: date | None) -> list[Alarm]:
    """The alarms of an open deadline from its dates (the shared clock reads these from the read model)."""
    found: list[Alarm] = []
    if warn_on is not None:
        found.append(Alarm(start_of(warn_on), EscalationKind.WARNING, kind, due))
    found.append(Alarm(end_of(due), EscalationKind.OVERDUE, kind, due))
    if escalate_after is not None:
        found.append(Alarm(end_of(escalate_after), EscalationKind.SUPERVISION, kind, due))
    return found


def own_deadlines(case: Clocked) -> list[Deadline]:
    """The deadlines the case's own timers watch: all but the shared-day ones when the shared clock has them."""
    if not case.shared_clock:
        return case.deadlines
    return [d for d in case.deadlines if d.kind not in SHARED_KINDS]


AlarmKey = tuple[EscalationKind, DeadlineKind, date]


def _not_raised(candidates: Iterable[Alarm], raised: set[AlarmKey]) -> list[Alarm]:
    """Earliest first; a warning is moot once its deadline's level 1 is raised."""
    passed = {(k, due) for kind, k, due in raised if kind != EscalationKind.WARNING}
    return sorted(
        a
        for a in candidates
        if a.key not in raised and not (a.kind == EscalationKind.WARNING and (a.deadline_kind, a.due) in passed)
    )


def _come(pending: list[Alarm], now: datetime) -> list[Alarm]:
    """Those whose moment has come. A warning whose deadline has already passed too is left out: the level-1
    escalation, in the same list, says more (and makes the warning moot)."""
    due = [a for a in pending if a.at <= now]
    overdue_now = {(a.deadline_kind, a.due) for a in due if a.kind != EscalationKind.WARNING}
    return [a for a in due if not (a.kind == EscalationKind.WARNING and (a.deadline_kind, a.due) in overdue_now)]


def pending_alarms(case: Clocked) -> list[Alarm]:
    """The alarms of the case's own clock not raised yet, earliest first."""
    raised = {(e.kind, e.deadline_kind, e.due) for e in case.escalations}
    return _not_raised((a for d in own_deadlines(case) for a in alarms(d)), raised)


def next_alarm(case: Clocked) -> Alarm | None:
    pending = pending_alarms(case)
    return pending[0] if pending else None


def due_alarms(case: Clocked, now: datetime) -> list[Alarm]:
    """The alarms of the case's own clock whose moment has come, earliest first."""
    return _come(pending_alarms(case), now)


def due_shared(
    kind: DeadlineKind,
    due: date,
    warn_on: date | None,
    escalate_after: date | None,
    raised: set[AlarmKey],
    now: datetime,
) -> list[Alarm]:
    """For the shared clock: the alarms of one case's open shared-day deadline whose moment has come, by the
    same rules as a case's own clock (``raised``: that case's escalations of this deadline)."""
    return _come(_not_raised(alarms_of(kind, due, warn_on, escalate_after), raised), now)


def shared_code(kind: DeadlineKind, due: date, level: int) -> int:
    """A number of its own for an escalation the shared clock raises (from due date, kind and level): its
    position among the case's escalations rows, and, negated, its history row's seq — never one a case's own
    clock uses (those count from 0 and 1)."""
    return int(due.strftime("%Y%m%d")) * 10 + SHARED_KINDS.index(kind) * 3 + level


def shared_notice_occurrence(kind: DeadlineKind, due: date) -> int:
    """The occurrence number of a 督办通知书 the shared clock issues: unique per case, deadline kind and due
    date, and far above the occurrences a case's own notices count (1, 2, …)."""
    return int(due.strftime("%Y%m%d")) * 10 + SHARED_KINDS.index(kind)


ALARM_EVENTS: dict[EscalationKind, str] = {
    EscalationKind.WARNING: "deadline_warning",
    EscalationKind.OVERDUE: "deadline_overdue",
    EscalationKind.SUPERVISION: "deadline_supervision",
}
"""The history event each raised alarm is recorded as."""


def alarm_data(raised: Escalation) -> dict[str, Any]:
    """What the history row of a raised alarm says (the same whichever clock raised it)."""
    data: dict[str, Any] = {
        "deadline_kind": raised.deadline_kind.value,
        "due": raised.due.isoformat(),
        "level": raised.level,
        "addressee_role": raised.addressee_role.value,
    }
    if raised.addressee:
        data["addressee"] = raised.addressee
    if raised.notice:
        data["notice"] = raised.notice
    return data


ADDRESSEE_ROLE: dict[EscalationKind, Role] = {
    EscalationKind.WARNING: Role.INSPECTOR,
    EscalationKind.OVERDUE: Role.SUPERVISOR,
    EscalationKind.SUPERVISION: Role.HEAD,
}


def escalation(case: Clocked, alarm: Alarm, at: datetime, notice: str | None = None) -> Escalation:
    """The record of a raised alarm: a warning to the assignee (or, before 立案, whoever registered the
    complaint); escalations to every supervisor or head of the case's region."""
    return escalation_for(case.assignee or case.created_by, alarm, at, notice)


def escalation_for(assignee: str, alarm: Alarm, at: datetime, notice: str | None = None) -> Escalation:
    addressee = assignee if alarm.kind == EscalationKind.WARNING else None
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
