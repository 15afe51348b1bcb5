"""The escalation ladder as pure rules: alarm days from the calendar, what is due, what is moot."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.case import (
    CaseState,
    Channel,
    Complainant,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    Employer,
    Escalation,
    EscalationKind,
    Role,
)
from rules.calendar import WorkingCalendar, builtin_schedules
from rules.deadlines import (
    acceptance_deadline,
    add_working_days,
    investigation_deadline,
    mark_met,
    mark_overdue,
    subtract_working_days,
    with_alarms,
    working_deadline,
)
from rules.escalation import due_alarms, end_of, escalation, next_alarm, pending_alarms, start_of
from tests.builders import make_uscc

CAL = WorkingCalendar.builtin()
CAL_TO_2026 = WorkingCalendar({y: s for y, s in builtin_schedules().items() if y <= 2026})


def case_with(*deadlines: Deadline, escalations: list[Escalation] | None = None) -> CaseState:
    return CaseState(
        case_id="c-1",
        region_code="140105",
        received_at=datetime(2026, 9, 29, 2, tzinfo=UTC),
        channel=Channel.HOTLINE,
        employer=Employer(name="恒泰建筑有限公司", uscc=make_uscc(1)),
        complainant=Complainant(name="张三"),
        workers=[],
        created_by="u-intake",
        assignee="u-inspector",
        deadlines=list(deadlines),
        escalations=escalations or [],
    )


def test_acceptance_received_2026_09_29_alarm_days() -> None:
    # Due Mon 2026-10-12 (National Day off Oct 1–7, Sat Oct 10 worked). Three working days before: Sat 10 (1),
    # Fri 9 (2), Thu 8 (3): the warning comes at the start of Oct 8. Level 2 after five working days overdue:
    # Oct 13–16 (4) and Mon 19 (5): at the end of Oct 19.
    d = with_alarms(CAL, acceptance_deadline(CAL, date(2026, 9, 29)), 3, 5)
    assert (d.due, d.warn_on, d.escalate_after, d.provisional) == (
        date(2026, 10, 12),
        date(2026, 10, 8),
        date(2026, 10, 19),
        False,
    )


def test_investigation_over_the_2026_spring_festival() -> None:
    # Spring Festival 2026: Feb 15–23 off, Sat Feb 14 and Sat Feb 28 worked.
    filed = date(2026, 1, 5)
    d = with_alarms(CAL, investigation_deadline(CAL, filed), 3, 5)
    days = [filed + timedelta(days=i) for i in range(1, (d.due - filed).days + 1)]
    worked = [x for x in days if CAL.is_working_day(x)]
    assert len(worked) == 60 and worked[-1] == d.due
    assert date(2026, 2, 14) in worked and date(2026, 2, 28) in worked
    assert not any(date(2026, 2, 15) <= x <= date(2026, 2, 23) for x in worked)
    assert d.due == date(2026, 4, 3)


def test_investigation_into_2027_is_provisional_until_the_year_is_loaded() -> None:
    d = with_alarms(CAL_TO_2026, investigation_deadline(CAL_TO_2026, date(2026, 11, 23)), 3, 5)
    assert d.provisional and d.due.year == 2027
    assert d.warn_on is not None and d.escalate_after is not None


def test_no_warning_when_the_period_is_shorter_than_the_warning() -> None:
    start = date(2026, 11, 23)
    d = Deadline(kind=DeadlineKind.PAYMENT_ORDER, start=start, due=date(2026, 11, 25))
    assert with_alarms(CAL, d, 3, 5).warn_on is None
    assert with_alarms(CAL, d, 0, 5).warn_on is None


def test_extended_investigation_counts_ninety_working_days_from_filing() -> None:
    filed = date(2026, 3, 2)
    plain, extended = (
        working_deadline(CAL, DeadlineKind.INVESTIGATION, filed),
        working_deadline(CAL, DeadlineKind.INVESTIGATION, filed, extended_by=30),
    )
    assert extended.due == add_working_days(CAL, plain.due, 30).due
    assert (extended.working_days, extended.extended_by) == (90, 30)
    assert "延长30个工作日" in extended.basis
    with pytest.raises(ValueError, match="cannot be extended"):
        working_deadline(CAL, DeadlineKind.ACCEPTANCE, filed, extended_by=30)


def test_ladder_order_and_moments() -> None:
    d = with_alarms(CAL, acceptance_deadline(CAL, date(2026, 9, 29)), 3, 5)
    case = case_with(d)
    kinds = [(a.kind, a.at) for a in pending_alarms(case)]
    assert kinds == [
        (EscalationKind.WARNING, start_of(date(2026, 10, 8))),
        (EscalationKind.OVERDUE, end_of(date(2026, 10, 12))),
        (EscalationKind.SUPERVISION, end_of(date(2026, 10, 19))),
    ]
    assert end_of(date(2026, 10, 12)).isoformat() == "2026-10-13T00:00:00+08:00"


def test_a_raised_alarm_is_not_raised_again_and_a_met_deadline_has_none() -> None:
    d = with_alarms(CAL, acceptance_deadline(CAL, date(2026, 9, 29)), 3, 5)
    case = case_with(d)
    warning = next_alarm(case)
    assert warning is not None
    raised = escalation(case, warning, warning.at)
    assert (raised.addressee, raised.addressee_role, raised.level) == ("u-inspector", Role.INSPECTOR, 0)
    after = case_with(d, escalations=[raised])
    assert [a.kind for a in pending_alarms(after)] == [EscalationKind.OVERDUE, EscalationKind.SUPERVISION]
    met = case_with(*mark_met([d], DeadlineKind.ACCEPTANCE, date(2026, 10, 11)), escalations=[raised])
    assert pending_alarms(met) == []
    assert met.deadlines[0].status == DeadlineStatus.MET


def test_a_warning_whose_deadline_has_passed_is_moot() -> None:
    d = with_alarms(CAL, acceptance_deadline(CAL, date(2026, 9, 29)), 3, 5)
    case = case_with(d)
    late = end_of(date(2026, 10, 13))  # past the warning and level 1, before level 2
    due = due_alarms(case, late)
    assert [a.kind for a in due] == [EscalationKind.OVERDUE]
    overdue = escalation(case, due[0], late)
    assert (overdue.addressee, overdue.addressee_role, overdue.level) == (None, Role.SUPERVISOR, 1)
    after = case_with(*mark_overdue([d], DeadlineKind.ACCEPTANCE, d.due), escalations=[overdue])
    assert after.deadlines[0].status == DeadlineStatus.OVERDUE
    assert [a.kind for a in pending_alarms(after)] == [EscalationKind.SUPERVISION]


def test_a_suspended_clock_raises_nothing_and_a_moved_date_raises_anew() -> None:
    d = with_alarms(CAL, acceptance_deadline(CAL, date(2026, 9, 29)), 3, 5)
    assert pending_alarms(case_with(d.model_copy(update={"suspended_since": date(2026, 9, 30)}))) == []
    case = case_with(d)
    warned = escalation(case, pending_alarms(case)[0], start_of(d.warn_on or d.due))
    moved = with_alarms(CAL, acceptance_deadline(CAL, date(2026, 10, 20)), 3, 5)
    alarms = pending_alarms(case_with(moved, escalations=[warned]))
    assert (alarms[0].kind, alarms[0].due) == (EscalationKind.WARNING, moved.due)


# --- properties of the calendar arithmetic ------------------------------------------------------------

DAYS = st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 6, 30))


@settings(max_examples=300, deadline=None)
@given(start=DAYS, n=st.integers(min_value=1, max_value=120))
def test_adding_then_counting_back_gives_n(start: date, n: int) -> None:
    due = add_working_days(CAL, start, n).due
    assert CAL.is_working_day(due)
    back = subtract_working_days(CAL, due, n)
    # Counting back n working days from the due date lands on the last working day not after start.
    counted = sum(1 for i in range(1, (due - back).days + 1) if CAL.is_working_day(back + timedelta(days=i)))
    assert counted == n
    assert back <= start
    assert all(not CAL.is_working_day(back + timedelta(days=i)) for i in range(1, (start - back).days + 1))


@settings(max_examples=300, deadline=None)
@given(start=DAYS, a=st.integers(min_value=1, max_value=60), b=st.integers(min_value=1, max_value=60))
def test_adding_is_associative_over_working_days(start: date, a: int, b: int) -> None:
    assert add_working_days(CAL, add_working_days(CAL, start, a).due, b).due == add_working_days(CAL, start, a + b).due


@settings(max_examples=200, deadline=None)
@given(start=DAYS, n=st.integers(min_value=1, max_value=30))
def test_warning_comes_before_due_and_level2_after(start: date, n: int) -> None:
    d = with_alarms(CAL, Deadline(kind=DeadlineKind.CLEAR_MAJOR, start=start, due=start + timedelta(days=n)), 3, 5)
    assert d.escalate_after is not None and d.escalate_after > d.due
    if d.warn_on is not None:
        assert start < d.warn_on < d.due


# --- the explanation a person can check by hand -------------------------------------------------------


def test_explanation_of_an_acceptance_over_national_day() -> None:
    from rules.deadlines import explain_deadline

    d = with_alarms(CAL, acceptance_deadline(CAL, date(2026, 9, 29)), 3, 5)
    lines = explain_deadline(CAL, d)
    text = "\n".join(lines)
    assert lines[0].startswith("受理期限：《关于实施〈劳动保障监察条例〉若干规定》第十八条")
    assert "2026-10-01 周四 节假日休息（国庆节），不计" in text
    assert "2026-10-10 周六 调休上班，第4个工作日" in text
    assert "2026-10-12 周一 工作日，第5个工作日" in text
    assert "期限至2026年10月12日（周一）24时届满" in text
    assert "临期提醒：2026年10月8日（周四）0时" in text
    assert "逾期满2026年10月19日（周一）24时" in text


def test_explanation_of_a_paused_met_late_and_calendar_day_deadline() -> None:
    from rules.deadlines import explain_deadline

    paused = acceptance_deadline(CAL, date(2026, 11, 16)).model_copy(update={"suspended_since": date(2026, 11, 17)})
    assert any("中止计算" in line for line in explain_deadline(CAL, paused))
    late = mark_met([acceptance_deadline(CAL, date(2026, 11, 16))], DeadlineKind.ACCEPTANCE, date(2026, 11, 30))[0]
    assert late.status == DeadlineStatus.MET_LATE
    assert "已于2026年11月30日（周一）办结（逾期后办结）" in explain_deadline(CAL, late)
    major = Deadline(kind=DeadlineKind.CLEAR_MAJOR, start=date(2026, 11, 23), due=date(2027, 1, 15))
    assert "自2026年11月23日（周一）起按日历日计算，到期日为2027年1月15日（周五）" in explain_deadline(CAL, major)
