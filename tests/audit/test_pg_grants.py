"""deploy/postgres-grants.sql on the throwaway PostgreSQL cluster, applied with psql as an operator would: the
application role writes cases and their history through the real activities, and cannot UPDATE, DELETE or
TRUNCATE a history row."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.case_store import CaseStore
from config.settings import Settings
from db import devcluster as pg
from db.audit import verify_chains
from db.cases import append_rows
from db.session import make_engine, make_session_factory
from models.actions import SYSTEM
from tests.audit.chains import T0, event_input, new_case, record

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
GRANTS = Path(__file__).parents[2] / "deploy" / "postgres-grants.sql"


def psql(cluster: pg.Cluster) -> str:
    found = cluster.bin_dir / "psql"
    if found.exists():
        return str(found)
    which = shutil.which("psql")
    if which is None:
        pytest.fail("psql not found next to the PostgreSQL server binaries nor on PATH")
    return which


@pytest.fixture
async def app_sessions(engine: AsyncEngine, pg_cluster: pg.Cluster) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions of a fresh application role, given its rights by deploy/postgres-grants.sql (run with psql, as
    the tables' owner) on the test's migrated database."""
    database = engine.url.database
    assert database is not None
    role = f"qingling_app_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(pg_cluster.admin_url)
    try:
        await admin.execute(f'CREATE ROLE "{role}" LOGIN')
    finally:
        await admin.close()
    cmd = [psql(pg_cluster), "-X", "-q", "-h", "127.0.0.1", "-p", str(pg_cluster.port), "-U", "postgres"]
    cmd += ["-d", database, "-v", f"app_role={role}", "-f", str(GRANTS)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=60)  # idempotent (after every upgrade)
    assert again.returncode == 0, again.stderr
    app_engine = make_engine(f"postgresql+asyncpg://{role}@127.0.0.1:{pg_cluster.port}/{database}")
    yield make_session_factory(app_engine)
    await app_engine.dispose()


async def test_the_application_role_appends_history_but_cannot_rewrite_it(
    app_sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    async with app_sessions() as s:
        assert await s.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) is False

    # Everything the application does to a case's history works: the activity (read model, row lock, chained
    # insert), a retry, the shared clock's bulk insert, the audit.
    store = CaseStore(app_sessions, settings)
    case = new_case("G1")
    hashes = await record(store, case, [1, 2, 3])
    assert await ActivityEnvironment().run(store.record_event, event_input(case, 3)) == hashes[2]
    shared = {
        "case_id": "G1",
        "seq": -202612310,
        "at": T0,
        "kind": "deadline_warning",
        "actor": SYSTEM.user_id,
        "actor_role": SYSTEM.role.value,
        "stage_before": "intake",
        "stage_after": "intake",
        "data": {"raised_by": "shared_clock"},
    }
    async with app_sessions.begin() as s:
        assert await append_rows(s, [shared]) == 1
    assert (await verify_chains(app_sessions)).ok
    async with app_sessions.begin() as s:  # ordinary rights elsewhere
        await s.execute(text("UPDATE cases SET assignee = 'u_x' WHERE case_id = 'G1'"))
        await s.execute(text("DELETE FROM case_deadlines WHERE case_id = 'G1'"))

    # Rewriting it does not.
    for statement in (
        "UPDATE case_events SET data = '{}' WHERE case_id = 'G1' AND seq = 2",
        "UPDATE case_events SET hash = NULL, prev_hash = NULL",
        "DELETE FROM case_events WHERE case_id = 'G1' AND seq = 2",
        "TRUNCATE case_events",
        "ALTER TABLE case_events DISABLE TRIGGER ALL",
        "DROP TABLE case_events",
        "UPDATE alembic_version SET version_num = '0001'",
    ):
        with pytest.raises(DBAPIError, match=r"permission denied|must be owner"):
            async with app_sessions.begin() as s:
                await s.execute(text(statement))
    assert (await verify_chains(app_sessions)).rows == 4
