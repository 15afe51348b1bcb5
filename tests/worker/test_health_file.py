"""The worker's health file (qingling/services.py): fresh while the worker runs, left to age once it stops, so a
container's health check (deploy/) sees a stopped or stuck worker."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from qingling import services


async def test_the_file_is_touched_while_the_worker_runs_and_ages_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "WORKER_HEALTH_INTERVAL", 0.01)
    path = tmp_path / "run" / "worker.alive"
    stop = asyncio.Event()
    worker = asyncio.create_task(stop.wait())
    toucher = asyncio.create_task(services.touch_health_file(path, worker))  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    assert path.is_file()
    os.utime(path, (0, 0))  # as if last touched long ago
    await asyncio.sleep(0.05)
    assert path.stat().st_mtime > 0, "touched again while the worker runs"
    stop.set()
    await asyncio.wait_for(toucher, timeout=1)  # ends with the worker
    os.utime(path, (0, 0))
    await asyncio.sleep(0.05)
    assert path.stat().st_mtime == 0, "no longer touched once the worker stopped"


async def test_no_file_is_asked_for_none() -> None:
    worker = asyncio.create_task(asyncio.sleep(10))
    await asyncio.wait_for(services.touch_health_file(None, worker), timeout=1)
    worker.cancel()
