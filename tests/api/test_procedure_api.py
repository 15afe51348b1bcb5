"""Issue 5's procedure through the HTTP contract on both databases: the two-year limit shown before
anyone acts, 补正, the head's approval for a withdrawal with money owed, and a payment sent twice at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from tests.api.conftest import Api
from tests.api.test_cases_api import action, create
from tests.builders import intake_body, make_id


async def history_kinds(api: Api, cid: str) -> list[str]:
    r = await api.http.get(f"/api/v1/cases/{cid}/history", headers=api.auth("supervisor"))
    return [h["kind"] for h in r.json()]


async def test_the_two_year_limit_is_shown_at_intake_and_guards_acceptance(api: Api) -> None:
    body = intake_body(workers=1)
    body["workers"][0].update(owed_from="2023-05-01", owed_to="2024-03-31")
    case = await create(api, body)
    assert case["limitation"] == {
        "violation_ended": "2024-03-31",
        "limit_ends": "2026-03-31",
        "time_barred": True,
        "barred_workers": 1,
    }
    r = await action(api, case["case_id"], "accept", {})
    assert r.status_code == 409 and r.json()["error"]["code"] == "time_barred"
    assert "第二十条" in r.json()["error"]["message"]
    r = await action(api, case["case_id"], "reject", {"reason_code": "time_barred", "reason": "超过两年"})
    assert r.status_code == 200 and r.json()["rejection_code"] == "time_barred"
    assert await history_kinds(api, case["case_id"]) == ["intake", "reject"]


async def test_supplement_pauses_acceptance(api: Api) -> None:
    cid = (await create(api))["case_id"]
    r = await action(api, cid, "request_supplement", {"missing": "劳动关系证明材料"})
    assert r.status_code == 200, r.text
    acceptance = r.json()["deadlines"][0]
    assert acceptance["kind"] == "acceptance" and acceptance["suspended_since"] is not None
    r = await action(api, cid, "accept", {})
    assert r.status_code == 409 and r.json()["error"]["code"] == "supplement_pending"
    r = await action(api, cid, "record_supplement", {"received_at": datetime.now(UTC).isoformat()})
    assert r.status_code == 200 and r.json()["supplement_missing"] is None
    assert (await action(api, cid, "accept", {})).status_code == 200
    assert await history_kinds(api, cid) == ["intake", "request_supplement", "record_supplement", "accept"]


async def test_withdrawal_with_money_owed_needs_the_head(api: Api) -> None:
    cid = (await create(api))["case_id"]
    await action(api, cid, "accept", {})
    r = await action(api, cid, "close", {"reason": "withdrawn"}, who="supervisor")
    assert r.status_code == 403 and r.json()["error"]["code"] == "head_approval_required"
    r = await action(api, cid, "close", {"reason": "withdrawn"}, who="head")
    assert r.status_code == 200 and r.json()["stage"] == "closed" and r.json()["close_reason"] == "withdrawn"
    history = (await api.http.get(f"/api/v1/cases/{cid}/history", headers=api.auth("head"))).json()
    assert history[-1]["actor_role"] == "head"


async def test_the_same_payment_sent_twice_at_once_is_recorded_once(api: Api) -> None:
    cid = (await create(api))["case_id"]
    await action(api, cid, "accept", {})
    payment: dict[str, Any] = {
        "payments": [{"id_number": make_id(1), "amount": "500.00", "paid_at": "2026-11-21T09:00:00+08:00"}]
    }
    first, second = await asyncio.gather(
        action(api, cid, "record_payment", payment), action(api, cid, "record_payment", payment)
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    refused = first if first.status_code == 409 else second
    assert refused.json()["error"]["code"] == "duplicate_payment"
    case = (await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth("inspector"))).json()
    assert case["paid_total"] == "500.00"
    assert (await history_kinds(api, cid)).count("record_payment") == 1
    again = await action(api, cid, "record_payment", payment)
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate_payment"
