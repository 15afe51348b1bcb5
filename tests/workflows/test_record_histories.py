"""Runs representative cases and, with QINGLING_RECORD_HISTORIES=1, stores their histories for replay."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from models.actions import Action
from models.clock import shanghai_date
from qingling.settings import Settings
from tests.builders import intake_body, make_id
from tests.harness import SUPERVISOR, act, running_worker, start_case
from tests.workflows.test_case_workflow import registered

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
HISTORIES = Path(__file__).parent.parent / "histories"


async def test_record_full_case_history(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = time_skipping_env.client
    async with running_worker(client, settings, sessions):
        handle = await start_case(client, settings, intake_body(workers=2))
        await registered(handle)
        await act(handle, Action.ACCEPT, {})
        await act(
            handle,
            Action.RECORD_FINDING,
            {"workers": [{"id_number": make_id(2), "confirmed_amount": "9000"}]},
        )
        today = shanghai_date(await time_skipping_env.get_current_time())
        await act(handle, Action.ISSUE_ORDER, {"due_date": (today + timedelta(days=10)).isoformat()})
        paid = "2026-11-21T09:00:00+08:00"
        payments = [
            {"id_number": make_id(1), "amount": "12000", "paid_at": paid},
            {"id_number": make_id(2), "amount": "9000", "paid_at": paid},
        ]
        await act(handle, Action.RECORD_PAYMENT, {"payments": payments})
        await act(handle, Action.CLOSE, {"reason": "cleared"}, SUPERVISOR)
        await handle.result()
        history = await handle.fetch_history()
    assert len(history.events) > 20
    if os.environ.get("QINGLING_RECORD_HISTORIES") == "1":
        HISTORIES.mkdir(exist_ok=True)
        (HISTORIES / "v1_full_case.json").write_text(json.dumps(json.loads(history.to_json()), indent=1))


async def test_record_rejected_history(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = time_skipping_env.client
    async with running_worker(client, settings, sessions):
        handle = await start_case(client, settings, intake_body(workers=1))
        await registered(handle)
        await act(handle, Action.REJECT, {"reason": "不属于本机关管辖"})
        final = await handle.result()
        history = await handle.fetch_history()
    assert final.stage == "rejected" and [n.kind for n in final.notices] == ["rejection"]
    if os.environ.get("QINGLING_RECORD_HISTORIES") == "1":
        HISTORIES.mkdir(exist_ok=True)
        (HISTORIES / "v1_rejected.json").write_text(json.dumps(json.loads(history.to_json()), indent=1))
