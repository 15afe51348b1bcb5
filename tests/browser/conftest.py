"""The console in real headless Chromium (the Debian ``chromium``, driven by Playwright; never a browser download)
against a running stack: the real dev server, `qingling api` and a worker (tests/e2e/stack.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, async_playwright

from tests.e2e.stack import Stack, running_stack

USERS = {"inspector": ("inspector", "inspector"), "supervisor": ("supervisor", "supervisor"), "head": ("head", "head")}
SCREENSHOTS = Path(__file__).parent.parent.parent / "docs" / "screenshots"
SERIOUS = ("serious", "critical")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing: `make test` installs it (scripts/system-deps.sh browser)")
        pytest.skip("chromium is not installed (make test installs it)")
    return found


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("browser"), USERS) as s:
        yield s


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    path = chromium()
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=path, headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            await b.close()


async def signed_in(browser: Browser, stack: Stack, who: str, *, width: int = 1366, height: int = 768) -> Page:
    """A page of a fresh context (its own cookies), signed in through the sign-in form with the keyboard."""
    context = await browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = await context.new_page()
    await page.goto(stack.api + "/")
    await page.get_by_label("用户名").fill(USERS[who][0])
    await page.get_by_label("访问令牌").fill(stack.env[f"TOKEN_{who.upper()}"])
    await page.get_by_label("访问令牌").press("Enter")
    await page.wait_for_url(stack.api + "/")
    return page


async def no_serious_violations(page: Page) -> None:
    """axe-core's rules (WCAG 2.x A and AA) in the page: no serious or critical violation."""
    results = await Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}})
    found = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert not found, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in found]


async def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
