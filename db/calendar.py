"""Loaded working-day calendars (one row per year, replacing any earlier load of that year)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import calendar_years
from rules.calendar import WorkingCalendar, YearSchedule, parse_schedule, schedule_to_json


async def working_calendar(session: AsyncSession) -> WorkingCalendar:
    """Built-in years from chinesecalendar, overridden by the years an administrator loaded."""
    rows = (await session.scalars(select(calendar_years.c.data))).all()
    return WorkingCalendar.builtin().with_schedules(parse_schedule(r) for r in rows)


async def store_schedule(session: AsyncSession, schedule: YearSchedule, loaded_at: datetime) -> None:
    await session.execute(delete(calendar_years).where(calendar_years.c.year == schedule.year))
    await session.execute(
        calendar_years.insert().values(
            year=schedule.year, data=schedule_to_json(schedule), source=schedule.source, loaded_at=loaded_at
        )
    )
