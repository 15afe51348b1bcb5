"""Reports over the read model: the three clear-to-zero (三个清零) progress figures.

The same figures on SQLite and PostgreSQL: the year is a range of UTC instants (Asia/Shanghai midnights,
see ``year_span``), never a database's date function; statuses come from ``case_deadlines`` (rewritten
with each case by db.cases.save_case), stages and amounts from the ``cases`` columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.cases import OPEN_DEADLINE_STATUSES, jurisdiction
from db.tables import case_deadlines, cases
from models.case import TERMINAL_STAGES, DeadlineKind, DeadlineStatus, Stage
from models.clock import SHANGHAI

RATE_PLACES = Decimal("0.0001")
CLEARED_REASON = "cleared"
"""``CaseState.close_reason`` of a case closed because its arrears were paid (CloseBody.reason)."""


def year_span(year: int) -> tuple[datetime, datetime]:
    """The instants of a calendar year in Asia/Shanghai: [Jan 1 00:00 +08:00, next Jan 1 00:00 +08:00)."""
    return datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


def rate(part: int, whole: int) -> Decimal | None:
    """part / whole to 4 places (half up); None when there is nothing to divide by."""
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ClearToZeroFigures:
    """Over the cases received (Asia/Shanghai date) in one year and region."""

    received: int
    rejected: int
    still_open: int
    """Stage neither closed nor rejected (a cleared case not yet closed is open)."""
    cleared_total: int
    """Stage cleared, or closed with close_reason cleared."""
    met: dict[DeadlineKind, int]
    """Cases with a deadline of the kind met on time (status met; met_late not counted)."""
    counted: dict[DeadlineKind, int]
    """Cases with a deadline of the kind that was not cancelled (the rates' denominators)."""
    overdue: dict[DeadlineKind, int]
    """Open cases with a deadline of the kind still open (pending or overdue) and due before ``today``."""
    owed_fen: int
    paid_fen: int
    outstanding_fen: int
    """The three amounts over every case but the rejected ones."""


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum_unless_rejected(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((cases.c.stage != Stage.REJECTED.value, column), else_=0)), 0)


def _cases_of_kind(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """How many cases (each once) have a deadline row meeting ``condition``, within a group by kind."""
    return func.count(case((condition, case_deadlines.c.case_id)).distinct())


async def clear_to_zero(
    session: AsyncSession, prefixes: list[str] | None, year: int, today: date
) -> ClearToZeroFigures:
    """The figures over cases received in ``year`` under the region prefixes (db.users.region_prefix: 2, 4
    or 6 digits; None: every region). Two queries: one over the cases, one over their deadlines by kind."""
    start, end = year_span(year)
    return await clear_to_zero_between(session, prefixes, start, end, today)


def half_year_span(year: int, half: int) -> tuple[datetime, datetime]:
    """The instants of a half year in Asia/Shanghai: H1 Jan 1–Jun 30, H2 Jul 1–Dec 31 (the reports' periods)."""
    if half == 1:
        return datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year, 7, 1, tzinfo=SHANGHAI)
    return datetime(year, 7, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


async def clear_to_zero_between(
    session: AsyncSession, prefixes: list[str] | None, start: datetime, end: datetime, today: date
) -> ClearToZeroFigures:
    """The figures over cases received in [start, end) under the region prefixes (None: every region)."""
    scope: list[ColumnElement[bool]] = [cases.c.received_at >= start, cases.c.received_at < end]
    region = jurisdiction(prefixes)
    if region is not None:
        scope.append(region)
    stage = cases.c.stage
    terminal = sorted(s.value for s in TERMINAL_STAGES)
    # the close reason lives in the state's JSON only: read it for closed cases alone (CASE keeps the order)
    close_reason = cases.c.state["close_reason"].as_string()
    cleared = case(
        (stage == Stage.CLEARED.value, 1),
        (stage == Stage.CLOSED.value, case((close_reason == CLEARED_REASON, 1), else_=0)),
        else_=0,
    )
    totals = (
        await session.execute(
            select(
                func.count().label("received"),
                _count_if(stage == Stage.REJECTED.value).label("rejected"),
                _count_if(stage.not_in(terminal)).label("still_open"),
                func.coalesce(func.sum(cleared), 0).label("cleared"),
                _sum_unless_rejected(cases.c.owed_fen).label("owed"),
                _sum_unless_rejected(cases.c.paid_fen).label("paid"),
                _sum_unless_rejected(cases.c.outstanding_fen).label("outstanding"),
            ).where(*scope)
        )
    ).one()

    d = case_deadlines
    by_kind = await session.execute(
        select(
            d.c.kind,
            _cases_of_kind(d.c.status == DeadlineStatus.MET.value).label("met"),
            _cases_of_kind(d.c.status != DeadlineStatus.CANCELLED.value).label("counted"),
            _cases_of_kind(and_(d.c.status.in_(OPEN_DEADLINE_STATUSES), d.c.due < today, stage.not_in(terminal))).label(
                "overdue"
            ),
        )
        .select_from(d.join(cases, d.c.case_id == cases.c.case_id))
        .where(*scope)
        .group_by(d.c.kind)
    )
    met: dict[DeadlineKind, int] = dict.fromkeys(DeadlineKind, 0)
    counted: dict[DeadlineKind, int] = dict.fromkeys(DeadlineKind, 0)
    overdue: dict[DeadlineKind, int] = dict.fromkeys(DeadlineKind, 0)
    for row in by_kind:
        try:
            kind = DeadlineKind(row.kind)
        except ValueError:  # a kind this version no longer knows: not one of the report's
            continue
        met[kind], counted[kind], overdue[kind] = int(row.met), int(row.counted), int(row.overdue)
    return ClearToZeroFigures(
        received=int(totals.received),
        rejected=int(totals.rejected),
        still_open=int(totals.still_open),
        cleared_total=int(totals.cleared),
        met=met,
        counted=counted,
        overdue=overdue,
        owed_fen=int(totals.owed),
        paid_fen=int(totals.paid),
        outstanding_fen=int(totals.outstanding),
    )
