"""The complainant's view: the query code printed on the 受理通知书 and the phone's last four digits open the case's
progress, through the API and the console page, without sign-in; a wrong code and a wrong phone are answered alike;
failures are limited per caller and per code; nothing about another person is in the answer; the code itself is
stored nowhere: not in the database, the workflow's history or the logs."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from api.follow import NEXT_STEP_PLAIN
from config.settings import Settings
from db.tables import cases
from models.case import DeadlineKind
from models.follow import code_digest
from tests.api.conftest import Api
from tests.builders import intake_body, make_id
from tests.config.test_sealing import payloads_in
from tests.notices.conftest import pdf_text

CODE = re.compile(r"查询码：([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")
BODY = intake_body()
OTHER_PEOPLE = [
    *(str(w[k]) for w in BODY["workers"] for k in ("name", "id_number", "phone")),
    *(str(BODY["complainant"][k]) for k in ("name", "id_number", "phone")),  # not even the complainant's own
    BODY["employer"]["legal_representative"],
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Behind a trusted proxy, so that a test can ask from several addresses (X-Forwarded-For)."""
    return settings.model_copy(update={"trusted_proxy": True})


async def accepted_with_code(api: Api) -> tuple[dict[str, Any], str]:
    made = await api.http.post("/api/v1/cases", json=intake_body(), headers=api.auth("inspector"))
    assert made.status_code == 201, made.text
    cid = made.json()["case_id"]
    r = await api.http.post(f"/api/v1/cases/{cid}/actions/accept", json={}, headers=api.auth("inspector"))
    assert r.status_code == 200, r.text
    notice = next(n for n in r.json()["notices"] if n["kind"] == "acceptance")
    pdf = await api.http.get(f"/api/v1/notices/{notice['notice_id']}.pdf", headers=api.auth("inspector"))
    found = CODE.search(re.sub(r"\s+", "", pdf_text(pdf.content)))
    assert found, "the 受理通知书 prints the query code"
    return r.json(), found.group(1)


async def ask(api: Api, code: str, last4: str, caller: str | None = None) -> Any:
    headers = {"X-Forwarded-For": caller} if caller else None
    return await api.http.post("/api/v1/public/case-status", json={"code": code, "phone_last4": last4}, headers=headers)


def assert_no_one_else(answer: bytes, case: dict[str, Any]) -> None:
    """The raw answer names no person and carries no number of the case or its documents."""
    numbers = [case["case_id"], case["case_number"], *(n["doc_number"] for n in case["notices"])]
    for secret in [*OTHER_PEOPLE, *numbers]:
        assert secret.encode() not in answer, secret


async def decoded_history(client: Client, case_id: str) -> list[bytes]:
    """Every event of the case's workflow history as stored, and every payload in it opened with the case's codec."""
    history = await client.get_workflow_handle(case_id).fetch_history()
    codec = client.data_converter.payload_codec
    assert codec is not None
    found: list[bytes] = []
    for event in history.events:
        found.append(event.SerializeToString())
        found += [p.data for p in await codec.decode(payloads_in(event))]
    return found


