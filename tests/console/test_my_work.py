"""我的工作 (issue 11, item 2): my region's cases with their nearest deadline, the ones due first, filters, and
nothing of another region."""

from __future__ import annotations

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
