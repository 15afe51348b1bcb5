"""The console driven in headless Chromium against a running stack (issue 11): signing in with the keyboard, 我的工作
at 1366×768 and at phone width, and axe-core's WCAG A/AA rules without a serious violation."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.async_api import Browser, Page

from models.clock import SHANGHAI
from tests.browser.conftest import no_serious_violations, screenshot, signed_in
from tests.builders import intake_body, make_id
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


FIRST = "(the first offered)"


async def act_in_page(
    page: Page, action: str, fill: dict[str, str] | None = None, select: dict[str, str] | None = None
) -> None:
    """Open the action's form on the case page, fill it by its labels, send it, and see it done."""
    form = page.locator(f"#case-{action}")
    await form.locator("summary").click()
    for label, value in (fill or {}).items():
        await form.get_by_label(label, exact=False).first.fill(value)
    for label, value in (select or {}).items():
        field = form.get_by_label(label, exact=False).first
        if value == FIRST:
            value = await field.locator("option:not([value=''])").first.get_attribute("value") or ""
        await field.select_option(value)
    async with page.expect_navigation():
        await form.locator("button[type=submit]").click()
    status = page.get_by_role("status")
    assert await status.count() == 1, await page.locator("[role=alert]").all_inner_texts()
    assert "已完成" in await status.inner_text()


async def test_the_whole_procedure_in_the_browser(browser: Browser, stack: Stack) -> None:
    inspector = await signed_in(browser, stack, "inspector")
    cid = await file_complaint(inspector, stack)
    case_url = f"{stack.api}/cases/{cid}"
    await inspector.goto(case_url)
    await act_in_page(inspector, "accept")
    # served on the spot, to the second as the form allows (the next second: the notice was issued within this one)
    now = datetime.now(SHANGHAI) + timedelta(seconds=1)
    await act_in_page(
        inspector,
        "record_service",
        fill={"送达时间": now.strftime("%Y-%m-%dT%H:%M:%S")},
        select={"送达的文书": FIRST, "送达方式": "direct"},
    )
    await act_in_page(inspector, "record_finding", fill={"认定结果": f"{make_id(1)} 11000\n{make_id(2)} 12000"})
    due = (now.date() + timedelta(days=10)).isoformat()
    await act_in_page(inspector, "issue_order", fill={"限期支付日期": due})
    await act_in_page(inspector, "record_payment", fill={"支付明细": f"{make_id(1)} 11000\n{make_id(2)} 12000"})
    await no_serious_violations(inspector)
    await screenshot(inspector, "case")

    supervisor = await signed_in(browser, stack, "supervisor")
    await supervisor.goto(case_url)
    await act_in_page(supervisor, "close", select={"理由": "cleared"})
    history = await supervisor.locator("section[aria-labelledby=history-h]").inner_text()
    for step in ("受理立案", "登记送达", "记录调查认定", "责令限期支付", "登记支付", "结案"):
        assert step in history, step
    assert "inspector" in history and "supervisor" in history and "u_" not in history

    await supervisor.goto(stack.api + "/dashboard")
    await no_serious_violations(supervisor)
    await screenshot(supervisor, "dashboard")
    await supervisor.goto(stack.api + "/audit")
    await supervisor.get_by_label("操作人").select_option(label="inspector（监察员）")
    async with supervisor.expect_navigation():
        await supervisor.get_by_role("button", name="筛选").click()
    rows = await supervisor.locator("table tbody tr").all_inner_texts()
    assert rows and all("inspector" in r for r in rows)
    await no_serious_violations(supervisor)
    await screenshot(supervisor, "audit")
    async with supervisor.expect_download() as download:
        await supervisor.get_by_role("link", name="Excel").click()
    assert (await download.value).suggested_filename.endswith(".xlsx")


async def file_complaint(page: Page, stack: Stack) -> str:
    """The intake form, with one invalid ID number first: refused beside the field, fixed, filed."""
    body = intake_body(workers=2)
    await page.goto(stack.api + "/cases/new")
    await no_serious_violations(page)
    await page.locator("#employer_name").fill(body["employer"]["name"])
    await page.locator("#employer_uscc").fill(body["employer"]["uscc"])
    await page.locator("#complainant_name").fill("张三")
    for i, w in enumerate(body["workers"]):
        ident = w["id_number"] if i == 0 else w["id_number"][:-1] + ("0" if w["id_number"][-1] != "0" else "1")
        for column, value in (("name", w["name"]), ("id_number", ident), ("owed_amount", w["owed_amount"])):
            await page.locator(f"#w-{i}-{column}").fill(value)
        await page.locator(f"#w-{i}-owed_from").fill(w["owed_from"])
        await page.locator(f"#w-{i}-owed_to").fill(w["owed_to"])
    async with page.expect_navigation():
        await page.get_by_role("button", name="登记", exact=True).click()
    assert "校验" in await page.locator("#w-1-id_number-error").inner_text()
    assert await page.locator("#w-0-name").input_value() == body["workers"][0]["name"]  # nothing lost
    await screenshot(page, "intake")
    await page.locator("#w-1-id_number").fill(body["workers"][1]["id_number"])
    async with page.expect_navigation():
        await page.get_by_role("button", name="登记", exact=True).click()
    assert "/cases/QL-" in page.url, await page.locator("[role=alert]").all_inner_texts()
    return page.url.split("/cases/")[1].split("?")[0]
