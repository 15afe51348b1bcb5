"""End to end: the daily digest's Temporal Schedule on the real dev server. The worker (run_worker, in this
process) puts the schedule in place, a second call updates it without failing (an operator's pause stays), and
one triggered run writes the day's digest."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client, ScheduleActionStartWorkflow, ScheduleHandle, ScheduleRange
from temporalio.service import RPCError, RPCStatusCode

from config.settings import Settings
from config.temporal import dev_server_argv
from db.devcluster import free_port
from db.migrate import upgrade
from db.session import make_engine, make_session_factory
from db.tables import digests
from models.case import DeadlineKind
from models.clock import shanghai_date
from qingling.schedules import DIGEST_SCHEDULE_ID, ensure_digest_schedule
from qingling.services import connect_with_retry, run_worker
from tests.seeds import seed_case, seed_deadline

pytestmark = pytest.mark.e2e


@pytest.fixture
async def temporal(tmp_path: Path) -> AsyncIterator[Settings]:
    """A dev server of this test's own (schedules live in it) and the settings to reach it."""
    port = free_port()
    log = (tmp_path / "temporal.log").open("ab")
    proc = subprocess.Popen(dev_server_argv(port, tmp_path / "temporal.db"), stdout=log, stderr=subprocess.STDOUT)
    try:
        yield Settings(
            temporal_address=f"127.0.0.1:{port}",
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'qingling.db'}",
            notice_dir=tmp_path / "notices",
            var_dir=tmp_path,
            task_queue="e2e-digest",
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


async def described(handle: ScheduleHandle, timeout: float = 30) -> None:
    """Wait until the schedule exists (the worker makes it beside its start-up)."""
    end = time.monotonic() + timeout
    while True:
        try:
            await handle.describe()
            return
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND or time.monotonic() > end:
                raise
        await asyncio.sleep(0.1)


async def digest_days(engine: AsyncEngine, timeout: float = 60) -> list[tuple[str, str]]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        async with engine.connect() as conn:
            rows = (await conn.execute(select(digests.c.region_code, digests.c.day))).all()
        if rows:
            return [(r.region_code, r.day.isoformat()) for r in rows]
        await asyncio.sleep(0.1)
    raise TimeoutError("no digest was written")


async def test_the_worker_keeps_the_digest_schedule(temporal: Settings) -> None:
    settings = temporal
    engine = make_engine(settings.database_url)
    await upgrade(engine)
    today = shanghai_date(datetime.now(UTC))
    async with make_session_factory(engine).begin() as s:
        await seed_case(s, "QL-E2E-1")
        await seed_deadline(s, "QL-E2E-1", 0, DeadlineKind.PAYMENT_ORDER, today - timedelta(days=3), "overdue")

    client: Client = await connect_with_retry(settings)
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(settings, stop, client))
    try:
        handle = client.get_schedule_handle(DIGEST_SCHEDULE_ID)
        await described(handle)
        desc = await handle.describe()
        spec = desc.schedule.spec
        assert spec.time_zone_name == "Asia/Shanghai"
        (calendar,) = spec.calendars
        assert (list(calendar.hour), list(calendar.minute)) == (
            [ScheduleRange(settings.digest_hour)],
            [ScheduleRange(0)],
        )
        action = desc.schedule.action
        assert isinstance(action, ScheduleActionStartWorkflow)
        assert (action.workflow, action.task_queue) == ("DailyDigest", "e2e-digest")
        assert desc.info.next_action_times  # it is due to run
        assert shanghai_date(desc.info.next_action_times[0]) >= today
        assert desc.info.next_action_times[0].astimezone(UTC).hour == (settings.digest_hour - 8) % 24

        # A worker started again finds the schedule there: it updates it, and keeps an operator's pause.
        await handle.pause(note="运维暂停")
        await ensure_digest_schedule(client, settings)
        again = await handle.describe()
        assert again.schedule.state.paused and again.schedule.spec.time_zone_name == "Asia/Shanghai"
        await handle.unpause()

        await handle.trigger()
        assert await digest_days(engine) == [("140105", today.isoformat())]
        async with engine.connect() as conn:
            data = (await conn.execute(select(digests.c.data))).scalar_one()
        assert [c["case_id"] for c in data["overdue"]] == ["QL-E2E-1"]
        assert data["overdue"][0]["deadlines"][0]["days_overdue"] == 3
    finally:
        stop.set()
        await asyncio.wait_for(worker, 30)
        await engine.dispose()
