"""Who pays (issue 8, item 3) through the HTTP contract on both databases: each payment's payer in the
history, on the case and in its ledger; a general contractor's payment and a wage-deposit drawdown clear the
case like the employer's; emergency aid is recorded but never reduces the debt; an order can go to the
general contractor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.conftest import Api
from tests.api.test_cases_api import action, create
from tests.builders import intake_body, make_id


def paid(id_no: int, amount: str, source: str, minutes_ago: int = 60) -> dict[str, Any]:
    at = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()
    return {"id_number": make_id(id_no), "amount": amount, "paid_at": at, "source": source}


async def accepted_with_finding(api: Api) -> str:
    cid = str((await create(api))["case_id"])
    assert (await action(api, cid, "accept", {})).status_code == 200
    finding = {"workers": [{"id_number": make_id(1), "confirmed_amount": "11000.00"}]}
    assert (await action(api, cid, "record_finding", finding)).status_code == 200
    return cid


async def test_contractor_and_deposit_pay_and_aid_does_not(api: Api) -> None:
    cid = await accepted_with_finding(api)
    aid_at = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    aid = {"id_number": make_id(2), "amount": "2000.00", "paid_at": aid_at, "comment": "生活困难，先行垫付"}
    r = await action(api, cid, "record_aid", aid)
    assert r.status_code == 200, r.text
    case = r.json()
    assert case["aid_total"] == "2000.00" and case["outstanding"] == "23000.00" and case["paid_total"] == "0.00"
    assert [w["aid_amount"] for w in case["workers"]] == ["0.00", "2000.00"]
    assert case["stage"] == "investigating"

    r = await action(api, cid, "record_aid", aid)  # the same aid again
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate_aid"
    r = await action(api, cid, "record_aid", {**aid, "id_number": make_id(9)})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_worker"

    payments = [paid(1, "11000.00", "general_contractor"), paid(2, "12000.00", "wage_deposit")]
    r = await action(api, cid, "record_payment", {"payments": payments})
    assert r.status_code == 200, r.text
    case = r.json()
    assert case["stage"] == "cleared" and case["outstanding"] == "0.00"
    assert case["paid_by_source"] == {"general_contractor": "11000.00", "wage_deposit": "12000.00"}
    assert case["aid_total"] == "2000.00"  # aid stays on the case, beside the wages

    ledger = (await api.http.get(f"/api/v1/cases/{cid}/ledger", headers=api.auth("inspector"))).json()
    assert [(line["kind"], line["source"], line["amount"]) for line in ledger["lines"]] == [
        ("aid", None, "2000.00"),
        ("payment", "general_contractor", "11000.00"),
        ("payment", "wage_deposit", "12000.00"),
    ]
    assert ledger["lines"][0]["id_number"] == make_id(2)  # the region's own inspector: in full
    assert (ledger["paid_total"], ledger["aid_total"], ledger["outstanding"]) == ("23000.00", "2000.00", "0.00")

    history = (await api.http.get(f"/api/v1/cases/{cid}/history", headers=api.auth("supervisor"))).json()
    assert [h["kind"] for h in history] == ["intake", "accept", "record_finding", "record_aid", "record_payment"]
    assert history[3]["data"]["amount"] == "2000.00" and history[3]["data"]["outstanding"] == "23000.00"
    assert [p["source"] for p in history[4]["data"]["payments"]] == ["general_contractor", "wage_deposit"]
    assert "*" in history[3]["data"]["id_number"]  # history rows as the API shows them are masked


async def test_aid_is_refused_before_acceptance_and_in_the_future(api: Api) -> None:
    cid = str((await create(api))["case_id"])
    aid = {"id_number": make_id(1), "amount": "500.00", "paid_at": datetime.now(UTC).isoformat()}
    r = await action(api, cid, "record_aid", aid)
    assert r.status_code == 409 and r.json()["error"]["code"] == "stage_not_allowed"
    assert (await action(api, cid, "accept", {})).status_code == 200
    future = {**aid, "paid_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()}
    r = await action(api, cid, "record_aid", future)
    assert r.status_code == 422 and r.json()["error"]["code"] == "in_the_future"
    r = await action(api, cid, "record_aid", {**aid, "amount": "0"})
    assert r.status_code == 422
    r = await action(api, cid, "record_aid", aid, who="supervisor")
    assert r.status_code == 403
    history = (await api.http.get(f"/api/v1/cases/{cid}/history", headers=api.auth("supervisor"))).json()
    assert [h["kind"] for h in history] == ["intake", "accept"]  # nothing half-applied


async def test_an_order_to_the_general_contractor(api: Api) -> None:
    body = intake_body()
    assert body["project"]["general_contractor"], "the builders' project has a general contractor"
    cid = str((await create(api, body))["case_id"])
    await action(api, cid, "accept", {})
    due = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    r = await action(api, cid, "issue_order", {"due_date": due, "addressee": "general_contractor"})
    assert r.status_code == 200, r.text
    assert r.json()["order_addressee"] == "general_contractor"


def test_the_ledger_masks_for_anyone_outside_the_region() -> None:
    from api.views import ledger
    from tests.rules.test_transitions import case

    state = case()
    rows = [
        {
            "kind": "record_aid",
            "data": {"id_number": make_id(1), "amount": "10.00", "paid_at": "2026-11-20T09:00:00+08:00"},
        },
        {"kind": "accept", "data": {}},
    ]
    shown = ledger(state, rows, personal=False)
    assert [line.id_number for line in shown.lines] == [make_id(1)[:6] + "********" + make_id(1)[-4:]]
    assert ledger(state, rows, personal=True).lines[0].id_number == make_id(1)
