"""Read-model queries of the Excel exports (api/exchange): the ledger's cases and the regions of a period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.cases import ListedCase, jurisdiction, slim_state, with_shared
from db.tables import cases
from models.case import CaseState
from models.stored import STORED


async def ledger_cases(
    session: AsyncSession, prefixes: list[str] | None, start: datetime, end: datetime
) -> list[ListedCase]:
    """Every case received in [start, end) under the region prefixes, oldest first, without workers and payments
    (their counts and totals come from the row's columns)."""
    scope = [cases.c.received_at >= start, cases.c.received_at < end]
    region = jurisdiction(prefixes)
    if region is not None:
        scope.append(region)
    dialect = session.get_bind().dialect.name
    rows = (
        await session.execute(
            select(
                slim_state(dialect), cases.c.worker_count, cases.c.owed_fen, cases.c.paid_fen, cases.c.outstanding_fen
            )
            .where(*scope)
            .order_by(cases.c.received_at, cases.c.case_id)
        )
    ).all()
    states = await with_shared(session, [CaseState.model_validate_json(r.state, context=STORED) for r in rows])
    return [
        ListedCase(s, r.worker_count, r.owed_fen, r.paid_fen, r.outstanding_fen)
        for s, r in zip(states, rows, strict=True)
    ]


async def regions_between(
    session: AsyncSession, prefixes: list[str] | None, start: datetime, end: datetime
) -> list[str]:
    """The county codes with cases received in [start, end) under the prefixes."""
    scope = [cases.c.received_at >= start, cases.c.received_at < end]
    region = jurisdiction(prefixes)
    if region is not None:
        scope.append(region)
    found = await session.scalars(select(cases.c.region_code).where(*scope).distinct().order_by(cases.c.region_code))
    return list(found)
