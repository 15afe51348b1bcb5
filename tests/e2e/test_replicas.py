"""Production's shape: two `qingling worker` and two `qingling api` processes on one Temporal dev server and one
PostgreSQL, with actions racing each other through both APIs. Whatever the interleaving, every case has one
case number, one history row per seq with no gap, one notice per issued document, and unbroken hash chains."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from db import devcluster as pg
from models.clock import SHANGHAI
from tests.builders import intake_body, make_id
from tests.e2e.stack import Stack, headers, running_stack, wait_healthy

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

CASES = 8


@pytest.fixture(scope="module")
def database(pg_cluster: pg.Cluster | None) -> Iterator[tuple[str, str]]:
    """A fresh PostgreSQL database: (SQLAlchemy URL, asyncpg DSN)."""
    if pg_cluster is None:
        pytest.skip("PostgreSQL server binaries not found")
    name = f"replicas_{uuid.uuid4().hex[:8]}"

    async def create() -> None:
        conn = await asyncpg.connect(pg_cluster.admin_url)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()

    asyncio.run(create())
    url = pg_cluster.url(name)
    yield url, url.replace("postgresql+asyncpg://", "postgresql://")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, database: tuple[str, str]) -> Iterator[Stack]:
    users = {"inspector": ("insp", "inspector"), "supervisor": ("sup", "supervisor")}
    tmp = tmp_path_factory.mktemp("replicas")
    with running_stack(tmp, users, database_url=database[0], workers=2, apis=2) as s:
        yield s


@pytest.fixture
async def clients(stack: Stack) -> AsyncIterator[list[httpx.AsyncClient]]:
    async with (
        httpx.AsyncClient(base_url=stack.apis[0], timeout=120) as a,
        httpx.AsyncClient(base_url=stack.apis[1], timeout=120) as b,
    ):
        for http in (a, b):
            await wait_healthy(http)
        yield [a, b]


async def both(
    clients: list[httpx.AsyncClient], stack: Stack, cid: str, action: str, bodies: list[dict[str, Any]]
) -> list[httpx.Response]:
    """The same case's action sent through each API at the same moment (one body per API)."""
    return list(
        await asyncio.gather(
            *(
                http.post(f"/api/v1/cases/{cid}/actions/{action}", json=body, headers=headers(stack, "inspector"))
                for http, body in zip(clients, bodies, strict=True)
            )
        )
    )


async def one_case(clients: list[httpx.AsyncClient], stack: Stack, i: int) -> str:
    """A case raced through both APIs from intake to cleared; its id."""
    # The same submission (one Idempotency-Key) reaches both APIs at once: one case.
    key = {"Idempotency-Key": f"replicas-{uuid.uuid4().hex}", **headers(stack, "inspector")}
    body = intake_body()
    made = await asyncio.gather(*(http.post("/api/v1/cases", json=body, headers=key) for http in clients))
    assert sorted(r.status_code for r in made) == [200, 201], [r.text for r in made]
    ids = {r.json()["case_id"] for r in made}
    assert len(ids) == 1, ids
    cid = ids.pop()

    accepted = await both(clients, stack, cid, "accept", [{}, {}])
    assert sorted(r.status_code for r in accepted) == [200, 409], [r.text for r in accepted]

    finding = {"workers": [{"id_number": make_id(1), "confirmed_amount": "11000.00"}]}
    found = await both(clients, stack, cid, "record_finding", [finding, finding])
    assert 200 in [r.status_code for r in found], [r.text for r in found]

    due = (datetime.now(SHANGHAI).date() + timedelta(days=7)).isoformat()
    ordered = await both(clients, stack, cid, "issue_order", [{"due_date": due}, {"due_date": due}])
    assert sorted(r.status_code for r in ordered) == [200, 409], [r.text for r in ordered]
    order = next(r for r in ordered if r.status_code == 200).json()["notices"][-1]["notice_id"]

    served = {"notice_id": order, "served_at": datetime.now(SHANGHAI).isoformat(), "method": "direct"}
    await both(clients, stack, cid, "record_service", [served, served])

    paid_at = datetime.now(SHANGHAI).replace(microsecond=0).isoformat()
    first = {"payments": [{"id_number": make_id(1), "amount": "11000.00", "paid_at": paid_at}]}
    second = {"payments": [{"id_number": make_id(2), "amount": "12000.00", "paid_at": paid_at}]}
    paid = await both(clients, stack, cid, "record_payment", [first, second])
    assert [r.status_code for r in paid] == [200, 200], [r.text for r in paid]
    return cid


async def test_two_workers_and_two_apis_duplicate_nothing(
    stack: Stack, clients: list[httpx.AsyncClient], database: tuple[str, str]
) -> None:
    ids = await asyncio.gather(*(one_case(clients, stack, i) for i in range(CASES)))
    assert len(set(ids)) == CASES

    view = (await clients[1].get(f"/api/v1/cases/{ids[0]}", headers=headers(stack, "inspector"))).json()
    assert view["stage"] == "cleared" and view["paid_total"] == "23000.00" and view["outstanding"] == "0.00"

    conn = await asyncpg.connect(database[1])
    try:
        numbers = [r["case_number"] for r in await conn.fetch("SELECT case_number FROM cases")]
        assert len(numbers) == CASES and None not in numbers and len(set(numbers)) == CASES

        events = await conn.fetch("SELECT case_id, seq, kind FROM case_events WHERE seq > 0 ORDER BY case_id, seq")
        by_case: dict[str, list[Any]] = {}
        for e in events:
            by_case.setdefault(e["case_id"], []).append(e)
        assert set(by_case) == set(ids)
        for cid, rows in by_case.items():
            seqs = [r["seq"] for r in rows if r["seq"] < 10_000_000]  # the case's own writer
            assert seqs == list(range(1, len(seqs) + 1)), (cid, seqs)
            kinds = Counter(r["kind"] for r in rows)
            assert (kinds["accept"], kinds["issue_order"], kinds["record_payment"]) == (1, 1, 2), (cid, kinds)

        notices = await conn.fetch("SELECT case_id, kind, doc_number FROM notices")
        per_case = Counter((n["case_id"], n["kind"]) for n in notices)
        for cid in ids:
            assert per_case[(cid, "acceptance")] == 1 and per_case[(cid, "payment_order")] == 1, cid
        doc_numbers = [n["doc_number"] for n in notices]
        assert len(doc_numbers) == len(set(doc_numbers))
    finally:
        await conn.close()

    stack.cli("audit", "verify")  # exit status 0: every chain holds
    for name, proc in stack.procs.items():
        assert proc.poll() is None, f"{name} stopped: {(stack.tmp / f'{name}.log').read_text()[-2000:]}"
