"""Deadline computation: the calendar is data (built-in + loaded years), so it lives in an activity."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from db.tables import calendar_years
from models.activities import COMPUTE_DEADLINE, ComputeDeadlineInput
from models.case import Deadline, DeadlineKind
from rules.calendar import WorkingCalendar, parse_schedule
from rules.deadlines import service_deadline, working_deadline

log = logging.getLogger(__name__)


async def load_calendar(sessions: async_sessionmaker[AsyncSession]) -> WorkingCalendar:
    """Built-in years from chinesecalendar, overridden by the years an administrator loaded."""
    async with sessions() as session:
        rows = (await session.scalars(select(calendar_years.c.data))).all()
    return WorkingCalendar.builtin().with_schedules(parse_schedule(r) for r in rows)


def _default_service_days(region_code: str | None) -> int:
    return 3


class CalendarActivities:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        service_days: Callable[[str | None], int] = _default_service_days,
    ) -> None:
        self._sessions = sessions
        self._service_days = service_days
        """Bureau configuration: calendar days allowed to serve an order, by the case's region."""

    @activity.defn(name=COMPUTE_DEADLINE)
    async def compute_deadline(self, inp: ComputeDeadlineInput) -> Deadline:
        if inp.kind == DeadlineKind.SERVICE:
            return service_deadline(inp.start, self._service_days(inp.region_code))
        cal = await load_calendar(self._sessions)
        deadline = working_deadline(cal, inp.kind, inp.start)
        if deadline.provisional:
            log.warning(
                "期限 %s 落入尚未载入节假日安排的年份，暂按周末计算（provisional）：到期日 %s；"
                "请管理员用 `qingling calendar load` 载入国务院公布的安排",
                inp.kind.value,
                deadline.due,
            )
        return deadline
