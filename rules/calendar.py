"""The working-day calendar as data: built-in years from chinesecalendar, later years loaded by
administrators from the State Council's published schedule (one JSON file a year)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import chinese_calendar


@dataclass(frozen=True)
class YearSchedule:
    """One year's days off (法定节假日及其连休) and adjusted working days (调休上班)."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str


class CalendarFileError(ValueError):
    """A schedule file an administrator tried to load is wrong; the message says how, in zh-CN."""


def _date(value: Any, year: int, where: str) -> date:
    if not isinstance(value, str):
        raise CalendarFileError(f"{where}：日期应写作 YYYY-MM-DD 字符串")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CalendarFileError(f"{where}：日期 {value} 格式不正确，应为 YYYY-MM-DD") from None
    if day.year != year:
        raise CalendarFileError(f"{where}：日期 {value} 不在 {year} 年内")
    return day


def parse_schedule(data: Mapping[str, Any]) -> YearSchedule:
    """Validate a loaded schedule strictly: a wrong calendar silently shifts every legal deadline."""
    if not isinstance(data, Mapping):
        raise CalendarFileError("日历文件应为 JSON 对象")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise CalendarFileError("year 应为 2000 至 2100 之间的整数年份")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise CalendarFileError("source 应写明发布文件，例如《国务院办公厅关于…年部分节假日安排的通知》")
    raw_holidays = data.get("holidays")
    if not isinstance(raw_holidays, list) or not raw_holidays:
        raise CalendarFileError("holidays 应为非空列表")
    holidays: set[date] = set()
    for i, entry in enumerate(raw_holidays):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("dates"), list) or not entry["dates"]:
            raise CalendarFileError(f'holidays[{i}] 应为 {{"name": …, "dates": [非空日期列表]}}')
        holidays.update(_date(v, year, f"holidays[{i}]") for v in entry["dates"])
    raw_workdays = data.get("workdays", [])
    if not isinstance(raw_workdays, list):
        raise CalendarFileError("workdays 应为日期列表")
    workdays = {_date(v, year, "workdays") for v in raw_workdays}
    both = sorted(holidays & workdays)
    if both:
        raise CalendarFileError(f"{both[0].isoformat()} 不能既是休息日又是调休上班日")
    for day in sorted(workdays):
        if day.weekday() < 5:
            raise CalendarFileError(f"调休上班日 {day.isoformat()} 应为周六或周日")
    return YearSchedule(year=year, holidays=frozenset(holidays), workdays=frozenset(workdays), source=source.strip())


def schedule_to_json(s: YearSchedule) -> dict[str, Any]:
    return {
        "year": s.year,
        "source": s.source,
        "holidays": [{"name": "", "dates": [d.isoformat() for d in sorted(s.holidays)]}],
        "workdays": [d.isoformat() for d in sorted(s.workdays)],
    }


@functools.cache
def builtin_schedules(first_year: int = 2004) -> dict[int, YearSchedule]:
    """The years chinesecalendar knows (its data ends with the last schedule it shipped)."""
    holidays: dict[int, set[date]] = {}
    workdays: dict[int, set[date]] = {}
    for day in chinese_calendar.holidays:
        holidays.setdefault(day.year, set()).add(day)
    for day in chinese_calendar.workdays:
        workdays.setdefault(day.year, set()).add(day)
    return {
        year: YearSchedule(
            year=year,
            holidays=frozenset(days),
            workdays=frozenset(workdays.get(year, set())),
            source=f"chinesecalendar {getattr(chinese_calendar, '__version__', '')}".strip(),
        )
        for year, days in sorted(holidays.items())
        if year >= first_year
    }


class WorkingCalendar:
    """Is a day a working day? Unknown years fall back to Monday–Friday (callers mark results provisional)."""

    def __init__(self, schedules: Mapping[int, YearSchedule]) -> None:
        self._schedules = dict(schedules)

    @classmethod
    def builtin(cls) -> WorkingCalendar:
        return cls(builtin_schedules())

    def with_schedules(self, extra: Iterable[YearSchedule]) -> WorkingCalendar:
        merged = dict(self._schedules)
        merged.update({s.year: s for s in extra})
        return WorkingCalendar(merged)

    def knows(self, year: int) -> bool:
        return year in self._schedules

    def schedule(self, year: int) -> YearSchedule | None:
        return self._schedules.get(year)

    def is_working_day(self, day: date) -> bool:
        schedule = self._schedules.get(day.year)
        if schedule is not None:
            if day in schedule.workdays:
                return True
            if day in schedule.holidays:
                return False
        return day.weekday() < 5
