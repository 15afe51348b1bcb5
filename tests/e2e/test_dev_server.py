"""End to end: the real Temporal dev server binary, `qingling worker` and `qingling api` as processes,
a case driven over HTTP from intake to closed, and a worker killed in the middle of it."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest

from models.clock import SHANGHAI
from tests.builders import intake_body, make_id
from tests.e2e.stack import Stack, headers, post_action, running_stack, wait_for_notice, wait_healthy

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    users = {"inspector": ("insp", "inspector"), "supervisor": ("sup", "supervisor")}
    with running_stack(tmp_path_factory.mktemp("e2e"), users) as s:
        yield s


async def test_case_survives_a_killed_worker(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.api, timeout=120) as http:
        await wait_healthy(http)
        r = await http.post("/api/v1/cases", json=intake_body(), headers=headers(stack, "inspector"))
        assert r.status_code == 201, r.text
        cid = r.json()["case_id"]
        await post_action(http, stack, cid, "accept", {})
        await post_action(
            http,
            stack,
            cid,
            "record_finding",
            {"workers": [{"id_number": make_id(1), "confirmed_amount": "11000.00"}]},
        )

        # Kill the worker while the order is being issued: the update must still complete, once.
        due = datetime.now(SHANGHAI).date() + timedelta(days=7)
        pending = asyncio.create_task(
            http.post(
                f"/api/v1/cases/{cid}/actions/issue_order",
                json={"due_date": due.isoformat()},
                headers=headers(stack, "inspector"),
            )
        )
        # The moment the order's notice is committed, the worker dies: the workflow has not yet seen
        # that activity complete, so the new worker must find the notice instead of issuing another.
        await wait_for_notice(stack.tmp / "qingling.db", "payment_order")
        stack.procs["worker1"].send_signal(signal.SIGKILL)
        stack.procs["worker1"].wait(timeout=10)
        stack.start_worker("worker2")
        r = await asyncio.wait_for(pending, timeout=110)
        assert r.status_code == 200, r.text
        assert r.json()["stage"] == "ordered"
        order = r.json()["notices"][-1]["notice_id"]
        served = {"notice_id": order, "served_at": datetime.now(SHANGHAI).isoformat(), "method": "direct"}
        assert (await post_action(http, stack, cid, "record_service", served))["order_served"] is True

        paid_at = "2026-11-21T09:00:00+08:00"
        payments = [
            {"id_number": make_id(1), "amount": "11000.00", "paid_at": paid_at},
            {"id_number": make_id(2), "amount": "12000.00", "paid_at": paid_at},
        ]
        assert (await post_action(http, stack, cid, "record_payment", {"payments": payments}))["stage"] == "cleared"
        closed = await post_action(http, stack, cid, "close", {"reason": "cleared"}, who="supervisor")
        assert closed["stage"] == "closed" and closed["outstanding"] == "0.00"

        history = (await http.get(f"/api/v1/cases/{cid}/history", headers=headers(stack, "supervisor"))).json()
        assert [h["kind"] for h in history] == [
            "intake",
            "accept",
            "record_finding",
            "issue_order",
            "record_service",
            "record_payment",
            "close",
        ]
        assert [h["seq"] for h in history] == list(range(1, 8))
        listed = (await http.get(f"/api/v1/cases/{cid}/notices", headers=headers(stack, "inspector"))).json()
        assert [n["kind"] for n in listed] == ["acceptance", "payment_order", "service_receipt", "closing"]
        assert [n["served"] for n in listed] == [False, True, False, False]
        assert len({n["doc_number"] for n in listed}) == 4
        for n in listed:
            pdf = await http.get(n["url"], headers=headers(stack, "inspector"))
            assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        files = list((stack.tmp / "notices").rglob("*.pdf"))
        assert len(files) == 4
