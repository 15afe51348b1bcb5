"""The decision and the penalty end to end through the HTTP contract (issue 8): the API and a worker over a
real database and a time-skipping server of the test's own, whose clock the API's edge follows (the days an
order, a defence period and a hearing need pass in seconds). Each document is fetched as a PDF; the
clocks show on the case."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

import api.routes.cases as case_routes
from api.app import create_app
from config.settings import Settings
from db.users import create_user
from models.case import Role
from models.clock import shanghai_date
from tests.api.conftest import Api
from tests.builders import intake_body, make_id
from tests.harness import running_worker
from tests.notices.conftest import pdf_text


class Clock:
    """The API edge's clock, kept at the time-skipping server's."""

    def __init__(self, env: WorkflowEnvironment) -> None:
        self.env = env
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    async def skip(self, days: float) -> datetime:
        await self.env.sleep(timedelta(days=days))
        self.offset = await self.env.get_current_time() - datetime.now(UTC)
        return self.now()


@pytest.fixture
async def staged(
    own_time_env: WorkflowEnvironment,
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[tuple[Api, Clock]]:
    clock = Clock(own_time_env)
    now: Callable[[], datetime] = clock.now
    monkeypatch.setattr(case_routes, "now", now)
    monkeypatch.setattr(case_routes, "today", lambda: shanghai_date(clock.now()))
    tokens: dict[str, str] = {}
    async with sessions.begin() as s:
        for name, role in [("inspector", Role.INSPECTOR), ("supervisor", Role.SUPERVISOR), ("head", Role.HEAD)]:
            _, tokens[name] = await create_user(s, name, role, ["140105"])
    app = create_app(settings, client=own_time_env.client, engine=engine)
    async with (
        running_worker(own_time_env.client, settings, sessions),
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        yield Api(http=http, tokens=tokens), clock


async def act(api: Api, cid: str, name: str, body: dict[str, Any], who: str = "inspector") -> dict[str, Any]:
    r = await api.http.post(f"/api/v1/cases/{cid}/actions/{name}", json=body, headers=api.auth(who))
    assert r.status_code == 200, (name, r.text)
    return dict(r.json())


async def serve_last(api: Api, clock: Clock, cid: str, case: dict[str, Any]) -> dict[str, Any]:
    notice = case["notices"][-1]["notice_id"]
    return await act(
        api, cid, "record_service", {"notice_id": notice, "served_at": clock.now().isoformat(), "method": "direct"}
    )


async def notice_text(api: Api, cid: str, kind: str) -> str:
    """The visible text (whitespace removed) of the case's one notice of ``kind``, fetched as a PDF."""
    listed = (await api.http.get(f"/api/v1/cases/{cid}/notices", headers=api.auth("inspector"))).json()
    (notice,) = [n for n in listed if n["kind"] == kind]
    r = await api.http.get(notice["url"], headers=api.auth("inspector"))
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    return pdf_text(r.content)


async def new_case(api: Api, clock: Clock) -> str:
    body = intake_body(workers=2, received_at=clock.now().isoformat())
    r = await api.http.post("/api/v1/cases", json=body, headers=api.auth("inspector"))
    assert r.status_code == 201, r.text
    cid = str(r.json()["case_id"])
    await act(api, cid, "accept", {})
    return cid


async def test_a_decision_through_the_api(staged: tuple[Api, Clock]) -> None:
    api, clock = staged
    cid = await new_case(api, clock)
    await act(api, cid, "record_finding", {"workers": [{"id_number": make_id(1), "confirmed_amount": "11000.00"}]})
    due = (shanghai_date(clock.now()) + timedelta(days=5)).isoformat()
    case = await serve_last(api, clock, cid, await act(api, cid, "issue_order", {"due_date": due}))
    assert case["order_served"] is True
    await clock.skip(6)

    case = await serve_last(api, clock, cid, await act(api, cid, "propose_decision", {"compensation_rate": "0.6"}))
    assert case["decision"]["status"] == "noticed"
    assert any(d["kind"] == "decision_defense" for d in case["deadlines"])
    await act(
        api, cid, "submit_defense", {"party": "太原市某建筑劳务有限公司", "text": "请求从轻，联系电话13812345678"}
    )
    case = await act(api, cid, "issue_decision", {"compensation_rate": "0.5"}, who="head")
    decision = case["decision"]
    assert decision["status"] == "decided" and decision["rate"] == "0.50"
    assert (decision["wages"], decision["compensation"]) == ("23000.00", "11500.00")
    assert decision["defenses"][0]["text"].endswith("138****5678")  # shown masked
    text = await notice_text(api, cid, "decision")
    assert "行政处理决定书" in text and "加付赔偿金" in text and "第二十六条" in text
    assert make_id(1) not in text
    history = (await api.http.get(f"/api/v1/cases/{cid}/history", headers=api.auth("supervisor"))).json()
    assert [h["kind"] for h in history][-4:] == [
        "propose_decision",
        "record_service",
        "submit_defense",
        "issue_decision",
    ]


