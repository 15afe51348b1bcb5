"""The console in-process (ASGI) over a real database and the time-skipping server with a worker, as the API tests
run it; ``browser(who)`` is a client signed in through the sign-in form, with its own cookies."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

import httpx
import pytest

from tests.api.conftest import Api, api  # noqa: F401 - the fixture, shared

CSRF = re.compile(r'name="(?:login_)?csrf" value="([^"]+)"')

SignIn = Callable[[str], Awaitable[httpx.AsyncClient]]


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


@pytest.fixture
async def browser(api: Api) -> AsyncIterator[SignIn]:  # noqa: F811 - the fixture imported above
    async with AsyncExitStack() as stack:

        async def sign_in(who: str) -> httpx.AsyncClient:
            client = await stack.enter_async_context(
                httpx.AsyncClient(transport=api.http._transport, base_url="http://test")
            )
            form = await client.get("/login")
            r = await client.post(
                "/login", data={"name": who, "token": api.tokens[who], "login_csrf": csrf_of(form.text), "next": "/"}
            )
            assert r.status_code == 303 and r.headers["location"] == "/", r.text
            return client

        yield sign_in
