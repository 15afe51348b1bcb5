"""The daily digest (每日逾期汇总): one row per region with open cases, of what is overdue, in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from db.reminders import OverdueDeadline, open_cases_by_region, overdue_deadlines, store_digests
from models.clock import shanghai_date
from models.digest import (
    MAKE_DIGESTS,
    Digest,
    DigestCase,
    DigestDeadline,
    DigestSummary,
    MakeDigestsInput,
    deadline_zh,
)

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def build_digests(day: date, open_cases: dict[str, int], overdue: list[OverdueDeadline]) -> dict[str, Digest]:
    """Each region's digest: every region with open cases (one with nothing overdue too: that is news), its
    overdue cases and deadlines the longest overdue first."""
    by_case: dict[tuple[str, str], DigestCase] = {}
    counts: dict[str, dict[str, int]] = {}
    for d in overdue:
        case = by_case.setdefault(
            (d.region_code, d.case_id),
            DigestCase(case_id=d.case_id, case_number=d.case_number, employer_name=d.employer_name, deadlines=[]),
        )
        case.deadlines.append(
            DigestDeadline(kind=d.kind, kind_zh=deadline_zh(d.kind), due=d.due, days_overdue=(day - d.due).days)
        )
        region_counts = counts.setdefault(d.region_code, {})
        region_counts[d.kind] = region_counts.get(d.kind, 0) + 1
    result = {
        region: Digest(
            day=day, region_code=region, open_cases=n, counts_by_kind=dict(sorted(counts.get(region, {}).items()))
        )
        for region, n in sorted(open_cases.items())
    }
    for (region, _), case in by_case.items():
        case.deadlines.sort(key=lambda x: (x.due, x.kind))
        digest = result.get(region)
        if digest is None:  # a (backdated) case registered between the count and this read
            digest = result[region] = Digest(day=day, region_code=region, open_cases=0, counts_by_kind=counts[region])
        digest.overdue.append(case)
    for digest in result.values():
        digest.overdue.sort(key=lambda c: (c.deadlines[0].due, c.case_id))
        digest.open_cases = max(digest.open_cases, len(digest.overdue))
    return result


class DigestActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Callable[[], datetime] = _utc_now) -> None:
        self._sessions = sessions
        self._clock = clock
        """When a digest row is written (its ``created_at``)."""

    @activity.defn(name=MAKE_DIGESTS)
    async def make_digests(self, inp: MakeDigestsInput) -> DigestSummary:
        """The digests of the Shanghai date of ``inp.at``: written whole or not at all, and a second run of the
        same day replaces the first's rows (one per region)."""
        day = shanghai_date(inp.at)
        async with self._sessions.begin() as session:
            made = build_digests(day, await open_cases_by_region(session), await overdue_deadlines(session, day))
            data = {region: d.model_dump(mode="json") for region, d in made.items()}
            await store_digests(session, day, self._clock(), data)
        summary = DigestSummary(
            day=day,
            regions=len(made),
            overdue_cases=sum(len(d.overdue) for d in made.values()),
            overdue_deadlines=sum(sum(d.counts_by_kind.values()) for d in made.values()),
        )
        log.info(
            "每日汇总 %s：%d 个地区，%d 件案件逾期（%d 项期限）",
            day,
            summary.regions,
            summary.overdue_cases,
            summary.overdue_deadlines,
        )
        return summary
