"""The case list on SQLite and PostgreSQL: exact filters, keyset pages, bounded counts, index-only plans,
the name index kept in sync, read sessions that never block a writer, and the benchmark at tiny size."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from alembic import command
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client

from api.app import create_app
from config.settings import Settings
from db import cases as store
from db.cases import CaseFilter, InvalidCursor, _row, list_json, list_states, save_case
from db.migrate import alembic_config
from db.tables import case_escalations, cases
from db.users import create_user
from models.case import CaseIntake, CaseState, Deadline, DeadlineKind, Escalation, EscalationKind, Role, Stage
from models.start import CaseStart
from tests.builders import intake_body, make_uscc
from tests.harness import INSPECTOR
from workflows.case import initial_state

T0 = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
NAMES = [
    "太原市恒泰建筑劳务有限公司",
    "太原市鑫源装饰工程有限公司",
    "大同市恒泰物业服务有限公司",
    "呼和浩特市华盛商贸有限公司",
    "ABC Trading Co",
    "晋城市增长50%科技有限公司",
    "运城市Under_Score餐饮管理有限公司",
    "Max Box Co",
]
REGIONS = ["140105", "140106", "140100", "140202", "150102", "140105", "140581"]
STAGES = list(Stage)


def base_state() -> CaseState:
    intake = CaseIntake.model_validate(intake_body())
    return initial_state(CaseStart(case_id="base", intake=intake, created_by=INSPECTOR))


def make_states(n: int = 42) -> list[CaseState]:
    base = base_state()
    out = []
    for i in range(n):
        region = REGIONS[i % len(REGIONS)]
        name = NAMES[(i * 3) % len(NAMES)]
        # every fifth case shares its received_at with the one before: the order's tie-break is case_id
        received = T0 + timedelta(hours=(i // 5) * 5 + (i % 5 if i % 5 != 4 else 3))
        due = TODAY + timedelta(days=(i % 9) - 4)  # some before today (overdue), some on or after
        deadlines = [Deadline(kind=DeadlineKind.ACCEPTANCE, start=received.date(), due=due)] if i % 3 else []
        out.append(
            base.model_copy(
                update={
                    "case_id": f"QL-{(i * 7919) % 1000:04d}-{i:02d}",
                    "region_code": region,
                    "received_at": received,
                    "stage": STAGES[(i + i // len(REGIONS)) % len(STAGES)],
                    "employer": base.employer.model_copy(update={"name": name, "uscc": make_uscc(i % 11, region)}),
                    "deadlines": deadlines,
                    "last_seq": 1,
                }
            )
        )
    return out


async def write(sessions: async_sessionmaker[AsyncSession], states: list[CaseState]) -> None:
    async with sessions.begin() as s:
        for state in states:
            await save_case(s, state, T0)


def in_order(states: list[CaseState]) -> list[str]:
    ordered = sorted(states, key=lambda s: s.case_id)
    ordered.sort(key=lambda s: s.received_at, reverse=True)  # stable: ties keep case_id ascending
    return [s.case_id for s in ordered]


def expected(states: list[CaseState], f: CaseFilter) -> list[str]:
    def keep(s: CaseState) -> bool:
        if f.region_prefixes is not None and not any(s.region_code.startswith(p) for p in f.region_prefixes):
            return False
        if f.region_code and s.region_code != f.region_code:
            return False
        if f.stage and s.stage.value != f.stage:
            return False
        if f.overdue_before is not None:
            due = store.next_due(s)
            if due is None or due >= f.overdue_before:
                return False
        return not f.q or f.q.lower() in s.employer.name.lower() or s.employer.uscc == f.q.upper()

    return in_order([s for s in states if keep(s)])


async def listed(sessions: async_sessionmaker[AsyncSession], f: CaseFilter) -> store.CasePage:
    async with sessions() as s:
        return await list_states(s, f)


async def every_page(sessions: async_sessionmaker[AsyncSession], f: CaseFilter) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor = None
    while True:
        page = await listed(sessions, replace(f, cursor=cursor))
        pages.append([s.case_id for s in page.states])
        if page.next_cursor is None:
            return pages
        assert len(page.states) == f.limit
        cursor = page.next_cursor


FILTERS: list[CaseFilter] = [
    CaseFilter(region_prefixes=None),
    CaseFilter(region_prefixes=[]),
    CaseFilter(region_prefixes=["14"]),
    CaseFilter(region_prefixes=["1401"]),
    CaseFilter(region_prefixes=["140105"]),
    CaseFilter(region_prefixes=["1401", "140202"]),
    CaseFilter(region_prefixes=["15", "1405", "140106"]),
    CaseFilter(region_prefixes=["14", "1401"]),
    CaseFilter(region_prefixes=None, stage="investigating"),
    CaseFilter(region_prefixes=["1401"], stage="closed"),
    CaseFilter(region_prefixes=None, region_code="140106"),
    CaseFilter(region_prefixes=["1401"], region_code="140105"),
    CaseFilter(region_prefixes=["1402"], region_code="140105"),  # outside the jurisdiction: nothing
    CaseFilter(region_prefixes=None, overdue_before=TODAY),
    CaseFilter(region_prefixes=["1401"], overdue_before=TODAY, stage="intake"),
    CaseFilter(region_prefixes=None, q="恒泰"),  # two characters
    CaseFilter(region_prefixes=None, q="恒泰建筑劳务"),
    CaseFilter(region_prefixes=None, q="泰"),  # one character: no index, still exact
    CaseFilter(region_prefixes=None, q="abc trading"),  # Latin letters: case-insensitive on both
    CaseFilter(region_prefixes=None, q="50%"),
    CaseFilter(region_prefixes=None, q="r_s"),  # _ is a character, not a wildcard
    CaseFilter(region_prefixes=None, q="Under_Score"),
    CaseFilter(region_prefixes=None, q="x"),  # the separator of employer_name_spaced finds nothing extra
    CaseFilter(region_prefixes=None, q="恒x泰"),
    CaseFilter(region_prefixes=None, q="xx"),  # "axb" is spaced "axxxb": a candidate, and no match
    CaseFilter(region_prefixes=None, q=make_uscc(3, "140105")),
    CaseFilter(region_prefixes=None, q=make_uscc(3, "140105").lower()),
    CaseFilter(region_prefixes=["1402"], q="恒泰"),
]


async def test_every_filter_returns_exactly_its_cases(sessions: async_sessionmaker[AsyncSession]) -> None:
    states = make_states()
    await write(sessions, states)
    for f in FILTERS:
        want = expected(states, f)
        page = await listed(sessions, replace(f, limit=200))
        assert [s.case_id for s in page.states] == want, f
        assert (page.total, page.total_is_estimate, page.next_cursor) == (len(want), False, None), f
    assert expected(states, FILTERS[0]) == in_order(states)
    empty = [f for f in FILTERS if not expected(states, f)]
    assert empty == [FILTERS[1], FILTERS[12], *(f for f in FILTERS if f.q in ("恒x泰", "xx"))]


async def test_keyset_pages_cover_every_case_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    states = make_states()
    await write(sessions, states)
    for f in [FILTERS[0], FILTERS[3], FILTERS[8], FILTERS[13], FILTERS[15]]:
        for limit in (1, 4, 7):
            pages = await every_page(sessions, replace(f, limit=limit))
            flat = [case_id for page in pages for case_id in page]
            assert flat == expected(states, f), (f, limit)
            assert len(set(flat)) == len(flat)
    everything = in_order(states)
    page = await listed(sessions, CaseFilter(region_prefixes=None, limit=5, offset=10))
    assert [s.case_id for s in page.states] == everything[10:15]
    first = await listed(sessions, CaseFilter(region_prefixes=None, limit=5))
    after = await listed(sessions, CaseFilter(region_prefixes=None, limit=5, cursor=first.next_cursor, offset=3))
    assert [s.case_id for s in after.states] == everything[8:13]  # offset counts after the cursor
    named = CaseFilter(region_prefixes=None, q="有限公司", limit=3)  # a name's few cases: keys sorted in one query
    first = await listed(sessions, named)
    after = await listed(sessions, replace(named, cursor=first.next_cursor, offset=2))
    assert [s.case_id for s in after.states] == expected(states, named)[5:8]
    assert after.total == first.total == len(expected(states, named))


async def test_counts_stop_at_the_cap_and_many_name_matches_walk(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    states = make_states()
    await write(sessions, states)
    monkeypatch.setattr(store, "COUNT_CAP", 5)
    monkeypatch.setattr(store, "NAME_PROBE", 5)
    page = await listed(sessions, CaseFilter(region_prefixes=None, limit=3))
    assert (page.total, page.total_is_estimate) == (5, True)
    small = CaseFilter(region_prefixes=["150102"], stage="intake")
    page = await listed(sessions, small)
    assert (page.total, page.total_is_estimate) == (len(expected(states, small)), False)
    for q in ("恒泰", "有限公司", "泰"):  # more candidates than NAME_PROBE: the walk tests each name
        f = CaseFilter(region_prefixes=None, q=q, limit=4)
        want = expected(states, f)
        assert len(want) > 5
        flat = [case_id for p in await every_page(sessions, f) for case_id in p]
        assert flat == want
        page = await listed(sessions, f)
        assert (page.total, page.total_is_estimate) == (5, True)
        narrowed = replace(f, region_prefixes=["1401"], stage="ordered")
        page = await listed(sessions, replace(narrowed, limit=200))
        assert [s.case_id for s in page.states] == expected(states, narrowed)
        assert page.total == min(5, len(expected(states, narrowed)))


async def test_the_list_shows_escalations_raised_outside_the_case(sessions: async_sessionmaker[AsyncSession]) -> None:
    """A case's own escalations come with its state; one the shared clock (or a sub-process) wrote only as a row
    shows too, and only on its case: the list merges rows only for the cases that have more than their own."""
    states = make_states(6)
    own = Escalation(
        kind=EscalationKind.WARNING,
        level=0,
        deadline_kind=DeadlineKind.ACCEPTANCE,
        due=TODAY,
        at=T0 + timedelta(days=1),
        addressee_role=Role.INSPECTOR,
        addressee="u_insp",
    )
    states[1] = states[1].model_copy(update={"escalations": [own]})
    states[2] = states[2].model_copy(update={"escalations": [own]})
    await write(sessions, states)
    shared = {
        "case_id": states[2].case_id,
        "position": 1_000_000,
        "kind": "overdue",
        "level": 1,
        "deadline_kind": "clear_year_end",
        "due": date(2026, 12, 31),
        "at": T0 + timedelta(days=2),
        "addressee_role": "supervisor",
        "addressee": None,
        "region_code": states[2].region_code,
        "notice": None,
    }
    async with sessions.begin() as s:
        await s.execute(case_escalations.insert(), [shared])
    page = await listed(sessions, CaseFilter(region_prefixes=None))
    shown = {c.case_id: [(e.kind.value, e.deadline_kind.value) for e in c.state.escalations] for c in page.states}
    assert shown[states[1].case_id] == [("warning", "acceptance")]
    assert shown[states[2].case_id] == [("warning", "acceptance"), ("overdue", "clear_year_end")]
    assert all(not shown[s.case_id] for i, s in enumerate(states) if i not in (1, 2))


async def test_a_bad_cursor_is_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    for bad in ["nonsense", "e30", store.encode_cursor(T0, "x")[:-3], "W1siMjAyNiJdXQ"]:
        with pytest.raises(InvalidCursor):
            await listed(sessions, CaseFilter(region_prefixes=None, cursor=bad))
    naive = store.encode_cursor(T0.replace(tzinfo=None), "QL-1")
    with pytest.raises(InvalidCursor):
        store.decode_cursor(naive)
    assert store.decode_cursor(store.encode_cursor(T0, "QL-1")) == (T0, "QL-1")


async def test_name_index_follows_the_rows(sessions: async_sessionmaker[AsyncSession]) -> None:
    state = make_states(1)[0]
    await write(sessions, [state])
    renamed = state.model_copy(
        update={"employer": state.employer.model_copy(update={"name": "朔州市新名字有限公司"}), "last_seq": 2}
    )
    await write(sessions, [renamed])
    for q, hits in [("恒泰", 0), ("新名字", 1), ("朔州", 1)]:
        async with sessions() as s:
            assert len(await store.name_candidates(s, q, 10)) == hits, q
        assert (await listed(sessions, CaseFilter(region_prefixes=None, q=q))).total == hits


def _alembic(connection: Connection, action: str, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    getattr(command, action)(cfg, revision)


async def test_migration_fills_the_new_columns_of_existing_cases(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_alembic, "downgrade", "0002")
    states = make_states(14)
    new = {"province_code", "city_code", "employer_name_spaced", "published_at", "closed_at"}
    async with engine.begin() as conn:
        for state in states:
            row = {k: v for k, v in _row(state, T0).items() if k not in new}
            await conn.execute(cases.insert().values(case_id=state.case_id, **row))
    async with engine.begin() as conn:
        await conn.run_sync(_alembic, "upgrade", "head")
    for f in [FILTERS[3], FILTERS[6], FILTERS[15], FILTERS[16]]:
        assert [s.case_id for s in (await listed(sessions, f)).states] == expected(states, f), f
    async with sessions() as s:
        assert len(await store.name_candidates(s, "恒泰", 100)) == len(expected(states, FILTERS[15]))


async def test_get_cases_pages_by_cursor(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    states = make_states()
    await write(sessions, states)
    async with sessions.begin() as s:
        _, token = await create_user(s, "city", Role.SUPERVISOR, ["140100"])
    app = create_app(settings, client=cast(Client, object()), engine=engine)  # the list needs no Temporal
    auth = {"Authorization": f"Bearer {token}"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        seen: list[str] = []
        params: dict[str, Any] = {"limit": 4}
        while True:
            r = await http.get("/api/v1/cases", params=params, headers=auth)
            assert r.status_code == 200, r.text
            body = r.json()
            assert (body["total"], body["total_is_estimate"], body["limit"], body["offset"]) == (
                len(expected(states, CaseFilter(region_prefixes=["1401"]))),
                False,
                4,
                0,
            )
            seen += [c["case_id"] for c in body["items"]]
            if body["next_cursor"] is None:
                break
            params["cursor"] = body["next_cursor"]
        assert seen == expected(states, CaseFilter(region_prefixes=["1401"]))
        r = await http.get("/api/v1/cases", params={"cursor": "nonsense"}, headers=auth)
        assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "cursor", r.text
        assert (await http.get("/api/v1/cases", params={"offset": 1001}, headers=auth)).status_code == 422
        r = await http.get("/api/v1/cases", params={"q": "恒泰", "region_code": "140202"}, headers=auth)
        assert r.json()["items"] == [] and r.json()["next_cursor"] is None  # outside the jurisdiction


# --- query plans -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    f: CaseFilter
    sorts: bool = False
    """Its matches come from a lookup (USCC, name candidates, several prefixes) and are sorted: a few rows."""


PLANNED = [
    Planned(CaseFilter(region_prefixes=None)),
    Planned(CaseFilter(region_prefixes=["14"])),
    Planned(CaseFilter(region_prefixes=["1401"])),
    Planned(CaseFilter(region_prefixes=["140105"])),
    Planned(CaseFilter(region_prefixes=["1401", "150102"]), sorts=True),
    Planned(CaseFilter(region_prefixes=None, stage="investigating")),
    Planned(CaseFilter(region_prefixes=["1401"], stage="closed")),
    Planned(CaseFilter(region_prefixes=None, region_code="140106")),
    Planned(CaseFilter(region_prefixes=None, overdue_before=TODAY)),
    Planned(CaseFilter(region_prefixes=["1401"], overdue_before=TODAY)),
    Planned(CaseFilter(region_prefixes=None, q=make_uscc(3, "140105")), sorts=True),
    Planned(CaseFilter(region_prefixes=None, q="恒泰建筑"), sorts=True),
]


@pytest.fixture
def statements(engine: AsyncEngine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine.sync_engine, "before_cursor_execute", record)


async def plans(session: AsyncSession, f: CaseFilter, seen: list[tuple[str, Any]]) -> list[tuple[str, list[str]]]:
    """The plan of every query list_json runs on the cases table."""
    conn = await session.connection()
    postgres = conn.dialect.name == "postgresql"
    if postgres:  # small tables: make the planner show what it does at 100,000 cases
        await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        await conn.exec_driver_sql("SET LOCAL enable_sort = off")
    seen.clear()
    await list_json(session, f)
    queries = [(s, p) for s, p in seen if re.search(r"\bFROM cases\b", s) and s.lstrip().startswith("SELECT")]
    out = []
    for statement, parameters in queries:
        if postgres:
            result = await conn.exec_driver_sql("EXPLAIN " + statement, parameters)
            out.append((statement, [str(r[0]) for r in result]))
        else:
            result = await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            out.append((statement, [str(r[3]) for r in result]))
    return out


async def test_list_queries_walk_indexes(
    sessions: async_sessionmaker[AsyncSession], statements: list[tuple[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    await write(sessions, make_states(60))
    many_names = Planned(CaseFilter(region_prefixes=None, q="有限公司"))
    postgres = sessions.kw["bind"].dialect.name == "postgresql"
    for planned, probe in [*((p, 1000) for p in PLANNED), (many_names, 0)]:
        monkeypatch.setattr(store, "NAME_PROBE", probe)  # 0: the walk that tests each name
        monkeypatch.setattr(store, "COUNT_CAP", probe)  # (its count, known to pass the cap, is not run)
        async with sessions() as s:
            found = await plans(s, planned.f, statements)
        assert len(found) >= 2, planned  # (count,) keys, states
        for statement, plan in found:
            where = f"{planned.f}\n{statement}\n" + "\n".join(plan)
            if postgres:
                assert not any("Seq Scan on cases" in line for line in plan), where
                assert planned.sorts or not any(line.lstrip(" ->").startswith("Sort") for line in plan), where
            else:
                assert not any(line.strip() == "SCAN cases" for line in plan), where  # a full table scan
                assert planned.sorts or not any("TEMP B-TREE" in line for line in plan), where


# --- transactions on SQLite --------------------------------------------------------------------------------


def _sqlite_path(engine: AsyncEngine) -> Path:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's locking")
    assert engine.url.database
    return Path(engine.url.database)


async def test_a_long_read_never_blocks_a_writer(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    path = _sqlite_path(engine)
    states = make_states(3)
    await write(sessions, states[:1])
    async with sessions() as reader:  # the API's kind of session: reads, in one transaction
        assert (await reader.scalar(select(func.count()).select_from(cases))) == 1
        other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # the write lock is free while the read transaction is open
        other.execute("ROLLBACK")
        other.close()
        # the activities' kind of write, read-then-write, while the read transaction is still open
        await asyncio.wait_for(write(sessions, states[1:]), timeout=10)
        await asyncio.wait_for(write(sessions, [states[0].model_copy(update={"last_seq": 5})]), timeout=10)
        page = await list_states(reader, CaseFilter(region_prefixes=None))
        assert [s.case_id for s in page.states] == [states[0].case_id]  # its snapshot, however long it lasts
    assert (await listed(sessions, CaseFilter(region_prefixes=None))).total == 3


async def test_a_write_transaction_takes_the_lock_up_front(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    path = _sqlite_path(engine)
    async with sessions.begin() as writer:
        await writer.execute(text("SELECT 1"))  # has begun, and has written nothing yet
        other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    async with engine.begin() as conn:  # a bare engine transaction (migrations, the CLI) writes too
        await conn.execute(text("SELECT 1"))
        other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


# --- the benchmark ------------------------------------------------------------------------------------------


def test_bench_runs_tiny(tmp_path: Path) -> None:
    from bench.bench_list import main

    out = tmp_path / "results.json"
    report = main(["--cases", "200", "--runs", "3", "--db", "sqlite", "--out", str(out), "--quiet"])
    figures = report["databases"]["sqlite"]["queries"]
    assert {"first_page", "deep_cursor", "city_prefix", "stage", "overdue", "uscc", "name"} <= set(figures)
    assert all(q["p99_ms"] > 0 for q in figures.values())
    assert figures["first_page"]["rows_on_page"] == 50 and figures["first_page"]["total"] == "200"
    assert out.exists()
