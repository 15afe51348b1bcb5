"""The baselines' workflows: one that returns at once, one whose update returns at once.

Run sandboxed like ArrearsCase, on a worker in the benchmark's own process and client."""

from __future__ import annotations

from temporalio import workflow


@workflow.defn(name="BenchNoop")
class BenchNoop:
    @workflow.run
    async def run(self) -> None:
        return None


@workflow.defn(name="BenchUpdatable")
class BenchUpdatable:
    def __init__(self) -> None:
        self._done = False

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self._done)

    @workflow.update
    async def ping(self, n: int) -> int:
        return n

    @workflow.signal
    def finish(self) -> None:
        self._done = True
