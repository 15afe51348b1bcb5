"""Hostile and malformed input at the HTTP edge: every one is refused in the contract's error shape, and
nothing starts: no workflow with the case id the Idempotency-Key would give, no row in the cases table."""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

import api.routes.cases as case_routes
from api.routes.cases import MAX_PAYLOAD_BYTES, TEMPORAL_BLOB_LIMIT, new_case_id
from db.tables import cases
from db.users import user_by_token
from models.actions import Actor
from models.case import MAX_WORKERS, CaseIntake, Role
from models.clock import SHANGHAI
from models.start import CaseStart
from tests.api.conftest import Api
from tests.builders import intake_body, make_id

URL = "/api/v1/cases"
AMOUNT = "__AMOUNT__"


async def inspector_id(api: Api, sessions: async_sessionmaker[AsyncSession]) -> str:
    async with sessions() as s:
        user = await user_by_token(s, api.tokens["inspector"])
    assert user is not None
    return user.user_id


async def case_rows(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as s:
        return int((await s.execute(select(func.count()).select_from(cases))).scalar_one())


async def eventually_rows(sessions: async_sessionmaker[AsyncSession], expected: int) -> None:
    """The read model is written by the workflow's first activity, just after the API has answered."""
    for _ in range(200):
        if await case_rows(sessions) == expected:
            return
        await asyncio.sleep(0.05)
    assert await case_rows(sessions) == expected


async def assert_not_started(env: WorkflowEnvironment, case_id: str) -> None:
    with pytest.raises(RPCError) as caught:
        await env.client.get_workflow_handle(case_id).describe()
    assert caught.value.status == RPCStatusCode.NOT_FOUND


def random_hanzi(n: int, seed: int = 0) -> str:
    """Text that does not compress: n random CJK unified ideographs."""
    rng = random.Random(seed)
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(n))


