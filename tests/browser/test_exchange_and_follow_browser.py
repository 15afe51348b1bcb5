"""The pages issue 12 and 13 added, in headless Chromium against the running stack, under axe-core's WCAG A/AA
rules: importing complaints from Excel (the result and its problems), the exports page, and the complainant's
public page with the query code from the 受理通知书."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Browser

from tests.browser.conftest import no_serious_violations, screenshot, signed_in
from tests.browser.test_console_browser import act_in_page
from tests.e2e.stack import Stack
from tests.exchange.sheets import row, workbook
from tests.notices.conftest import pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


async def test_import_exports_and_the_complainants_page(browser: Browser, stack: Stack, tmp_path: Path) -> None:
    page = await signed_in(browser, stack, "inspector")
    await page.goto(stack.api + "/import")
    await no_serious_violations(page)
    file = tmp_path / "投诉.xlsx"
    file.write_bytes(workbook([row(7, 1), row(7, 2), row(8, 3, owed_amount="0")]))
    await page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(file))
    async with page.expect_navigation():
        await page.get_by_role("button", name="导入").click()
    status = await page.get_by_role("status").inner_text()
    assert "新登记 1 件" in status and "未导入 1 件" in status
    await no_serious_violations(page)
    await screenshot(page, "import")
    case_link = page.locator("a[href^='/cases/QL-']").first
    case_url = stack.api + str(await case_link.get_attribute("href"))

    await page.goto(stack.api + "/exports")
    await no_serious_violations(page)
    async with page.expect_download() as download:
        await page.get_by_role("button", name="下载台账").click()
    assert (await download.value).suggested_filename.endswith(".xlsx")

    # accept the imported case: its 受理通知书 carries the complainant's query code
    await page.goto(case_url)
    await act_in_page(page, "accept")
    pdf_link = page.locator("a[href$='.pdf']").first
    pdf = await page.request.get(stack.api + str(await pdf_link.get_attribute("href")))
    found = re.search(r"查询码：([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", re.sub(r"\s+", "", pdf_text(await pdf.body())))
    assert found, "the 受理通知书 prints the query code"

    public = await (await browser.new_context(locale="zh-CN")).new_page()
    await public.goto(stack.api + "/follow")
    await no_serious_violations(public)
    await public.get_by_label("查询码").fill(found.group(1))
    await public.get_by_label("手机号码后四位").fill("5678")
    async with public.expect_navigation():
        await public.get_by_role("button", name="查询").click()
    assert "已立案，正在调查核实" in await public.locator("section[aria-labelledby=status-h]").inner_text()
    await no_serious_violations(public)
    await screenshot(public, "follow")
