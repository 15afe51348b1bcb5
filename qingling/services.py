"""Long-running services shared by `qingling dev`, `qingling worker` and `qingling api`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.worker import Interceptor

from config.settings import Settings
from db.session import make_engine, make_session_factory
from models.shared_clock import SHARED_CLOCK_ID
from qingling.schedules import DIGEST_SCHEDULE_ID, ensure_digest_schedule, ensure_shared_clock
from qingling.worker import build_worker

log = logging.getLogger(__name__)
SCHEDULE_WAIT = timedelta(seconds=30)
WORKER_HEALTH_INTERVAL = 10.0
"""Seconds between touches of the worker's health file: a check allows a few missed (deploy/ uses 60 s)."""
"""How long a starting worker tries to put its schedules in place before it logs that it could not."""


class ApiServer(uvicorn.Server):
    """uvicorn without its own signal handling: the caller owns Ctrl-C and stops everything in order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def connect_with_retry(settings: Settings, attempts: int = 60) -> Client:
    from config.temporal import connect

    for attempt in range(attempts):
        try:
            return await connect(settings)
        except Exception:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.5)
    raise RuntimeError("unreachable")


async def run_worker(
    settings: Settings, stop: asyncio.Event, client: Client | None = None, interceptors: Sequence[Interceptor] = ()
) -> None:
    client = client or await connect_with_retry(settings)
    engine = make_engine(settings.database_url)
    worker = build_worker(client, settings, make_session_factory(engine), interceptors=interceptors)
    task = asyncio.create_task(worker.run())
    log.info("worker polling task queue %s", settings.task_queue)
    schedules = asyncio.create_task(ensure_schedules(client, settings))  # beside the worker: it never delays it
    health = asyncio.create_task(touch_health_file(settings.worker_health_file, task))
    done, _ = await asyncio.wait({task, asyncio.create_task(stop.wait())}, return_when=asyncio.FIRST_COMPLETED)
    schedules.cancel()  # done long since, unless Temporal is unreachable and the worker stops
    health.cancel()
    if task not in done:
        await worker.shutdown()
    await task
    await engine.dispose()


async def touch_health_file(path: Path | None, worker: asyncio.Task[None]) -> None:
    """While the worker runs and its event loop turns, the file's modification time stays fresh; a worker that
    stopped, or whose loop is stuck, lets it age (a container's health check then fails)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    while not worker.done():
        path.touch()
        await asyncio.sleep(WORKER_HEALTH_INTERVAL)


async def ensure_schedules(client: Client, settings: Settings) -> bool:
    """Start the shared clock and create or update the Temporal Schedules (the daily digest); a failure is
    logged, never raised: the worker runs on without them. True if they are in place."""
    try:
        await asyncio.wait_for(ensure_shared_clock(client, settings), SCHEDULE_WAIT.total_seconds())
    except Exception as exc:
        log.warning(
            "无法启动共享期限时钟（%s）：%s；年底、春节前等共同期限的提醒和督办将推迟到它启动时补发，"
            "请检查 Temporal 后重启 worker",
            SHARED_CLOCK_ID,
            exc,
        )
    try:
        await asyncio.wait_for(ensure_digest_schedule(client, settings), SCHEDULE_WAIT.total_seconds())
    except Exception as exc:
        log.warning(
            "无法创建或更新每日汇总定时任务（%s）：%s；worker 照常运行，但每日汇总不会自动生成，"
            "请检查 Temporal 后重启 worker",
            DIGEST_SCHEDULE_ID,
            exc,
        )
        return False
    log.info("每日汇总定时任务 %s 已就绪", DIGEST_SCHEDULE_ID)
    return True


async def run_api(app: FastAPI, settings: Settings, stop: asyncio.Event) -> None:
    config = uvicorn.Config(
        app,
        host=settings.api_host,
        port=settings.api_port,
        log_level="info",
        log_config=None,  # uvicorn's loggers propagate to the JSON handler (config/logs.py)
        access_log=False,  # the API logs its own access line, with the request id, the actor and the case
    )
    server = ApiServer(config)
    task = asyncio.create_task(server.serve())
    await asyncio.wait({task, asyncio.create_task(stop.wait())}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    await task
