"""The calendar as data: chinesecalendar's years, loaded schedule files, and the weekday fallback."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest

from rules.calendar import (
    CalendarFileError,
    WorkingCalendar,
    YearSchedule,
    builtin_schedules,
    parse_schedule,
    schedule_to_json,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "calendar-file-format.md"
PACKAGE_YEARS = sorted({d.year for d in [*chinese_calendar.holidays, *chinese_calendar.workdays]})

# 示例，非官方 — a made-up 2027 schedule for tests only; the real one is whatever the State Council publishes.
FICTITIOUS_2027: dict[str, Any] = {
    "year": 2027,
    "source": "  测试用虚构安排（示例，非官方）  ",
    "holidays": [
        {"name": "元旦", "dates": ["2027-01-01", "2027-01-02", "2027-01-03"]},
        {"name": "测试假", "dates": ["2027-01-04", "2027-01-05"]},
    ],
    "workdays": ["2027-01-09", "2027-01-10"],
}


def with_change(**change: Any) -> dict[str, Any]:
    return {**FICTITIOUS_2027, **change}


def holiday_dates(*values: Any) -> dict[str, Any]:
    return with_change(holidays=[{"name": "x", "dates": list(values)}])


def without(key: str) -> dict[str, Any]:
    return {k: v for k, v in FICTITIOUS_2027.items() if k != key}


# --- built-in years -------------------------------------------------------------------------------------


def test_builtin_years_are_exactly_the_packages_years() -> None:
    schedules = builtin_schedules()
    assert sorted(schedules) == [y for y in PACKAGE_YEARS if y >= 2004]
    assert min(schedules) == 2004 and max(schedules) == max(d.year for d in chinese_calendar.holidays)
    assert all(year == s.year for year, s in schedules.items())
    assert schedules[2026].source.startswith("chinesecalendar")


def test_first_year_drops_earlier_years() -> None:
    assert min(builtin_schedules(2020)) == 2020
    assert builtin_schedules(2020)[2026] == builtin_schedules()[2026]


def test_builtin_is_cached_but_callers_cannot_change_it() -> None:
    first = builtin_schedules()
    assert first[2026] is builtin_schedules()[2026]  # built once
    del first[2026]
    assert 2026 in builtin_schedules() and WorkingCalendar.builtin().knows(2026)


def test_builtin_calendar_agrees_with_chinese_calendar_on_every_day() -> None:
    """An exhaustive check against the package's own is_workday, day by day over all its years."""
    cal = WorkingCalendar.builtin()
    day, last = date(PACKAGE_YEARS[0], 1, 1), date(PACKAGE_YEARS[-1], 12, 31)
    disagreements = []
    while day <= last:
        if cal.is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == []


def test_national_day_2026_as_the_package_has_it() -> None:
    cal = WorkingCalendar.builtin()
    october = [date(2026, 10, d) for d in range(1, 13)]
    assert [cal.is_working_day(d) for d in october] == [False] * 7 + [True, True, True, False, True]
    assert date(2026, 10, 10).weekday() == 5  # the adjusted Saturday (调休上班)
    assert cal.is_working_day(date(2026, 9, 20))  # the adjusted Sunday before
    schedule = cal.schedule(2026)
    assert schedule is not None and schedule.names[date(2026, 10, 3)] == "国庆节"
    assert schedule.names[date(2026, 2, 17)] == "春节"


def test_every_builtin_holiday_name_is_translated() -> None:
    names = {n for s in builtin_schedules().values() for n in s.names.values()}
    assert names and all(re.search(r"[\u4e00-\u9fff]", n) for n in names), names


# --- WorkingCalendar --------------------------------------------------------------------------------------


def test_unknown_year_counts_monday_to_friday() -> None:
    cal = WorkingCalendar({})
    assert not cal.knows(2027) and cal.years == ()
    week = [date(2027, 1, 4) + timedelta(days=i) for i in range(7)]  # Monday 2027-01-04 to Sunday
    assert [cal.is_working_day(d) for d in week] == [True] * 5 + [False, False]


