"""Asia/Shanghai as a fixed UTC+8 offset.

China has observed no daylight saving since 1991, so a fixed offset is exact for every date a
case can carry, and it needs no tz database, which keeps it safe inside the workflow sandbox.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, WithJsonSchema

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def shanghai_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def to_shanghai(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


# --- Dates and times as they arrive from outside (the API edge) -------------------------------------

RECORDS_BEGIN = date(2004, 12, 1)
"""《劳动保障监察条例》 in force: no complaint, payment or service the system records happened before."""

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}.*")
_DATETIME_FORMAT = "时间应为 ISO 8601 格式的字符串，例如 2026-11-20T10:00:00+08:00"
_DATE_FORMAT = "日期应为 YYYY-MM-DD 格式的字符串，例如 2026-06-01"


def _edge_datetime_input(value: Any) -> Any:
    """A datetime from code, or an ISO 8601 string: never a number (seconds since an epoch)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATETIME.fullmatch(value):
        return value
    raise ValueError(_DATETIME_FORMAT)


def _edge_datetime_range(value: datetime) -> datetime:
    # compare calendar dates before converting: year 1 (or 9999) with an offset cannot even be converted
    if value.year > 9000:
        raise ValueError("时间超出允许范围，请核对")
    if value.date() < RECORDS_BEGIN - timedelta(days=1) or value.astimezone(SHANGHAI).date() < RECORDS_BEGIN:
        raise ValueError("时间不能早于2004年12月1日（《劳动保障监察条例》施行之日），请核对")
    return value


def _edge_date_input(value: Any) -> Any:
    """A date from code, or a ``YYYY-MM-DD`` string: never a number or a date-time."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise ValueError(_DATE_FORMAT)


EdgeDatetime = Annotated[
    AwareDatetime,
    BeforeValidator(_edge_datetime_input),
    AfterValidator(_edge_datetime_range),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2026-11-20T10:00:00+08:00"]}),
]
"""A moment submitted by a person: an ISO 8601 string with an offset, not before 2004-12-01."""

EdgeDate = Annotated[
    date,
    BeforeValidator(_edge_date_input),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2026-06-01"]}),
]
"""A calendar date submitted by a person: a ``YYYY-MM-DD`` string."""
