"""Case routes: intake, list, view, actions (Temporal updates), history and notices."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import ValidationError
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from api.deps import BackendDep, CurrentUser, Session, now, today
from api.errors import ERROR_RESPONSES as ERRORS
from api.errors import ApiError, invalid
from api.views import CaseList, CaseView, HistoryEntry, NoticeView, case_view
from db import cases as store
from db.users import User
from models.actions import BODY_MODELS, INPUT_MODELS, Action, Actor, RecordPaymentBody
from models.case import TERMINAL_STAGES, CaseIntake, CaseState, Role, Stage
from models.clock import to_shanghai
from models.errors import ACTION_REFUSED, ErrorCode
from qingling.temporal import case_workflow_id
from workflows.case import ArrearsCase, CaseStart

router = APIRouter(prefix="/api/v1", tags=["cases"])
log = logging.getLogger(__name__)
REGISTRATION_WAIT = timedelta(seconds=30)


def actor(user: User) -> Actor:
    return Actor(user_id=user.user_id, name=user.name, role=user.role)


async def visible_case(session: Session, user: User, case_id: str) -> CaseState:
    """A case outside the caller's regions is reported as missing (404), never as forbidden."""
    state = await store.get_state(session, case_id)
    if state is None or not user.covers(state.region_code):
        raise ApiError(ErrorCode.NOT_FOUND)
    return state


