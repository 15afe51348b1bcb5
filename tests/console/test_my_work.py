"""我的工作 (issue 11, item 2): my region's cases with their nearest deadline, the ones due first, filters, and
nothing of another region."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from models.clock import SHANGHAI
from tests.api.conftest import Api
from tests.builders import intake_body
from tests.console.conftest import SignIn


async def test_my_regions_cases_the_soonest_first_and_filters(api: Api, browser: SignIn) -> None:
    r = await api.http.post("/api/v1/cases", json=intake_body(), headers=api.auth("inspector"))
    assert r.status_code == 201, r.text
    cid = r.json()["case_id"]
    mine = await browser("inspector")
    page = (await mine.get("/")).text
    assert page.count(f'href="/cases/{cid}"') == 2  # among the soonest deadlines, and in the list
    assert "受理期限" in page and "登记待受理" in page and "太原市某建筑劳务有限公司" in page

    async def listed(query: str) -> bool:
        text = (await mine.get("/" + query)).text
        return f'href="/cases/{cid}"' in text.split('id="all-h"')[1]  # the filtered list, not the soonest

    assert not await listed("?stage=closed")
    assert await listed("?q=某建筑&deadline_kind=acceptance")
    assert not await listed("?overdue=true")  # due in 5 working days
    other = (await (await browser("other")).get("/")).text
    assert cid not in other and "共 0 件" in other


async def test_the_nearest_deadline_first_and_paging_in_that_order(api: Api, browser: SignIn) -> None:
    made = []
    for hours_ago in (2, 100, 50):  # received at different times: their acceptance falls due on different days
        body = intake_body(
            received_at=(datetime.now(SHANGHAI) - timedelta(hours=hours_ago)).isoformat(timespec="seconds")
        )
        r = await api.http.post("/api/v1/cases", json=body, headers=api.auth("inspector"))
        assert r.status_code == 201, r.text
        made.append((r.json()["case_id"], r.json()["deadlines"][0]["due"], r.json()["received_at"]))
    client = await browser("inspector")

    def order_in(html: str) -> list[str]:
        listed = html.split('id="all-h"')[1]
        return sorted((cid for cid, _, _ in made), key=lambda cid: listed.index(f'href="/cases/{cid}"'))

    by_due = sorted(made, key=lambda m: (m[1], [-ord(c) for c in m[2]]))
    assert order_in((await client.get("/")).text) == [m[0] for m in by_due]
    newest = sorted(made, key=lambda m: m[2], reverse=True)
    assert order_in((await client.get("/?order=received")).text) == [m[0] for m in newest]


async def test_paging_by_the_nearest_deadline_gives_every_case_once(api: Api, sessions: Any) -> None:
    from db import cases as store

    for hours_ago in (2, 30, 60, 90, 120):
        body = intake_body(
            received_at=(datetime.now(SHANGHAI) - timedelta(hours=hours_ago)).isoformat(timespec="seconds")
        )
        assert (await api.http.post("/api/v1/cases", json=body, headers=api.auth("inspector"))).status_code == 201
    seen: list[str] = []
    dues: list[Any] = []
    cursor = None
    async with sessions() as s:
        for _ in range(10):
            page = await store.list_states(
                s, store.CaseFilter(region_prefixes=None, limit=2, cursor=cursor, by_due=True)
            )
            seen += [c.case_id for c in page.states]
            dues += [min((d.due for d in c.state.deadlines if d.open), default=None) for c in page.states]
            cursor = page.next_cursor
            if cursor is None:
                break
    assert len(seen) == len(set(seen)) == 5
    assert dues == sorted(dues)
