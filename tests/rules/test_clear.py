"""The three clear-to-zero targets: calendar months, year end, the eve of the Spring Festival."""

from __future__ import annotations

from datetime import date

import pytest

from activities.calendar import spring_festival
from models.case import DeadlineKind
from rules.clear import add_months, clear_deadline, clear_due, major_deadline, spring_festival_eve


def test_spring_festival_from_the_lunar_calendar_package() -> None:
    # 正月初一: 2026-02-17, 2027-02-06, 2028-01-26 (published almanacs).
    assert spring_festival(2026) == date(2026, 2, 17)
    assert spring_festival(2027) == date(2027, 2, 6)
    assert spring_festival(2028) == date(2028, 1, 26)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 11, 23), date(2027, 2, 5)),  # the next festival is in the next year
        (date(2026, 1, 10), date(2026, 2, 16)),  # still before this year's festival
        (date(2026, 2, 16), date(2026, 2, 16)),  # received on the eve: due that very day
        (date(2026, 2, 17), date(2027, 2, 5)),  # received on 正月初一: the next one
    ],
)
def test_clear_before_spring_festival(received: date, due: date) -> None:
    assert spring_festival_eve(received, spring_festival) == due
    d = clear_deadline(DeadlineKind.CLEAR_BEFORE_SPRING_FESTIVAL, received, spring_festival)
    assert (d.start, d.due, d.working_days) == (received, due, None)
    assert "春节前清零" in d.basis


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 9, 29), 3, date(2026, 12, 29)),
        (date(2026, 11, 23), 3, date(2027, 2, 23)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # no 30 February: the month's last day
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # leap year
        (date(2026, 12, 31), 3, date(2027, 3, 31)),
    ],
)
def test_three_calendar_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected
    assert clear_due(DeadlineKind.CLEAR_3_MONTHS, day, spring_festival) == expected


def test_year_end_and_new_year_are_december_31_of_the_year_of_receipt() -> None:
    for kind in (DeadlineKind.CLEAR_YEAR_END, DeadlineKind.CLEAR_BEFORE_NEW_YEAR):
        assert clear_due(kind, date(2026, 11, 23), spring_festival) == date(2026, 12, 31)
        assert clear_due(kind, date(2026, 12, 31), spring_festival) == date(2026, 12, 31)


def test_major_deadline_is_the_date_set_and_other_kinds_have_no_clear_rule() -> None:
    d = major_deadline(date(2026, 11, 23), date(2027, 1, 15))
    assert (d.kind, d.start, d.due) == (DeadlineKind.CLEAR_MAJOR, date(2026, 11, 23), date(2027, 1, 15))
    with pytest.raises(ValueError, match="no clear-to-zero rule"):
        clear_due(DeadlineKind.INVESTIGATION, date(2026, 1, 1), spring_festival)
