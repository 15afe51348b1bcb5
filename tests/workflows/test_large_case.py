"""A complaint of the declared maximum size (5,000 workers) through the whole basic procedure."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from models.actions import INPUT_MODELS, Action, ActionResult
from models.case import MAX_WORKERS, Stage
from models.clock import shanghai_date
from tests.builders import intake_body, make_id
from tests.harness import HEAD, INSPECTOR, SUPERVISOR, act, running_worker, start_case
from tests.workflows.test_case_workflow import registered
from workflows.case import ArrearsCase

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
HISTORY_LIMIT = 2 * 1024 * 1024


def big_intake() -> dict[str, object]:
    body = intake_body(workers=0)
    body["workers"] = [
        {
            "name": f"维吾尔族工人阿卜杜热合曼·买买提{i:05d}号班组成员",  # 30 characters
            "id_number": make_id(i, born=__import__("datetime").date(1980 + i % 20, 1 + i % 12, 1 + i % 28)),
            "phone": f"139{i:08d}",
            "owed_amount": "12345.67",
            "owed_from": "2026-06-01",
            "owed_to": "2026-09-30",
        }
        for i in range(1, MAX_WORKERS + 1)
    ]
    return body


async def test_5000_workers_run_the_whole_procedure_in_a_small_history(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = time_skipping_env
    body = big_intake()
    ids = [w["id_number"] for w in body["workers"]]  # type: ignore[index, union-attr]
    async with running_worker(env.client, settings, sessions):
        handle = await start_case(env.client, settings, body)
        await registered(handle)
        await act(handle, Action.ACCEPT, {})
        await act(
            handle, Action.RECORD_FINDING, {"workers": [{"id_number": i, "confirmed_amount": "12000.00"} for i in ids]}
        )
        today = shanghai_date(await env.get_current_time())
        state = await act(handle, Action.ISSUE_ORDER, {"due_date": (today + timedelta(days=10)).isoformat()})
        now = (await env.get_current_time()).isoformat()
        await act(
            handle,
            Action.RECORD_SERVICE,
            {"notice_id": state.notices[-1].notice_id, "served_at": now, "method": "direct"},
        )
        paid = "2026-11-21T09:00:00+08:00"
        lines = {"payments": [{"id_number": i, "amount": "12000.00", "paid_at": paid} for i in ids]}
        payment = INPUT_MODELS[Action.RECORD_PAYMENT].model_validate({"actor": INSPECTOR, "body": lines})
        started = time.perf_counter()
        await handle.execute_update(Action.RECORD_PAYMENT.value, payment, result_type=ActionResult)
        took = time.perf_counter() - started  # reported, not asserted: timing belongs to bench/
        state = await handle.query(ArrearsCase.state)
        assert state.stage == Stage.CLEARED
        state = await act(handle, Action.CLOSE, {"reason": "cleared"}, SUPERVISOR)
        assert state.stage == Stage.CLOSED
        history = await handle.fetch_history()
        size = sum(e.ByteSize() for e in history.events)
        print(f"history {size / 1e6:.2f} MB, {len(history.events)} events; payment of 5,000 lines {took:.2f} s")
        await handle.terminate()
    assert size < HISTORY_LIMIT


async def test_5000_workers_decided_with_compensation_in_a_small_history(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """The decision track at the declared maximum: 5,000 lines of wages and 加付赔偿金 decided, its two
    documents issued and served, and the history stays under the same limit (the decided lines are part of
    the case from then on, compressed in every payload that carries it)."""
    env = own_time_env
    body = big_intake()
    async with running_worker(env.client, settings, sessions):
        handle = await start_case(env.client, settings, body)
        await registered(handle)
        await act(handle, Action.ACCEPT, {})
        today = shanghai_date(await env.get_current_time())
        state = await act(handle, Action.ISSUE_ORDER, {"due_date": (today + timedelta(days=3)).isoformat()})
        served = {"notice_id": state.notices[-1].notice_id, "method": "direct"}
        await act(handle, Action.RECORD_SERVICE, {**served, "served_at": (await env.get_current_time()).isoformat()})
        await env.sleep(timedelta(days=5))
        state = await act(handle, Action.PROPOSE_DECISION, {"compensation_rate": "0.5"})
        prior = {"notice_id": state.notices[-1].notice_id, "method": "direct"}
        await act(handle, Action.RECORD_SERVICE, {**prior, "served_at": (await env.get_current_time()).isoformat()})
        await act(handle, Action.SUBMIT_DEFENSE, {"party": "某公司", "text": "无异议"})
        state = await act(handle, Action.ISSUE_DECISION, {"compensation_rate": "0.5"}, HEAD)
        assert state.decision is not None and len(state.decision.lines) == MAX_WORKERS
        assert state.decision.compensation == Decimal("6172.84") * MAX_WORKERS  # 12,345.67 × 50%, to the fen
        decided = {"notice_id": state.notices[-1].notice_id, "method": "direct"}
        await act(handle, Action.RECORD_SERVICE, {**decided, "served_at": (await env.get_current_time()).isoformat()})
        history = await handle.fetch_history()
        size = sum(e.ByteSize() for e in history.events)
        print(f"history {size / 1e6:.2f} MB, {len(history.events)} events")
        await handle.terminate()
    assert size < HISTORY_LIMIT
