"""`qingling worker` with a fault planted: it SIGKILLs itself right after a chosen activity has done its
work (committed its rows, written its PDF) and before Temporal hears that it finished — the worst moment
for exactly-once. The plan comes from the environment:

    QINGLING_FAULT_KILLS=record_event:2,issue_notice:2   activity type: how many deaths in a row
    QINGLING_FAULT_LOG=/path/kills.log                   one line per death, shared by successive workers

Used by tests/e2e/test_faults.py, which starts a new worker each time one dies."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor


class KillPlan:
    def __init__(self, wanted: dict[str, int], log: Path) -> None:
        self.wanted = wanted
        self.log = log

    @classmethod
    def from_env(cls) -> KillPlan:
        spec = os.environ.get("QINGLING_FAULT_KILLS", "")
        wanted = {name: int(n) for name, n in (item.split(":") for item in spec.split(",") if item)}
        return cls(wanted, Path(os.environ.get("QINGLING_FAULT_LOG", os.devnull)))

    def deaths(self, name: str) -> int:
        if not self.log.exists():
            return 0
        return [line.split()[0] for line in self.log.read_text().splitlines()].count(name)

    def due(self, name: str) -> bool:
        """True (and the death written down, durably) if this activity should kill the worker now."""
        if name not in self.wanted or self.deaths(name) >= self.wanted[name]:
            return False
        with self.log.open("a") as f:
            f.write(f"{name} {time.time():.1f}\n")
            f.flush()
            os.fsync(f.fileno())
        return True


class KillAfter(Interceptor):
    def __init__(self, plan: KillPlan) -> None:
        self.plan = plan

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _Killing(next, self.plan)


class _Killing(ActivityInboundInterceptor):
    def __init__(self, next: ActivityInboundInterceptor, plan: KillPlan) -> None:
        super().__init__(next)
        self.plan = plan

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        result = await self.next.execute_activity(input)
        if self.plan.due(activity.info().activity_type):
            os.kill(os.getpid(), signal.SIGKILL)
        return result


async def main() -> None:
    from config.logs import setup_logging
    from config.settings import get_settings
    from qingling.services import run_worker, stop_event

    setup_logging()
    await run_worker(get_settings(), stop_event(), interceptors=[KillAfter(KillPlan.from_env())])


if __name__ == "__main__":
    asyncio.run(main())
    os._exit(0)  # temporalio's threads can crash the interpreter at exit