async def test_the_code_on_the_notice_opens_the_progress(
    api: Api,
    sessions: async_sessionmaker[AsyncSession],
    time_skipping_env: WorkflowEnvironment,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    case, code = await accepted_with_code(api)
    r = await ask(api, code, "5678")  # the complainant's phone is 13812345678
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    shown = r.json()
    assert shown["stage"] == "已立案，正在调查核实" and shown["recovered"] == "0.00"
    assert [d["title"] for d in shown["documents"]] == ["受理通知书"]
    assert shown["next_step"] == NEXT_STEP_PLAIN[DeadlineKind.INVESTIGATION] and shown["next_due"]
    assert_no_one_else(r.content, case)

    # typed loosely: lower case, spaces, O for 0; full-width digits from a Chinese input method
    assert (await ask(api, code.lower().replace("-", " ").replace("0", "o"), "5678")).status_code == 200
    assert (await ask(api, code, "５６７８")).status_code == 200

    cid = case["case_id"]
    due = (datetime.now(UTC).date() + timedelta(days=10)).isoformat()
    await api.http.post(
        f"/api/v1/cases/{cid}/actions/issue_order", json={"due_date": due}, headers=api.auth("inspector")
    )
    payment = {"payments": [{"id_number": make_id(1), "amount": "5000.00", "paid_at": "2026-11-21T09:00:00+08:00"}]}
    paid = await api.http.post(
        f"/api/v1/cases/{cid}/actions/record_payment", json=payment, headers=api.auth("inspector")
    )
    assert paid.status_code == 200, paid.text
    later_answer = await ask(api, code, "5678")
    later = later_answer.json()
    assert later["recovered"] == "5000.00" and later["stage"] == "已责令用人单位限期支付工资"
    today = f"{datetime.now(UTC) + timedelta(hours=8):%Y-%m-%d}"
    assert {"title": "劳动保障监察限期改正指令书", "issued_on": today} in later["documents"]
    # the payment's deadline, not the nearer service of the order (the employer's and the bureau's business)
    assert later["next_step"] == NEXT_STEP_PLAIN[DeadlineKind.PAYMENT_ORDER] and later["next_due"] == due
    assert_no_one_else(later_answer.content, paid.json())

    async with sessions() as s:
        stored = (await s.execute(select(cases.c.query_digest).where(cases.c.case_id == cid))).scalar_one()
        values: list[str] = []
        for table in ("cases", "case_events", "notices"):
            values += [str(v) for row in await s.execute(text(f"SELECT * FROM {table}")) for v in row]
    everything = " ".join(values)
    assert stored == code_digest(code) and code not in everything and code.replace("-", "") not in everything

    # nor in the workflow's history, opened with the codec (which finds the complainant's phone: the check bites)
    history = await decoded_history(time_skipping_env.client, cid)
    assert any(b"13812345678" in item for item in history)
    for form in (code, code.replace("-", "")):
        assert not [item for item in history if form.encode() in item], form
    # nor in the logs, which do record the look-ups
    assert "follow: progress shown" in caplog.text and "follow: no case" not in caplog.text
    assert code not in caplog.text and code.replace("-", "") not in caplog.text


async def test_a_wrong_code_and_a_wrong_phone_look_the_same_and_failures_are_limited(api: Api) -> None:
    _, code = await accepted_with_code(api)
    wrong_phone = await ask(api, code, "0000")  # every worker's phone ends in 0000: only the complainant's counts
    wrong_code = await ask(api, "ZZZZ-ZZZZ-ZZZZ", "5678")
    assert wrong_phone.status_code == wrong_code.status_code == 404
    assert wrong_phone.content == wrong_code.content and "查询码或手机号码后四位不正确" in wrong_code.text
    same_headers = ("content-type", "content-length", "cache-control")
    assert [wrong_phone.headers.get(h) for h in same_headers] == [wrong_code.headers.get(h) for h in same_headers]
    assert wrong_code.headers["cache-control"] == "no-store"
    for _ in range(8):
        assert (await ask(api, "ZZZZ-ZZZZ-ZZZZ", "5678")).status_code == 404
    limited = await ask(api, code, "5678")  # the 11th attempt, even with the right answer
    assert limited.status_code == 429 and limited.headers["Retry-After"].isdigit()
    assert "查询失败次数过多" in limited.json()["error"]["message"]
    # another address is not held back by this one's failures
    assert (await ask(api, code, "5678", caller="203.0.113.9")).status_code == 200


async def test_a_known_code_cannot_be_tried_from_many_addresses(api: Api) -> None:
    """Ten wrong phones for one code, each from another address: the code itself is held back (the right phone
    too, from a new address), while another case's code still opens."""
    _, code = await accepted_with_code(api)
    _, other = await accepted_with_code(api)
    for i in range(10):
        assert (await ask(api, code, f"{1000 + i}", caller=f"198.51.100.{i + 1}")).status_code == 404
    limited = await ask(api, code, "5678", caller="198.51.100.200")
    assert limited.status_code == 429 and limited.headers["Retry-After"].isdigit()
    # so is a code no case has, alike: a 429 tells nothing about whether a case has the code
    for i in range(10):
        await ask(api, "ZZZZ-ZZZZ-ZZZZ", f"{1000 + i}", caller=f"192.0.2.{i + 1}")
    unknown = await ask(api, "ZZZZ-ZZZZ-ZZZZ", "5678", caller="192.0.2.200")
    assert unknown.status_code == 429 and unknown.json() == limited.json()
    assert (await ask(api, other, "5678", caller="198.51.100.201")).status_code == 200


async def test_the_console_page_needs_no_sign_in(api: Api) -> None:
    case, code = await accepted_with_code(api)
    form = await api.http.get("/follow")
    assert form.status_code == 200 and 'name="code"' in form.text and 'name="phone_last4"' in form.text
    r = await api.http.post("/follow", data={"code": code, "phone_last4": "5678"})
    assert r.status_code == 200 and "已立案，正在调查核实" in r.text and "受理通知书" in r.text
    assert NEXT_STEP_PLAIN[DeadlineKind.INVESTIGATION] in r.text and "0.00 元" in r.text
    assert r.headers["cache-control"] == "no-store"
    assert_no_one_else(r.content, case)
    wrong = await api.http.post("/follow", data={"code": code, "phone_last4": "1111"})
    assert wrong.status_code == 404 and "查询码或手机号码后四位不正确" in wrong.text
