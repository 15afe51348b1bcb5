"""The intake form (issue 11, item 3): a label on every field, the API's messages in Chinese beside their fields with
everything typed kept, one case however often the form is sent, workers pasted from a spreadsheet, and the roles
that may file."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from starlette.datastructures import FormData, UploadFile

from api.console.complaint import WORKER_COLUMNS, read_form
from models.case import MAX_WORKERS
from tests.api.conftest import Api
from tests.builders import intake_body, make_id, make_uscc
from tests.console.conftest import SignIn, csrf_of

EMPTY_ROW = {c: "" for c, _ in WORKER_COLUMNS}


class Fields(HTMLParser):
    """The form's inputs and the ids its labels (and aria-labels) name."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label" and a.get("for"):
            self.labelled.add(str(a["for"]))
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit", "button"):
            self.inputs.append(a)


def form(n_workers: int = 2, bad_row: int | None = None, **changes: str) -> dict[str, Any]:
    """The form's fields for ``intake_body()``'s complaint; ``bad_row``: that worker's ID with a wrong check digit."""
    body = intake_body(workers=n_workers)
    data: dict[str, Any] = {
        "received_at": body["received_at"][:19],
        "channel": "hotline",
        "region_code": "140105",
        "description": "拖欠工资",
        "employer_name": body["employer"]["name"],
        "employer_uscc": body["employer"]["uscc"],
        "complainant_name": "张三",
        "complainant_phone": "13812345678",
        "rows": str(n_workers),
    }
    for i, w in enumerate(body["workers"]):
        ident = w["id_number"]
        if i == bad_row:
            ident = ident[:-1] + ("0" if ident[-1] != "0" else "1")
        for k in ("name", "phone", "owed_amount", "owed_from", "owed_to"):
            data[f"w-{i}-{k}"] = w[k]
        data[f"w-{i}-id_number"] = ident
    return {**data, **changes}


async def test_every_field_has_a_label(browser: SignIn) -> None:
    page = (await (await browser("inspector")).get("/cases/new")).text
    fields = Fields()
    fields.feed(page)
    assert fields.inputs
    unlabelled = [i for i in fields.inputs if i.get("id") not in fields.labelled and not i.get("aria-label")]
    assert not unlabelled, unlabelled


async def test_a_bad_id_number_is_shown_beside_its_cell_then_fixed_and_filed_once(api: Api, browser: SignIn) -> None:
    client = await browser("inspector")
    page = await client.get("/cases/new")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text)
    assert key
    bad = form(bad_row=1, csrf=csrf_of(page.text), idempotency_key=key.group(1))
    refused = await client.post("/cases/new", data=bad)
    assert refused.status_code == 422
    cell = re.search(r'id="w-1-id_number-error">([^<]+)<', refused.text)
    assert cell and "校验" in cell.group(1), refused.text[:2000]
    assert 'id="w-1-id_number" name="w-1-id_number" value="' + bad["w-1-id_number"] in refused.text  # kept
    assert bad["employer_name"] in refused.text and "拖欠工资" in refused.text

    good = {**bad, "w-1-id_number": make_id(2)}
    first = await client.post("/cases/new", data=good)
    assert first.status_code == 303 and first.headers["location"].startswith("/cases/QL-")
    again = await client.post("/cases/new", data=good)  # a double click, or back and send again
    assert again.status_code == 303 and again.headers["location"] == first.headers["location"]
    cid = first.headers["location"].split("/")[2].split("?")[0]
    case = await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth("inspector"))
    assert case.status_code == 200 and case.json()["worker_count"] == 2
    listed = await api.http.get("/api/v1/cases", headers=api.auth("inspector"))
    assert listed.json()["total"] == 1


async def test_pasted_spreadsheet_lines_become_workers(api: Api, browser: SignIn) -> None:
    client = await browser("supervisor")
    page = await client.get("/cases/new")
    lines = "\n".join(f"工人{i}\t{make_id(i)}\t13900000000\t1000.00\t2026-06-01\t2026-09-30" for i in range(1, 201))
    data = form(n_workers=0, csrf=csrf_of(page.text), paste=lines, rows="0")
    r = await client.post("/cases/new", data=data)
    assert r.status_code == 303, r.text[:3000]
    cid = r.headers["location"].split("/")[2].split("?")[0]
    case = await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth("supervisor"))
    assert case.json()["worker_count"] == 200 and case.json()["owed_total"] == "200000.00"


async def test_more_rows_keep_what_was_typed_and_other_problems_show(browser: SignIn) -> None:
    client = await browser("inspector")
    page = await client.get("/cases/new")
    data = form(csrf=csrf_of(page.text), more_rows="1", employer_uscc=make_uscc(9))
    more = await client.post("/cases/new", data=data)
    assert more.status_code == 200 and 'name="rows" id="rows" value="7"' in more.text
    assert 'value="' + make_uscc(9) + '"' in more.text
    empty = await client.post(
        "/cases/new", data={**form(csrf=csrf_of(page.text)), "employer_uscc": "91140105MA000000X"}
    )
    assert empty.status_code == 422 and 'id="employer_uscc-error1"' in empty.text


async def test_only_inspectors_and_supervisors_file(browser: SignIn) -> None:
    head = await browser("head")
    assert (await head.get("/cases/new")).status_code == 403
    page = await (await browser("inspector")).get("/cases/new")
    forged = await head.post("/cases/new", data=form(csrf=csrf_of(page.text)))
    assert forged.status_code == 403