def error_of(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    error: dict[str, Any] = body["error"]
    assert error["code"] == code, error
    for detail in error["details"]:
        assert set(detail) == {"field", "message"}
    return error


def with_worker(**fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda b: b["workers"][0].update(fields)


def raw_amount(value: str) -> Callable[[dict[str, Any]], None]:
    """The amount written into the JSON text as is (a JSON number, an exponent): see ``encode``."""
    return with_worker(owed_amount=AMOUNT + value)


def encode(body: dict[str, Any]) -> bytes:
    text = json.dumps(body, ensure_ascii=False)
    for value in ("1e9", "12000", "12000.5"):
        text = text.replace(f'"{AMOUNT}{value}"', value)
    return text.encode()


YESTERDAY_ISH = datetime.now(SHANGHAI) - timedelta(hours=2)

HOSTILE_INTAKES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("received_year_1", lambda b: b.update(received_at="0001-01-01T00:00:00+08:00"), "received_at", "2004"),
    ("received_1900", lambda b: b.update(received_at="1900-01-01T00:00:00+08:00"), "received_at", "2004"),
    ("received_epoch", lambda b: b.update(received_at="1970-01-01T00:00:00Z"), "received_at", "2004"),
    ("received_integer", lambda b: b.update(received_at=int(YESTERDAY_ISH.timestamp())), "received_at", "字符串"),
    ("amount_exponent", raw_amount("1e9"), "workers.0.owed_amount", "字符串"),
    ("amount_number", raw_amount("12000"), "workers.0.owed_amount", "字符串"),
    ("amount_float", raw_amount("12000.5"), "workers.0.owed_amount", "字符串"),
    ("amount_underscore", with_worker(owed_amount="1_000"), "workers.0.owed_amount", "半角数字"),
    ("amount_full_width", with_worker(owed_amount="１２"), "workers.0.owed_amount", "全角"),
    ("amount_minus", with_worker(owed_amount="-5"), "workers.0.owed_amount", "大于零"),
    ("amount_plus", with_worker(owed_amount="+5"), "workers.0.owed_amount", "正负号"),
    ("amount_nan", with_worker(owed_amount="NaN"), "workers.0.owed_amount", "半角数字"),
    ("name_rtl_override", with_worker(name="张\u202e三"), "workers.0.name", "U+202E"),
    ("name_zero_width", with_worker(name="张\u200b三"), "workers.0.name", "U+200B"),
    ("name_control", lambda b: b["complainant"].update(name="张\x07三"), "complainant.name", "U+0007"),
    ("employer_bom", lambda b: b["employer"].update(name="\ufeff某某公司"), "employer.name", "U+FEFF"),
    ("name_too_long", with_worker(name="字" * 51), "workers.0.name", "50"),
    ("description_tab", lambda b: b.update(description="欠薪\t三个月"), "description", "U+0009"),
    (
        "owed_to_after_receipt",
        lambda b: b.update(received_at="2026-09-01T10:00:00+08:00"),  # the builder's wages end 2026-09-30
        "workers.0.owed_to",
        "收到投诉的日期",
    ),
    ("owed_from_1999", with_worker(owed_from="1999-12-31"), "workers.0.owed_from", "2000"),
    ("owed_to_integer", with_worker(owed_to=20260930), "workers.0.owed_to", "YYYY-MM-DD"),
    (
        "id_born_in_the_future",
        with_worker(id_number=make_id(1, born=date.today() + timedelta(days=30))),
        "workers.0.id_number",
        "出生日期",
    ),
    (
        "complainant_born_after_receipt",
        lambda b: b.update(
            received_at="2026-11-01T10:00:00+08:00",
            workers=[{**b["workers"][0], "owed_to": "2026-10-31"}],
            complainant={**b["complainant"], "id_number": make_id(9, born=date(2026, 11, 2))},
        ),
        "complainant.id_number",
        "收到投诉的日期",
    ),
    ("region_number", lambda b: b.update(region_code=140105), "region_code", "6位"),
]


@pytest.mark.parametrize(
    ("mutate", "field", "needle"),
    [pytest.param(m, f, n, id=i) for i, m, f, n in HOSTILE_INTAKES],
)
async def test_hostile_intake_is_422_and_starts_nothing(
    api: Api,
    time_skipping_env: WorkflowEnvironment,
    sessions: async_sessionmaker[AsyncSession],
    mutate: Callable[[dict[str, Any]], None],
    field: str,
    needle: str,
) -> None:
    body = intake_body(workers=1)
    mutate(body)
    key = "hostile-" + hashlib.sha256(f"{field}{needle}".encode()).hexdigest()[:12]
    headers = {**api.auth("inspector"), "Idempotency-Key": key, "Content-Type": "application/json"}
    r = await api.http.post(URL, content=encode(body), headers=headers)
    error = error_of(r, 422, "validation_failed")
    assert any(d["field"] == field and needle in d["message"] for d in error["details"]), error
    await assert_not_started(time_skipping_env, new_case_id(await inspector_id(api, sessions), key))
    assert await case_rows(sessions) == 0


@pytest.mark.parametrize(
    ("content", "status", "code", "field", "needle"),
    [
        pytest.param(
            b'{"received_at": "2026-11-20T10:00:00+08:00",, }', 400, "body_invalid", "body", "第1行第", id="json"
        ),
        pytest.param(
            b'{\n  "channel": "hotline"\n  "x": 1}', 400, "body_invalid", "body", "第3行第3列", id="json_line"
        ),
        pytest.param('{"description": "拖欠工资"}'.encode("gbk"), 400, "body_invalid", "body", "UTF-8", id="gbk"),
        pytest.param(b'{"description": "\xff\xfe"}', 400, "body_invalid", "body", "UTF-8", id="bad_bytes"),
        pytest.param(b"", 422, "validation_failed", "body", "请求体为空", id="empty"),
        pytest.param(b"[]", 422, "validation_failed", "body", "JSON 对象", id="array"),
        pytest.param(b"null", 422, "validation_failed", "body", "JSON 对象", id="null"),
    ],
)
async def test_unreadable_intake_body(
    api: Api,
    time_skipping_env: WorkflowEnvironment,
    sessions: async_sessionmaker[AsyncSession],
    content: bytes,
    status: int,
    code: str,
    field: str,
    needle: str,
) -> None:
    key = f"unreadable-{content[:20]!r}"
    headers = {**api.auth("inspector"), "Idempotency-Key": key, "Content-Type": "application/json"}
    r = await api.http.post(URL, content=content, headers=headers)
    error = error_of(r, status, code)
    assert error["details"] and error["details"][0]["field"] == field, error
    assert needle in error["message"] and needle in error["details"][0]["message"], error
    await assert_not_started(time_skipping_env, new_case_id(await inspector_id(api, sessions), key))
    assert await case_rows(sessions) == 0


async def test_json_syntax_error_is_a_position_not_a_field(api: Api) -> None:
    text = json.dumps(intake_body(workers=1), ensure_ascii=False)
    broken = text.replace('"channel"', "'channel'")
    pos = broken.index("'channel'")
    headers = {**api.auth("inspector"), "Content-Type": "application/json"}
    r = await api.http.post(URL, content=broken.encode(), headers=headers)
    error = error_of(r, 400, "body_invalid")
    assert error["message"].startswith(f"请求体不是合法的 JSON：第1行第{pos + 1}列附近"), error
    assert "双引号" in error["message"]
    assert error["details"] == [{"field": "body", "message": error["message"]}]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_wrong_content_type_is_422(
    api: Api, sessions: async_sessionmaker[AsyncSession], content_type: str | None
) -> None:
    headers = {**api.auth("inspector"), **({"Content-Type": content_type} if content_type else {})}
    r = await api.http.post(URL, content=json.dumps(intake_body()).encode(), headers=headers)
    error = error_of(r, 422, "validation_failed")
    assert "Content-Type: application/json" in error["message"]
    assert error["details"][0]["field"] == "body"
    assert await case_rows(sessions) == 0


@pytest.mark.parametrize("key", ["", "   ", "\t"])
async def test_blank_idempotency_key_is_422(
    api: Api, time_skipping_env: WorkflowEnvironment, sessions: async_sessionmaker[AsyncSession], key: str
) -> None:
    r = await api.http.post(URL, json=intake_body(), headers={**api.auth("inspector"), "Idempotency-Key": key})
    error = error_of(r, 422, "validation_failed")
    assert error["details"] == [{"field": "Idempotency-Key", "message": "不能为空或只有空白"}]
    await assert_not_started(time_skipping_env, new_case_id(await inspector_id(api, sessions), key))
    assert await case_rows(sessions) == 0


async def test_idempotency_key_reused_with_another_body(
    api: Api, time_skipping_env: WorkflowEnvironment, sessions: async_sessionmaker[AsyncSession]
) -> None:
    headers = {**api.auth("inspector"), "Idempotency-Key": "hotline-20261120-0002"}
    body = intake_body()
    first = await api.http.post(URL, json=body, headers=headers)
    assert first.status_code == 201, first.text
    case_id = first.json()["case_id"]
    assert case_id == new_case_id(await inspector_id(api, sessions), "hotline-20261120-0002")

    other = intake_body()
    other["workers"][0]["owed_amount"] = "13000.00"
    r = await api.http.post(URL, json=other, headers=headers)
    error = error_of(r, 422, "idempotency_key_reused")
    assert "Idempotency-Key" in error["message"]
    assert error["details"][0]["field"] == "Idempotency-Key"

    again = await api.http.post(URL, json=body, headers=headers)  # the same body: a retry, the same case
    assert again.status_code == 200 and again.json()["case_id"] == case_id
    await eventually_rows(sessions, 1)
    shown = (await api.http.get(f"{URL}/{case_id}", headers=api.auth("inspector"))).json()
    assert shown["owed_total"] == "24000.00"
    description = await time_skipping_env.client.get_workflow_handle(case_id).describe()
    assert set((await description.memo()).keys()) == {"intake_sha256"}


async def test_oversized_complaint_is_413_never_503(
    api: Api,
    time_skipping_env: WorkflowEnvironment,
    sessions: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The field bounds keep every legal complaint under the real limit (see the test below), so the
    limit is lowered here to exercise the check through the real stack. The names are random: the
    payload codec compresses, and what is measured is what Temporal would receive."""
    monkeypatch.setattr(case_routes, "MAX_PAYLOAD_BYTES", 128 * 1024)
    body = intake_body(workers=1500, description=random_hanzi(5000))
    for i, w in enumerate(body["workers"]):
        w.update(name=random_hanzi(50, seed=i), id_number=make_id(i, born=date(1970, 1, 1) + timedelta(days=i // 1000)))
    key = "oversized-1"
    headers = {**api.auth("inspector"), "Idempotency-Key": key}
    r = await api.http.post(URL, json=body, headers=headers)
    error = error_of(r, 413, "payload_too_large")
    assert re.search(r"上限为 0\.\d MB（本次约 0\.\d MB）", error["message"]), error
    assert "分批" in error["message"]
    assert error["details"] == [{"field": "body", "message": error["message"]}]
    await assert_not_started(time_skipping_env, new_case_id(await inspector_id(api, sessions), key))
    assert await case_rows(sessions) == 0


async def test_the_largest_legal_complaint_fits_the_real_limit() -> None:
    """5000 workers with 50-character names of 4-byte characters, every text at its bound: under the limit."""
    assert MAX_PAYLOAD_BYTES < TEMPORAL_BLOB_LIMIT == 2 * 1024 * 1024
    assert round(MAX_PAYLOAD_BYTES / (1024 * 1024), 1) == 1.9
    rare = "𠮷"
    body = intake_body(workers=MAX_WORKERS, description=rare * 5000)
    for i, w in enumerate(body["workers"]):
        w.update(
            name=rare * 50,
            phone="0351-12345678",
            owed_amount="9999999999.99",
            id_number=make_id(i, born=date(1950, 1, 1) + timedelta(days=i // 1000)),
        )
    body["employer"].update(name=rare * 100, legal_representative=rare * 50, address=rare * 200)
    body["project"]["name"] = rare * 100
    body["complainant"]["name"] = rare * 50
    actor = Actor(user_id="u_" + "f" * 16, name="某" * 50, role=Role.INSPECTOR)
    start = CaseStart(case_id="QL-" + "F" * 16, intake=CaseIntake.model_validate(body), created_by=actor)
    size = sum(p.ByteSize() for p in await pydantic_data_converter.encode([start]))
    assert 1_500_000 < size < MAX_PAYLOAD_BYTES


async def test_a_legal_5000_worker_complaint_is_accepted(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    body = intake_body(workers=MAX_WORKERS, description="同一工地五千名劳动者被拖欠工资。" * 100)
    for i, w in enumerate(body["workers"]):
        w.update(
            name=("买买提·" + "阿" * 30)[:30],
            phone=f"139{i:08d}",
            id_number=make_id(i, born=date(1970, 1, 1) + timedelta(days=i // 1000)),
        )
    headers = {**api.auth("inspector"), "Idempotency-Key": "big-legal-1"}
    r = await api.http.post(URL, json=body, headers=headers, timeout=120)
    assert r.status_code == 201, r.text[:500]
    case = r.json()
    assert case["worker_count"] == MAX_WORKERS and case["owed_total"] == f"{12000 * MAX_WORKERS}.00"
    await eventually_rows(sessions, 1)


# --- the action route reads its own body --------------------------------------------------------


async def created(api: Api) -> str:
    r = await api.http.post(URL, json=intake_body(), headers=api.auth("inspector"))
    assert r.status_code == 201, r.text
    return str(r.json()["case_id"])


async def post_action(api: Api, cid: str, name: str, content: bytes) -> Any:
    headers = {**api.auth("inspector"), "Content-Type": "application/json"}
    return await api.http.post(f"{URL}/{cid}/actions/{name}", content=content, headers=headers)


async def history(api: Api, cid: str) -> list[str]:
    r = await api.http.get(f"{URL}/{cid}/history", headers=api.auth("inspector"))
    return [h["kind"] for h in r.json()]


async def test_hostile_action_bodies(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    cid = await created(api)
    assert (await post_action(api, cid, "accept", b"")).status_code == 200  # no body at all is {}
    paid_at = (datetime.now(UTC) - timedelta(hours=1)).isoformat()

    def payment(amount: str, when: str) -> bytes:
        return f'{{"payments": [{{"id_number": "{make_id(1)}", "amount": {amount}, "paid_at": {when}}}]}}'.encode()

    r = await post_action(api, cid, "record_payment", b'{"payments": [}')
    error = error_of(r, 400, "body_invalid")
    assert (
        error["message"].startswith("请求体不是合法的 JSON：第1行第15列附近") and error["details"][0]["field"] == "body"
    )
    r = await post_action(api, cid, "record_payment", '{"comment": "拖欠工资"}'.encode("gbk"))
    assert "UTF-8" in error_of(r, 400, "body_invalid")["message"]
    r = await post_action(api, cid, "record_payment", payment("NaN", f'"{paid_at}"'))
    assert "NaN" in error_of(r, 400, "body_invalid")["message"]
    r = await post_action(api, cid, "record_payment", b"[1, 2]")
    assert error_of(r, 422, "validation_failed")["details"][0]["field"] == "body"
    for amount in ("500", "5e2", '"5e2"', '"+500"', '"５００"'):
        r = await post_action(api, cid, "record_payment", payment(amount, f'"{paid_at}"'))
        assert error_of(r, 422, "validation_failed")["details"][0]["field"] == "payments.0.amount", amount
    for when in (str(int(datetime.now(UTC).timestamp())), '"1970-01-01T00:00:00Z"', '"0001-01-01T00:00:00+08:00"'):
        r = await post_action(api, cid, "record_payment", payment('"500.00"', when))
        assert error_of(r, 422, "validation_failed")["details"][0]["field"] == "payments.0.paid_at", when
    r = await post_action(api, cid, "record_supplement", b'{"received_at": 1700000000}')
    assert error_of(r, 422, "validation_failed")["details"][0]["field"] == "received_at"
    r = await post_action(api, cid, "reject", '{"reason_code": "other_territory", "reason": "\u202e外地"}'.encode())
    assert "U+202E" in error_of(r, 422, "validation_failed")["details"][0]["message"]

    monkeypatch.setattr(case_routes, "MAX_PAYLOAD_BYTES", 1024)
    long_comment = {**json.loads(payment('"500.00"', f'"{paid_at}"')), "comment": random_hanzi(2000)}
    r = await post_action(api, cid, "record_payment", json.dumps(long_comment).encode())
    assert re.search(r"上限为 0\.0 MB（本次约 0\.0 MB）", error_of(r, 413, "payload_too_large")["message"])
    monkeypatch.undo()

    r = await post_action(api, cid, "record_payment", payment('"500.00"', f'"{paid_at}"'))
    assert r.status_code == 200 and r.json()["paid_total"] == "500.00", r.text
    assert await history(api, cid) == ["intake", "accept", "record_payment"]


async def test_concurrent_retries_with_one_key_make_one_case(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    headers = {**api.auth("inspector"), "Idempotency-Key": "retry-storm"}
    body = intake_body()
    responses = await asyncio.gather(*(api.http.post(URL, json=body, headers=headers) for _ in range(3)))
    assert sorted(r.status_code for r in responses) == [200, 200, 201], [r.text for r in responses]
    assert len({r.json()["case_id"] for r in responses}) == 1
    await eventually_rows(sessions, 1)
