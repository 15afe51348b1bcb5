"""GET /api/v1/cases with ``overdue`` and ``deadline_kind`` on SQLite and PostgreSQL: which open deadlines
count, the two together, keyset pages under them, a bad kind refused in Chinese, and the escalations of each
line. Cases are written through db.cases.save_case (as record_event writes them); the list needs no Temporal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client

import api.routes.cases
from api.app import create_app
from config.settings import Settings
from db.cases import CaseFilter, list_states, save_case
from db.users import create_user
from models.case import (
    CaseState,
    Channel,
    Complainant,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    Employer,
    Escalation,
    EscalationKind,
    Role,
    Stage,
    WorkerState,
)
from tests.builders import make_id, make_uscc

TODAY = date(2027, 3, 1)
T0 = datetime(2027, 1, 10, 2, 0, tzinfo=UTC)
ACC, INV, M3 = DeadlineKind.ACCEPTANCE, DeadlineKind.INVESTIGATION, DeadlineKind.CLEAR_3_MONTHS
PENDING, OVERDUE, LATE, CANCELLED = (
    DeadlineStatus.PENDING,
    DeadlineStatus.OVERDUE,
    DeadlineStatus.MET_LATE,
    DeadlineStatus.CANCELLED,
)
ESCALATION = Escalation(
    kind=EscalationKind.OVERDUE,
    level=1,
    deadline_kind=INV,
    due=date(2027, 2, 1),
    at=datetime(2027, 2, 1, 16, 0, tzinfo=UTC),
    addressee_role=Role.SUPERVISOR,
)


def dl(kind: DeadlineKind, due: str, status: DeadlineStatus = PENDING) -> Deadline:
    return Deadline(kind=kind, start=date(2027, 1, 10), due=date.fromisoformat(due), status=status)


def case(n: int, deadlines: list[Deadline], region: str = "140105", stage: Stage = Stage.INVESTIGATING) -> CaseState:
    return CaseState(
        case_id=f"QL-L{n}",
        region_code=region,
        last_seq=2,
        received_at=T0 + timedelta(hours=n),  # the list is newest first: L8 … L1
        channel=Channel.HOTLINE,
        employer=Employer(name=f"某劳务有限公司{n}", uscc=make_uscc(n, region)),
        complainant=Complainant(name="张三"),
        workers=[
            WorkerState(
                name="工人",
                id_number=make_id(n, region),
                claimed_amount=Decimal("1000.00"),
                owed_from=date(2026, 6, 1),
                owed_to=date(2026, 9, 30),
            )
        ],
        created_by="u_inspector",
        stage=stage,
        deadlines=deadlines,
        escalations=[ESCALATION] if n == 2 else [],
    )


CASES = [
    case(1, [dl(ACC, "2027-02-20")]),  # acceptance overdue (pending, due passed)
    case(2, [dl(INV, "2027-02-01"), dl(M3, "2027-05-01")]),  # investigation overdue; 3 months running
    case(3, [dl(INV, "2027-02-15", OVERDUE)], stage=Stage.ORDERED),  # marked overdue by the engine
    case(4, [dl(INV, "2027-03-01")]),  # due today: open, not overdue
    case(5, [dl(INV, "2027-01-01", LATE)]),  # met late: no longer open
    case(6, [dl(ACC, "2027-01-01", CANCELLED)], stage=Stage.REJECTED),  # cancelled: not open
    case(7, [dl(INV, "2027-01-01")], region="140106"),  # overdue, in another district
    case(8, []),
]


@dataclass
class Lister:
    http: httpx.AsyncClient
    tokens: dict[str, str]

    async def get(self, who: str, **params: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return await self.http.get("/api/v1/cases", params=params, headers=headers)

    async def ids(self, who: str, **params: Any) -> list[str]:
        r = await self.get(who, **params)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total"] == len(body["items"]), body
        return [c["case_id"] for c in body["items"]]


@pytest.fixture
async def lister(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Lister]:
    monkeypatch.setattr(api.routes.cases, "today", lambda: TODAY)
    tokens: dict[str, str] = {}
    async with sessions.begin() as s:
        for state in CASES:
            await save_case(s, state, T0)
        for name, role, regions in [
            ("inspector", Role.INSPECTOR, ["140105"]),
            ("city", Role.SUPERVISOR, ["140100"]),
        ]:
            _, tokens[name] = await create_user(s, name, role, regions)
    app = create_app(settings, client=cast(Client, object()), engine=engine)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        yield Lister(http, tokens)


async def test_overdue_means_an_open_deadline_past_its_day(lister: Lister) -> None:
    assert await lister.ids("inspector") == [f"QL-L{n}" for n in (8, 6, 5, 4, 3, 2, 1)]
    assert await lister.ids("inspector", overdue="true") == ["QL-L3", "QL-L2", "QL-L1"]
    assert await lister.ids("inspector", overdue="false") == await lister.ids("inspector")
    assert await lister.ids("city", overdue="true") == ["QL-L7", "QL-L3", "QL-L2", "QL-L1"]
    assert await lister.ids("city", overdue="true", region_code="140106") == ["QL-L7"]
    assert await lister.ids("inspector", overdue="true", stage="ordered") == ["QL-L3"]


async def test_overdue_of_one_kind(lister: Lister) -> None:
    assert await lister.ids("inspector", overdue="true", deadline_kind="investigation") == ["QL-L3", "QL-L2"]
    assert await lister.ids("inspector", overdue="true", deadline_kind="acceptance") == ["QL-L1"]
    assert await lister.ids("inspector", overdue="true", deadline_kind="clear_3_months") == []
    assert await lister.ids("city", overdue="true", deadline_kind="investigation") == ["QL-L7", "QL-L3", "QL-L2"]


async def test_an_open_deadline_of_a_kind(lister: Lister) -> None:
    assert await lister.ids("inspector", deadline_kind="investigation") == ["QL-L4", "QL-L3", "QL-L2"]
    assert await lister.ids("inspector", deadline_kind="clear_3_months") == ["QL-L2"]
    assert await lister.ids("inspector", deadline_kind="acceptance") == ["QL-L1"]  # L6's is cancelled
    assert await lister.ids("inspector", deadline_kind="payment_order") == []


async def test_pages_under_the_filters(lister: Lister) -> None:
    for params, want in [
        ({"overdue": "true"}, ["QL-L7", "QL-L3", "QL-L2", "QL-L1"]),
        ({"deadline_kind": "investigation"}, ["QL-L7", "QL-L4", "QL-L3", "QL-L2"]),
    ]:
        seen: list[str] = []
        query: dict[str, Any] = {**params, "limit": 1}
        while True:
            r = await lister.get("city", **query)
            body = r.json()
            assert body["total"] == len(want), body
            seen += [c["case_id"] for c in body["items"]]
            if body["next_cursor"] is None:
                break
            query["cursor"] = body["next_cursor"]
        assert seen == want, params


async def test_an_unknown_kind_is_refused_in_chinese(lister: Lister) -> None:
    for bad in ["bogus", "Investigation", ""]:
        r = await lister.get("inspector", overdue="true", deadline_kind=bad)
        assert r.status_code == 422, r.text
        error = r.json()["error"]
        assert error["code"] == "validation_failed" and error["message"] == "提交的内容有误，请按提示修改"
        assert [d["field"] for d in error["details"]] == ["deadline_kind"]
        message = error["details"][0]["message"]
        assert message.startswith("取值不在允许范围内") and "'investigation'" in message, message


async def test_list_lines_carry_their_escalations(lister: Lister) -> None:
    r = await lister.get("inspector", deadline_kind="clear_3_months")
    (line,) = r.json()["items"]
    assert line["escalations"] == [
        {
            "kind": "overdue",
            "level": 1,
            "deadline_kind": "investigation",
            "due": "2027-02-01",
            "at": "2027-02-02T00:00:00+08:00",
            "addressee_role": "supervisor",
            "addressee": None,
            "notice": None,
        }
    ]
    whole = (
        await lister.http.get("/api/v1/cases/QL-L2", headers={"Authorization": r.request.headers["Authorization"]})
    ).json()
    assert whole["escalations"] == line["escalations"]


async def test_the_store_filter_directly(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as s:
        for state in CASES:
            await save_case(s, state, T0)
    async with sessions() as s:
        for f, want in [
            (CaseFilter(region_prefixes=None, overdue_before=TODAY), [7, 3, 2, 1]),
            (
                CaseFilter(region_prefixes=None, overdue_before=date(2027, 3, 2)),
                [7, 4, 3, 2, 1],
            ),  # L4 due the day before
            (CaseFilter(region_prefixes=["140105"], deadline_kind="investigation"), [4, 3, 2]),
            (CaseFilter(region_prefixes=None, overdue_before=TODAY, deadline_kind="acceptance"), [1]),
            (CaseFilter(region_prefixes=None, overdue_before=date(2027, 1, 1), deadline_kind="investigation"), []),
        ]:
            page = await list_states(s, f)
            assert [c.case_id for c in page.states] == [f"QL-L{n}" for n in want], f
            assert page.total == len(want), f


async def test_sqlite_probes_one_case_s_deadlines(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Every list query under a deadline-kind filter probes the case's own rows of
    ix_case_deadlines_case_status_kind_due: SQLite has no statistics, and the other indexes of case_deadlines
    would have it read every case's deadlines for each case. (PostgreSQL plans by its statistics: a semi-join
    either way, as the counts suggest.) The plain overdue filter reads no deadline rows at all: the case's
    earliest running due date (cases.next_due, indexed) says it."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner")
    async with sessions.begin() as s:
        for state in CASES:
            await save_case(s, state, T0)
    seen: list[tuple[str, Any]] = []

    def record(_c: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with sessions() as s:
            seen.clear()
            await list_states(s, CaseFilter(region_prefixes=None, overdue_before=TODAY))
            assert not [q for q, _ in seen if "case_deadlines" in q]
            assert any("next_due <" in q for q, _ in seen)
        for f in [
            CaseFilter(region_prefixes=["1401"], overdue_before=TODAY, deadline_kind="investigation"),
            CaseFilter(region_prefixes=["140105"], deadline_kind="acceptance", stage="investigating"),
        ]:
            async with sessions() as s:
                seen.clear()
                await list_states(s, f)
                probed = [(q, p) for q, p in seen if "case_deadlines" in q]
                assert len(probed) == 2, f  # the count and the page's keys
                conn = await s.connection()
                for statement, parameters in probed:
                    rows = await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                    plan = [str(tuple(r)[3]) for r in rows]
                    probe = [line for line in plan if "case_deadlines" in line]
                    assert len(probe) == 1, plan
                    assert probe[0].startswith(
                        "SEARCH case_deadlines USING COVERING INDEX ix_case_deadlines_case_status_kind_due (case_id=?"
                    ), plan
                    assert not any("TEMP B-TREE" in line for line in plan), plan  # the walk keeps the list's order
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
