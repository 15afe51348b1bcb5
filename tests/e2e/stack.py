"""The processes of an end-to-end stack (the real dev server, `qingling api`, workers) and the HTTP helpers
the end-to-end tests share."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

from config.temporal import dev_server_argv
from db.devcluster import free_port


class HasTokens(Protocol):
    """A stack whose environment holds the users' tokens (``TOKEN_INSPECTOR``, …)."""

    @property
    def env(self) -> dict[str, str]: ...


QINGLING = str(Path(sys.executable).parent / "qingling")


@dataclass
class Stack:
    env: dict[str, str]
    api: str
    tmp: Path
    procs: dict[str, subprocess.Popen[bytes]]
    apis: list[str] = field(default_factory=list)

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"{name}.log").open("ab")
        proc = subprocess.Popen([QINGLING, "worker"], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.procs[name] = proc
        return proc

    def cli(self, *args: str) -> str:
        return qingling(self.env, *args)


@contextmanager
def running_stack(
    tmp: Path,
    users: dict[str, tuple[str, str]],
    *,
    database_url: str | None = None,
    workers: int = 1,
    apis: int = 1,
) -> Iterator[Stack]:
    """The real dev server, `qingling api` and one worker over a fresh SQLite database under ``tmp`` (or
    ``database_url``), with the users ``{key: (name, role)}`` of region 140105 (their tokens in
    ``env["TOKEN_<KEY>"]``); stopped after. ``workers`` and ``apis``: replicas as production runs them (the
    APIs' addresses in ``Stack.apis``, the first also ``Stack.api``)."""
    t_port, api_port = free_port(), free_port()
    api_ports = [api_port, *(free_port() for _ in range(apis - 1))]
    env = {
        **os.environ,
        "QINGLING_TEMPORAL_ADDRESS": f"127.0.0.1:{t_port}",
        "QINGLING_DATABASE_URL": database_url or f"sqlite+aiosqlite:///{tmp / 'qingling.db'}",
        "QINGLING_NOTICE_DIR": str(tmp / "notices"),
        "QINGLING_API_PORT": str(api_port),
        "QINGLING_TASK_QUEUE": "e2e",
    }
    procs: dict[str, subprocess.Popen[bytes]] = {}
    temporal_log = (tmp / "temporal.log").open("ab")
    procs["temporal"] = subprocess.Popen(
        dev_server_argv(t_port, tmp / "temporal.db"), stdout=temporal_log, stderr=subprocess.STDOUT
    )
    s = Stack(
        env=env,
        api=f"http://127.0.0.1:{api_port}",
        tmp=tmp,
        procs=procs,
        apis=[f"http://127.0.0.1:{p}" for p in api_ports],
    )
    try:
        wait_port(t_port)
        s.cli("db", "upgrade")
        for key, (name, role) in users.items():
            s.env[f"TOKEN_{key.upper()}"] = s.cli(
                "user", "create", "--name", name, "--role", role, "--region", "140105"
            )
        for i, port in enumerate(api_ports):
            name = "api" if i == 0 else f"api{i + 1}"
            api_log = (tmp / f"{name}.log").open("ab")
            api_env = {**env, "QINGLING_API_PORT": str(port)}
            procs[name] = subprocess.Popen([QINGLING, "api"], env=api_env, stdout=api_log, stderr=subprocess.STDOUT)
        for i in range(workers):
            s.start_worker(f"worker{i + 1}")
        for port in api_ports:
            wait_port(port)
        yield s
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def qingling(env: dict[str, str], *args: str) -> str:
    """Runs a `qingling` command in ``env``; its output, or the test fails with what it printed."""
    done = subprocess.run([QINGLING, *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip()


def wait_port(port: int, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"port {port} never opened")


async def wait_for_notice(db: Path, kind: str, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            if conn.execute("SELECT count(*) FROM notices WHERE kind = ?", (kind,)).fetchone()[0]:
                return
        await asyncio.sleep(0.005)
    raise TimeoutError(f"no {kind} notice")


async def wait_healthy(http: httpx.AsyncClient, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r = await http.get("/api/v1/health")
        if r.status_code == 200:
            return
        await asyncio.sleep(0.3)
    raise TimeoutError(f"never healthy: {r.text}")


def headers(stack: HasTokens, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.env['TOKEN_' + who.upper()]}"}


async def post_action(
    http: httpx.AsyncClient, stack: HasTokens, cid: str, name: str, body: dict[str, Any], who: str = "inspector"
) -> dict[str, Any]:
    r = await http.post(f"/api/v1/cases/{cid}/actions/{name}", json=body, headers=headers(stack, who))
    assert r.status_code == 200, r.text
    return dict(r.json())
