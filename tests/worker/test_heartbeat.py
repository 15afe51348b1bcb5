"""The worker heartbeats for activities that do not: an activity running longer than its heartbeat timeout
completes on its first attempt with the interceptor and times out without it. On the real dev server
(heartbeat timeouts are server timers, which the time-skipping server would skip)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from temporalio import activity, workflow
from temporalio.client import WorkflowFailureError
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, TimeoutError, TimeoutType
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Interceptor, UnsandboxedWorkflowRunner, Worker

from config.temporal import installed_binary
from qingling.heartbeat import Heartbeats

pytestmark = pytest.mark.e2e


@activity.defn(name="slow_without_heartbeats")
async def slow() -> int:
    await asyncio.sleep(3)
    return activity.info().attempt


@workflow.defn(name="HeartbeatProbe", sandboxed=False)
class Probe:
    @workflow.run
    async def run(self) -> int:
        attempt: int = await workflow.execute_activity(
            slow,
            start_to_close_timeout=timedelta(seconds=30),
            heartbeat_timeout=timedelta(seconds=1),
            retry_policy=RetryPolicy(maximum_attempts=1),
        )
        return attempt


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    started = await WorkflowEnvironment.start_local(dev_server_existing_path=str(installed_binary("temporal")))
    yield started
    await started.shutdown()


async def run_probe(env: WorkflowEnvironment, interceptors: list[Interceptor]) -> int:
    queue = uuid.uuid4().hex
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=[Probe],
        activities=[slow],
        interceptors=interceptors,
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        result: int = await env.client.execute_workflow(Probe.run, id=queue, task_queue=queue)
        return result


async def test_a_long_activity_lives_with_the_worker_heartbeating(env: WorkflowEnvironment) -> None:
    assert await run_probe(env, [Heartbeats()]) == 1


async def test_without_heartbeats_it_times_out(env: WorkflowEnvironment) -> None:
    with pytest.raises(WorkflowFailureError) as failed:
        await run_probe(env, [])
    cause = failed.value.cause
    assert isinstance(cause, ActivityError) and isinstance(cause.cause, TimeoutError)
    assert cause.cause.type == TimeoutType.HEARTBEAT
