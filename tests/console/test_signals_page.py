"""Monitoring signals in the console: a case's signals are shown on its page; a platform's credential never signs
in to the console."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.users import create_user
from models.case import Role
from tests.api.conftest import Api
from tests.api.test_signals import signal
from tests.console.conftest import SignIn, csrf_of


async def test_the_case_page_shows_its_signals(
    api: Api, browser: SignIn, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions.begin() as s:
        _, token = await create_user(s, "monitor-1", Role.MONITOR, ["1401"])
    r = await api.http.post("/api/v1/signals", json=signal("WX-PAGE-1"), headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201 and r.json()["outcome"] == "opened", r.text
    client = await browser("inspector")
    page = await client.get(f"/cases/{r.json()['case_id']}")
    assert page.status_code == 200, page.text
    assert 'id="signals-h">监测预警' in page.text
    assert "WX-PAGE-1" in page.text and "工资未按时拨付至专用账户" in page.text and "monitor-1" in page.text


async def test_a_platform_credential_cannot_sign_in(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as s:
        _, token = await create_user(s, "monitor-2", Role.MONITOR, ["1401"])
    form = await api.http.get("/login")
    r = await api.http.post(
        "/login", data={"name": "monitor-2", "token": token, "login_csrf": csrf_of(form.text), "next": "/"}
    )
    assert r.status_code == 403 and "只能用于报送预警信号" in r.text
    assert "ql_console" not in r.headers.get("set-cookie", "")
