"""Heartbeats for every activity, so that a worker that dies mid-activity is noticed in seconds.

Without a heartbeat timeout the server learns of a dead worker only when the activity's start-to-close
timeout (30 s) runs out, and every activity of the case waits that long. Our activities are short and do
not heartbeat themselves: this interceptor heartbeats on their behalf while they run, so a live activity
never times out and a dead worker's activity is retried after ``HEARTBEAT_TIMEOUT``
(workflows/options.py)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from temporalio import activity
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor


class Heartbeats(Interceptor):
    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _Heartbeating(next)


class _Heartbeating(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        timeout = activity.info().heartbeat_timeout
        if not timeout:  # local activities, and activities scheduled before heartbeats were asked for
            return await self.next.execute_activity(input)
        beating = asyncio.create_task(_beat(timeout.total_seconds() / 3))
        try:
            return await self.next.execute_activity(input)
        finally:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating


async def _beat(every: float) -> None:
    while True:
        activity.heartbeat()
        await asyncio.sleep(every)
