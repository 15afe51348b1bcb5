"""The decision's actions through the HTTP contract on both databases: a rate outside 50%–100% of the
amount owed is 422 with the reason in Chinese, before anything is sent; a decision on an unserved order, or
before the order's pay-by date, is 409; only the head decides. (The whole path needs days to pass: see
tests/workflows/test_decision.py on the time-skipping server.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.conftest import Api
from tests.api.test_cases_api import action, create
from tests.builders import make_id


async def ordered_case(api: Api, *, served: bool) -> str:
    cid = str((await create(api))["case_id"])
    await action(api, cid, "accept", {})
    await action(api, cid, "record_finding", {"workers": [{"id_number": make_id(1), "confirmed_amount": "11000.00"}]})
    due = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    r = await action(api, cid, "issue_order", {"due_date": due})
    if served:
        served_at = datetime.now(UTC).isoformat()
        body = {"notice_id": r.json()["notices"][-1]["notice_id"], "served_at": served_at, "method": "direct"}
        assert (await action(api, cid, "record_service", body)).status_code == 200
    return cid


@pytest.mark.parametrize("rate", ["0.4", "1.1", "0.555", "-0.5", "abc", 0.5])
async def test_a_rate_outside_the_range_is_422(api: Api, rate: object) -> None:
    cid = await ordered_case(api, served=True)
    r = await action(api, cid, "propose_decision", {"compensation_rate": rate})
    assert r.status_code == 422, r.text
    assert "加付赔偿金比例应在 0.5 至 1.0 之间" in r.text
    r = await action(api, cid, "issue_decision", {"compensation_rate": rate}, who="head")
    assert r.status_code == 422
    history = (await api.http.get(f"/api/v1/cases/{cid}/history", headers=api.auth("supervisor"))).json()
    assert [h["kind"] for h in history][-1] == "record_service"  # nothing sent, nothing changed


async def test_no_decision_before_the_order_ran_out_or_on_an_unserved_order(api: Api) -> None:
    unserved = await ordered_case(api, served=False)
    r = await action(api, unserved, "propose_decision", {"compensation_rate": "0.5"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "order_not_served"
    assert "未送达的指令书不能作为作出行政处理决定的依据" in r.json()["error"]["message"]
    served = await ordered_case(api, served=True)
    r = await action(api, served, "propose_decision", {"compensation_rate": "0.5"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "order_not_due"
    r = await action(api, served, "issue_decision", {"compensation_rate": "0.5"})
    assert r.status_code == 403  # an inspector does not decide
    r = await action(api, served, "issue_decision", {"compensation_rate": "0.5"}, who="head")
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_decision_notice"
    case = (await api.http.get(f"/api/v1/cases/{served}", headers=api.auth("inspector"))).json()
    assert case["decision"] is None and "propose_decision" in case["allowed_actions"]
