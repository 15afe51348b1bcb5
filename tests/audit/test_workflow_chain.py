"""The chain written by a real case (time-skipping Temporal server, real worker and activities): the workflow
keeps the hash of the last row it wrote, `verify --against-temporal` finds it in the database, and a chain
rewritten consistently in the database (which passes the database check) is reported — also after the case
wrote on. The console script's exit codes, with and without Temporal."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings
from db.audit import Problem, verify_against_workflows, verify_chains
from models.actions import Action
from models.case import CaseState, DeadlineKind
from models.clock import SHANGHAI
from qingling.cli import temporal_heads
from rules.escalation import start_of
from tests.audit.chains import edit, rehash, rows
from tests.builders import intake_body, make_id
from tests.harness import act, running_worker, start_case
from tests.workflows.test_case_workflow import registered
from workflows.case import ArrearsCase

QINGLING = str(Path(sys.executable).parent / "qingling")


async def audit(settings: Settings, env: WorkflowEnvironment | None, *args: str) -> subprocess.CompletedProcess[str]:
    """`qingling audit verify …` through the console script, on the test's database (and Temporal server). Run
    without blocking the event loop: the test's worker must answer the script's workflow queries."""
    extra = {"QINGLING_DATABASE_URL": settings.database_url}
    if env is not None:
        extra["QINGLING_TEMPORAL_ADDRESS"] = env.client.service_client.config.target_host
    proc = await asyncio.create_subprocess_exec(
        QINGLING,
        "audit",
        "verify",
        *args,
        env={**os.environ, **extra},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode is not None
    return subprocess.CompletedProcess([QINGLING, *args], proc.returncode, out.decode(), err.decode())


async def state_of(handle: WorkflowHandle[Any, Any]) -> CaseState:
    state: CaseState = await handle.query(ArrearsCase.state)
    return state


async def test_a_case_keeps_its_last_hash_and_a_rewrite_is_caught(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = time_skipping_env
    heads = temporal_heads(env.client)
    async with running_worker(env.client, settings, sessions):
        handle = await start_case(env.client, settings, intake_body(workers=2))
        state = await registered(handle)
        assert state.history_hash is not None and state.history_hash == (await rows(sessions, handle.id))[0]["hash"]
        await act(handle, Action.ACCEPT, {})
        state = await act(
            handle, Action.RECORD_FINDING, {"workers": [{"id_number": make_id(1), "confirmed_amount": "9000"}]}
        )
        found = await rows(sessions, handle.id)
        assert [r["seq"] for r in found] == [1, 2, 3] and state.last_seq == 3
        assert state.history_hash == found[-1]["hash"]

        assert (await verify_chains(sessions)).ok
        against = await verify_against_workflows(sessions, heads)
        assert against.ok and against.checked == 1, against.breaks
        ok = await audit(settings, env, "--against-temporal")
        assert ok.returncode == 0, ok.stdout + ok.stderr
        assert "核验通过" in ok.stdout and "比对通过" in ok.stdout

        # Someone with write access edits the finding's amount and recomputes every hash after it.
        (finding,) = [r for r in found if r["seq"] == 3]
        await edit(sessions, handle.id, 3, data={**finding["data"], "owed_total": "1.00"})
        await rehash(sessions, handle.id)
        assert (await verify_chains(sessions)).ok  # the database agrees with itself…
        against = await verify_against_workflows(sessions, heads)
        assert [(b.case_id, b.problem) for b in against.breaks] == [(handle.id, Problem.REWRITTEN)]  # …not Temporal
        db_only = await audit(settings, None)
        assert db_only.returncode == 0, db_only.stdout + db_only.stderr
        caught = await audit(settings, env, "--against-temporal")
        assert caught.returncode == 1, caught.stdout + caught.stderr
        assert handle.id in caught.stdout and "rewritten" in caught.stdout and "比对失败" in caught.stdout

        # The case writes on, linking to the forged chain: its workflow still holds the old hash.
        now = (await env.get_current_time()).astimezone(SHANGHAI)
        due = (now + timedelta(days=10)).date().isoformat()
        state = await act(handle, Action.ISSUE_ORDER, {"due_date": due})
        assert len(await rows(sessions, handle.id)) == 4
        assert state.history_hash == found[-1]["hash"]
        against = await verify_against_workflows(sessions, heads, handle.id)
        assert [b.problem for b in against.breaks] == [Problem.REWRITTEN]
        await handle.terminate()


async def test_the_case_clock_records_through_the_local_activity(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """The alarms a case's own clock raises are written by the local activity record_events: its answer is the
    workflow's hash too."""
    env = own_time_env
    async with running_worker(env.client, settings, sessions):
        now = await env.get_current_time()
        body = intake_body(workers=1, received_at=now.astimezone(SHANGHAI).isoformat(timespec="seconds"))
        handle = await start_case(env.client, settings, body)
        state = await registered(handle)
        acceptance = state.deadline(DeadlineKind.ACCEPTANCE)
        assert acceptance is not None and acceptance.warn_on is not None
        await env.sleep(start_of(acceptance.warn_on) - now + timedelta(minutes=1))
        for _ in range(400):
            state = await state_of(handle)
            if state.escalations:
                break
        found = await rows(sessions, handle.id)
        assert [r["kind"] for r in found] == ["intake", "deadline_warning"]
        assert state.history_hash == found[-1]["hash"] and state.last_seq == 2
        assert (await verify_chains(sessions)).ok
        assert (await verify_against_workflows(sessions, temporal_heads(env.client))).ok
        await handle.terminate()


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
async def test_exit_codes_of_the_console_script(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = time_skipping_env
    async with running_worker(env.client, settings, sessions):
        first = await start_case(env.client, settings)
        second = await start_case(env.client, settings)
        for handle in (first, second):
            await registered(handle)
            await act(handle, Action.ACCEPT, {})
    intact = await audit(settings, None)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "2 个案件、4 条记录均未被篡改" in intact.stdout

    await edit(sessions, first.id, 2, actor="u_forger")
    broken = await audit(settings, None)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert f"案件 {first.id} seq=2：内容被改动（content_changed）" in broken.stdout
    assert second.id not in broken.stdout and "核验失败" in broken.stdout
    assert (await audit(settings, None, "--case", second.id)).returncode == 0
    assert (await audit(settings, None, "--case", first.id)).returncode == 1
    unknown = await audit(settings, None, "--case", "QL-nosuchcase")
    assert unknown.returncode == 2 and "找不到案件" in unknown.stderr
    for handle in (first, second):
        await handle.terminate()


async def test_a_sub_process_keeps_its_last_hash_and_a_rewrite_of_its_rows_is_caught(
    own_time_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """A listing's rows join its case's chain with seqs of their own: its workflow's hash is compared too."""
    from tests.workflows.test_blacklist import proposal, proposed
    from tests.workflows.test_clocks import skip_to
    from tests.workflows.test_decision import ordered

    env = own_time_env
    heads = temporal_heads(env.client)
    async with running_worker(env.client, settings, sessions):
        handle, order_ends = await ordered(env, settings)
        await skip_to(env, order_ends)
        track_id = await proposed(env, handle, proposal())
        against = await verify_against_workflows(sessions, heads)
        assert against.ok and against.checked == 2 and not against.missing, against
        assert (await verify_against_workflows(sessions, heads, handle.id)).checked == 2

        track_rows = [r for r in await rows(sessions, handle.id) if r["seq"] > 10_000_000]
        assert track_rows, "the listing wrote into its case's chain"
        last = track_rows[-1]
        await edit(sessions, handle.id, last["seq"], data={**last["data"], "facts": "改写"})
        await rehash(sessions, handle.id)
        assert (await verify_chains(sessions)).ok
        against = await verify_against_workflows(sessions, heads)
        assert [(b.case_id, b.problem) for b in against.breaks] == [(handle.id, Problem.REWRITTEN)]
        assert track_id in against.breaks[0].detail
        await env.client.get_workflow_handle(track_id).terminate()
        await handle.terminate()
