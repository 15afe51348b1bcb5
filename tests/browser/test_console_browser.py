"""The console driven in headless Chromium against a running stack (issue 11): signing in with the keyboard, 我的工作
at 1366×768 and at phone width, and axe-core's WCAG A/AA rules without a serious violation."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from tests.browser.conftest import no_serious_violations, screenshot, signed_in
from tests.e2e.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


async def test_sign_in_and_my_work_are_accessible(browser: Browser, stack: Stack) -> None:
    context = await browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    login = await context.new_page()
    await login.goto(stack.api + "/")
    assert login.url.startswith(stack.api + "/login")
    await no_serious_violations(login)
    await screenshot(login, "login")
    await login.get_by_label("用户名").fill("inspector")
    await login.get_by_label("访问令牌").fill("ql_wrong")
    await login.get_by_role("button", name="登录").click()
    assert "用户名或令牌不正确" in await login.get_by_role("alert").inner_text()

    page = await signed_in(browser, stack, "inspector")
    assert await page.get_by_role("heading", name="我的工作").is_visible()
    await no_serious_violations(page)
    await screenshot(page, "my-work")
    await page.keyboard.press("Tab")  # the first stop is the skip link, and it shows itself
    assert await page.evaluate("document.activeElement.textContent") == "跳到正文"

    phone = await signed_in(browser, stack, "inspector", width=390, height=844)
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at phone width ({width}px)"