def test_loaded_schedule_decides_its_year() -> None:
    cal = WorkingCalendar({}).with_schedules([parse_schedule(FICTITIOUS_2027)])
    assert cal.knows(2027) and cal.years == (2027,)
    assert not cal.is_working_day(date(2027, 1, 4))  # a Monday off
    assert cal.is_working_day(date(2027, 1, 9))  # a Saturday worked
    assert cal.is_working_day(date(2027, 1, 6))  # an ordinary Wednesday
    assert not cal.is_working_day(date(2027, 1, 16))  # an ordinary Saturday


def test_with_schedules_overrides_builtin_year_and_leaves_the_original_alone() -> None:
    builtin = WorkingCalendar.builtin()
    fake_2026 = YearSchedule(2026, frozenset({date(2026, 10, 8)}), frozenset(), "虚构（非官方）")
    cal = builtin.with_schedules([fake_2026])
    assert not cal.is_working_day(date(2026, 10, 8))
    assert cal.is_working_day(date(2026, 10, 1))  # the built-in 2026 is replaced, not merged
    assert builtin.is_working_day(date(2026, 10, 8)) and not builtin.is_working_day(date(2026, 10, 1))
    assert cal.knows(2025) and cal.schedule(2025) is builtin.schedule(2025)


def test_later_loaded_schedule_wins() -> None:
    first = YearSchedule(2027, frozenset({date(2027, 3, 1)}), frozenset(), "虚构一")
    second = YearSchedule(2027, frozenset({date(2027, 3, 2)}), frozenset(), "虚构二")
    cal = WorkingCalendar({}).with_schedules([first, second])
    assert cal.is_working_day(date(2027, 3, 1)) and not cal.is_working_day(date(2027, 3, 2))


def test_schedule_filed_under_the_wrong_year_is_refused() -> None:
    with pytest.raises(ValueError, match="2027"):
        WorkingCalendar({2026: parse_schedule(FICTITIOUS_2027)})


# --- the file format -------------------------------------------------------------------------------------


def test_parse_schedule_reads_the_file() -> None:
    s = parse_schedule(FICTITIOUS_2027)
    assert s.year == 2027 and s.source == "测试用虚构安排（示例，非官方）"
    assert s.holidays == frozenset(date(2027, 1, d) for d in (1, 2, 3, 4, 5))
    assert s.workdays == frozenset({date(2027, 1, 9), date(2027, 1, 10)})
    assert s.names[date(2027, 1, 2)] == "元旦" and s.names[date(2027, 1, 5)] == "测试假"