@router.post(
    "/cases",
    status_code=201,
    response_model=CaseView,
    summary="登记投诉（intake）",
    responses={**ERRORS, 202: {"model": CaseView, "description": "已登记，办案引擎尚在处理，稍后查询"}},
)
async def create_case(
    intake: CaseIntake,
    user: CurrentUser,
    b: BackendDep,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(
            max_length=100,
            description="同一次登记重复提交（如网络重试）时带相同的键，只会生成一个案件，返回已有案件（200）",
        ),
    ] = None,
) -> CaseView:
    if user.role not in (Role.INSPECTOR, Role.SUPERVISOR):
        raise ApiError(ErrorCode.ROLE_NOT_ALLOWED)
    if not user.covers(intake.region_code):
        raise ApiError(ErrorCode.FORBIDDEN, "无权在该行政区划登记案件")
    dated = intake.dated_errors(now())
    if dated:
        raise invalid([{"loc": loc, "type": "value_error", "ctx": {"error": msg}} for loc, msg in dated])
    case_id = new_case_id(user.user_id, idempotency_key)
    start = CaseStart(case_id=case_id, intake=intake, created_by=actor(user))
    try:
        handle = await b.client.start_workflow(
            ArrearsCase.run,
            start,
            id=case_workflow_id(case_id),
            task_queue=b.settings.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        if idempotency_key is None:  # a random id collided: refuse rather than show another case
            raise ApiError(ErrorCode.INTERNAL) from None
        response.status_code = 200  # the same submission again: the case it already made
        handle = b.client.get_workflow_handle(case_workflow_id(case_id))
    except RPCError as exc:
        log.error("could not start case workflow: %s", exc.status)
        raise ApiError(ErrorCode.BACKEND_UNAVAILABLE) from None
    state = await _wait_registered(handle)
    if not state.registered:
        response.status_code = 202
    return case_view(state, today())


def new_case_id(user_id: str, idempotency_key: str | None) -> str:
    """Random, or derived from the caller's idempotency key so a retried submission finds its case."""
    if idempotency_key is None:
        suffix = uuid.uuid4().hex[:16]
    else:
        suffix = hashlib.sha256(f"{user_id}\n{idempotency_key}".encode()).hexdigest()[:16]
    return f"QL-{suffix.upper()}"


async def _wait_registered(handle: WorkflowHandle[Any, Any]) -> CaseState:
    """Intake is done once its deadline is computed and persisted; wait for that, briefly."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + REGISTRATION_WAIT.total_seconds()
    delay = 0.05
    state: CaseState | None = None
    while True:
        try:
            state = await handle.query(ArrearsCase.state, rpc_timeout=timedelta(seconds=5))
            if state.registered or loop.time() > deadline:
                return state
        except RPCError:
            if loop.time() > deadline:
                if state is None:
                    raise ApiError(ErrorCode.BACKEND_UNAVAILABLE) from None
                return state
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.5)


@router.get("/cases", response_model=CaseList, summary="案件列表", responses=ERRORS)
async def list_cases(
    user: CurrentUser,
    session: Session,
    stage: Stage | None = None,
    region_code: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    overdue: bool = False,
    q: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CaseList:
    if region_code and not user.covers(region_code):
        return CaseList(items=[], total=0, limit=limit, offset=offset)
    f = store.CaseFilter(
        region_prefixes=user.prefixes(),
        stage=stage.value if stage else None,
        region_code=region_code,
        overdue_before=today() if overdue else None,
        q=q,
        limit=limit,
        offset=offset,
    )
    total, states = await store.list_states(session, f)
    d = today()
    return CaseList(items=[case_view(s, d) for s in states], total=total, limit=limit, offset=offset)


@router.get("/cases/{case_id}", response_model=CaseView, summary="案件详情", responses=ERRORS)
async def get_case(case_id: str, user: CurrentUser, session: Session) -> CaseView:
    return case_view(await visible_case(session, user, case_id), today())


_ACTION_BODIES = {a.value: {"$ref": f"#/components/schemas/{m.__name__}"} for a, m in BODY_MODELS.items()}


@router.post(
    "/cases/{case_id}/actions/{action}",
    response_model=CaseView,
    summary="办案操作（受理、不予受理、认定、责令支付、登记支付、结案）",
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": {"oneOf": list(_ACTION_BODIES.values())}}},
            "required": False,
            "description": "请求体随操作而定：accept→AcceptBody, reject→RejectBody, record_finding→RecordFindingBody, "
            "issue_order→IssueOrderBody, record_payment→RecordPaymentBody, close→CloseBody",
        }
    },
    responses=ERRORS,
)
async def act(
    case_id: str,
    action: str,
    user: CurrentUser,
    session: Session,
    b: BackendDep,
    request: Request,
) -> CaseView:
    try:
        act_on = Action(action)
    except ValueError:
        raise ApiError(ErrorCode.UNKNOWN_ACTION) from None
    state = await visible_case(session, user, case_id)
    await session.close()  # no connection held while the workflow works
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise invalid([{"loc": ("body",), "type": "json_invalid"}]) from None
    try:
        parsed = BODY_MODELS[act_on].model_validate(body)
    except ValidationError as exc:
        raise invalid(exc.errors()) from None
    if isinstance(parsed, RecordPaymentBody):
        late = now() + timedelta(minutes=5)
        errors = [
            {
                "loc": ("payments", i, "paid_at"),
                "type": "value_error",
                "ctx": {"error": "支付时间不能晚于当前时间"},
            }
            for i, p in enumerate(parsed.payments)
            if p.paid_at > late
        ]
        if errors:
            raise invalid(errors)
    handle = b.client.get_workflow_handle(case_workflow_id(case_id))
    try:
        result = await handle.execute_update(
            act_on.value, INPUT_MODELS[act_on](actor=actor(user), body=parsed), result_type=CaseState
        )
    except WorkflowUpdateFailedError as exc:
        raise _refusal(exc) from None
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND and state.stage in TERMINAL_STAGES:
            raise ApiError(ErrorCode.STAGE_NOT_ALLOWED, "案件已终结，不能再执行此操作") from None
        log.error("update %s on %s failed: %s", act_on.value, case_id, exc.status)
        raise ApiError(ErrorCode.BACKEND_UNAVAILABLE) from None
    return case_view(result, today())


def _refusal(exc: WorkflowUpdateFailedError) -> ApiError:
    cause = exc.cause
    if isinstance(cause, ApplicationError) and cause.type == ACTION_REFUSED and cause.details:
        try:
            return ApiError(ErrorCode(str(cause.details[0])), cause.message)
        except ValueError:
            pass
    log.error("update failed unexpectedly: %r", cause)
    return ApiError(ErrorCode.INTERNAL)


@router.get("/cases/{case_id}/history", response_model=list[HistoryEntry], summary="案件全部历史", responses=ERRORS)
async def case_history(case_id: str, user: CurrentUser, session: Session) -> list[HistoryEntry]:
    await visible_case(session, user, case_id)
    rows = await store.history(session, case_id)
    return [HistoryEntry(**{**r, "at": to_shanghai(r["at"])}) for r in rows]


@router.get("/cases/{case_id}/notices", response_model=list[NoticeView], summary="案件文书", responses=ERRORS)
async def case_notices(case_id: str, user: CurrentUser, session: Session) -> list[NoticeView]:
    await visible_case(session, user, case_id)
    rows = await store.case_notices(session, case_id)
    return [
        NoticeView(
            notice_id=r["notice_id"],
            kind=r["kind"],
            doc_number=r["doc_number"],
            issued_at=to_shanghai(r["issued_at"]),
            sha256=r["sha256"],
            url=f"/api/v1/notices/{r['notice_id']}.pdf",
        )
        for r in rows
    ]
