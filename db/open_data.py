"""Open data (models/open_data.py, docs/open-data.md): concluded cases as anonymous rows, and figures per county and
month. Reads columns and three JSON fields (industry, close reason, received) — never workers, parties or ids."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.cases import from_fen
from db.tables import cases, tracks
from models.case import INDUSTRY_ZH, Industry
from models.clock import SHANGHAI
from models.open_data import OUTCOME_ZH, SUPPRESS_BELOW, OpenAggregate, OpenCase
from models.tracks import BlacklistStatus, ReferralStatus, TrackKind
from rules.calendar import WorkingCalendar

LISTED = [BlacklistStatus.LISTED.value, BlacklistStatus.REMOVED.value, BlacklistStatus.EXPIRED.value]
NOT_YET_REFERRED = [
    ReferralStatus.AWAITING_APPROVAL.value,
    ReferralStatus.REFUSED.value,
    ReferralStatus.APPROVED.value,
]


@dataclass(frozen=True)
class Scope:
    prefix: str | None
    """A region-code prefix (2, 4 or 6 digits), or None for everywhere."""
    start: datetime
    end: datetime
    """Concluded in [start, end)."""


def _where(scope: Scope) -> list[Any]:
    terms = [cases.c.closed_at.is_not(None), cases.c.closed_at >= scope.start, cases.c.closed_at < scope.end]
    if scope.prefix:
        terms.append(cases.c.region_code.startswith(scope.prefix))
    return terms


def _track(kind: TrackKind, *terms: Any) -> Any:
    t = tracks
    return exists(select(t.c.track_id).where(t.c.case_id == cases.c.case_id, t.c.kind == kind.value, *terms))


def _columns(today: date) -> list[Any]:
    t = tracks
    public = _track(TrackKind.BLACKLIST, t.c.status == BlacklistStatus.LISTED.value, t.c.term_end > today)
    return [
        cases.c.region_code,
        cases.c.received_at,
        cases.c.closed_at,
        cases.c.stage,
        cases.c.worker_count,
        cases.c.owed_fen,
        cases.c.paid_fen,
        cases.c.state["employer"]["industry"].as_string().label("industry"),
        cases.c.state["close_reason"].as_string().label("close_reason"),
        _track(TrackKind.BLACKLIST, t.c.status.in_(LISTED)).label("listed"),
        _track(TrackKind.REFERRAL, t.c.status.not_in(NOT_YET_REFERRED)).label("referred"),
        (cases.c.published_at.is_not(None) | public).label("public"),
        cases.c.employer_name,
    ]


def _month(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m")


def _working_days(calendar: WorkingCalendar, start: date, end: date) -> int:
    days, day = 0, start
    while day < end:
        day = date.fromordinal(day.toordinal() + 1)
        days += calendar.is_working_day(day)
    return days


def _outcome(row: Any) -> str:
    if row.stage == "rejected":
        return "rejected"
    return (
        row.close_reason if row.close_reason in OUTCOME_ZH else "cleared" if row.paid_fen >= row.owed_fen else "other"
    )


def open_case(row: Any, calendar: WorkingCalendar) -> OpenCase:
    industry = Industry(row.industry) if row.industry in Industry.__members__ else None
    outcome = _outcome(row)
    return OpenCase(
        county=row.region_code[:6],
        industry=industry.value if industry else None,
        industry_zh=INDUSTRY_ZH[industry] if industry else None,
        received_month=_month(row.received_at),
        concluded_month=_month(row.closed_at),
        workers=row.worker_count,
        owed=f"{from_fen(row.owed_fen):.2f}",
        recovered=f"{from_fen(row.paid_fen):.2f}",
        working_days=_working_days(
            calendar, row.received_at.astimezone(SHANGHAI).date(), row.closed_at.astimezone(SHANGHAI).date()
        ),
        outcome=outcome,
        outcome_zh=OUTCOME_ZH.get(outcome, "其他"),
        listed=bool(row.listed),
        referred=bool(row.referred),
        employer_name=row.employer_name if row.public else None,
    )


async def concluded_page(
    session: AsyncSession, scope: Scope, offset: int, limit: int, today: date, calendar: WorkingCalendar
) -> tuple[list[OpenCase], bool]:
    """A page of concluded cases in (closed_at, case_id) order; whether more follow."""
    stmt = (
        select(*_columns(today))
        .where(*_where(scope))
        .order_by(cases.c.closed_at, cases.c.case_id)
        .offset(offset)
        .limit(limit + 1)
    )
    rows = (await session.execute(stmt)).all()
    return [open_case(r, calendar) for r in rows[:limit]], len(rows) > limit


async def all_concluded(
    session: AsyncSession, scope: Scope, today: date, calendar: WorkingCalendar, batch: int = 1000
) -> AsyncIterator[OpenCase]:
    offset = 0
    while True:
        page, more = await concluded_page(session, scope, offset, batch, today, calendar)
        for item in page:
            yield item
        if not more:
            return
        offset += batch


@dataclass
class _Cell:
    cases: int = 0
    workers: int = 0
    owed_fen: int = 0
    paid_fen: int = 0
    listed: int = 0
    referred: int = 0


def _shown(county: str, month: str | None, cell: _Cell, hidden: bool) -> OpenAggregate:
    if hidden:
        return OpenAggregate(
            county=county,
            month=month,
            suppressed=True,
            cases=None,
            workers=None,
            owed=None,
            recovered=None,
            listed=None,
            referred=None,
        )
    return OpenAggregate(
        county=county,
        month=month,
        suppressed=False,
        cases=cell.cases,
        workers=cell.workers,
        owed=f"{from_fen(cell.owed_fen):.2f}",
        recovered=f"{from_fen(cell.paid_fen):.2f}",
        listed=cell.listed,
        referred=cell.referred,
    )


async def aggregates(session: AsyncSession, scope: Scope, today: date) -> list[OpenAggregate]:
    """Per county and month of conclusion, then the total. A cell of fewer than SUPPRESS_BELOW cases is hidden; when
    only one cell would be hidden, the next smallest is hidden with it, so no hidden cell is the total minus the
    shown ones (complementary suppression). A total under the threshold is hidden too."""
    t = tracks
    stmt = select(
        cases.c.region_code,
        cases.c.closed_at,
        cases.c.worker_count,
        cases.c.owed_fen,
        cases.c.paid_fen,
        _track(TrackKind.BLACKLIST, t.c.status.in_(LISTED)).label("listed"),
        _track(TrackKind.REFERRAL, t.c.status.not_in(NOT_YET_REFERRED)).label("referred"),
    ).where(*_where(scope))
    cells: dict[tuple[str, str], _Cell] = {}
    total = _Cell()
    for row in await session.execute(stmt):
        for cell in (cells.setdefault((row.region_code[:6], _month(row.closed_at)), _Cell()), total):
            cell.cases += 1
            cell.workers += row.worker_count
            cell.owed_fen += row.owed_fen
            cell.paid_fen += row.paid_fen
            cell.listed += bool(row.listed)
            cell.referred += bool(row.referred)
    hidden = {k for k, c in cells.items() if c.cases < SUPPRESS_BELOW}
    if len(hidden) == 1 and len(cells) > 1:
        shown = sorted((c.cases, k) for k, c in cells.items() if k not in hidden)
        hidden.add(shown[0][1])
    out = [_shown(county, month, cells[(county, month)], (county, month) in hidden) for county, month in sorted(cells)]
    out.append(_shown("", None, total, total.cases < SUPPRESS_BELOW))
    return out
