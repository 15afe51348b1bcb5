"""Excel in the console: an upload (CSRF checked) starts the good complaints and lists every problem with a
downloadable error sheet that only its uploader can fetch; the template and the exports download as workbooks."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from api.exchange.complaints_sheet import COLUMNS
from tests.api.conftest import Api
from tests.console.conftest import SignIn, csrf_of
from tests.exchange.sheets import row, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_an_upload_imports_and_reports_by_row(api: Api, browser: SignIn) -> None:
    client = await browser("inspector")
    form = await client.get("/import")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    data = workbook([row(1, 1), row(1, 2), row(2, 3, owed_amount="0")])
    files = {"file": ("投诉.xlsx", data, XLSX)}

    forged = await client.post("/import", files=files, data={"csrf": "forged"})
    assert forged.status_code == 403

    r = await client.post("/import", files=files, data={"csrf": csrf_of(form.text)})
    assert r.status_code == 200, r.text
    assert "新登记 1 件" in r.text and "未导入 1 件" in r.text
    case_id = re.search(r'href="/cases/(QL-[0-9A-F]+)"', r.text)
    assert case_id is not None
    listed = await api.http.get(f"/api/v1/cases/{case_id.group(1)}", headers=api.auth("inspector"))
    assert listed.json()["worker_count"] == 2
    assert '<td data-label="行号">4</td>' in r.text and "欠薪金额（元）" in r.text

    link = re.search(r'href="(/import/errors/[^"]+\.xlsx)"', r.text)
    assert link is not None
    sheet = await client.get(link.group(1))
    assert sheet.status_code == 200 and sheet.headers["content-type"] == XLSX
    lines = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert lines[1][:2] == (4, "欠薪金额（元）")
    other = await browser("supervisor")
    assert (await other.get(link.group(1))).status_code == 404  # not the uploader's

    again = await client.post("/import", files=files, data={"csrf": csrf_of(form.text)})
    assert "新登记 0 件" in again.text and "此前已导入 1 件" in again.text


async def test_a_file_that_is_not_the_template_is_refused_in_chinese(api: Api, browser: SignIn) -> None:
    client = await browser("inspector")
    form = await client.get("/import")
    r = await client.post("/import", files={"file": ("x.xlsx", b"not excel", XLSX)}, data={"csrf": csrf_of(form.text)})
    assert r.status_code == 422 and "无法读取该文件" in r.text


async def test_the_template_and_the_exports_download(api: Api, browser: SignIn) -> None:
    client = await browser("supervisor")
    template = await client.get("/import/template.xlsx")
    headers = [c.value for c in load_workbook(io.BytesIO(template.content)).worksheets[0][1]]
    assert headers == [c.header for c in COLUMNS]
    page = await client.get("/exports")
    assert page.status_code == 200 and "下载台账" in page.text
    ledger = await client.get(
        "/exports/ledger.xlsx", params={"region": "140105", "from": "2026-01-01", "to": "2026-12-31"}
    )
    assert ledger.status_code == 200 and ledger.headers["content-type"] == XLSX
    half = await client.get("/exports/half-year.xlsx", params={"region": "140105", "period": "2026H2"})
    assert half.status_code == 200
    outside = await client.get("/exports/half-year.xlsx", params={"region": "150102", "period": "2026H2"})
    assert outside.status_code == 403
    bad = await client.get("/exports/half-year.xlsx", params={"region": "140105", "period": "2026Q3"})
    assert bad.status_code == 422 and "2026H1" in bad.text
    head = await browser("head")
    assert (await head.get("/import")).status_code == 403
