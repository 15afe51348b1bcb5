"""Performing a case action for a user: the one path both the HTTP API (``POST /api/v1/cases/{id}/actions/{action}``)
and the console's forms take, so that a form can never do what the API would refuse, nor refuse what it allows.

The route module's clock (``now``, ``today``) and payload limit are looked up on it at call time (``routes.…``):
tests move that clock and lower that limit there, and an action must follow them whichever door it came through.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.deps import Backend
from api.errors import ApiError, invalid, refusal_error
from api.routes import cases as routes
from api.routing import STARTS_TRACK, Target, target, with_threshold
from api.views import CaseView
from config.temporal import case_workflow_id
from db import cases as store
from db.users import User, user_by_name
from models.actions import BODY_MODELS, INPUT_MODELS, Action, ActionInput, ActionResult, AssignBody, Body
from models.case import TERMINAL_STAGES, Role, Stage
from models.errors import ACTION_REFUSED, ErrorCode, Refusal
from models.track_summary import TrackKind, TrackSummary
from rules import transitions
from workflows.long_arm import TRACKS_QUERY
from workflows.track import TRACK_REGISTRATION

log = logging.getLogger(__name__)


async def perform(b: Backend, user: User, case_id: str, act_on: Action, body: dict[str, Any]) -> CaseView:
    """Apply ``act_on`` with ``body`` (a JSON object, not yet validated) to the case as ``user``, and answer the
    case as that action recorded it. Every refusal is the contract's ApiError: 404 outside the user's regions,
    422 for a bad body, 409/403 for what the rules or the workflow refuse, 503 when the engine is unreachable."""
    routes.must_be_plain(case_id)
    async with b.sessions() as session:
        region_code, stage = await _region_and_stage(session, user, case_id)
        parsed = _validated(act_on, body, region_code, b)
        if isinstance(parsed, AssignBody):
            parsed = await _assignee(session, parsed, region_code)
        try:
            goal = await target(session, case_id, act_on, parsed)
        except Refusal as exc:
            raise refusal_error(exc) from None
    # the session is closed here: no connection held while the workflow works
    update_input = INPUT_MODELS[act_on](actor=routes.actor(user), body=parsed)
    await routes.check_payload_size(b, update_input, "请分批提交")
    try:
        transitions.check_input(parsed, routes.now())  # the same rule the workflow's validator runs, before sending
    except Refusal as exc:
        raise refusal_error(exc) from None
    await _send(b, case_id, act_on, stage, goal, update_input)
    log.info("action %s applied", act_on.value)
    return await routes.recorded_view(b, user, case_id)


async def _assignee(session: AsyncSession, body: AssignBody, region_code: str) -> AssignBody:
    """The account named to take the case: an inspector of the case's region, or 422 and nothing sent. The workflow
    gets its id."""
    user = await user_by_name(session, body.assignee.strip())
    problem = None
    if user is None:
        problem = f"没有名为 {body.assignee} 的用户"
    elif user.role != Role.INSPECTOR:
        problem = f"{body.assignee} 不是监察员，不能承办案件"
    elif not user.covers(region_code):
        problem = f"{body.assignee} 的辖区不含本案的行政区划 {region_code}"
    if problem is not None or user is None:
        raise invalid([{"loc": ("body", "assignee"), "type": "value_error", "ctx": {"error": problem}}])
    return body.model_copy(update={"assignee": user.user_id})


async def _region_and_stage(session: AsyncSession, user: User, case_id: str) -> tuple[str, Stage]:
    """The case's region and stage; a case outside the user's regions is missing (404), as everywhere."""
    found = await store.get_region_and_stage(session, case_id)
    if found is None or not user.covers(found[0]):
        raise ApiError(ErrorCode.NOT_FOUND)
    return found[0], Stage(found[1])


def _validated(act_on: Action, body: dict[str, Any], region_code: str, b: Backend) -> Body:
    """The body as its action's model reads it, with the province's figures filled in (never the caller's)."""
    try:
        return with_threshold(BODY_MODELS[act_on].model_validate(body), region_code, b.settings)
    except ValidationError as exc:
        raise invalid(exc.errors()) from None


async def _send(
    b: Backend, case_id: str, act_on: Action, stage: Stage, goal: Target, update_input: ActionInput[Any]
) -> None:
    """The update to the workflow that handles the action; answers once it is recorded (and, for an action that
    starts a sub-process, once that one has recorded its first documents)."""
    handle = b.client.get_workflow_handle(goal.workflow_id)
    try:
        await handle.execute_update(act_on.value, update_input, result_type=ActionResult)
        if act_on in STARTS_TRACK:
            await _track_registered(b, case_id, STARTS_TRACK[act_on])
    except WorkflowUpdateFailedError as exc:
        raise _refusal(exc) from None
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND and goal.track is not None:
            raise ApiError(ErrorCode.STAGE_NOT_ALLOWED, "该程序已经结束，不能再执行此操作") from None
        if exc.status == RPCStatusCode.NOT_FOUND and stage in TERMINAL_STAGES:
            raise ApiError(ErrorCode.STAGE_NOT_ALLOWED, "案件已终结，不能再执行此操作") from None
        log.error("update %s on %s failed: %s", act_on.value, case_id, exc.status)
        raise ApiError(ErrorCode.BACKEND_UNAVAILABLE) from None


async def _track_registered(b: Backend, case_id: str, kind: TrackKind) -> None:
    """After an action that starts a sub-process: wait until it has issued and recorded its first documents, so
    the answer shows them (its id is the case's latest of the kind)."""
    tracks: list[TrackSummary] = await b.client.get_workflow_handle(case_workflow_id(case_id)).query(
        TRACKS_QUERY, result_type=list[TrackSummary]
    )
    started = [t for t in tracks if t.kind == kind][-1]
    await b.client.get_workflow_handle(started.track_id).execute_update(TRACK_REGISTRATION, result_type=ActionResult)


def _refusal(exc: WorkflowUpdateFailedError) -> ApiError:
    """The workflow's refusal (its validator's) as the contract's error; anything else is an internal error."""
    cause = exc.cause
    if isinstance(cause, ApplicationError) and cause.type == ACTION_REFUSED and cause.details:
        try:
            code = ErrorCode(str(cause.details[0]))
        except ValueError:
            pass
        else:
            field = str(cause.details[1]) if len(cause.details) > 1 and cause.details[1] else None
            return refusal_error(Refusal(code, cause.message, field))
    log.error("update failed unexpectedly: %r", cause)
    return ApiError(ErrorCode.INTERNAL)
