"""DailyDigest on the time-skipping server with a real worker over a seeded database: one digest row per region
with open cases, of the Shanghai day the workflow runs, replaced (never duplicated) by a second run that day."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from db.tables import case_deadlines, cases, digests
from models.case import DeadlineKind
from models.clock import shanghai_date
from models.digest import DailyDigestInput, DigestSummary
from qingling.services import run_worker
from tests.harness import running_worker
from tests.seeds import seed_case, seed_deadline
from workflows.digest import DailyDigest

K = DeadlineKind


async def seed(sessions: async_sessionmaker[AsyncSession], day: date) -> None:
    """140105: two overdue deadlines on one case, one case on time, finished cases (ignored);
    140106: an open case with nothing overdue; 140107: only a closed case; 140108: two overdue cases."""

    def ago(n: int) -> date:
        return day - timedelta(days=n)

    async with sessions.begin() as s:
        await seed_case(s, "QL-A", case_number="案A", employer_name="恒泰建筑工程有限公司")
        await seed_deadline(s, "QL-A", 0, K.ACCEPTANCE, ago(40), "met", met_at=ago(41))
        await seed_deadline(s, "QL-A", 1, K.PAYMENT_ORDER, ago(3), "overdue")
        await seed_deadline(s, "QL-A", 2, K.CLEAR_3_MONTHS, ago(1), "pending")
        await seed_deadline(s, "QL-A", 3, K.INVESTIGATION, day, "pending")  # its last day is today: not overdue
        await seed_deadline(s, "QL-A", 4, K.SERVICE, ago(9), "cancelled")
        await seed_case(s, "QL-B", stage="ordered")
        await seed_deadline(s, "QL-B", 0, K.PAYMENT_ORDER, day + timedelta(days=5))
        await seed_deadline(s, "QL-B", 1, K.SERVICE, ago(2), "met_late", met_at=ago(1))
        await seed_case(s, "QL-C", stage="closed")
        await seed_deadline(s, "QL-C", 0, K.PAYMENT_ORDER, ago(5), "cancelled")
        await seed_case(s, "QL-D", stage="rejected")
        await seed_deadline(s, "QL-D", 0, K.ACCEPTANCE, ago(5), "overdue")  # a finished case is no one's concern
        await seed_case(s, "QL-E", region_code="140106")
        await seed_deadline(s, "QL-E", 0, K.INVESTIGATION, day + timedelta(days=30))
        await seed_case(s, "QL-F", region_code="140107", stage="closed")
        await seed_case(s, "QL-G", region_code="140108", case_number="案G", employer_name="甲公司")
        await seed_deadline(s, "QL-G", 0, K.ACCEPTANCE, ago(2), "pending")
        await seed_case(s, "QL-H", region_code="140108", case_number="案H", employer_name="乙公司")
        await seed_deadline(s, "QL-H", 0, K.INVESTIGATION, ago(20), "overdue")


async def run_digest(env: WorkflowEnvironment, settings: Settings) -> DigestSummary:
    """Run it and wait for its result with the clock held: awaiting a result otherwise lets the test server
    leap ahead (years), and the digest would be of another day."""
    with env.auto_time_skipping_disabled():
        return await env.client.execute_workflow(
            DailyDigest.run, DailyDigestInput(), id=f"digest-{uuid.uuid4().hex[:8]}", task_queue=settings.task_queue
        )


async def stored(sessions: async_sessionmaker[AsyncSession]) -> dict[tuple[str, date], dict[str, Any]]:
    async with sessions() as s:
        rows = (await s.execute(select(digests))).all()
    return {(r.region_code, r.day): {"created_at": r.created_at, "data": r.data} for r in rows}


async def test_daily_digest_one_row_per_region_and_day(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    day = shanghai_date(await time_skipping_env.get_current_time())
    await seed(sessions, day)
    yesterday = day - timedelta(days=1)
    async with sessions.begin() as s:  # an earlier day's digest is history: never touched
        await s.execute(
            digests.insert().values(region_code="140105", day=yesterday, created_at=datetime.now(UTC), data={"old": 1})
        )

    async with running_worker(time_skipping_env.client, settings, sessions):
        first = await run_digest(time_skipping_env, settings)
        assert first == DigestSummary(day=day, regions=3, overdue_cases=3, overdue_deadlines=4)
        rows = await stored(sessions)
        assert sorted(rows) == [("140105", yesterday), ("140105", day), ("140106", day), ("140108", day)]
        assert rows[("140105", yesterday)]["data"] == {"old": 1}
        assert rows[("140105", day)]["data"] == {
            "day": day.isoformat(),
            "region_code": "140105",
            "overdue": [
                {
                    "case_id": "QL-A",
                    "case_number": "案A",
                    "employer_name": "恒泰建筑工程有限公司",
                    "deadlines": [
                        {
                            "kind": "payment_order",
                            "kind_zh": "限期支付期限",
                            "due": (day - timedelta(days=3)).isoformat(),
                            "days_overdue": 3,
                        },
                        {
                            "kind": "clear_3_months",
                            "kind_zh": "三个月内清零",
                            "due": (day - timedelta(days=1)).isoformat(),
                            "days_overdue": 1,
                        },
                    ],
                }
            ],
            "counts_by_kind": {"clear_3_months": 1, "payment_order": 1},
            "open_cases": 2,
        }
        # nothing overdue is news too
        assert rows[("140106", day)]["data"] == {
            "day": day.isoformat(),
            "region_code": "140106",
            "overdue": [],
            "counts_by_kind": {},
            "open_cases": 1,
        }
        longest_first = rows[("140108", day)]["data"]
        assert [(c["case_id"], c["deadlines"][0]["days_overdue"]) for c in longest_first["overdue"]] == [
            ("QL-H", 20),
            ("QL-G", 2),
        ]
        assert longest_first["counts_by_kind"] == {"acceptance": 1, "investigation": 1}

        # Later the same day: the order is met and 140106's case is closed. A second run replaces the day's rows.
        async with sessions.begin() as s:
            await s.execute(
                update(case_deadlines)
                .where(case_deadlines.c.case_id == "QL-A", case_deadlines.c.kind == "payment_order")
                .values(status="met_late", met_at=day)
            )
            await s.execute(update(cases).where(cases.c.case_id == "QL-E").values(stage="closed"))
        second = await run_digest(time_skipping_env, settings)
        assert second == DigestSummary(day=day, regions=2, overdue_cases=3, overdue_deadlines=3)
        again = await stored(sessions)
        assert sorted(again) == [("140105", yesterday), ("140105", day), ("140108", day)]
        assert again[("140105", day)]["data"]["counts_by_kind"] == {"clear_3_months": 1}
        assert again[("140105", day)]["created_at"] >= rows[("140105", day)]["created_at"]
        assert again[("140108", day)]["data"] == rows[("140108", day)]["data"]

        third = await run_digest(time_skipping_env, settings)  # nothing changed: the same rows again
        assert third == second
        assert {k: v["data"] for k, v in (await stored(sessions)).items()} == {k: v["data"] for k, v in again.items()}


async def test_daily_digest_of_an_empty_database(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with running_worker(time_skipping_env.client, settings, sessions):
        summary = await run_digest(time_skipping_env, settings)
    assert summary.regions == 0 and summary.overdue_cases == 0
    assert await stored(sessions) == {}


async def until_done(handle: WorkflowHandle[Any, Any]) -> None:
    """Wait without letting the shared time-skipping server jump its clock (see tests.harness.finished)."""
    for _ in range(400):
        if (await handle.describe()).status != WorkflowExecutionStatus.RUNNING:
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the workflow did not complete")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_worker_runs_on_when_the_schedule_cannot_be_made(
    time_skipping_env: WorkflowEnvironment,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The time-skipping test server has no schedules (CreateSchedule is unimplemented): a real refusal."""
    caplog.set_level(logging.INFO, logger="qingling.services")
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(settings, stop, time_skipping_env.client))
    try:
        for _ in range(400):
            warned = [r for r in caplog.records if r.name == "qingling.services" and r.levelno == logging.WARNING]
            if warned or worker.done():
                break
            await asyncio.sleep(0.025)
        assert not worker.done()
        assert len(warned) == 1 and "无法创建或更新每日汇总定时任务" in warned[0].getMessage()
        handle = await time_skipping_env.client.start_workflow(
            DailyDigest.run, DailyDigestInput(), id=f"digest-{uuid.uuid4().hex[:8]}", task_queue=settings.task_queue
        )
        await until_done(handle)
        assert (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED
    finally:
        stop.set()
        await asyncio.wait_for(worker, 30)
