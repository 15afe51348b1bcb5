"""SharedClock: one durable timer per shared day, for every case at once.

Every case received in a year falls due for ``clear_year_end`` and ``clear_before_new_year`` at the end of
Dec 31, and for ``clear_before_spring_festival`` on the eve of the next Spring Festival: the same moments for
thousands of cases (models.case.SHARED_KINDS). Cases started with ``shared_clock`` leave those to this
workflow (one, id ``qingling-shared-clock``): it sleeps until the next such moment (warning day, due, level 2
— from the calendar, by an activity), then raises in bulk what has come for every open case
(activities/shared_clock.py). bench/bench_herd.py measures it against one timer per case.

Signals: ``fire`` raises what is due now (an operator's campaign day, or a test); ``calendar_loaded``
re-reads the moments (a holiday schedule moved them).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.shared_clock import (
        RAISE_SHARED,
        SHARED_CLOCK,
        SHARED_MOMENTS,
        RaiseSharedInput,
        SharedClockInput,
        SharedMomentsInput,
        SharedRaised,
    )
    from workflows.options import ACTIVITY_TIMEOUT, RETRY

SWEEP_TIMEOUT = timedelta(minutes=30)
SWEEP_HEARTBEAT = timedelta(seconds=30)
"""The worker heartbeats for the sweep while it runs (qingling/heartbeat.py): a dead worker's sweep is
taken up by another after this long. Longer than an ordinary activity's: a sweep over 10,000 cases runs
for seconds and does heavier work between its awaits."""


@workflow.defn(name=SHARED_CLOCK)
class SharedClock:
    def __init__(self) -> None:
        self._fire: list[datetime] = []
        self._reread = False

    @workflow.run
    async def run(self, inp: SharedClockInput) -> None:
        done_until = inp.done_until or workflow.now()
        while not workflow.info().is_continue_as_new_suggested():
            moments: list[datetime] = await workflow.execute_local_activity(
                SHARED_MOMENTS,
                SharedMomentsInput(after=done_until),
                result_type=list[datetime],
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=RETRY,
            )
            self._reread = False
            wait = (moments[0] - workflow.now()).total_seconds() if moments else None
            at: datetime | None = None
            if wait is None or wait > 0:
                try:
                    await workflow.wait_condition(
                        lambda: bool(self._fire) or self._reread,
                        timeout=None if wait is None else timedelta(seconds=math.ceil(wait)),
                    )
                except TimeoutError:
                    at = workflow.now()
                if at is None and not self._fire:
                    continue  # re-read the moments
            else:
                at = workflow.now()  # a moment missed (the worker was down): everything due by now
            if self._fire:
                at = max(self._fire.pop(0), at or done_until)
            assert at is not None
            await workflow.execute_activity(
                RAISE_SHARED,
                RaiseSharedInput(at=at),
                result_type=SharedRaised,
                start_to_close_timeout=SWEEP_TIMEOUT,
                heartbeat_timeout=SWEEP_HEARTBEAT,
                retry_policy=RETRY,
            )
            done_until = max(done_until, at)
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(SharedClockInput(done_until=done_until))

    @workflow.signal
    def fire(self, at: datetime | None = None) -> None:
        """Raise now what is due at ``at`` (default: now) — a campaign day, or a catch-up after an outage."""
        self._fire.append(at or workflow.now())

    @workflow.signal
    def calendar_loaded(self) -> None:
        """A holiday schedule was loaded: the shared days' warning and level-2 moments may have moved."""
        self._reread = True
