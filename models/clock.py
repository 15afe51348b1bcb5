"""Asia/Shanghai as a fixed UTC+8 offset.

China has observed no daylight saving since 1991, so a fixed offset is exact for every date a
case can carry, and it needs no tz database, which keeps it safe inside the workflow sandbox.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def shanghai_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def to_shanghai(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)
