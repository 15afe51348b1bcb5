"""The declared maximum through the real stack: a 5,000-worker complaint runs the whole basic procedure
through the HTTP API, Temporal and the database, and its workflow history stays small."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from temporalio.testing import WorkflowEnvironment

from models.case import MAX_WORKERS
from models.clock import SHANGHAI
from tests.api.conftest import Api
from tests.api.test_cases_api import action
from tests.builders import intake_body, make_id

HISTORY_LIMIT = 2 * 1024 * 1024


async def test_5000_workers_from_intake_to_closed_through_the_api(
    api: Api, time_skipping_env: WorkflowEnvironment
) -> None:
    body = intake_body(workers=0)
    ids = [make_id(i, born=date(1970 + i % 30, 1 + i % 12, 1 + i % 28)) for i in range(1, MAX_WORKERS + 1)]
    body["workers"] = [
        {
            "name": f"阿卜杜热合曼·买买提{i:05d}号木工班组钢筋工段成员",  # 25–30 characters, with the middle dot
            "id_number": id_number,
            "phone": f"139{i:08d}",
            "owed_amount": "12345.67",
            "owed_from": "2026-06-01",
            "owed_to": "2026-09-30",
        }
        for i, id_number in enumerate(ids, start=1)
    ]
    r = await api.http.post("/api/v1/cases", json=body, headers=api.auth("inspector"))
    assert r.status_code == 201, r.text
    case = r.json()
    cid = case["case_id"]
    assert case["worker_count"] == MAX_WORKERS and case["owed_total"] == "61728350.00"

    assert (await action(api, cid, "accept", {})).status_code == 200
    finding = {"workers": [{"id_number": i, "confirmed_amount": "12000.00"} for i in ids]}
    r = await action(api, cid, "record_finding", finding)
    assert r.status_code == 200 and r.json()["owed_total"] == "60000000.00"
    due = (datetime.now(SHANGHAI).date() + timedelta(days=10)).isoformat()
    r = await action(api, cid, "issue_order", {"due_date": due})
    assert r.status_code == 200, r.text
    order = r.json()["notices"][-1]["notice_id"]
    served = {"notice_id": order, "served_at": datetime.now(SHANGHAI).isoformat(), "method": "direct"}
    assert (await action(api, cid, "record_service", served)).status_code == 200
    paid = "2026-11-21T09:00:00+08:00"
    payments = {"payments": [{"id_number": i, "amount": "12000.00", "paid_at": paid} for i in ids]}
    r = await action(api, cid, "record_payment", payments)
    assert r.status_code == 200 and r.json()["stage"] == "cleared" and r.json()["outstanding"] == "0.00"
    r = await action(api, cid, "close", {"reason": "cleared"}, who="supervisor")
    assert r.status_code == 200 and r.json()["stage"] == "closed"
    assert r.json()["workers"][-1]["paid_amount"] == "12000.00"

    notices = (await api.http.get(f"/api/v1/cases/{cid}/notices", headers=api.auth("inspector"))).json()
    assert [n["kind"] for n in notices] == ["acceptance", "payment_order", "service_receipt", "closing"]
    pdf = await api.http.get(notices[1]["url"], headers=api.auth("inspector"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")  # the order lists all 5,000 workers

    history = await time_skipping_env.client.get_workflow_handle(cid).fetch_history()
    size = sum(e.ByteSize() for e in history.events)
    assert size < HISTORY_LIMIT, f"history of {size / 1e6:.2f} MB"
    await time_skipping_env.client.get_workflow_handle(cid).terminate()  # it would wait for the closing's service
