"""The complainant's view: the query code printed on the 受理通知书 and the phone's last four digits open the case's
progress, through the API and the console page, without sign-in; a wrong code and a wrong phone are answered alike;
failures are limited; nothing about another person is in the answer; the code itself is stored nowhere."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.tables import cases
from models.follow import code_digest
from tests.api.conftest import Api
from tests.builders import intake_body, make_id
from tests.notices.conftest import pdf_text

CODE = re.compile(r"查询码：([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")


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


async def ask(api: Api, code: str, last4: str) -> Any:
    return await api.http.post("/api/v1/public/case-status", json={"code": code, "phone_last4": last4})


async def test_the_code_on_the_notice_opens_the_progress(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    case, code = await accepted_with_code(api)
    r = await ask(api, code, "5678")  # the complainant's phone is 13812345678
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    shown = r.json()
    assert shown["stage"] == "已立案，正在调查核实" and shown["recovered"] == "0.00"
    assert [d["title"] for d in shown["documents"]] == ["受理通知书"]
    assert shown["next_step"] and shown["next_due"]
    for secret in [case["case_id"], case["case_number"], make_id(1), make_id(2), "工人1", "张三", "13900000000"]:
        assert secret not in r.text, secret

    # typed loosely: lower case, spaces, O for 0
    assert (await ask(api, code.lower().replace("-", " ").replace("0", "o"), "5678")).status_code == 200

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
    later = (await ask(api, code, "5678")).json()
    assert later["recovered"] == "5000.00" and later["stage"] == "已责令用人单位限期支付工资"

    async with sessions() as s:
        stored = (await s.execute(select(cases.c.query_digest).where(cases.c.case_id == cid))).scalar_one()
        values: list[str] = []
        for table in ("cases", "case_events", "notices"):
            values += [str(v) for row in await s.execute(text(f"SELECT * FROM {table}")) for v in row]
    everything = " ".join(values)
    assert stored == code_digest(code) and code not in everything and code.replace("-", "") not in everything


async def test_a_wrong_code_and_a_wrong_phone_look_the_same_and_failures_are_limited(api: Api) -> None:
    _, code = await accepted_with_code(api)
    wrong_phone = await ask(api, code, "0000")
    wrong_code = await ask(api, "ZZZZ-ZZZZ-ZZZZ", "5678")
    assert wrong_phone.status_code == wrong_code.status_code == 404
    assert wrong_phone.json() == wrong_code.json() and "查询码或手机号码后四位不正确" in wrong_code.text
    for _ in range(8):
        assert (await ask(api, "ZZZZ-ZZZZ-ZZZZ", "5678")).status_code == 404
    limited = await ask(api, code, "5678")  # the 11th attempt, even with the right answer
    assert limited.status_code == 429 and "Retry-After" in limited.headers


async def test_the_console_page_needs_no_sign_in(api: Api) -> None:
    _, code = await accepted_with_code(api)
    form = await api.http.get("/follow")
    assert form.status_code == 200 and 'name="code"' in form.text
    r = await api.http.post("/follow", data={"code": code, "phone_last4": "5678"})
    assert r.status_code == 200 and "已立案，正在调查核实" in r.text and "受理通知书" in r.text
    wrong = await api.http.post("/follow", data={"code": code, "phone_last4": "1111"})
    assert wrong.status_code == 404 and "查询码或手机号码后四位不正确" in wrong.text
