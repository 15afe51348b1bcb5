"""The intake form (issue 11, item 3): a label on every field, the API's messages in Chinese beside their fields with
everything typed kept, one case however often the form is sent, workers pasted from a spreadsheet, and the roles
that may file."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from tests.api.conftest import Api
from tests.builders import intake_body, make_id, make_uscc
from tests.console.conftest import SignIn, csrf_of


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
