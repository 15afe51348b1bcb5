"""Runs representative cases and, with QINGLING_RECORD_HISTORIES=1, stores their histories for replay.

Histories of older versions (v1_*) stay committed as they were recorded; these recorders write the
current version's (v2_*: reason codes, 补正, service and the service deadline, serving after the end;
v3_*: deadlines as local activities; v4_*: live clocks — the clear-to-zero targets from intake and durable
timers, with tests/workflows/test_clocks.py recording v4_escalated, a case whose warning, level 1 and level 2
(with its 督办通知书) fired; v5_*: history rows chained, the record activities answering the row's hash, the
shared clock).
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from models.actions import Action
from models.case import CaseState
from models.clock import shanghai_date
from tests.builders import intake_body, make_id
from tests.harness import SUPERVISOR, act, finished, running_worker, start_case
from tests.workflows.test_case_workflow import registered
from workflows.case import ArrearsCase

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
HISTORIES = Path(__file__).parent.parent / "histories"


async def save(handle: WorkflowHandle[ArrearsCase, CaseState], name: str) -> None:
    history = await handle.fetch_history()
    assert len(history.events) > 10
    if os.environ.get("QINGLING_RECORD_HISTORIES") == "1":
        HISTORIES.mkdir(exist_ok=True)
        (HISTORIES / f"{name}.json").write_text(json.dumps(json.loads(history.to_json()), indent=1))


async def serve(env: WorkflowEnvironment, handle: WorkflowHandle[ArrearsCase, CaseState], notice_id: str) -> CaseState:
    at = (await env.get_current_time()).isoformat()
    return await act(handle, Action.RECORD_SERVICE, {"notice_id": notice_id, "served_at": at, "method": "direct"})


async def test_record_full_case_history(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = time_skipping_env
    async with running_worker(env.client, settings, sessions):
        handle = await start_case(env.client, settings, intake_body(workers=2))
        await registered(handle)
        await act(handle, Action.REQUEST_SUPPLEMENT, {"missing": "工资欠条"})
        await act(handle, Action.RECORD_SUPPLEMENT, {"received_at": (await env.get_current_time()).isoformat()})
        await act(handle, Action.ACCEPT, {})
        await act(
            handle,
            Action.RECORD_FINDING,
            {"workers": [{"id_number": make_id(2), "confirmed_amount": "9000"}]},
        )
        today = shanghai_date(await env.get_current_time())
        state = await act(
            handle,
            Action.ISSUE_ORDER,
            {"due_date": (today + timedelta(days=10)).isoformat(), "addressee": "general_contractor"},
        )
        await serve(env, handle, state.notices[-1].notice_id)
        paid = "2026-11-21T09:00:00+08:00"
        payments = [
            {"id_number": make_id(1), "amount": "12000", "paid_at": paid, "source": "general_contractor"},
            {"id_number": make_id(2), "amount": "9000", "paid_at": paid, "source": "wage_deposit"},
        ]
        await act(handle, Action.RECORD_PAYMENT, {"payments": payments})
        state = await act(handle, Action.CLOSE, {"reason": "cleared"}, SUPERVISOR)
        for notice in state.notices:
            if notice.kind != "service_receipt" and not notice.served:
                await serve(env, handle, notice.notice_id)
        final = await finished(handle)  # every notice served: the case's workflow completes at once
        assert final.stage == "closed"
        await save(handle, "v5_full_case")


async def test_record_refused_histories(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = time_skipping_env
    async with running_worker(env.client, settings, sessions):
        handle = await start_case(env.client, settings, intake_body(workers=1))
        await registered(handle)
        state = await act(handle, Action.REJECT, {"reason_code": "other_territory", "reason": "请向迎泽区人社局反映"})
        assert [n.kind for n in state.notices] == ["redirection"]
        await serve(env, handle, state.notices[0].notice_id)
        final = await finished(handle)
        assert final.stage == "rejected"
        await save(handle, "v5_redirected")