async def test_a_penalty_with_a_hearing_through_the_api(staged: tuple[Api, Clock]) -> None:
    api, clock = staged
    cid = await new_case(api, clock)
    case = await act(api, cid, "propose_penalty", {"basis": "inspection_art30", "amount": "20000"})
    assert case["penalty"]["hearing_right"] is True  # no threshold configured for 14: every fine is heard
    case = await serve_last(api, clock, cid, case)
    kinds = {d["kind"] for d in case["deadlines"]}
    assert {"penalty_decision", "penalty_defense", "penalty_hearing_request"} <= kinds
    await act(api, cid, "request_hearing", {"requested_at": clock.now().isoformat()})
    soon = {"hearing_at": (clock.now() + timedelta(days=2)).isoformat(), "place": "听证室"}
    r = await api.http.post(f"/api/v1/cases/{cid}/actions/schedule_hearing", json=soon, headers=api.auth("inspector"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "hearing_too_soon"  # refused at the edge
    hearing_at = clock.now() + timedelta(days=8)
    await act(api, cid, "schedule_hearing", {"hearing_at": hearing_at.isoformat(), "place": "小店区人社局听证室"})
    assert "听证通知书" in await notice_text(api, cid, "hearing_notice")
    held = await clock.skip(8.1)
    await act(api, cid, "record_hearing", {"held_at": held.isoformat(), "record": "当事人到场陈述申辩"})
    await act(api, cid, "record_legal_review", {"opinion": "事实清楚，程序合法"}, who="supervisor")
    r = await api.http.post(
        f"/api/v1/cases/{cid}/actions/decide_penalty",
        json={"impose": True, "amount": "20001", "reason": "x"},
        headers=api.auth("head"),
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "heavier_after_defense"
    case = await act(
        api, cid, "decide_penalty", {"impose": True, "amount": "12000", "reason": "听证后从轻"}, who="head"
    )
    assert case["penalty"]["status"] == "decided" and case["penalty"]["amount"] == "12000.00"
    service = next(d for d in case["deadlines"] if d["kind"] == "penalty_service")
    assert service["status"] == "pending"
    text = await notice_text(api, cid, "penalty_decision")
    assert "行政处罚决定书" in text and "第三十条" in text


async def test_to_court_through_the_api(staged: tuple[Api, Clock]) -> None:
    api, clock = staged
    cid = await new_case(api, clock)
    await act(api, cid, "record_finding", {"workers": [{"id_number": make_id(1), "confirmed_amount": "11000.00"}]})
    due = (shanghai_date(clock.now()) + timedelta(days=5)).isoformat()
    await serve_last(api, clock, cid, await act(api, cid, "issue_order", {"due_date": due}))
    await clock.skip(6)
    await serve_last(api, clock, cid, await act(api, cid, "propose_decision", {"compensation_rate": "0.5"}))
    await clock.skip(10)
    case = await serve_last(
        api, clock, cid, await act(api, cid, "issue_decision", {"compensation_rate": "0.5"}, "head")
    )
    enforcement = case["decision"]["enforcement"]
    assert enforcement["status"] == "running" and enforcement["served_on"] == shanghai_date(clock.now()).isoformat()
    assert enforcement["review_ends"] < enforcement["litigation_ends"]

    await clock.skip(200)  # neither challenged nor paid: the court deadline opens on its own
    for _ in range(300):
        case = (await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth("inspector"))).json()
        if case["decision"]["enforcement"]["status"] == "due":
            break
        await asyncio.sleep(0.05)
    deadline = next(d for d in case["deadlines"] if d["kind"] == "court_enforcement")
    assert deadline["status"] == "pending" and "第五十三条" in deadline["basis"]
    text = await notice_text(api, cid, "court_application")
    assert "强制执行申请书" in text and "人民法院" in text
    filed = {
        "procedure": "decision",
        "filed_on": shanghai_date(clock.now()).isoformat(),
        "court": "太原市小店区人民法院",
    }
    case = await act(api, cid, "record_court_enforcement", filed)
    assert case["decision"]["enforcement"]["status"] == "filed"
    assert next(d for d in case["deadlines"] if d["kind"] == "court_enforcement")["status"] == "met"
    history = (await api.http.get(f"/api/v1/cases/{cid}/history", headers=api.auth("supervisor"))).json()
    assert [h["kind"] for h in history][-2:] == ["court_enforcement_due", "record_court_enforcement"]
    assert history[-2]["actor_role"] == "admin" and history[-2]["actor"] == "system"  # the engine itself
