"""Workload per inspector and the regional queue (routing), from the read model's columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.cases import jurisdiction
from db.tables import cases, users
from models.case import TERMINAL_STAGES


@dataclass(frozen=True)
class Load:
    user_id: str
    name: str
    open_cases: int
    overdue_cases: int
    received_this_month: int


async def workload(
    session: AsyncSession, prefixes: list[str] | None, today: date, month_start: datetime
) -> tuple[list[Load], list[Any]]:
    """Each assignee's open cases (those with a deadline past due among them) and the cases received this month;
    and the queue: open cases nobody is assigned, oldest first (at most 200)."""
    scope: list[Any] = [cases.c.stage.not_in([s.value for s in TERMINAL_STAGES])]
    region = jurisdiction(prefixes)
    if region is not None:
        scope.append(region)
    per = await session.execute(
        select(
            cases.c.assignee,
            users.c.name,
            func.count().label("open"),
            func.coalesce(func.sum(case((cases.c.next_due < today, 1), else_=0)), 0).label("overdue"),
            func.coalesce(func.sum(case((cases.c.received_at >= month_start, 1), else_=0)), 0).label("month"),
        )
        .join(users, users.c.user_id == cases.c.assignee)
        .where(*scope, cases.c.assignee.is_not(None))
        .group_by(cases.c.assignee, users.c.name)
        .order_by(func.count().desc(), users.c.name)
    )
    loads = [Load(r.assignee, r.name, int(r.open), int(r.overdue), int(r.month)) for r in per]
    queue = (
        await session.execute(
            select(cases.c.case_id, cases.c.region_code, cases.c.employer_name, cases.c.received_at, cases.c.stage)
            .where(*scope, cases.c.assignee.is_(None))
            .order_by(cases.c.received_at, cases.c.case_id)
            .limit(200)
        )
    ).all()
    return loads, list(queue)
