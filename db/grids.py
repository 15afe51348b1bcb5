"""Grids and absences (routing, rules/routing.py): loaded whole from a file, looked up on each intake."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.tables import absences, grid_areas, grids, users
from models.routing import Grid


@dataclass(frozen=True)
class GridRow:
    grid_id: str
    name: str
    inspector_id: str
    deputy_id: str | None
    areas: list[str]


async def replace_all(session: AsyncSession, rows: Sequence[GridRow], loaded_at: datetime) -> None:
    """The grids become exactly ``rows`` (in the caller's transaction: all or nothing)."""
    await session.execute(delete(grid_areas))
    await session.execute(delete(grids))
    for row in rows:
        await session.execute(
            grids.insert().values(
                grid_id=row.grid_id,
                name=row.name,
                inspector_id=row.inspector_id,
                deputy_id=row.deputy_id,
                loaded_at=loaded_at,
            )
        )
        if row.areas:
            await session.execute(grid_areas.insert(), [{"area_code": a, "grid_id": row.grid_id} for a in row.areas])


async def grids_for(session: AsyncSession, codes: Sequence[str]) -> dict[str, Grid]:
    """The grid covering each of ``codes`` that one covers."""
    inspector, deputy = aliased(users), aliased(users)
    stmt = (
        select(
            grid_areas.c.area_code,
            grids.c.grid_id,
            grids.c.name,
            grids.c.inspector_id,
            inspector.c.name.label("inspector_name"),
            grids.c.deputy_id,
            deputy.c.name.label("deputy_name"),
        )
        .join(grids, grids.c.grid_id == grid_areas.c.grid_id)
        .join(inspector, inspector.c.user_id == grids.c.inspector_id)
        .outerjoin(deputy, deputy.c.user_id == grids.c.deputy_id)
        .where(grid_areas.c.area_code.in_(list(codes)))
    )
    return {
        r.area_code: Grid(
            grid_id=r.grid_id,
            name=r.name,
            inspector_id=r.inspector_id,
            inspector_name=r.inspector_name,
            deputy_id=r.deputy_id,
            deputy_name=r.deputy_name,
        )
        for r in await session.execute(stmt)
    }


async def away_on(session: AsyncSession, user_ids: Sequence[str], day: date) -> set[str]:
    a = absences
    stmt = select(a.c.user_id).where(a.c.user_id.in_(list(user_ids)), a.c.starts_on <= day, a.c.ends_on >= day)
    return set((await session.scalars(stmt)).all())


async def record_absence(session: AsyncSession, user_id: str, starts_on: date, ends_on: date) -> None:
    await session.execute(absences.delete().where(absences.c.user_id == user_id, absences.c.starts_on == starts_on))
    await session.execute(absences.insert().values(user_id=user_id, starts_on=starts_on, ends_on=ends_on))


async def all_grids(session: AsyncSession) -> list[tuple[str, str, str, str | None, list[str]]]:
    """(grid id, name, inspector's name, deputy's name, codes) of every grid, by id."""
    inspector, deputy = aliased(users), aliased(users)
    rows = await session.execute(
        select(grids.c.grid_id, grids.c.name, inspector.c.name.label("i"), deputy.c.name.label("d"))
        .join(inspector, inspector.c.user_id == grids.c.inspector_id)
        .outerjoin(deputy, deputy.c.user_id == grids.c.deputy_id)
        .order_by(grids.c.grid_id)
    )
    areas: dict[str, list[str]] = {}
    for code, grid_id in await session.execute(select(grid_areas.c.area_code, grid_areas.c.grid_id)):
        areas.setdefault(grid_id, []).append(code)
    return [(r.grid_id, r.name, r.i, r.d, sorted(areas.get(r.grid_id, []))) for r in rows]
