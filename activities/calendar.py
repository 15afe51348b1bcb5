"""Deadline computation: the calendar is data (built-in + loaded years), so it lives in an activity."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime

from lunardate import LunarDate
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from db.calendar import working_calendar
from models.activities import COMPUTE_DEADLINE, COMPUTE_DEADLINES, ComputeDeadlineInput, ComputeDeadlinesInput
from models.case import CLEAR_KINDS, SHARED_KINDS, Deadline, DeadlineKind
from models.clock import SHANGHAI
from models.notices import Bureau
from models.shared_clock import SHARED_MOMENTS, SharedMomentsInput
from rules.calendar import WorkingCalendar
from rules.clear import clear_deadline, major_deadline
from rules.court import court_enforcement_deadline
from rules.deadlines import (
    CALENDAR_DAY_RULES,
    DEFENSE_BASES,
    LISTING_BASES,
    WORKING_DAY_RULES,
    calendar_day_deadline,
    defense_deadline,
    listing_deadline,
    payment_order_deadline,
    service_deadline,
    with_alarms,
    working_deadline,
)
from rules.escalation import alarms

log = logging.getLogger(__name__)


async def load_calendar(sessions: async_sessionmaker[AsyncSession]) -> WorkingCalendar:
    """Built-in years from chinesecalendar, overridden by the years an administrator loaded."""
    async with sessions() as session:
        return await working_calendar(session)


LISTING_DAYS = {
    DeadlineKind.BLACKLIST_DEFENSE: 5,
    DeadlineKind.BLACKLIST_DECISION: 20,
    DeadlineKind.EARLY_REMOVAL_DECISION: 15,
}


def listing_days(bureau: Bureau) -> dict[DeadlineKind, int]:
    """A bureau's configured working days for a listing's periods."""
    return {
        DeadlineKind.BLACKLIST_DEFENSE: bureau.blacklist_defense_working_days,
        DeadlineKind.BLACKLIST_DECISION: bureau.blacklist_decision_working_days,
        DeadlineKind.EARLY_REMOVAL_DECISION: bureau.early_removal_working_days,
    }


def _default_service_days(region_code: str | None) -> int:
    return 3


def spring_festival(year: int) -> date:
    """正月初一 of a Gregorian year, from the lunardate package (1900–2099)."""
    solar: date = LunarDate(year, 1, 1).to_solar_date()
    return solar


class CalendarActivities:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        service_days: Callable[[str | None], int] = _default_service_days,
        warning_working_days: int = 3,
        level2_working_days: int = 5,
        defense_days: Callable[[str | None], int] = lambda _region: 3,
        listing_days: Callable[[str | None], dict[DeadlineKind, int]] = lambda _region: dict(LISTING_DAYS),
    ) -> None:
        self._sessions = sessions
        self._service_days = service_days
        """Bureau configuration: calendar days allowed to serve an order, by the case's region."""
        self._defense_days = defense_days
        """Bureau configuration: working days a party has to state and defend after a prior notice."""
        self._listing_days = listing_days
        """Bureau configuration: working days of a listing's periods (defence, decision, early removal)."""
        self._warn_days = warning_working_days
        self._level2_days = level2_working_days

    @activity.defn(name=COMPUTE_DEADLINE)
    async def compute_deadline(self, inp: ComputeDeadlineInput) -> Deadline:
        """One deadline, with the days it warns and escalates on."""
        cal = await load_calendar(self._sessions)
        return self._compute(cal, inp)

    @activity.defn(name=COMPUTE_DEADLINES)
    async def compute_deadlines(self, inp: ComputeDeadlinesInput) -> list[Deadline]:
        """Several deadlines from one event (intake: acceptance and the clear-to-zero targets) in one call."""
        cal = await load_calendar(self._sessions)
        return [
            self._compute(cal, ComputeDeadlineInput(kind=k, start=inp.start, region_code=inp.region_code))
            for k in inp.kinds
        ]

    @activity.defn(name=SHARED_MOMENTS)
    async def shared_moments(self, inp: SharedMomentsInput) -> list[datetime]:
        """The moments after ``inp.after`` at which shared-day targets warn, fall due or escalate, for cases
        received this year and next: the same dates every such case computed at intake (same rule, same
        calendar), so the shared clock needs no look at the cases to know when to wake."""
        cal = await load_calendar(self._sessions)
        moments: set[datetime] = set()
        today = inp.after.astimezone(SHANGHAI).date()
        for year in (today.year - 1, today.year, today.year + 1):
            for received in (date(year, 1, 1), spring_festival(year), date(year, 12, 31)):
                for kind in SHARED_KINDS:
                    d = self._compute(cal, ComputeDeadlineInput(kind=kind, start=received))
                    moments.update(a.at for a in alarms(d))
        return sorted(m for m in moments if m > inp.after)

    def _compute(self, cal: WorkingCalendar, inp: ComputeDeadlineInput) -> Deadline:
        deadline = with_alarms(cal, self._due(cal, inp), self._warn_days, self._level2_days)
        if deadline.provisional:
            log.warning(
                "期限 %s 落入尚未载入节假日安排的年份，暂按周末计算（provisional）：到期日 %s；"
                "请管理员用 `qingling calendar load` 载入国务院公布的安排",
                inp.kind.value,
                deadline.due,
            )
        return deadline

    def _due(self, cal: WorkingCalendar, inp: ComputeDeadlineInput) -> Deadline:
        if inp.kind == DeadlineKind.SERVICE:
            return service_deadline(inp.start, self._service_days(inp.region_code))
        if inp.kind in LISTING_BASES:
            days = self._listing_days(inp.region_code)[inp.kind]
            return listing_deadline(cal, inp.kind, inp.start, days, inp.subject)
        if inp.kind in DEFENSE_BASES:
            return defense_deadline(cal, inp.kind, inp.start, self._defense_days(inp.region_code))
        if inp.kind in CALENDAR_DAY_RULES:
            return calendar_day_deadline(inp.kind, inp.start)
        if inp.kind == DeadlineKind.COURT_ENFORCEMENT:
            return court_enforcement_deadline(inp.start)
        if inp.kind in WORKING_DAY_RULES:
            return working_deadline(cal, inp.kind, inp.start, inp.extended_by)
        if inp.kind in CLEAR_KINDS:
            return clear_deadline(inp.kind, inp.start, spring_festival)
        if inp.due is None:
            raise ValueError(f"deadline kind {inp.kind.value} needs the date that was set")
        if inp.kind == DeadlineKind.CLEAR_MAJOR:
            return major_deadline(inp.start, inp.due)
        if inp.kind == DeadlineKind.PAYMENT_ORDER:
            return payment_order_deadline(inp.start, inp.due)
        raise ValueError(f"no rule for deadline kind {inp.kind.value}")
