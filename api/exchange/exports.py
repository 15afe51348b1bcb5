"""The exports of a user's jurisdiction: the ledger of a region and period, the half-year report (CLI and
console share them)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.exchange import report_sheets
from api.exchange.report_sheets import Period
from db.exchange import ledger_cases, regions_between
from db.reports import clear_to_zero_between
from db.users import User, region_prefix


class NotCovered(PermissionError):
    """The region is outside the user's jurisdiction."""


def _prefixes(user: User, region: str) -> list[str]:
    if not user.covers(region):
        raise NotCovered(f"无权导出行政区划 {region} 的数据")
    return [region_prefix(region)]


async def ledger_workbook(
    sessions: async_sessionmaker[AsyncSession], user: User, region: str, period: Period, today: date
) -> bytes:
    prefixes = _prefixes(user, region)
    start, end = period.instants()
    async with sessions() as s:
        cases = await ledger_cases(s, prefixes, start, end)
    return report_sheets.ledger(cases, region, period, today)


async def half_year_workbook(
    sessions: async_sessionmaker[AsyncSession], user: User, region: str, year: int, half: int, today: date
) -> bytes:
    prefixes = _prefixes(user, region)
    period = report_sheets.half_year_period(year, half)
    start, end = period.instants()
    async with sessions() as s:
        total = await clear_to_zero_between(s, prefixes, start, end, today)
        by_region = [
            (code, await clear_to_zero_between(s, [code], start, end, today))
            for code in await regions_between(s, prefixes, start, end)
        ]
    return report_sheets.half_year_report(by_region, total, region, period)
