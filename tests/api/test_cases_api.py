"""The HTTP contract: intake, actions, 404/409/422 in the contract's shape, history, notices, PDFs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.api.conftest import Api
from tests.builders import intake_body, make_id, make_uscc


async def create(api: Api, body: dict[str, Any] | None = None) -> dict[str, Any]:
    r = await api.http.post("/api/v1/cases", json=body or intake_body(), headers=api.auth("inspector"))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def action(api: Api, case_id: str, name: str, body: dict[str, Any], who: str = "inspector") -> Any:
    return await api.http.post(f"/api/v1/cases/{case_id}/actions/{name}", json=body, headers=api.auth(who))


async def test_case_through_the_api(api: Api) -> None:
    case = await create(api)
    cid = case["case_id"]
    assert case["stage"] == "intake" and case["case_number"] is None
    assert case["owed_total"] == "24000.00" and case["outstanding"] == "24000.00"
    assert [d["kind"] for d in case["deadlines"]] == [
        "acceptance",
        "clear_3_months",
        "clear_year_end",
        "clear_before_new_year",
        "clear_before_spring_festival",
    ]
    assert all(d["warn_on"] and d["escalate_after"] for d in case["deadlines"])

    r = await action(api, cid, "accept", {})
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "investigating" and r.json()["case_number"].startswith("小人社监案〔")

    due = (date.today() + timedelta(days=10)).isoformat()
    r = await action(api, cid, "issue_order", {"due_date": due})
    assert r.status_code == 200, r.text
    order = r.json()["notices"][-1]
    assert order["kind"] == "payment_order" and order["served_at"] is None and r.json()["order_served"] is False
    served = {"notice_id": order["notice_id"], "served_at": datetime.now(UTC).isoformat(), "method": "left"}
    r = await action(api, cid, "record_service", served)
    assert r.status_code == 200, r.text
    assert r.json()["order_served"] is True
    assert {d["kind"]: d["status"] for d in r.json()["deadlines"]}["service"] == "met"
    payments = [{"id_number": make_id(i), "amount": "12000.00", "paid_at": "2026-11-21T09:00:00+08:00"} for i in (1, 2)]
    r = await action(api, cid, "record_payment", {"payments": payments})
    assert r.status_code == 200 and r.json()["stage"] == "cleared" and r.json()["outstanding"] == "0.00"
    r = await action(api, cid, "close", {"reason": "cleared"}, who="supervisor")
    assert r.status_code == 200 and r.json()["stage"] == "closed"

    r = await api.http.get(f"/api/v1/cases/{cid}/history", headers=api.auth("supervisor"))
    history = r.json()
    assert [h["kind"] for h in history] == [
        "intake",
        "accept",
        "issue_order",
        "record_service",
        "record_payment",
        "close",
    ]
    assert [h["seq"] for h in history] == [1, 2, 3, 4, 5, 6]
    assert history[1]["stage_before"] == "intake" and history[1]["stage_after"] == "investigating"
    assert history[0]["at"].endswith("+08:00")

    r = await api.http.get(f"/api/v1/cases/{cid}/notices", headers=api.auth("inspector"))
    listed = r.json()
    assert [n["kind"] for n in listed] == ["acceptance", "payment_order", "service_receipt", "closing"]
    assert [n["served"] for n in listed] == [False, True, False, False]
    assert listed[1]["service_method"] == "left" and listed[1]["receipt_id"] == listed[2]["notice_id"]
    assert listed[1]["title"] == "劳动保障监察限期改正指令书"
    pdf = await api.http.get(listed[1]["url"], headers=api.auth("inspector"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    import hashlib

    assert hashlib.sha256(pdf.content).hexdigest() == listed[1]["sha256"]

    r = await action(api, cid, "record_payment", {"payments": payments})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "stage_not_allowed"


async def test_illegal_transition_is_409_and_changes_nothing(api: Api) -> None:
    case = await create(api)
    cid = case["case_id"]
    r = await action(api, cid, "close", {"reason": "withdrawn"}, who="supervisor")
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "stage_not_allowed" and "阶段" in err["message"]
    r = await action(api, cid, "accept", {}, who="supervisor")
    assert r.status_code == 403 and r.json()["error"]["code"] == "role_not_allowed"
    after = (await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth("inspector"))).json()
    assert after == case
    history = (await api.http.get(f"/api/v1/cases/{cid}/history", headers=api.auth("inspector"))).json()
    assert [h["kind"] for h in history] == ["intake"]


@pytest.mark.parametrize(
    ("mutate", "field", "needle"),
    [
        (lambda b: b["employer"].update(uscc=make_uscc(1)[:-1] + "0"), "employer.uscc", "校验位"),
        (lambda b: b["workers"][0].update(id_number=make_id(1)[:-1] + "0"), "workers.0.id_number", "校验位"),
        (lambda b: b["workers"][0].update(owed_amount="12.345"), "workers.0.owed_amount", "两位小数"),
        (lambda b: b["workers"][0].update(owed_amount="-5"), "workers.0.owed_amount", "大于零"),
        (lambda b: b["workers"][0].update(owed_from="2026-10-01", owed_to="2026-09-01"), "workers.0", "起始"),
        (lambda b: b["workers"][0].update(owed_to="2099-01-01"), "workers.0.owed_to", "晚于今天"),
        (lambda b: b.update(region_code="14010"), "region_code", "6位"),
        (lambda b: b.update(workers=[]), "workers", "至少"),
        (lambda b: b.update(received_at="2099-01-01T00:00:00+08:00"), "received_at", "晚于当前"),
        (lambda b: b.update(channel="fax"), "channel", "允许范围"),
    ],
)
async def test_bad_intake_is_422_with_the_field_named(api: Api, mutate: Any, field: str, needle: str) -> None:
    body = intake_body()
    mutate(body)
    r = await api.http.post("/api/v1/cases", json=body, headers=api.auth("inspector"))
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_failed"
    assert any(d["field"] == field and needle in d["message"] for d in error["details"]), error
    listed = (await api.http.get("/api/v1/cases", headers=api.auth("inspector"))).json()
    assert listed["total"] == 0


async def test_jurisdiction_and_auth(api: Api) -> None:
    case = await create(api)
    cid = case["case_id"]
    r = await api.http.get(f"/api/v1/cases/{cid}")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
    r = await api.http.get(f"/api/v1/cases/{cid}", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    for path in (f"/api/v1/cases/{cid}", f"/api/v1/cases/{cid}/history", f"/api/v1/cases/{cid}/notices"):
        r = await api.http.get(path, headers=api.auth("other"))
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = await action(api, cid, "accept", {}, who="other")
    assert r.status_code == 404
    assert (await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth("city"))).status_code == 200
    r = await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth("admin"))  # admin sees no case data
    assert r.status_code == 403 and r.json()["error"]["code"] == "role_not_allowed"
    r = await api.http.post("/api/v1/cases", json=intake_body(region="140106"), headers=api.auth("inspector"))
    assert r.status_code == 403
    assert (await api.http.get("/api/v1/cases", headers=api.auth("other"))).json()["total"] == 0


async def test_list_filters(api: Api) -> None:
    a = await create(api)
    body = intake_body()
    body["employer"] = {"name": "另一家劳务公司", "uscc": make_uscc(77)}
    b = await create(api, body)
    await action(api, a["case_id"], "accept", {})
    h = api.auth("inspector")
    assert (await api.http.get("/api/v1/cases", headers=h)).json()["total"] == 2
    by_stage = (await api.http.get("/api/v1/cases?stage=investigating", headers=h)).json()
    assert [c["case_id"] for c in by_stage["items"]] == [a["case_id"]]
    by_q = (await api.http.get("/api/v1/cases", params={"q": "另一家"}, headers=h)).json()
    assert [c["case_id"] for c in by_q["items"]] == [b["case_id"]]
    by_uscc = (await api.http.get("/api/v1/cases", params={"q": make_uscc(77)}, headers=h)).json()
    assert [c["case_id"] for c in by_uscc["items"]] == [b["case_id"]]
    assert (await api.http.get("/api/v1/cases?overdue=true", headers=h)).json()["total"] == 0
    assert (await api.http.get("/api/v1/cases?stage=bogus", headers=h)).status_code == 422


async def test_bad_action_bodies(api: Api) -> None:
    cid = (await create(api))["case_id"]
    assert (await action(api, cid, "fly", {})).status_code == 404
    r = await action(api, cid, "reject", {})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "reason"
    r = await action(api, cid, "reject", {"reason": "属于劳动争议"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "reason_code_required"
    assert r.json()["error"]["details"] == [{"field": "reason_code", "message": r.json()["error"]["message"]}]
    await action(api, cid, "accept", {})
    r = await action(api, cid, "issue_order", {"due_date": "2020-01-01"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "order_due_not_after_today"
    r = await action(api, cid, "record_finding", {"workers": [{"id_number": make_id(99), "confirmed_amount": "1"}]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_worker"
    future = "2099-01-01T00:00:00+08:00"
    r = await action(
        api,
        cid,
        "record_payment",
        {"payments": [{"id_number": make_id(1), "amount": "1", "paid_at": future}]},
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "in_the_future"
    assert r.json()["error"]["details"][0]["field"] == "payments.0.paid_at"
    state = (await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth("inspector"))).json()
    assert state["paid_total"] == "0.00" and state["stage"] == "investigating"


async def test_openapi_and_health(api: Api) -> None:
    doc = (await api.http.get("/openapi.json")).json()
    validate(doc)  # a valid OpenAPI 3 document with no dangling $ref
    assert "/api/v1/cases/{case_id}/actions/{action}" in doc["paths"]
    for body in ("AcceptBody", "RejectBody", "RecordFindingBody", "IssueOrderBody", "RecordPaymentBody", "CloseBody"):
        assert body in doc["components"]["schemas"]
    assert doc["paths"]["/api/v1/cases"]["post"]["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorResponse"
    }
    assert "/api/v1/notices/{notice_id}.pdf" in doc["paths"]
    r = await api.http.get("/api/v1/health")
    checks = r.json()["checks"]
    # The time-skipping test server cannot describe task queues, so "worker" is proven in tests/e2e.
    assert checks["database"] is True and checks["temporal"] is True, r.text


async def test_idempotency_key_makes_one_case(api: Api) -> None:
    headers = {**api.auth("inspector"), "Idempotency-Key": "hotline-20261120-0001"}
    body = intake_body()
    first = await api.http.post("/api/v1/cases", json=body, headers=headers)
    again = await api.http.post("/api/v1/cases", json=body, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["case_id"] == first.json()["case_id"]
    other = await api.http.post("/api/v1/cases", json=intake_body(), headers=api.auth("inspector"))
    assert other.status_code == 201 and other.json()["case_id"] != first.json()["case_id"]
    assert (await api.http.get("/api/v1/cases", headers=api.auth("inspector"))).json()["total"] == 2


async def test_overdue_is_shown_and_filtered(api: Api) -> None:
    early = intake_body(received_at="2026-09-01T10:00:00+08:00")
    for worker in early["workers"]:
        worker["owed_to"] = "2026-08-31"  # the arrears ended before the complaint
    late = await create(api, early)
    await create(api)  # received two hours ago: its acceptance deadline has not passed
    acceptance = late["deadlines"][0]
    assert acceptance["kind"] == "acceptance" and acceptance["due"] == "2026-09-08"
    assert acceptance["status"] == "overdue"
    listed = (await api.http.get("/api/v1/cases?overdue=true", headers=api.auth("inspector"))).json()
    assert [c["case_id"] for c in listed["items"]] == [late["case_id"]]
    accepted = (await action(api, late["case_id"], "accept", {})).json()
    met = accepted["deadlines"][0]
    assert met["status"] == "met_late" and met["met_at"] is not None  # late: met, but never shown as plain "met"
    listed = (await api.http.get("/api/v1/cases?overdue=true", headers=api.auth("inspector"))).json()
    assert listed["total"] == 0


async def test_deadline_explained_day_by_day(api: Api) -> None:
    case = await create(api)
    cid = case["case_id"]
    r = await api.http.get(f"/api/v1/cases/{cid}/deadlines/acceptance", headers=api.auth("inspector"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["deadline"]["kind"] == "acceptance" and body["deadline"]["status"] == "pending"
    lines = body["explanation"]
    assert lines[0].startswith("受理期限：") and any("第5个工作日" in line for line in lines)
    assert any(line.startswith("临期提醒") for line in lines)
    missing = await api.http.get(f"/api/v1/cases/{cid}/deadlines/payment_order", headers=api.auth("inspector"))
    assert missing.status_code == 404 and missing.json()["error"]["message"] == "本案没有该种类的期限"
    bogus = await api.http.get(f"/api/v1/cases/{cid}/deadlines/tomorrow", headers=api.auth("inspector"))
    assert bogus.status_code == 422
    foreign = await api.http.get(f"/api/v1/cases/{cid}/deadlines/acceptance", headers=api.auth("other"))
    assert foreign.status_code == 404