@pytest.mark.parametrize(
    "data",
    [
        with_change(year=2000, holidays=[{"name": "", "dates": ["2000-01-01"]}], workdays=[]),
        with_change(year=2100, holidays=[{"name": "x", "dates": ["2100-12-31"]}], workdays=["2100-01-02"]),
        with_change(workdays=[]),
        with_change(holidays=[{"name": "周末也可列入", "dates": ["2027-01-02", "2027-01-02"]}]),
    ],
)
def test_parse_schedule_accepts_edge_cases(data: dict[str, Any]) -> None:
    assert parse_schedule(data).year == data["year"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([FICTITIOUS_2027], "日历文件应为 JSON 对象"),
        (with_change(workday=["2027-01-09"]), "日历文件含有未知字段：workday"),
        (without("workdays"), "日历文件缺少字段：workdays"),
        (without("source"), "日历文件缺少字段：source"),
        (with_change(year="2027"), "year 应为 2000 至 2100 之间的整数年份"),
        (with_change(year=2027.0), "year 应为 2000 至 2100 之间的整数年份"),
        (with_change(year=True), "year 应为 2000 至 2100 之间的整数年份"),
        (with_change(year=1999), "year 应为 2000 至 2100 之间的整数年份"),
        (with_change(year=2101), "year 应为 2000 至 2100 之间的整数年份"),
        (with_change(source=""), "source 应写明发布文件"),
        (with_change(source="   "), "source 应写明发布文件"),
        (with_change(source=None), "source 应写明发布文件"),
        (with_change(holidays=[]), "holidays 应为非空列表"),
        (with_change(holidays={"元旦": ["2027-01-01"]}), "holidays 应为非空列表"),
        (with_change(holidays=["2027-01-01"]), "holidays[0] 应为"),
        (with_change(holidays=[{"name": "元旦"}]), "holidays[0].dates 应为非空的日期列表"),
        (with_change(holidays=[{"name": "元旦", "dates": []}]), "holidays[0].dates 应为非空的日期列表"),
        (with_change(holidays=[{"dates": ["2027-01-01"]}]), "holidays[0].name 应为节日名称字符串"),
        (with_change(holidays=[{"name": 1, "dates": ["2027-01-01"]}]), "holidays[0].name 应为节日名称字符串"),
        (
            with_change(holidays=[{"name": "元旦", "dates": ["2027-01-01"], "days": 1}]),
            "holidays[0]含有未知字段：days",
        ),
        (holiday_dates(20270101), "holidays[0].dates[0]：日期 20270101 格式不正确"),
        (holiday_dates("20270101"), "日期 '20270101' 格式不正确"),
        (holiday_dates("2027-W01-5"), "日期 '2027-W01-5' 格式不正确"),
        (holiday_dates("2027-1-1"), "日期 '2027-1-1' 格式不正确"),
        (holiday_dates("2027-01-01 "), "日期 '2027-01-01 ' 格式不正确"),
        (holiday_dates("2027-13-01"), "日期 2027-13-01 格式不正确，不是有效的日期"),
        (holiday_dates("2027-02-29"), "日期 2027-02-29 格式不正确，不是有效的日期"),
        (holiday_dates("2027-01-01", "2028-01-01"), "holidays[0].dates[1]：日期 2028-01-01 不在 2027 年内"),
        (with_change(workdays=["2026-12-26"]), "workdays[0]：日期 2026-12-26 不在 2027 年内"),
        (with_change(workdays="2027-01-09"), "workdays 应为日期列表"),
        (with_change(workdays=["2027-01-09", "2027-01-02"]), "2027-01-02 不能既是休息日又是调休上班日"),
        (with_change(workdays=["2027-01-06"]), "调休上班日 2027-01-06 应为周六或周日"),
    ],
)
def test_parse_schedule_refuses_bad_files(data: Any, message: str) -> None:
    with pytest.raises(CalendarFileError, match=re.escape(message)):
        parse_schedule(data)


def test_calendar_file_error_is_a_value_error() -> None:
    """Callers that catch ValueError (e.g. the CLI's argument handling) still catch it."""
    with pytest.raises(ValueError):
        parse_schedule(with_change(year=1999))


def test_round_trip_keeps_dates_and_names() -> None:
    s = parse_schedule(FICTITIOUS_2027)
    data = schedule_to_json(s)
    again = parse_schedule(json.loads(json.dumps(data, ensure_ascii=False)))
    assert again == s and dict(again.names) == dict(s.names)
    assert data["workdays"] == ["2027-01-09", "2027-01-10"]
    assert [h["name"] for h in data["holidays"]] == ["元旦", "测试假"]


def test_round_trip_of_every_builtin_year() -> None:
    for year, s in builtin_schedules().items():
        again = parse_schedule(schedule_to_json(s))
        assert again == s and again.year == year and again.source == s.source
        assert dict(again.names) == dict(s.names)


def test_schedule_without_names_round_trips_under_one_entry() -> None:
    off = frozenset({date(2027, 1, 2), date(2027, 1, 1)})
    s = YearSchedule(2027, off, frozenset({date(2027, 1, 9)}), "虚构")
    data = schedule_to_json(s)
    assert data["holidays"] == [{"name": "", "dates": ["2027-01-01", "2027-01-02"]}]
    assert parse_schedule(data) == s


def test_names_take_no_part_in_equality() -> None:
    named = parse_schedule(FICTITIOUS_2027)
    bare = YearSchedule(named.year, named.holidays, named.workdays, named.source)
    assert bare == named and hash(bare) == hash(named)
    assert bare != YearSchedule(named.year, named.holidays, frozenset(), named.source)


def test_the_documented_example_is_valid_and_marked_fictitious() -> None:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1
    s = parse_schedule(json.loads(blocks[0]))
    assert s.year == 2099 and "示例，非官方" in s.source
    assert all(d.weekday() >= 5 for d in s.workdays) and s.holidays
