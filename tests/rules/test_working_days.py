"""Working days under the State Council schedule, provisional years, and loaded schedules."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import chinese_calendar
import pytest

from models.case import Deadline, DeadlineKind, DeadlineStatus
from rules.calendar import (
    CalendarFileError,
    WorkingCalendar,
    YearSchedule,
    builtin_schedules,
    parse_schedule,
    schedule_to_json,
)
from rules.deadlines import (
    acceptance_deadline,
    add_working_days,
    cancel,
    effective_status,
    explain,
    investigation_deadline,
    mark_met,
    payment_order_deadline,
)

CAL = WorkingCalendar.builtin()
# What the built-in calendar knew when this was written (chinesecalendar 1.11: to 2026). A newer
# package that knows 2027 must not change what these tests prove, so they pin that knowledge.
CAL_TO_2026 = WorkingCalendar({y: s for y, s in builtin_schedules().items() if y <= 2026})

# Fictitious 2027 schedule for tests only (示例，非官方): Jan 1 off, Saturday Jan 9 worked.
FICTITIOUS_2027 = {
    "year": 2027,
    "source": "测试用虚构安排（非官方）",
    "holidays": [{"name": "元旦", "dates": ["2027-01-01"]}, {"name": "测试", "dates": ["2027-01-04", "2027-01-05"]}],
    "workdays": ["2027-01-09"],
}


def test_national_day_2026_acceptance() -> None:
    """Received 2026-09-29: Sep 30 (1), Oct 1–7 off, Oct 8 (2), Oct 9 (3), Sat Oct 10 adjusted (4), Oct 12 (5)."""
    d = acceptance_deadline(CAL, date(2026, 9, 29))
    assert d.due == date(2026, 10, 12)
    assert d.kind == DeadlineKind.ACCEPTANCE and d.working_days == 5 and not d.provisional
    assert "第十八条" in d.basis


def test_day_of_event_not_counted() -> None:
    assert add_working_days(CAL, date(2026, 11, 16), 5).due == date(2026, 11, 23)  # Monday → next Monday
    assert add_working_days(CAL, date(2026, 11, 16), 1).due == date(2026, 11, 17)


def test_weekend_receipt() -> None:
    assert add_working_days(CAL, date(2026, 11, 21), 1).due == date(2026, 11, 23)  # Saturday → Monday
    assert add_working_days(CAL, date(2026, 11, 22), 5).due == date(2026, 11, 27)  # Sunday → Friday


def test_adjusted_saturday_counts() -> None:
    assert CAL.is_working_day(date(2026, 10, 10))  # Saturday, 调休上班
    assert not CAL.is_working_day(date(2026, 10, 5))  # Monday, National Day holiday


def oracle(start: date, days: int) -> date:
    """Independent count with chinese_calendar.is_workday."""
    day, n = start, 0
    while n < days:
        day += timedelta(days=1)
        n += chinese_calendar.is_workday(day)
    return day


@pytest.mark.parametrize("start", [date(2026, 1, 5), date(2026, 2, 10), date(2026, 4, 30), date(2026, 6, 15)])
def test_investigation_60_working_days_matches_oracle(start: date) -> None:
    d = investigation_deadline(CAL, start)
    assert d.due == oracle(start, 60) and d.working_days == 60 and not d.provisional


def test_count_into_unknown_year_is_provisional_weekdays_only() -> None:
    count = add_working_days(CAL_TO_2026, date(2026, 12, 28), 5)
    # Dec 29, 30, 31 (3) then Fri 2027-01-01 (4, no 2027 schedule known) and Mon 2027-01-04 (5)
    assert count.due == date(2027, 1, 4)
    assert count.provisional and count.unknown_years == (2027,)
    assert any("未载入" in line for line in explain(CAL_TO_2026, count))


def test_loaded_year_replaces_the_fallback() -> None:
    cal = CAL_TO_2026.with_schedules([parse_schedule(FICTITIOUS_2027)])
    count = add_working_days(cal, date(2026, 12, 28), 5)
    # Dec 29, 30, 31 (3); Jan 1 off; Jan 4, 5 off; Jan 6 (4), Jan 7 (5)
    assert count.due == date(2027, 1, 7) and not count.provisional
    assert cal.is_working_day(date(2027, 1, 9))  # the fictitious adjusted Saturday
    assert not CAL_TO_2026.knows(2027) and cal.knows(2027)


def test_explain_names_each_day() -> None:
    count = add_working_days(CAL, date(2026, 9, 29), 5)
    lines = explain(CAL, count)
    assert len(lines) == (count.due - count.start).days
    assert lines[0].startswith("2026-09-30") and "第1个工作日" in lines[0]
    assert "节假日休息" in lines[1]
    assert "调休上班" in next(line for line in lines if line.startswith("2026-10-10"))


def test_zero_days_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(CAL, date(2026, 1, 1), 0)


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"year": "2027"}, "year"),
        ({"year": 1999}, "year"),
        ({"source": ""}, "source"),
        ({"holidays": []}, "holidays"),
        ({"holidays": [{"name": "x", "dates": ["2027-13-01"]}]}, "格式不正确"),
        ({"holidays": [{"name": "x", "dates": ["2028-01-01"]}]}, "不在 2027 年内"),
        ({"workdays": ["2027-01-01"]}, "既是休息日又是调休上班日"),
        ({"workdays": ["2027-01-06"]}, "周六或周日"),
        ({"workdays": "2027-01-09"}, "workdays"),
    ],
)
def test_bad_schedule_files(change: dict[str, Any], needle: str) -> None:
    with pytest.raises(CalendarFileError, match=needle):
        parse_schedule({**FICTITIOUS_2027, **change})


def test_schedule_round_trip() -> None:
    s = parse_schedule(FICTITIOUS_2027)
    again = parse_schedule(schedule_to_json(s))
    assert again == YearSchedule(2027, s.holidays, s.workdays, s.source)


def test_builtin_years_come_from_the_package() -> None:
    years = {d.year for d in chinese_calendar.holidays}
    assert all(CAL.knows(y) for y in years if y >= 2004)
    assert CAL.knows(2026)


def deadline(status: DeadlineStatus = DeadlineStatus.PENDING) -> Deadline:
    return payment_order_deadline(date(2026, 11, 20), date(2026, 11, 30)).model_copy(update={"status": status})


def test_effective_status() -> None:
    assert effective_status(deadline(), date(2026, 11, 30)) == DeadlineStatus.PENDING  # ends at 24:00 of its day
    assert effective_status(deadline(), date(2026, 12, 1)) == DeadlineStatus.OVERDUE
    assert effective_status(deadline(DeadlineStatus.MET), date(2026, 12, 1)) == DeadlineStatus.MET


def test_mark_met_and_cancel_touch_only_their_pending_kind() -> None:
    acceptance = acceptance_deadline(CAL, date(2026, 11, 16))
    both = [acceptance, deadline()]
    met = mark_met(both, DeadlineKind.PAYMENT_ORDER)
    assert [d.status for d in met] == [DeadlineStatus.PENDING, DeadlineStatus.MET]
    assert [d.status for d in cancel(met, DeadlineKind.PAYMENT_ORDER)] == [DeadlineStatus.PENDING, DeadlineStatus.MET]
    assert cancel(both, DeadlineKind.ACCEPTANCE)[0].status == DeadlineStatus.CANCELLED
    assert both[0].status == DeadlineStatus.PENDING  # inputs untouched
