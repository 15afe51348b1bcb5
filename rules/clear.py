"""The three clear-to-zero (三个清零) targets every case carries from intake, as pure date rules.

Due dates are calendar dates (not working days): 3 calendar months after receipt; Dec 31 of the year of
receipt (year end and, reported separately, before New Year's Day); the day before the Spring Festival
(正月初一) that follows receipt; for major or stock cases a date a supervisor sets. The Spring Festival's
date comes from a lunar-calendar package through the caller (an activity), so this module stays pure.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

from models.case import Deadline, DeadlineKind

CLEAR_BASIS = "山西省2019年根治欠薪工作要点“三个清零”要求"
CLEAR_BASIS_ZH: dict[DeadlineKind, str] = {
    DeadlineKind.CLEAR_3_MONTHS: f"{CLEAR_BASIS}：新发欠薪案件自收到投诉之日起3个月内清零",
    DeadlineKind.CLEAR_YEAR_END: f"{CLEAR_BASIS}：当年案件年底前清零",
    DeadlineKind.CLEAR_BEFORE_NEW_YEAR: f"{CLEAR_BASIS}：元旦前清零",
    DeadlineKind.CLEAR_BEFORE_SPRING_FESTIVAL: f"{CLEAR_BASIS}：春节前清零",
    DeadlineKind.CLEAR_MAJOR: f"{CLEAR_BASIS}：重大欠薪案件和存量案件限期清零（期限由监察机构负责人设定）",
}

SpringFestival = Callable[[int], date]
"""The Gregorian date of 正月初一 of a (Gregorian) year."""


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later; the month's last day when it has no such day
    (11-30 + 3 months = 02-28, or 02-29 in a leap year)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def spring_festival_eve(received: date, new_year_day: SpringFestival) -> date:
    """The day before the first 正月初一 after the day of receipt."""
    festival = new_year_day(received.year)
    if festival <= received:
        festival = new_year_day(received.year + 1)
    return festival - timedelta(days=1)


def clear_due(kind: DeadlineKind, received: date, new_year_day: SpringFestival) -> date:
    if kind == DeadlineKind.CLEAR_3_MONTHS:
        return add_months(received, 3)
    if kind in (DeadlineKind.CLEAR_YEAR_END, DeadlineKind.CLEAR_BEFORE_NEW_YEAR):
        return date(received.year, 12, 31)
    if kind == DeadlineKind.CLEAR_BEFORE_SPRING_FESTIVAL:
        return spring_festival_eve(received, new_year_day)
    raise ValueError(f"no clear-to-zero rule for deadline kind {kind.value}")


def clear_deadline(kind: DeadlineKind, received: date, new_year_day: SpringFestival) -> Deadline:
    """One of the clear-to-zero targets counted from the day the complaint was received."""
    return Deadline(kind=kind, start=received, due=clear_due(kind, received, new_year_day), basis=CLEAR_BASIS_ZH[kind])


def major_deadline(set_on: date, due: date) -> Deadline:
    """The date a supervisor set for a major or stock case (``clear_major``)."""
    return Deadline(
        kind=DeadlineKind.CLEAR_MAJOR, start=set_on, due=due, basis=CLEAR_BASIS_ZH[DeadlineKind.CLEAR_MAJOR]
    )
