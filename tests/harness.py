"""Starting cases on a Temporal server with a real worker (real activities, real database)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle

from config.settings import Settings
from models.actions import INPUT_MODELS, Action, ActionResult, Actor, Body
from models.case import CaseIntake, CaseState, Role
from models.start import CaseStart
from qingling.worker import build_worker
from tests.builders import intake_body
from workflows.case import ArrearsCase

INSPECTOR = Actor(user_id="u_inspector", name="inspector", role=Role.INSPECTOR)
SUPERVISOR = Actor(user_id="u_supervisor", name="supervisor", role=Role.SUPERVISOR)
HEAD = Actor(user_id="u_head", name="head", role=Role.HEAD)

_RENDERER: Any = None


def shared_renderer() -> Any:
    """One renderer for the whole test session: it holds the compiled fonts."""
    global _RENDERER
    if _RENDERER is None:
        from notices.render import NoticeRenderer

        _RENDERER = NoticeRenderer()
    return _RENDERER


@asynccontextmanager
async def running_worker(
    client: Client, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[None]:
    async with build_worker(client, settings, sessions, renderer=shared_renderer()):
        yield


async def start_case(
    client: Client, settings: Settings, body: dict[str, Any] | None = None
) -> WorkflowHandle[ArrearsCase, CaseState]:
    intake = CaseIntake.model_validate(body or intake_body())
    case_id = f"QL-TEST-{uuid.uuid4().hex[:8]}"
    start = CaseStart(case_id=case_id, intake=intake, created_by=INSPECTOR)
    return await client.start_workflow(ArrearsCase.run, start, id=case_id, task_queue=settings.task_queue)


async def act(
    handle: WorkflowHandle[Any, Any], action: Action, body: Body | dict[str, Any], actor: Actor = INSPECTOR
) -> CaseState:
    model = INPUT_MODELS[action]
    parsed = body if isinstance(body, Body) else model.model_fields["body"].annotation.model_validate(body)  # type: ignore[union-attr]
    await handle.execute_update(action.value, model(actor=actor, body=parsed), result_type=ActionResult)
    state: CaseState = await handle.query("state", result_type=CaseState)
    return state


S = TypeVar("S")


async def act_on(
    handle: WorkflowHandle[Any, Any], action: Action, body: dict[str, Any], state: type[S], actor: Actor = INSPECTOR
) -> S:
    """``act`` on any procedure's workflow (a sub-process: its state is not a case's)."""
    model = INPUT_MODELS[action]
    parsed = model.model_fields["body"].annotation.model_validate(body)  # type: ignore[union-attr]
    await handle.execute_update(action.value, model(actor=actor, body=parsed), result_type=ActionResult)
    found: S = await handle.query("state", result_type=state)
    return found


async def until(handle: WorkflowHandle[Any, Any], state: type[S], test: Callable[[S], bool]) -> S:
    """Signals, timers and the activities they start complete asynchronously: poll the state until ``test``."""
    for _ in range(400):
        found: S = await handle.query("state", result_type=state)
        if test(found):
            return found
        await asyncio.sleep(0.025)
    raise AssertionError(f"never reached: {found}")


async def finished(handle: WorkflowHandle[Any, Any]) -> CaseState:
    """The result of a workflow expected to complete on its own, without letting the shared time-skipping
    server jump its clock (``handle.result()`` unlocks time skipping, and the test server then leaps ahead)."""
    for _ in range(400):
        desc = await handle.describe()
        if desc.status != WorkflowExecutionStatus.RUNNING:
            break
        await asyncio.sleep(0.025)
    else:
        raise AssertionError("the workflow did not complete on its own")
    history = await handle.fetch_history()
    completed = history.events[-1].workflow_execution_completed_event_attributes
    (payload,) = completed.result.payloads
    (state,) = await handle._client.data_converter.decode([payload], [CaseState])
    assert isinstance(state, CaseState)
    return state