def test_rows_emptied_in_the_browser_do_not_cut_a_full_table() -> None:
    """The script fills the 3 empty rows and adds the rest: a full table posts more ``rows`` than workers."""
    items: list[tuple[str, str | UploadFile]] = [("rows", str(MAX_WORKERS + 3))]
    for i in range(3, MAX_WORKERS + 3):
        items += [(f"w-{i}-name", f"工人{i}"), (f"w-{i}-id_number", make_id(i))]
    assert len(read_form(FormData(items)).rows) == MAX_WORKERS
    assert read_form(FormData([("rows", "999999999"), ("w-0-name", "甲")])).rows == [{**EMPTY_ROW, "name": "甲"}]


async def test_more_workers_than_the_maximum_are_refused_never_cut(api: Api, browser: SignIn) -> None:
    client = await browser("inspector")
    page = await client.get("/cases/new")
    lines = "\n".join(f"工人{i}\t{make_id(i)}\t\t100\t2026-06-01\t2026-06-30" for i in range(MAX_WORKERS + 1))
    r = await client.post("/cases/new", data=form(n_workers=0, csrf=csrf_of(page.text), paste=lines, rows="0"))
    assert r.status_code == 422 and f"本次共填写 {MAX_WORKERS + 1:,} 名劳动者" in r.text
    assert f'id="w-{MAX_WORKERS}-name" name="w-{MAX_WORKERS}-name" value="工人{MAX_WORKERS}"' in r.text  # kept
    assert (await api.http.get("/api/v1/cases", headers=api.auth("inspector"))).json()["total"] == 0


async def test_a_worker_s_own_check_and_a_repeated_id_are_shown_on_their_row(browser: SignIn) -> None:
    client = await browser("inspector")
    page = await client.get("/cases/new")
    base = form(n_workers=3, csrf=csrf_of(page.text))
    backwards = {**base, "w-1-owed_from": base["w-1-owed_to"], "w-1-owed_to": base["w-1-owed_from"]}
    r = await client.post("/cases/new", data=backwards)
    assert r.status_code == 422 and "workers.1" not in r.text
    assert re.search(r'id="w-1-owed_from-error">欠薪起始日期不能晚于截止日期<', r.text), r.text[:3000]
    repeated = {**base, "w-2-id_number": base["w-0-id_number"]}
    r = await client.post("/cases/new", data=repeated)
    assert r.status_code == 422 and "同一投诉中劳动者身份证号码重复" in r.text
    assert re.search(r'id="w-2-id_number-error">与第 1 行的身份证号码相同<', r.text)


async def test_a_spreadsheet_s_dates_and_amounts_are_read(api: Api, browser: SignIn) -> None:
    client = await browser("inspector")
    page = await client.get("/cases/new")
    lines = f"甲\t{make_id(1)}\t\t¥1,200.50\t2026/6/1\t2026年6月30日\n乙\t{make_id(2)}\t\t800元\t2026.6.1\t2026-6-30"
    r = await client.post("/cases/new", data=form(n_workers=0, csrf=csrf_of(page.text), paste=lines, rows="0"))
    assert r.status_code == 303, r.text[:3000]
    cid = r.headers["location"].split("/")[2].split("?")[0]
    case = (await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth("inspector"))).json()
    assert case["worker_count"] == 2 and case["owed_total"] == "2000.50"


async def test_a_date_a_picker_would_blank_stays_in_view(browser: SignIn) -> None:
    client = await browser("inspector")
    page = await client.get("/cases/new")
    data = {**form(n_workers=1, csrf=csrf_of(page.text)), "w-0-owed_from": "6/1/26"}
    r = await client.post("/cases/new", data=data)
    assert r.status_code == 422
    assert '<input type="text" id="w-0-owed_from" name="w-0-owed_from" value="6/1/26"' in r.text
    assert '<input type="date" id="w-0-owed_to"' in r.text


async def test_a_refusal_of_the_api_is_shown_with_everything_kept(browser: SignIn) -> None:
    client = await browser("other")  # an inspector of 140106, filing in 140105
    page = await client.get("/cases/new")
    r = await client.post("/cases/new", data=form(csrf=csrf_of(page.text)))
    assert r.status_code == 403 and "无权在该行政区划登记案件" in r.text and 'role="alert"' in r.text
    assert 'name="w-1-id_number" value="' + make_id(2) in r.text and "拖欠工资" in r.text


async def test_a_filed_form_changed_and_sent_again_shows_its_case(api: Api, browser: SignIn) -> None:
    """Back to a filed form, changed, sent again: the case it made, then (sent once more) a new case."""
    client = await browser("inspector")
    page = await client.get("/cases/new")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text)
    assert key
    data = form(csrf=csrf_of(page.text), idempotency_key=key.group(1))
    first = await client.post("/cases/new", data=data)
    assert first.status_code == 303
    changed = {**data, "description": "拖欠工资三个月"}  # back, changed, sent again
    r = await client.post("/cases/new", data=changed)
    made = first.headers["location"].split("?")[0]
    assert r.status_code == 422 and f'href="{made}"' in r.text
    assert "拖欠工资三个月" in r.text
    fresh = re.search(r'name="idempotency_key" value="([^"]+)"', r.text)
    assert fresh and fresh.group(1) != key.group(1)
    second = await client.post("/cases/new", data={**changed, "idempotency_key": fresh.group(1)})
    assert second.status_code == 303 and second.headers["location"] != first.headers["location"]
    assert (await api.http.get("/api/v1/cases", headers=api.auth("inspector"))).json()["total"] == 2
