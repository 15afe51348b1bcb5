"""Migrations on SQLite and PostgreSQL: from an empty database to exactly the schema the code declares, from the
previous release's schema with cases in it to this one without losing or changing a thing, and services that
refuse to start on a database that is not at this release's schema, naming the command that fixes it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from db import devcluster as pg
from db.audit import verify_chains
from db.cases import _SEARCH_TABLE as SEARCH_TABLE
from db.cases import CaseFilter, append_event, get_state, history, list_states, save_case
from db.migrate import SchemaNotCurrent, alembic_config, require_current_schema, schema_revisions, upgrade
from db.session import make_engine, make_session_factory
from db.tables import cases, metadata
from models.activities import CaseEvent
from models.case import CaseIntake, CaseState, Deadline, DeadlineKind, Stage
from models.start import CaseStart
from tests.builders import intake_body
from tests.harness import INSPECTOR
from workflows.case import initial_state

QINGLING = str(Path(sys.executable).parent / "qingling")
T0 = datetime(2026, 10, 9, 1, 30, tzinfo=UTC)


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


async def fresh_url(kind: str, tmp_path: Path, cluster: pg.Cluster | None, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / f'{name}.db'}"
    if cluster is None:
        pytest.skip("PostgreSQL server binaries not found")
    db = f"m_{name}_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(cluster.admin_url)
    await conn.execute(f'CREATE DATABASE "{db}"')
    await conn.close()
    return cluster.url(db)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def cluster(backend: str, request: pytest.FixtureRequest) -> pg.Cluster | None:
    return request.getfixturevalue("pg_cluster") if backend == "postgres" else None


def _differences(connection: Connection) -> list[Any]:
    ctx = MigrationContext.configure(connection, opts={"compare_type": True})
    diffs = compare_metadata(ctx, metadata)
    # Tables a migration makes with SQL of the backend's own (FTS5 search tables and their shadows) are not
    # declared in db/tables.py: they are the migrations' business alone.
    # The name's trigram index is PostgreSQL's (pg_trgm); SQLite has the FTS5 table instead.
    sqlite_only = connection.dialect.name == "sqlite"
    return [
        d
        for d in diffs
        if not (d[0] == "remove_table" and d[1].name.startswith(SEARCH_TABLE))
        and not (sqlite_only and d[0] == "add_index" and d[1].name == "ix_cases_employer_name_trgm")
    ]


async def test_an_empty_database_migrates_to_the_declared_schema(
    backend: str, cluster: pg.Cluster | None, tmp_path: Path
) -> None:
    engine = make_engine(await fresh_url(backend, tmp_path, cluster, "empty"))
    try:
        assert (await schema_revisions(engine))[0] is None
        await upgrade(engine)
        current, head = await schema_revisions(engine)
        assert current == head == revisions()[-1]
        async with engine.connect() as conn:
            assert await conn.run_sync(_differences) == []
        await require_current_schema(engine, "db")  # nothing raised: services start
    finally:
        await engine.dispose()


def sample_states() -> list[CaseState]:
    base = initial_state(
        CaseStart(
            case_id="QL-MIGRATE-0", intake=CaseIntake.model_validate(intake_body(workers=4)), created_by=INSPECTOR
        )
    )
    return [
        base.model_copy(
            update={
                "case_id": f"QL-MIGRATE-{i}",
                "case_number": f"小人社监案〔2026〕{i + 1}号",
                "stage": [Stage.INTAKE, Stage.INVESTIGATING, Stage.ORDERED, Stage.CLOSED][i % 4],
                "closed_at": T0 + timedelta(days=40) if i % 4 == 3 else None,
                "received_at": T0 + timedelta(hours=i),
                "deadlines": [Deadline(kind=DeadlineKind.ACCEPTANCE, start=T0.date(), due=T0.date() + timedelta(7))],
                "last_seq": 3,
            }
        )
        for i in range(6)
    ]


async def write_cases(engine: AsyncEngine, states: list[CaseState]) -> None:
    sessions = make_session_factory(engine)
    for state in states:
        async with sessions.begin() as s:
            await save_case(s, state, T0)
            for seq in (1, 2, 3):
                event = CaseEvent(
                    seq=seq,
                    at=T0 + timedelta(minutes=seq),
                    kind=["intake", "accept", "record_finding"][seq - 1],
                    actor=INSPECTOR.user_id,
                    actor_role=INSPECTOR.role.value,
                    stage_before=None if seq == 1 else "intake",
                    stage_after=state.stage.value,
                    data={"n": seq, "note": "工资 3,500.25 元"},
                )
                await append_event(s, state.case_id, event)


def _older_tables(connection: Connection) -> dict[str, list[str]]:
    old = MetaData()
    old.reflect(connection)
    return {name: [c.name for c in t.columns] for name, t in old.tables.items()}


async def copy_rows(source: AsyncEngine, target: AsyncEngine) -> dict[str, int]:
    """Every row of ``source`` (at head) into ``target`` (at an older revision), in the older schema's columns:
    what an older release would have written, as far as its schema holds it."""
    async with target.connect() as conn:
        older = await conn.run_sync(_older_tables)
    copied: dict[str, int] = {}
    for table in metadata.sorted_tables:
        if table.name not in older:
            continue
        columns = [c for c in table.columns if c.name in older[table.name] and c.computed is None]
        async with source.connect() as src:
            rows = [dict(r._mapping) for r in await src.execute(select(*columns))]
        if rows:
            async with target.begin() as dst:
                await dst.execute(insert(table), rows)
        copied[table.name] = len(rows)
    return copied


async def test_the_previous_revision_with_cases_upgrades_losing_nothing(
    backend: str, cluster: pg.Cluster | None, tmp_path: Path
) -> None:
    previous = revisions()[-2]
    source = make_engine(await fresh_url(backend, tmp_path, cluster, "source"))
    target = make_engine(await fresh_url(backend, tmp_path, cluster, "target"))
    states = sample_states()
    try:
        await upgrade(source)
        await write_cases(source, states)
        await upgrade(target, previous)
        copied = await copy_rows(source, target)
        assert copied["cases"] == len(states) and copied["case_events"] == 3 * len(states)
        with pytest.raises(SchemaNotCurrent, match="qingling db upgrade"):
            await require_current_schema(target, "db")

        await upgrade(target)

        await require_current_schema(target, "db")
        sessions = make_session_factory(target)
        async with sessions() as s:
            for state in states:
                assert await get_state(s, state.case_id) == state
                assert [h["seq"] for h in await history(s, state.case_id)] == [1, 2, 3]
            page = await list_states(s, CaseFilter(region_prefixes=None))
            # a column a migration added is filled from the state (0009: closed_at of concluded cases)
            closed = dict((await s.execute(select(cases.c.case_id, cases.c.closed_at))).all())
        assert sorted(c.case_id for c in page.states) == sorted(st.case_id for st in states)
        assert {k for k, v in closed.items() if v is not None} == {st.case_id for st in states if st.closed_at}
        assert closed["QL-MIGRATE-3"] == T0 + timedelta(days=40)
        report = await verify_chains(sessions)
        assert (report.cases, report.rows, report.breaks, report.legacy_rows) == (len(states), 3 * len(states), [], 0)
    finally:
        await source.dispose()
        await target.dispose()


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'newer.db'}")
    try:
        await upgrade(engine)
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
        with pytest.raises(SchemaNotCurrent, match="比本程序更新"):
            await require_current_schema(engine, "db")
    finally:
        await engine.dispose()


async def _upgrade_to(url: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        await upgrade(engine, revision)
    finally:
        await engine.dispose()


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([QINGLING, *args], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("service", ["api", "worker"])
def test_services_refuse_an_unmigrated_database_and_name_the_command(tmp_path: Path, service: str) -> None:
    env = {
        **os.environ,
        "QINGLING_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'q.db'}",
        "QINGLING_VAR_DIR": str(tmp_path / "var"),
        "QINGLING_TEMPORAL_ADDRESS": "127.0.0.1:1",  # never reached: refused before connecting
    }
    refused = run(env, service)
    assert refused.returncode == 2, refused.stderr
    assert f"qingling {service} 未启动" in refused.stderr and "qingling db upgrade" in refused.stderr
    assert "尚未建立表结构" in refused.stderr
    asyncio.run(_upgrade_to(env["QINGLING_DATABASE_URL"], revisions()[-2]))  # the previous release's schema
    behind = run(env, service)
    assert behind.returncode == 2 and "qingling db upgrade" in behind.stderr and revisions()[-1] in behind.stderr
