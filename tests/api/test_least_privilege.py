"""Least privilege in the API (issue 10, item 2): who sees case data, who sees full ID numbers and phones.

Full ID numbers and phones only on the case page (and the answers of intake and actions, which are the case
page) to the inspectors, supervisors and heads of the case's region; masked in list lines, history, reports,
digests, reminders and errors; admin sees no case data at all (403 on every case-data route)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.digest import DigestActivities
from api.masking import ADMIN_SEES_NO_CASES, mask_record, sees_personal_data
from api.views import case_view
from db import cases as store
from db.users import User
from models.case import CaseState, Role, WorkerState
from models.digest import MakeDigestsInput
from models.identity import mask_id, mask_phone
from tests.api.conftest import Api
from tests.builders import intake_body, make_id

COMPLAINANT_ID = make_id(1)
WORKER_IDS = [make_id(1), make_id(2)]
PHONES = ["13812345678", "13900000000"]  # the complainant's and the workers' (tests/builders.py)
PERSONAL = [COMPLAINANT_ID, *WORKER_IDS, *PHONES]


def leaks(text: str) -> list[str]:
    """The full ID numbers and phones of the test case found in ``text``."""
    return [value for value in PERSONAL if value in text]


async def create(api: Api, who: str = "inspector", **overrides: Any) -> dict[str, Any]:
    r = await api.http.post("/api/v1/cases", json=intake_body(**overrides), headers=api.auth(who))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def action(api: Api, case_id: str, name: str, body: dict[str, Any], who: str = "inspector") -> dict[str, Any]:
    r = await api.http.post(f"/api/v1/cases/{case_id}/actions/{name}", json=body, headers=api.auth(who))
    assert r.status_code == 200, r.text
    return dict(r.json())


def assert_full(case: dict[str, Any]) -> None:
    assert case["complainant"] == {"name": "张三", "id_number": COMPLAINANT_ID, "phone": "13812345678"}
    assert [(w["id_number"], w["phone"]) for w in case["workers"]] == [(i, "13900000000") for i in WORKER_IDS]


# --- the case page ------------------------------------------------------------------------------------------


async def test_the_case_page_is_full_to_the_people_of_its_region(api: Api) -> None:
    created = await create(api)
    assert_full(created)  # the intake's answer is the case page, to the inspector who registered it
    cid = created["case_id"]
    for who in ("inspector", "supervisor", "head", "city"):  # city: a supervisor of 太原市, which covers 小店区
        r = await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth(who))
        assert r.status_code == 200, (who, r.text)
        assert_full(r.json())
    accepted = await action(api, cid, "accept", {})  # an action's answer is the case page too
    assert_full(accepted)
    r = await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth("other"))  # another district's inspector
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found" and not leaks(r.text)


def test_the_case_page_is_masked_to_anyone_else() -> None:
    """The view itself masks unless told otherwise; the routes tell it only for the people of the region."""
    body = intake_body()
    state = CaseState(
        case_id="QL-0000000000000001",
        region_code="140105",
        received_at=datetime.now(UTC),
        channel=body["channel"],
        employer=body["employer"],
        complainant=body["complainant"],
        created_by="u_1",
        workers=[
            WorkerState(
                name=w["name"],
                id_number=w["id_number"],
                phone=w["phone"],
                claimed_amount=Decimal(w["owed_amount"]),
                owed_from=date.fromisoformat(w["owed_from"]),
                owed_to=date.fromisoformat(w["owed_to"]),
            )
            for w in body["workers"]
        ],
    )
    masked = case_view(state, date.today(), Role.INSPECTOR).model_dump(mode="json")
    assert masked["complainant"] == {"name": "张三", "id_number": mask_id(COMPLAINANT_ID), "phone": "138****5678"}
    assert [(w["id_number"], w["phone"]) for w in masked["workers"]] == [
        (mask_id(i), "139****0000") for i in WORKER_IDS
    ]
    assert not leaks(json.dumps(masked))
    assert mask_id(COMPLAINANT_ID) == COMPLAINANT_ID[:6] + "********" + COMPLAINANT_ID[-4:]
    full = case_view(state, date.today(), Role.INSPECTOR, personal=True).model_dump(mode="json")
    assert_full(full)


@pytest.mark.parametrize(
    ("role", "regions", "sees"),
    [
        (Role.INSPECTOR, ["140105"], True),
        (Role.SUPERVISOR, ["140100"], True),  # the city covers the district
        (Role.HEAD, ["140000"], True),  # the province covers it
        (Role.INSPECTOR, ["140106"], False),  # another district
        (Role.ADMIN, [], False),  # admin covers every region, and sees no case data
    ],
)
def test_who_sees_personal_data(role: Role, regions: list[str], sees: bool) -> None:
    assert sees_personal_data(User(user_id="u", name="n", role=role, regions=regions), "140105") is sees


# --- everywhere else: masked -------------------------------------------------------------------------------


async def test_list_lines_and_searches_carry_no_personal_data(api: Api) -> None:
    await create(api)
    for who in ("inspector", "supervisor", "head", "city"):
        for params in ({}, {"q": "劳务"}, {"stage": "intake"}, {"q": COMPLAINANT_ID}, {"q": "13812345678"}):
            r = await api.http.get("/api/v1/cases", params=params, headers=api.auth(who))
            assert r.status_code == 200, r.text
            assert not leaks(r.text), (who, params)
    listed = (await api.http.get("/api/v1/cases", headers=api.auth("inspector"))).json()
    assert listed["total"] == 1 and "workers" not in listed["items"][0] and "complainant" not in listed["items"][0]


async def test_history_is_masked_and_the_stored_rows_are_not(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    cid = (await create(api))["case_id"]
    await action(api, cid, "accept", {"comment": f"已电话联系投诉人 13812345678，核对身份证 {COMPLAINANT_ID}"})
    finding = {"workers": [{"id_number": i, "confirmed_amount": "12000.00"} for i in WORKER_IDS]}
    await action(api, cid, "record_finding", finding)
    paid = datetime.now(UTC) - timedelta(minutes=5)
    payments = [{"id_number": i, "amount": "100.00", "paid_at": paid.isoformat()} for i in WORKER_IDS]
    await action(api, cid, "record_payment", {"payments": payments})
    for who in ("inspector", "supervisor", "head", "city"):
        r = await api.http.get(f"/api/v1/cases/{cid}/history", headers=api.auth(who))
        assert r.status_code == 200, r.text
        assert not leaks(r.text), who
    history = {h["kind"]: h["data"] for h in r.json()}
    assert history["accept"]["comment"] == f"已电话联系投诉人 138****5678，核对身份证 {mask_id(COMPLAINANT_ID)}"
    assert [w["id_number"] for w in history["record_finding"]["workers"]] == [mask_id(i) for i in WORKER_IDS]
    assert [w["confirmed_amount"] for w in history["record_finding"]["workers"]] == ["12000.00", "12000.00"]
    assert [p["id_number"] for p in history["record_payment"]["payments"]] == [mask_id(i) for i in WORKER_IDS]
    async with sessions() as s:  # the evidence keeps what was recorded
        stored = {row["kind"]: row["data"] for row in await store.history(s, cid)}
    assert [w["id_number"] for w in stored["record_finding"]["workers"]] == WORKER_IDS
    assert COMPLAINANT_ID in stored["accept"]["comment"]


def test_mask_record_masks_fields_and_free_text() -> None:
    data = {
        "workers": [{"id_number": COMPLAINANT_ID, "phone": "0351-1234567", "n": 3}],
        "reason": f"工人 {WORKER_IDS[1].lower()} 手机13900000000",
        "nested": [[f"x{PHONES[0]}y"]],
        "amount": "12000.00",
        "level": 2,
        "none": None,
    }
    assert mask_record(data) == {
        "workers": [{"id_number": mask_id(COMPLAINANT_ID), "phone": mask_phone("0351-1234567"), "n": 3}],
        "reason": f"工人 {mask_id(WORKER_IDS[1])} 手机139****0000",
        "nested": [["x138****5678y"]],
        "amount": "12000.00",
        "level": 2,
        "none": None,
    }
    assert data["workers"][0]["id_number"] == COMPLAINANT_ID  # a copy: the row itself is untouched


async def test_reports_digests_reminders_and_notices_carry_no_personal_data(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    early = intake_body(received_at="2026-09-01T10:00:00+08:00")
    for worker in early["workers"]:
        worker["owed_to"] = "2026-08-31"
    r = await api.http.post("/api/v1/cases", json=early, headers=api.auth("inspector"))  # overdue at once
    assert r.status_code == 201, r.text
    cid = r.json()["case_id"]
    now = datetime.now(UTC)
    await DigestActivities(sessions, clock=lambda: now).make_digests(MakeDigestsInput(at=now))
    year = 2026
    for who in ("inspector", "supervisor", "head", "city"):
        answers = [
            await api.http.get("/api/v1/reports/clear-to-zero", params={"year": year}, headers=api.auth(who)),
            await api.http.get("/api/v1/reports/digest", params={"region_code": "140105"}, headers=api.auth(who)),
            await api.http.get("/api/v1/me/reminders", params={"all": "true"}, headers=api.auth(who)),
            await api.http.get(f"/api/v1/cases/{cid}/notices", headers=api.auth(who)),
            await api.http.get(f"/api/v1/cases/{cid}/deadlines/acceptance", headers=api.auth(who)),
        ]
        for answer in answers:
            assert answer.status_code == 200, (who, answer.request.url, answer.text)
            assert not leaks(answer.text), (who, answer.request.url)
    digest = await api.http.get("/api/v1/reports/digest", params={"region_code": "140105"}, headers=api.auth("head"))
    assert [c["case_id"] for c in digest.json()["overdue"]] == [cid]  # the case is in it, its people are not


async def test_no_other_answer_has_a_field_for_personal_data(api: Api) -> None:
    """In the OpenAPI document, only the case page's answers (GET /cases/{id}, intake, actions) have fields
    for ID numbers, phones or the complainant; lists, history, reports, digests and reminders have none."""
    doc = (await api.http.get("/openapi.json")).json()
    schemas = doc["components"]["schemas"]

    def fields(schema: dict[str, Any], seen: set[str]) -> set[str]:
        names: set[str] = set()
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            return set() if name in seen else fields(schemas[name], seen | {name})
        names |= set(schema.get("properties", {}))
        for key in ("properties",):
            for sub in schema.get(key, {}).values():
                names |= fields(sub, seen)
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                names |= fields(schema[key], seen)
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in schema.get(key, []):
                names |= fields(sub, seen)
        return names

    case_page = {
        ("get", "/api/v1/cases/{case_id}"),
        ("post", "/api/v1/cases"),
        ("post", "/api/v1/cases/{case_id}/actions/{action}"),
        ("get", "/api/v1/cases/{case_id}/ledger"),  # the case page's money, under the same rule
    }
    personal = {"id_number", "phone", "complainant"}
    checked = 0
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            for status, response in operation.get("responses", {}).items():
                if (method, path) in case_page and status.startswith("2"):
                    continue  # the case page itself
                for content in response.get("content", {}).values():
                    found = fields(content.get("schema", {}), set()) & personal
                    assert not found, (method, path, status, found)
                    checked += 1
    assert checked > 10
    page = fields({"$ref": "#/components/schemas/CaseView"}, set())
    assert personal <= page


# --- admin: no case data -----------------------------------------------------------------------------------


async def test_admin_is_refused_every_case_data_route(api: Api) -> None:
    cid = (await create(api))["case_id"]
    await action(api, cid, "accept", {})
    notices = (await api.http.get(f"/api/v1/cases/{cid}/notices", headers=api.auth("inspector"))).json()
    pdf = notices[0]["url"]
    requests: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/api/v1/cases", {}),
        ("GET", "/api/v1/cases?q=劳务", {}),
        ("POST", "/api/v1/cases", {"json": intake_body()}),
        ("GET", f"/api/v1/cases/{cid}", {}),
        ("GET", f"/api/v1/cases/{cid}/history", {}),
        ("GET", f"/api/v1/cases/{cid}/notices", {}),
        ("GET", f"/api/v1/cases/{cid}/deadlines/acceptance", {}),
        ("POST", f"/api/v1/cases/{cid}/actions/close", {"json": {"reason": "withdrawn"}}),
        ("POST", f"/api/v1/cases/{cid}/actions/record_finding", {"json": {"workers": []}}),
        ("GET", pdf, {}),
        ("GET", "/api/v1/notices/nope.pdf", {}),
        ("GET", "/api/v1/cases/QL-NOSUCHCASE00000", {}),
        ("GET", "/api/v1/reports/clear-to-zero?year=2026", {}),
        ("GET", "/api/v1/reports/digest?region_code=140105", {}),
        ("GET", "/api/v1/me/reminders", {}),
    ]
    for method, url, extra in requests:
        r = await api.http.request(method, url, headers=api.auth("admin"), **extra)
        assert r.status_code == 403, (method, url, r.text)
        assert r.json() == {"error": {"code": "role_not_allowed", "message": ADMIN_SEES_NO_CASES, "details": []}}, (
            method,
            url,
        )
    assert ADMIN_SEES_NO_CASES.startswith("系统管理员不查看案件数据")
    after = (await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth("inspector"))).json()
    assert after["stage"] == "investigating"  # the refused close changed nothing
    assert (await api.http.get("/api/v1/cases", headers=api.auth("inspector"))).json()["total"] == 1
    r = await api.http.get("/api/v1/health", headers=api.auth("admin"))  # what is not case data still answers
    assert r.status_code in (200, 503)


# --- errors never echo an ID number or a phone ---------------------------------------------------------------


async def test_errors_never_echo_id_numbers_or_phones(api: Api) -> None:
    bad_check = COMPLAINANT_ID[:-1] + ("0" if COMPLAINANT_ID[-1] != "0" else "1")
    body = intake_body()
    body["complainant"] = {"name": "张三", "id_number": bad_check, "phone": "1381234567"}  # 10 digits: not a phone
    body["workers"][0][WORKER_IDS[1]] = "x"  # an unknown key named as an ID number
    body["workers"][1]["13812345678"] = "x"  # and one named as a mobile number
    r = await api.http.post("/api/v1/cases", json=body, headers=api.auth("inspector"))
    assert r.status_code == 422, r.text
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert {"complainant.id_number", "complainant.phone"} <= fields
    assert f"workers.0.{mask_id(WORKER_IDS[1])}" in fields and "workers.1.138****5678" in fields
    for value in (bad_check, "1381234567", WORKER_IDS[1], "13812345678"):
        assert value not in r.text
    cid = (await create(api))["case_id"]
    await action(api, cid, "accept", {})
    stranger = make_id(77)
    r = await api.http.post(
        f"/api/v1/cases/{cid}/actions/record_finding",
        json={"workers": [{"id_number": stranger, "confirmed_amount": "1.00"}]},
        headers=api.auth("inspector"),
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_worker"
    assert stranger not in r.text
    r = await api.http.get(f"/api/v1/cases/{COMPLAINANT_ID}", headers=api.auth("inspector"))  # an ID as a case id
    assert r.status_code == 404 and COMPLAINANT_ID not in r.text


# --- the request id --------------------------------------------------------------------------------------


async def test_the_request_id_is_echoed_or_made(api: Api) -> None:
    r = await api.http.get("/api/v1/cases", headers={**api.auth("inspector"), "X-Request-ID": "proxy-7f3a.42:1"})
    assert r.status_code == 200 and r.headers["X-Request-ID"] == "proxy-7f3a.42:1"
    r = await api.http.get("/api/v1/cases", headers=api.auth("inspector"))
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["X-Request-ID"])
    made = {r.headers["X-Request-ID"], (await api.http.get("/api/v1/health")).headers["X-Request-ID"]}
    assert len(made) == 2  # a new one per request
    for insane in ("has space", "x" * 129, "<script>", COMPLAINANT_ID, "req-13812345678", "-leading-dash"):
        r = await api.http.get("/api/v1/cases", headers={**api.auth("inspector"), "X-Request-ID": insane})
        assert re.fullmatch(r"[0-9a-f]{32}", r.headers["X-Request-ID"]), insane
    for url, headers, status in [
        ("/api/v1/cases", {}, 401),
        ("/api/v1/cases/QL-NONE", {"Authorization": f"Bearer {api.tokens['inspector']}"}, 404),
        ("/api/v1/cases?limit=0", {"Authorization": f"Bearer {api.tokens['inspector']}"}, 422),
        ("/api/v1/cases", {"Authorization": f"Bearer {api.tokens['admin']}"}, 403),
        ("/no/such/route", {}, 404),
    ]:
        r = await api.http.get(url, headers={**headers, "X-Request-ID": "abc-123"})
        assert r.status_code == status and r.headers["X-Request-ID"] == "abc-123", (url, r.status_code)
