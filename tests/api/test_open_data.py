"""Open data (GET /api/v1/open/…), without sign-in: only the whitelisted fields of concluded cases, no identifying
value anywhere in any answer, an employer's name only where it was published, pages that cover every case once,
the CSV the same rows with a BOM, and figures per county and month whose small groups cannot be recovered."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from config.settings import Settings
from db.cases import save_case
from models.case import CaseIntake, CaseState, NoticeRef, Stage
from models.open_data import OpenCase
from models.start import CaseStart
from models.track_summary import Publication
from tests.builders import intake_body, make_uscc
from tests.harness import INSPECTOR
from workflows.case import initial_state

OCT = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)
NOV = datetime(2026, 11, 9, 2, 0, tzinfo=UTC)


def concluded(i: int, region: str, closed: datetime, stage: Stage = Stage.CLOSED, **update: Any) -> CaseState:
    body = intake_body(workers=2, region=region)
    body["employer"] = {**body["employer"], "name": f"秘密单位{i:02d}有限公司", "uscc": make_uscc(40 + i, region)}
    body["workers"][0]["name"] = f"秘密工人{i:02d}"
    body["workers"][0]["phone"] = f"1390000{i:04d}"
    state = initial_state(
        CaseStart(case_id=f"QL-OPEN{i:04d}", intake=CaseIntake.model_validate(body), created_by=INSPECTOR)
    )
    notice = NoticeRef(
        notice_id=f"N-SECRET-{i}",
        kind="acceptance",
        doc_number=f"小人社监受〔2026〕{900 + i}号",
        issued_at=closed - timedelta(days=20),
        sha256="0" * 64,
    )
    return state.model_copy(
        update={
            "stage": stage,
            "case_number": f"小人社监案〔2026〕{800 + i}号",
            "received_at": closed - timedelta(days=30),
            "closed_at": closed,
            "close_reason": None if stage == Stage.REJECTED else "cleared",
            "notices": [notice],
            "last_seq": 5,
            **update,
        }
    )


@asynccontextmanager
async def open_client(settings: Settings, engine: AsyncEngine, env: WorkflowEnvironment) -> AsyncIterator[Any]:
    app = create_app(settings, client=env.client, engine=engine)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        yield http


@pytest.fixture
async def public(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    time_skipping_env: WorkflowEnvironment,
) -> Any:
    states = [concluded(i, "140105", OCT) for i in range(7)]
    states.append(concluded(7, "140106", OCT, Stage.REJECTED))
    states += [concluded(i, "140105", NOV) for i in (8, 9)]
    states.append(concluded(10, "140105", NOV, Stage.INVESTIGATING, closed_at=None))  # not concluded
    published = Publication(violation="拖欠工资", decided_at=NOV, decided_by="head", documents=[])
    states[3] = states[3].model_copy(update={"publication": published})
    async with sessions.begin() as s:
        for state in states:
            await save_case(s, state, NOV)
    async with open_client(settings, engine, time_skipping_env) as http:
        yield http, states


SECRETS_OF = ("workers", "complainant")


def secrets(states: list[CaseState]) -> list[str]:
    found = []
    for i, s in enumerate(states):
        found += [s.case_id, s.case_number or "", s.employer.uscc, *(n.doc_number for n in s.notices)]
        found += [n.notice_id for n in s.notices]
        found += [w.name for w in s.workers] + [w.id_number for w in s.workers] + [w.phone or "" for w in s.workers]
        found += [s.complainant.name, s.complainant.phone or "", s.complainant.id_number or ""]
        if i != 3:  # the published one's name may show
            found.append(s.employer.name)
    return [x for x in found if x]


async def every_page(http: httpx.AsyncClient, **params: Any) -> tuple[list[dict[str, Any]], list[bytes]]:
    items: list[dict[str, Any]] = []
    bodies: list[bytes] = []
    cursor = None
    while True:
        r = await http.get("/api/v1/open/cases", params={**params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        assert r.headers["cache-control"].startswith("public")
        bodies.append(r.content)
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return items, bodies


async def test_rows_carry_only_the_whitelist_and_nothing_identifying(public: Any) -> None:
    http, states = public
    items, bodies = await every_page(http, limit=3)
    assert len(items) == 10  # the open case is not there
    assert all(set(item) == set(OpenCase.model_fields) for item in items)
    raw = b"".join(bodies)
    csv_body = (await http.get("/api/v1/open/cases.csv")).content
    aggregates = (await http.get("/api/v1/open/aggregates")).content
    for secret in secrets(states):
        for body in (raw, csv_body, aggregates):
            assert secret.encode() not in body, secret
    named = [i["employer_name"] for i in items if i["employer_name"]]
    assert named == [states[3].employer.name]
    first = items[0]
    assert (
        first["county"] == "140105" and first["concluded_month"] == "2026-10" and first["received_month"] == "2026-09"
    )
    assert first["owed"] == "24000.00" and first["outcome"] == "cleared" and first["working_days"] > 15
    assert {i["outcome"] for i in items} == {"cleared", "rejected"}


async def test_pages_cover_each_case_once_and_cursors_name_none(public: Any) -> None:
    http, _ = public
    seen: list[str] = []
    cursor = None
    while True:
        r = await http.get("/api/v1/open/cases", params={"limit": 4, **({"cursor": cursor} if cursor else {})})
        seen += [f"{i['concluded_month']}|{i['owed']}|{i['county']}|{i['outcome']}" for i in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        assert b"QL-" not in decoded
    assert len(seen) == 10
    only_nov = (await http.get("/api/v1/open/cases", params={"from": "2026-11", "to": "2026-11"})).json()["items"]
    assert len(only_nov) == 2
    county = (await http.get("/api/v1/open/cases", params={"region": "140106"})).json()["items"]
    assert [i["outcome"] for i in county] == ["rejected"]
    bad = await http.get("/api/v1/open/cases", params={"cursor": "not-a-cursor"})
    assert bad.status_code == 422
    backwards = await http.get("/api/v1/open/cases", params={"from": "2026-11", "to": "2026-10"})
    assert backwards.status_code == 422


async def test_the_csv_has_a_bom_and_the_same_rows(public: Any) -> None:
    http, _ = public
    r = await http.get("/api/v1/open/cases.csv")
    assert r.status_code == 200 and r.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 10 and set(rows[0]) == set(OpenCase.model_fields)


async def test_small_groups_are_suppressed_and_cannot_be_recovered(public: Any) -> None:
    http, _ = public
    cells = (await http.get("/api/v1/open/aggregates")).json()
    by = {(c["county"], c["month"]): c for c in cells}
    assert by[("140105", "2026-10")]["cases"] == 7 and not by[("140105", "2026-10")]["suppressed"]
    assert by[("140106", "2026-10")]["suppressed"] and by[("140106", "2026-10")]["cases"] is None
    assert by[("140105", "2026-11")]["suppressed"]  # 2 cases
    total = by[("", None)]
    assert total["cases"] == 10
    hidden = [c for c in cells if c["suppressed"]]
    assert len(hidden) != 1, "one hidden cell would be the total minus the others"


async def test_a_single_small_group_takes_a_neighbour_with_it(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    time_skipping_env: WorkflowEnvironment,
) -> None:
    states = [concluded(i, "140105", OCT) for i in range(7)]
    states += [concluded(10 + i, "140107", OCT) for i in range(6)]
    states.append(concluded(30, "140106", OCT))
    async with sessions.begin() as s:
        for state in states:
            await save_case(s, state, NOV)
    async with open_client(settings, engine, time_skipping_env) as http:
        cells = (await http.get("/api/v1/open/aggregates")).json()
    hidden = {c["county"] for c in cells if c["suppressed"]}
    assert hidden == {"140106", "140107"}  # the one small group, and the smallest shown one with it
    total = next(c for c in cells if c["month"] is None)
    shown = sum(c["cases"] for c in cells if c["month"] and not c["suppressed"])
    assert total["cases"] - shown == 7  # 1 + 6: neither recoverable alone
