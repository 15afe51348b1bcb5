"""What the worker keeps in place on Temporal: the daily digest's Schedule (每日逾期汇总, each morning, Shanghai
time) and the one shared clock (workflows/shared_clock.py)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleHandle,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.common import WorkflowIDConflictPolicy

from config.settings import Settings
from models.digest import DailyDigestInput
from models.shared_clock import SHARED_CLOCK_ID, SharedClockInput
from workflows.digest import DailyDigest
from workflows.shared_clock import SharedClock

DIGEST_SCHEDULE_ID = "qingling-daily-digest"
DIGEST_TIME_ZONE = "Asia/Shanghai"
DIGEST_CATCHUP = timedelta(hours=6)
"""A run missed while Temporal was down is still made if it comes back within this (the same morning); older
misses are dropped: a run computes the digest of the day it runs, so catching up on days gone would only
write today's digest again."""
DIGEST_RUN_TIMEOUT = timedelta(hours=1)


def digest_schedule(settings: Settings) -> Schedule:
    """The schedule as this code wants it: DailyDigest on the settings' task queue, daily at the settings'
    ``digest_hour`` (07:00 Asia/Shanghai by default, before the working day starts)."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            DailyDigest.run,
            DailyDigestInput(),
            id=DIGEST_SCHEDULE_ID,
            task_queue=settings.task_queue,
            execution_timeout=DIGEST_RUN_TIMEOUT,
        ),
        spec=ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(
                    hour=[ScheduleRange(settings.digest_hour)],
                    minute=[ScheduleRange(0)],
                    second=[ScheduleRange(0)],
                    comment="每日逾期汇总",
                )
            ],
            time_zone_name=DIGEST_TIME_ZONE,
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=DIGEST_CATCHUP),
        state=ScheduleState(note="每日逾期汇总（由 worker 启动时创建或更新）"),
    )


async def ensure_digest_schedule(client: Client, settings: Settings) -> ScheduleHandle:
    """Create the daily digest's schedule, or bring an existing one up to date (its spec, action and policy;
    a pause an operator set stays as it is). Safe to call from every worker at every start."""
    wanted = digest_schedule(settings)
    try:
        return await client.create_schedule(DIGEST_SCHEDULE_ID, wanted)
    except ScheduleAlreadyRunningError:
        pass

    def update(current: ScheduleUpdateInput) -> ScheduleUpdate:
        return ScheduleUpdate(schedule=dataclasses.replace(wanted, state=current.description.schedule.state))

    handle = client.get_schedule_handle(DIGEST_SCHEDULE_ID)
    await handle.update(update)
    return handle


async def ensure_shared_clock(client: Client, settings: Settings) -> None:
    """Start the one shared clock (workflows/shared_clock.py) unless it runs already; safe at every start."""
    await client.start_workflow(
        SharedClock.run,
        SharedClockInput(),
        id=SHARED_CLOCK_ID,
        task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
