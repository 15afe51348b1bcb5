"""Loaded working-day calendars (one row per year, replacing any earlier load of that year)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from db.tables import calendar_years
from rules.calendar import YearSchedule, schedule_to_json


async def store_schedule(session: AsyncSession, schedule: YearSchedule, loaded_at: datetime) -> None:
    await session.execute(delete(calendar_years).where(calendar_years.c.year == schedule.year))
    await session.execute(
        calendar_years.insert().values(
            year=schedule.year, data=schedule_to_json(schedule), source=schedule.source, loaded_at=loaded_at
        )
    )
