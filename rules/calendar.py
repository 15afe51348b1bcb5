"""The working-day calendar as data: built-in years from chinesecalendar, later years loaded by
administrators from the State Council's published schedule (one JSON file a year).

Pure: no clock, no I/O beyond the data bundled with chinesecalendar.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

import chinese_calendar

MIN_YEAR = 2000
MAX_YEAR = 2100
_FILE_KEYS = frozenset({"year", "source", "holidays", "workdays"})
_ENTRY_KEYS = frozenset({"name", "dates"})
# date.fromisoformat also accepts "20270101" and "2027-W01-1"; the file format allows only YYYY-MM-DD.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# chinesecalendar names its holidays in English; inspectors read zh-CN.
_HOLIDAY_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class YearSchedule:
    """One year's days off (法定节假日及其连休，含其中的周末) and adjusted working days (调休上班).

    ``names`` only labels days off for explanations; it takes no part in equality, because the
    stored form may lose it and the dates alone decide every deadline.
    """

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str
    names: Mapping[date, str] = field(default_factory=dict, compare=False, repr=False)


class CalendarFileError(ValueError):
    """A schedule file an administrator tried to load is wrong; the message says how, in zh-CN."""


def _date(value: Any, year: int, where: str) -> date:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise CalendarFileError(f"{where}：日期 {value!r} 格式不正确，应为 YYYY-MM-DD 字符串")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CalendarFileError(f"{where}：日期 {value} 格式不正确，不是有效的日期") from None
    if day.year != year:
        raise CalendarFileError(f"{where}：日期 {value} 不在 {year} 年内")
    return day


def _unknown_keys(data: Mapping[Any, Any], allowed: frozenset[str], where: str) -> None:
    # A misspelt key (e.g. "workday") would otherwise drop adjusted working days without a word.
    extra = sorted(str(k) for k in data if k not in allowed)
    if extra:
        allowed_list = "、".join(sorted(allowed))
        raise CalendarFileError(f"{where}含有未知字段：{'、'.join(extra)}（只允许 {allowed_list}）")


def parse_schedule(data: Mapping[str, Any]) -> YearSchedule:
    """Validate a schedule strictly: a wrong calendar silently shifts every legal deadline."""
    if not isinstance(data, Mapping):
        raise CalendarFileError("日历文件应为 JSON 对象")
    _unknown_keys(data, _FILE_KEYS, "日历文件")
    missing = sorted(_FILE_KEYS - data.keys())
    if missing:
        hint = '没有调休上班日时写 "workdays": []'
        raise CalendarFileError(f"日历文件缺少字段：{'、'.join(missing)}（{hint}）")
    year = data["year"]
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
        raise CalendarFileError(f"year 应为 {MIN_YEAR} 至 {MAX_YEAR} 之间的整数年份，而不是 {year!r}")
    source = data["source"]
    if not isinstance(source, str) or not source.strip():
        raise CalendarFileError("source 应写明发布文件，例如《国务院办公厅关于…年部分节假日安排的通知》")
    raw_holidays = data["holidays"]
    if not isinstance(raw_holidays, list) or not raw_holidays:
        raise CalendarFileError("holidays 应为非空列表，每项写明节日名称和放假日期")
    names: dict[date, str] = {}
    for i, entry in enumerate(raw_holidays):
        where = f"holidays[{i}]"
        if not isinstance(entry, Mapping):
            raise CalendarFileError(f'{where} 应为 {{"name": "节日名称", "dates": [放假日期…]}}')
        _unknown_keys(entry, _ENTRY_KEYS, where)
        name, dates = entry.get("name"), entry.get("dates")
        if not isinstance(name, str):
            raise CalendarFileError(f"{where}.name 应为节日名称字符串")
        if not isinstance(dates, list) or not dates:
            raise CalendarFileError(f"{where}.dates 应为非空的日期列表")
        for j, value in enumerate(dates):
            names.setdefault(_date(value, year, f"{where}.dates[{j}]"), name.strip())
    raw_workdays = data["workdays"]
    if not isinstance(raw_workdays, list):
        raise CalendarFileError("workdays 应为日期列表（没有调休上班日时写 []）")
    workdays = {_date(v, year, f"workdays[{j}]") for j, v in enumerate(raw_workdays)}
    both = sorted(names.keys() & workdays)
    if both:
        raise CalendarFileError(f"{both[0].isoformat()} 不能既是休息日又是调休上班日")
    for day in sorted(workdays):
        if day.weekday() < 5:
            raise CalendarFileError(f"调休上班日 {day.isoformat()} 应为周六或周日（工作日本来就上班）")
    return YearSchedule(
        year=year,
        holidays=frozenset(names),
        workdays=frozenset(workdays),
        source=source.strip(),
        names=MappingProxyType(names),
    )


def schedule_to_json(s: YearSchedule) -> dict[str, Any]:
    """The file format again, so a stored year is re-validated by parse_schedule when read back."""
    groups: dict[str, list[str]] = {}
    for day in sorted(s.holidays):
        groups.setdefault(s.names.get(day, ""), []).append(day.isoformat())
    return {
        "year": s.year,
        "source": s.source,
        "holidays": [{"name": name, "dates": dates} for name, dates in groups.items()],
        "workdays": [d.isoformat() for d in sorted(s.workdays)],
    }


@functools.cache
def _package_schedules() -> tuple[YearSchedule, ...]:
    """Built once: every deadline computation starts from these years."""
    version = getattr(chinese_calendar, "__version__", "")
    source = f"chinesecalendar {version}".strip()
    years = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    return tuple(
        YearSchedule(
            year=year,
            holidays=frozenset(d for d in chinese_calendar.holidays if d.year == year),
            workdays=frozenset(d for d in chinese_calendar.workdays if d.year == year),
            source=source,
            names=MappingProxyType(
                {
                    d: _HOLIDAY_ZH.get(str(name), str(name))
                    for d, name in chinese_calendar.holidays.items()
                    if d.year == year
                }
            ),
        )
        for year in sorted(years)
    )


def builtin_schedules(first_year: int = 2004) -> dict[int, YearSchedule]:
    """The years chinesecalendar knows, from its own data (its last year is its last shipped schedule).

    A fresh dict each call, so no caller can change what the next one sees.
    """
    return {s.year: s for s in _package_schedules() if s.year >= first_year}


class WorkingCalendar:
    """Is a day a working day? Unknown years fall back to Monday–Friday (callers mark results provisional)."""

    def __init__(self, schedules: Mapping[int, YearSchedule]) -> None:
        for year, schedule in schedules.items():
            if schedule.year != year:
                raise ValueError(f"schedule for {schedule.year} filed under {year}")
        self._schedules = dict(schedules)

    @classmethod
    def builtin(cls) -> WorkingCalendar:
        """Only chinesecalendar's years; loaded years are added with :meth:`with_schedules`."""
        return cls(builtin_schedules())

    def with_schedules(self, extra: Iterable[YearSchedule]) -> WorkingCalendar:
        """A new calendar in which each given year replaces what was known for it (later ones win)."""
        merged = dict(self._schedules)
        merged.update({s.year: s for s in extra})
        return WorkingCalendar(merged)

    def knows(self, year: int) -> bool:
        """Whether the year's holiday schedule is known; if not, counts through it are provisional."""
        return year in self._schedules

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(self._schedules))

    def schedule(self, year: int) -> YearSchedule | None:
        return self._schedules.get(year)

    def is_working_day(self, day: date) -> bool:
        """Adjusted working days first, then days off, then the ordinary Monday–Friday week."""
        schedule = self._schedules.get(day.year)
        if schedule is not None:
            if day in schedule.workdays:
                return True
            if day in schedule.holidays:
                return False
        return day.weekday() < 5
