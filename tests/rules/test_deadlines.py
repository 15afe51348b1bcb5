"""Working-day deadlines: counting, provisional years, legal bases and deadline statuses."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from models.case import Deadline, DeadlineKind, DeadlineStatus
from rules.calendar import WorkingCalendar, builtin_schedules, parse_schedule
from rules.deadlines import (
    ACCEPTANCE_WORKING_DAYS,
    INVESTIGATION_EXTENSION_WORKING_DAYS,
    INVESTIGATION_WORKING_DAYS,
    acceptance_deadline,
    add_working_days,
    cancel,
    cancel_all,
    effective_status,
    explain,
    investigation_deadline,
    mark_met,
    payment_order_deadline,
    replace,
    service_deadline,
    suspend,
)

CAL = WorkingCalendar.builtin()
# chinesecalendar 1.11 knows 2004–2026. Pin that knowledge so a newer package that ships 2027 cannot
# change what the provisional-year tests prove.
CAL_TO_2026 = WorkingCalendar({y: s for y, s in builtin_schedules().items() if y <= 2026})

# 示例，非官方 — a made-up 2027 schedule for tests only: Jan 1–3 and Mon–Tue Jan 4–5 off, Sat Jan 9 worked.
FICTITIOUS_2027 = parse_schedule(
    {
        "year": 2027,
        "source": "测试用虚构安排（示例，非官方）",
        "holidays": [
            {"name": "元旦", "dates": ["2027-01-01", "2027-01-02", "2027-01-03"]},
            {"name": "测试假", "dates": ["2027-01-04", "2027-01-05"]},
        ],
        "workdays": ["2027-01-09"],
    }
)


def oracle(start: date, days: int) -> date:
    """An independent count: chinese_calendar.is_workday day by day (it raises outside its years)."""
    day, n = start, 0
    while n < days:
        day += timedelta(days=1)
        n += chinese_calendar.is_workday(day)
    return day


# --- counting --------------------------------------------------------------------------------------------


def test_national_day_2026_acceptance_due_on_october_12() -> None:
    # The data this rests on, as chinesecalendar has it: Oct 1–7 off, Sat Oct 10 worked, Oct 8 and 9 worked.
    assert all(date(2026, 10, d) in chinese_calendar.holidays for d in range(1, 8))
    assert date(2026, 10, 8) not in chinese_calendar.holidays
    assert date(2026, 10, 10) in chinese_calendar.workdays
    # Sep 30 (1); Oct 1–7 off; Oct 8 (2), 9 (3), Sat 10 (4); Sun 11 off; Mon 12 (5).
    d = acceptance_deadline(CAL, date(2026, 9, 29))
    assert d.due == date(2026, 10, 12)
    assert d.due == oracle(date(2026, 9, 29), 5)


def test_day_of_receipt_is_not_counted() -> None:
    assert acceptance_deadline(CAL, date(2026, 11, 16)).due == date(2026, 11, 23)  # Monday → next Monday
    assert add_working_days(CAL, date(2026, 11, 16), 1).due == date(2026, 11, 17)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 11, 20), date(2026, 11, 27)),  # Friday: Nov 23–27
        (date(2026, 11, 21), date(2026, 11, 27)),  # Saturday: the weekend adds nothing
        (date(2026, 11, 22), date(2026, 11, 27)),  # Sunday
        (date(2026, 10, 1), date(2026, 10, 13)),  # on a holiday: Oct 8, 9, 10, 12, 13
        (date(2026, 10, 10), date(2026, 10, 16)),  # on the adjusted Saturday: Oct 12–16
        (date(2026, 12, 24), date(2026, 12, 31)),  # Dec 25, 28, 29, 30, 31: stays inside 2026
    ],
)
def test_acceptance_on_awkward_days(received: date, due: date) -> None:
    d = acceptance_deadline(CAL_TO_2026, received)
    assert (d.due, d.provisional) == (due, False)
    assert d.due == oracle(received, ACCEPTANCE_WORKING_DAYS)


def test_count_into_an_unknown_year_is_provisional_and_counts_weekdays_only() -> None:
    count = add_working_days(CAL_TO_2026, date(2026, 12, 28), 5)
    # Dec 29, 30, 31 (3); Fri 2027-01-01 counted (no 2027 schedule) (4); weekend; Mon Jan 4 (5).
    assert count.due == date(2027, 1, 4)
    assert count.provisional and count.unknown_years == (2027,)
    assert (count.start, count.days) == (date(2026, 12, 28), 5)
    d = acceptance_deadline(CAL_TO_2026, date(2026, 12, 28))
    assert d.provisional and d.due == date(2027, 1, 4)


def test_builtin_calendar_is_provisional_exactly_when_the_package_lacks_the_year() -> None:
    count = add_working_days(CAL, date(2026, 12, 28), 5)
    assert count.provisional == (not CAL.knows(2027))
    assert count.unknown_years == (() if CAL.knows(2027) else (2027,))


def test_loaded_year_makes_the_same_count_final_and_follows_its_days() -> None:
    cal = CAL_TO_2026.with_schedules([FICTITIOUS_2027])
    count = add_working_days(cal, date(2026, 12, 28), 5)
    # Dec 29, 30, 31 (3); Jan 1–5 off; Wed Jan 6 (4); Thu Jan 7 (5).
    assert (count.due, count.provisional, count.unknown_years) == (date(2027, 1, 7), False, ())
    # Ten days reach the worked Saturday: ... Jan 6 (4), 7 (5), 8 (6), Sat 9 (7), 11 (8), 12 (9), 13 (10).
    assert add_working_days(cal, date(2026, 12, 28), 10).due == date(2027, 1, 13)
    assert add_working_days(CAL_TO_2026, date(2026, 12, 28), 10).due == date(2027, 1, 11)


def test_count_across_several_unknown_years_lists_them_in_order() -> None:
    count = add_working_days(CAL_TO_2026, date(2026, 12, 1), 300)
    assert count.unknown_years == (2027, 2028) and count.provisional
    assert count.due.year == 2028


def test_unknown_year_only_in_the_examined_days_matters() -> None:
    """A count that ends on Dec 31 never looks at the unknown year, so it is final."""
    count = add_working_days(CAL_TO_2026, date(2026, 12, 30), 1)
    assert (count.due, count.provisional) == (date(2026, 12, 31), False)


def test_investigation_60_working_days_by_hand() -> None:
    """From 立案 Tue 2026-09-01, counted by hand over the 2026 schedule:
    Sep: 2–4, 7–11, 14–18, Sun 20 (调休), 21–24 (25 is Mid-autumn), 28–30 → 21;
    Oct: 8, 9, Sat 10 (调休), 12–16, 19–23, 26–30 → 18 (39);
    Nov: 2–6, 9–13, 16–20, 23–27 → 20 (59); Mon Nov 30 is the 60th.
    """
    d = investigation_deadline(CAL, date(2026, 9, 1))
    assert d.due == date(2026, 11, 30)


@pytest.mark.parametrize(
    "filed",
    [date(2024, 12, 20), date(2025, 9, 1), date(2026, 1, 5), date(2026, 2, 10), date(2026, 4, 30)],
)
def test_investigation_60_working_days_matches_the_oracle(filed: date) -> None:
    d = investigation_deadline(CAL, filed)
    assert d.due == oracle(filed, INVESTIGATION_WORKING_DAYS)
    assert (d.kind, d.start, d.working_days, d.provisional) == (DeadlineKind.INVESTIGATION, filed, 60, False)


def test_every_start_day_of_2025_matches_the_oracle() -> None:
    cal, start = CAL, date(2025, 1, 1)
    mismatches = []
    for offset in range(365):
        day = start + timedelta(days=offset)
        for days in (1, 5, 30, 60):
            if add_working_days(cal, day, days).due != oracle(day, days):
                mismatches.append((day, days))
    assert mismatches == []


@pytest.mark.parametrize("days", [0, -1, -60, True])
def test_non_positive_day_counts_are_refused(days: int) -> None:
    with pytest.raises(ValueError, match="工作日天数应为正整数"):
        add_working_days(CAL, date(2026, 1, 5), days)


# --- explain ---------------------------------------------------------------------------------------------


def test_explain_the_national_day_count_line_by_line() -> None:
    count = add_working_days(CAL, date(2026, 9, 29), 5)
    off = "节假日休息（国庆节），不计"
    assert explain(CAL, count) == [
        "2026-09-30 周三 工作日，第1个工作日",
        f"2026-10-01 周四 {off}",
        f"2026-10-02 周五 {off}",
        f"2026-10-03 周六 {off}",
        f"2026-10-04 周日 {off}",
        f"2026-10-05 周一 {off}",
        f"2026-10-06 周二 {off}",
        f"2026-10-07 周三 {off}",
        "2026-10-08 周四 工作日，第2个工作日",
        "2026-10-09 周五 工作日，第3个工作日",
        "2026-10-10 周六 调休上班，第4个工作日",
        "2026-10-11 周日 周末休息，不计",
        "2026-10-12 周一 工作日，第5个工作日",
    ]


def test_explain_says_when_a_year_was_guessed() -> None:
    count = add_working_days(CAL_TO_2026, date(2026, 12, 30), 2)
    guess = "（2027年节假日安排未载入，暂按周一至周五推算）"
    assert explain(CAL_TO_2026, count) == [
        "2026-12-31 周四 工作日，第1个工作日",
        f"2027-01-01 周五 工作日，第2个工作日{guess}",
    ]
    long = add_working_days(CAL_TO_2026, date(2026, 12, 31), 2)
    assert explain(CAL_TO_2026, long)[1] == f"2027-01-02 周六 周末休息，不计{guess}"


def test_explain_uses_the_loaded_years_names() -> None:
    cal = CAL_TO_2026.with_schedules([FICTITIOUS_2027])
    lines = explain(cal, add_working_days(cal, date(2027, 1, 3), 6))
    assert lines[0] == "2027-01-04 周一 节假日休息（测试假），不计"
    assert lines[5] == "2027-01-09 周六 调休上班，第4个工作日"
    assert lines[-1] == "2027-01-12 周二 工作日，第6个工作日"
    assert all("未载入" not in line for line in lines)


# --- the deadlines --------------------------------------------------------------------------------------


def test_constants() -> None:
    assert ACCEPTANCE_WORKING_DAYS == 5
    assert INVESTIGATION_WORKING_DAYS == 60
    assert INVESTIGATION_EXTENSION_WORKING_DAYS == 30


def test_acceptance_deadline_fields() -> None:
    d = acceptance_deadline(CAL, date(2026, 11, 16))
    assert d == Deadline(
        kind=DeadlineKind.ACCEPTANCE,
        start=date(2026, 11, 16),
        due=date(2026, 11, 23),
        working_days=5,
        status=DeadlineStatus.PENDING,
        provisional=False,
        basis="《关于实施〈劳动保障监察条例〉若干规定》第十八条：自收到投诉之日起5个工作日内决定是否受理",
    )


def test_investigation_deadline_fields() -> None:
    d = investigation_deadline(CAL, date(2026, 9, 1))
    assert d.basis == "《劳动保障监察条例》第十七条：自立案之日起60个工作日内完成"
    assert (d.kind, d.start, d.working_days, d.status) == (
        DeadlineKind.INVESTIGATION,
        date(2026, 9, 1),
        60,
        DeadlineStatus.PENDING,
    )


def test_investigation_deadline_into_an_unknown_year_is_provisional() -> None:
    d = investigation_deadline(CAL_TO_2026, date(2026, 11, 2))
    assert d.provisional and d.due.year == 2027


def test_payment_order_deadline_is_the_date_the_inspector_set() -> None:
    d = payment_order_deadline(date(2026, 11, 20), date(2026, 11, 30))
    assert d == Deadline(
        kind=DeadlineKind.PAYMENT_ORDER,
        start=date(2026, 11, 20),
        due=date(2026, 11, 30),
        working_days=None,
        status=DeadlineStatus.PENDING,
        provisional=False,
        basis="《劳动保障监察条例》第二十六条、《中华人民共和国劳动合同法》第八十五条：按指令书限定的期限支付",
    )
    assert "第五十四条" not in d.basis and "第五十五条" not in d.basis  # they punish other duties


# --- statuses -------------------------------------------------------------------------------------------


def order(status: DeadlineStatus = DeadlineStatus.PENDING) -> Deadline:
    d = payment_order_deadline(date(2026, 11, 20), date(2026, 11, 30))
    return d.model_copy(update={"status": status})


@pytest.mark.parametrize(
    ("status", "today", "expected"),
    [
        (DeadlineStatus.PENDING, date(2026, 11, 29), DeadlineStatus.PENDING),
        (DeadlineStatus.PENDING, date(2026, 11, 30), DeadlineStatus.PENDING),  # ends at 24:00 of its day
        (DeadlineStatus.PENDING, date(2026, 12, 1), DeadlineStatus.OVERDUE),
        (DeadlineStatus.MET, date(2026, 12, 1), DeadlineStatus.MET),
        (DeadlineStatus.CANCELLED, date(2027, 6, 1), DeadlineStatus.CANCELLED),
        (DeadlineStatus.OVERDUE, date(2026, 11, 1), DeadlineStatus.OVERDUE),
    ],
)
def test_effective_status(status: DeadlineStatus, today: date, expected: DeadlineStatus) -> None:
    assert effective_status(order(status), today) == expected


def test_mark_met_touches_only_the_pending_deadline_of_its_kind() -> None:
    acceptance = acceptance_deadline(CAL, date(2026, 11, 16))
    deadlines = [acceptance, order()]
    met = mark_met(deadlines, DeadlineKind.PAYMENT_ORDER, date(2026, 11, 25))
    assert [d.status for d in met] == [DeadlineStatus.PENDING, DeadlineStatus.MET]
    assert met[1].met_at == date(2026, 11, 25)
    assert met[1].model_dump(exclude={"status", "met_at"}) == deadlines[1].model_dump(exclude={"status", "met_at"})
    assert [d.status for d in deadlines] == [DeadlineStatus.PENDING] * 2  # input untouched
    assert met is not deadlines


def test_cancel_touches_only_the_pending_deadline_of_its_kind() -> None:
    deadlines = [acceptance_deadline(CAL, date(2026, 11, 16)), order()]
    cancelled = cancel(deadlines, DeadlineKind.ACCEPTANCE)
    assert [d.status for d in cancelled] == [DeadlineStatus.CANCELLED, DeadlineStatus.PENDING]
    assert deadlines[0].status == DeadlineStatus.PENDING


def test_settled_deadlines_stay_as_they_are() -> None:
    deadlines = [order(DeadlineStatus.MET)]
    assert cancel(deadlines, DeadlineKind.PAYMENT_ORDER)[0].status == DeadlineStatus.MET
    cancelled = [order(DeadlineStatus.CANCELLED)]
    assert mark_met(cancelled, DeadlineKind.PAYMENT_ORDER, date(2026, 11, 25))[0].status == DeadlineStatus.CANCELLED
    assert mark_met([order()], DeadlineKind.ACCEPTANCE, date(2026, 11, 25)) == [order()]
    assert mark_met([], DeadlineKind.ACCEPTANCE, date(2026, 11, 25)) == []


# --- met late, suspended, replaced, service --------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 11, 21), DeadlineStatus.MET),
        (date(2026, 11, 30), DeadlineStatus.MET),  # its last day still counts
        (date(2026, 12, 1), DeadlineStatus.MET_LATE),
        (date(2027, 3, 1), DeadlineStatus.MET_LATE),
    ],
)
def test_a_deadline_met_after_its_day_is_met_late(on: date, expected: DeadlineStatus) -> None:
    met = mark_met([order()], DeadlineKind.PAYMENT_ORDER, on)[0]
    assert (met.status, met.met_at) == (expected, on)
    assert effective_status(met, date(2027, 6, 1)) == expected  # never turns into overdue or plain met


def test_a_suspended_clock_is_not_overdue_and_restarts_whole() -> None:
    acceptance = acceptance_deadline(CAL, date(2026, 11, 16))
    suspended = suspend([acceptance], DeadlineKind.ACCEPTANCE, date(2026, 11, 17))[0]
    assert suspended.suspended_since == date(2026, 11, 17)
    assert effective_status(suspended, date(2027, 1, 1)) == DeadlineStatus.PENDING
    assert effective_status(acceptance, date(2027, 1, 1)) == DeadlineStatus.OVERDUE
    fresh = acceptance_deadline(CAL, date(2026, 12, 1))
    restarted = replace([order(), suspended], fresh)
    assert restarted == [order(), fresh]
    assert fresh.due == date(2026, 12, 8) and fresh.suspended_since is None


def test_cancel_all_ends_every_pending_clock_and_keeps_settled_ones() -> None:
    met = order(DeadlineStatus.MET)
    out = cancel_all([acceptance_deadline(CAL, date(2026, 11, 16)), met])
    assert [d.status for d in out] == [DeadlineStatus.CANCELLED, DeadlineStatus.MET]


def test_service_deadline_counts_calendar_days_the_bureau_allows() -> None:
    d = service_deadline(date(2026, 11, 20), 3)
    assert (d.kind, d.start, d.due, d.working_days) == (
        DeadlineKind.SERVICE,
        date(2026, 11, 20),
        date(2026, 11, 23),
        None,
    )
    assert "送达" in d.basis
    with pytest.raises(ValueError):
        service_deadline(date(2026, 11, 20), -1)
