"""Shared fixtures: real databases (SQLite and a throwaway PostgreSQL), the time-skipping Temporal
server from the installed wheel, and a clean process exit.

Payloads are sealed in the tests as in production: the test session uses one fixed, public test key ring
(TEST_PAYLOAD_KEYS, set in the environment so that every Settings() and every `qingling` subprocess the
tests start share it; a history recorded by the tests can then be replayed by tests/replay)."""

from __future__ import annotations

import base64
import hashlib
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from config.temporal import data_converter, installed_binary
from db import devcluster as pg
from db.migrate import upgrade
from db.session import make_engine, make_session_factory

TEST_KEY_ID = "test-1"
TEST_PAYLOAD_KEYS = f"{TEST_KEY_ID}:{base64.b64encode(hashlib.sha256(b'qingling public test key 1').digest()).decode()}"
"""The tests' key ring: public, deterministic, never a production key."""
os.environ["QINGLING_PAYLOAD_KEYS"] = TEST_PAYLOAD_KEYS
os.environ.pop("QINGLING_PAYLOAD_KEY_FILE", None)
os.environ.pop("QINGLING_PAYLOAD_SEALING", None)

_exit_status = 0


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    # temporalio's Rust threads can abort the interpreter at exit after every test passed.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_exit_status)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pg.Cluster | None]:
    cluster = pg.start_cluster()
    if cluster is None:
        msg = "!!! PostgreSQL server binaries not found: PostgreSQL tests are SKIPPED (apt-get install postgresql)"
        print(f"\n{msg}\n", file=sys.stderr)
        if os.environ.get("QINGLING_REQUIRE_POSTGRES") == "1":
            pytest.fail(msg)
    yield cluster
    if cluster is not None:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'qingling.db'}"
    cluster = request.getfixturevalue("pg_cluster")
    if cluster is None:
        pytest.skip("PostgreSQL server binaries not found")
    return f"postgres-new:{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def engine(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[AsyncEngine]:
    """A fresh, migrated database per test (migrations run on both backends)."""
    if database_url.startswith("postgres-new:"):
        cluster: pg.Cluster = request.getfixturevalue("pg_cluster")
        name = "t_" + database_url.split(":", 1)[1]
        conn = await asyncpg.connect(cluster.admin_url)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
        database_url = cluster.url(name)
    eng = make_engine(database_url)
    await upgrade(eng)
    yield eng
    await eng.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(engine)


@pytest.fixture
def settings(tmp_path: Path, engine: AsyncEngine) -> Settings:
    return Settings(
        database_url=str(engine.url.render_as_string(hide_password=False)),
        notice_dir=tmp_path / "notices",
        var_dir=tmp_path,
        task_queue=f"tq-{uuid.uuid4().hex[:8]}",
    )


_QUIET: Runtime | None = None


async def start_time_skipping() -> WorkflowEnvironment:
    # The test server does not advertise newer capabilities; keep the SDK core's warnings about it quiet.
    global _QUIET
    if _QUIET is None:
        _QUIET = Runtime(
            telemetry=TelemetryConfig(
                logging=LoggingConfig(filter=TelemetryFilter(core_level="ERROR", other_level="ERROR"))
            )
        )
    return await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(installed_binary("temporal-test-server")),
        data_converter=data_converter(Settings()),
        runtime=_QUIET,
    )


@pytest.fixture(scope="session")
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """Shared by the session: tests on it must not move its clock (no sleeps, no waiting on timers)."""
    env = await start_time_skipping()
    yield env
    await env.shutdown()


@pytest.fixture
async def own_time_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of the test's own, for tests that move time forward."""
    env = await start_time_skipping()
    yield env
    await env.shutdown()
