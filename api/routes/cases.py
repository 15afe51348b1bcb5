"""Case routes: intake, list, view, actions (Temporal updates), history and notices."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel
from pydantic_core import PydanticSerializationError
from temporalio.client import (
    WithStartWorkflowOperation,
    WorkflowExecutionDescription,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from api import actions
from api.deps import Backend, BackendDep, CurrentUser, Session, today
from api.deps import now as now  # re-exported: api.actions reads the clock here, where tests move it
from api.errors import (
    BODY_ERROR_RESPONSES,
    NOT_OBJECT_BODY,
    NOT_UTF8_BODY,
    ApiError,
    body_error,
    invalid,
    json_error,
)
from api.errors import ERROR_RESPONSES as ERRORS
from api.masking import case_reader, sees_personal_data
from api.track_views import track_view
from api.views import (
    CaseList,
    CaseView,
    HistoryEntry,
    Ledger,
    NoticeView,
    case_view,
    history_entry,
    ledger,
    list_item,
)
from config.logs import bind
from config.temporal import case_workflow_id
from db import cases as store
from db import grids as grid_store
from db import tracks as track_store
from db.calendar import working_calendar
from db.users import User
from models.actions import BODY_MODELS, Action, ActionResult, Actor
from models.case import CaseIntake, CaseState, Deadline, DeadlineKind, Role, Stage
from models.clock import to_shanghai
from models.errors import MESSAGES, ErrorCode
from models.notices import NOTICE_TITLES, NoticeKind
from models.routing import Routing
from models.start import CaseStart
from models.tracks import AnyTrackState
from rules import routing as routing_rules
from rules.deadlines import effective_status, explain_deadline
from workflows.case import REGISTRATION, ArrearsCase

router = APIRouter(prefix="/api/v1", tags=["cases"], dependencies=[Depends(case_reader)])
"""Every route here is case data: admin is refused, the caller and the case are named in the logs."""
log = logging.getLogger(__name__)
REGISTRATION_WAIT = timedelta(seconds=30)
TEMPORAL_BLOB_LIMIT = 2 * 1024 * 1024
"""Temporal's default limit on one payload (``limit.blobSize.error``): larger ones are refused by the server."""
MAX_PAYLOAD_BYTES = TEMPORAL_BLOB_LIMIT * 95 // 100
"""What the API sends to Temporal in one payload (a case's start, an action): 1.9 MiB, a margin below
the server's limit, so an oversized submission is refused here (413) and never half-started. Measured
as Temporal receives it: encoded by the client's data converter, payload codec included."""
INTAKE_DIGEST_MEMO = "intake_sha256"
"""Memo key of a case workflow: SHA-256 of its canonical intake JSON, to tell a retried submission
(same Idempotency-Key, same body) from a reused key (same key, another body)."""


def actor(user: User) -> Actor:
    return Actor(user_id=user.user_id, name=user.name, role=user.role)


def _must_cover(user: User, region_code: str | None) -> None:
    """A case outside the caller's regions is reported as missing (404), never as forbidden."""
    if region_code is None or not user.covers(region_code):
        raise ApiError(ErrorCode.NOT_FOUND)


PLAIN_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
"""Every id Qingling hands out (cases ``QL-…``, notices ``<case>-<kind>-<n>``) has this shape; anything else (a NUL,
a path, a quote) is no id of ours and is answered 404 before any database sees it."""


def must_be_plain(value: str) -> None:
    if not PLAIN_ID.fullmatch(value):
        raise ApiError(ErrorCode.NOT_FOUND)


async def visible_case(session: Session, user: User, case_id: str) -> CaseState:
    must_be_plain(case_id)
    state = await store.get_state(session, case_id)
    _must_cover(user, state.region_code if state else None)
    assert state is not None
    return state


async def visible_stage(session: Session, user: User, case_id: str) -> Stage:
    """The case's stage, under the same rule, reading two columns instead of decoding the whole state."""
    must_be_plain(case_id)
    found = await store.get_region_and_stage(session, case_id)
    _must_cover(user, found[0] if found else None)
    assert found is not None
    return Stage(found[1])


@router.post(
    "/cases",
    status_code=201,
    response_model=CaseView,
    summary="登记投诉（intake）",
    responses={
        **ERRORS,
        **BODY_ERROR_RESPONSES,
        202: {"model": CaseView, "description": "已登记，办案引擎尚在处理，稍后查询"},
    },
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
            description="同一次登记重复提交（如网络重试）时带相同的键，只会生成一个案件，返回已有案件（200）；"
            "同一个键用于内容不同的登记则拒绝（422 idempotency_key_reused）",
        ),
    ] = None,
) -> CaseView:
    if idempotency_key is not None and not idempotency_key.strip():
        raise invalid(
            [{"loc": ("header", "idempotency-key"), "type": "value_error", "ctx": {"error": "不能为空或只有空白"}}]
        )
    if user.role not in (Role.INSPECTOR, Role.SUPERVISOR):
        raise ApiError(ErrorCode.ROLE_NOT_ALLOWED)
    if not user.covers(intake.region_code):
        raise ApiError(ErrorCode.FORBIDDEN, "无权在该行政区划登记案件")
    dated = intake.dated_errors(now())
    if dated:
        raise invalid([{"loc": loc, "type": "value_error", "ctx": {"error": msg}} for loc, msg in dated])
    case_id, created = await register(b, user, intake, idempotency_key)
    if not created:
        response.status_code = 200  # the same submission again: the case it already made
    return await recorded_view(b, user, case_id)


async def register(b: Backend, user: User, intake: CaseIntake, idempotency_key: str | None) -> tuple[str, bool]:
    """Start the case's workflow and wait until its intake is recorded (one round trip: update-with-start); the
    case id, and False when the same submission (same key, same intake) had already made it. Everything that
    files a complaint — the API, the console, an import, a monitoring signal — comes through here, after its
    own checks of who may file and where."""
    created = True
    case_id = new_case_id(user.user_id, idempotency_key)
    bind(case_id=case_id)
    routed = await routing_of(b, intake)
    start = CaseStart(
        case_id=case_id,
        intake=intake,
        created_by=actor(user),
        shared_clock=b.settings.shared_clock,
        routing=routed,
    )
    await check_payload_size(b, start, "请减少本次登记的劳动者人数或精简情况说明，分批登记")
    digest = intake_digest(intake)
    start_op = WithStartWorkflowOperation(
        ArrearsCase.run,
        start,
        id=case_workflow_id(case_id),
        task_queue=b.settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        memo={INTAKE_DIGEST_MEMO: digest},
    )
    handle = b.client.get_workflow_handle(case_workflow_id(case_id))
    try:
        # Started and registered in one round trip: the answer comes once the case is recorded.
        await b.client.execute_update_with_start_workflow(
            REGISTRATION, start_workflow_operation=start_op, result_type=ActionResult, rpc_timeout=REGISTRATION_WAIT
        )
    except (WorkflowAlreadyStartedError, RPCError, WorkflowUpdateRPCTimeoutOrCancelledError) as exc:
        # update-with-start reports an existing id as ALREADY_EXISTS of the whole multi-operation
        already = isinstance(exc, WorkflowAlreadyStartedError) or (
            isinstance(exc, RPCError) and exc.status == RPCStatusCode.ALREADY_EXISTS
        )
        if already:
            if idempotency_key is None:  # a random id collided: refuse rather than show another case
                raise ApiError(ErrorCode.INTERNAL) from None
            described = await _described(handle)
            if described is None:
                raise ApiError(ErrorCode.BACKEND_UNAVAILABLE) from None
            await _same_submission(described, digest)
            created = False
            await _registered(handle, case_id)
            log.info("intake resubmitted with the same Idempotency-Key: the case it made")
        else:
            # The start may have happened although its registration was not confirmed (a worker died, the
            # wait ran out): never answer "nothing happened" for a case that exists.
            log.error("case workflow start not confirmed: %s", getattr(exc, "status", type(exc).__name__))
            described = await _described(handle, UNCONFIRMED)
            if described is None:  # certainly not started: nothing happened
                raise ApiError(ErrorCode.BACKEND_UNAVAILABLE) from None
            await _same_submission(described, digest)  # ours, not a concurrent submission with the same key
            await _registered(handle, case_id)
            log.info("intake registered after a retry of its registration: %d workers", len(intake.workers))
    else:
        log.info("intake registered: %d workers", len(intake.workers))
    return case_id, created


async def routing_of(b: Backend, intake: CaseIntake) -> Routing:
    """Who the complaint goes to (rules/routing.py): the grid of the project's place, its inspector or — while away —
    the deputy; else the region's queue. Read here, at the edge: the workflow gets the decision, never looks up."""
    codes = routing_rules.places(intake)
    async with b.sessions() as s:
        found = await grid_store.grids_for(s, codes)
        people = [p for g in found.values() for p in (g.inspector_id, g.deputy_id) if p]
        away = await grid_store.away_on(s, people, today()) if people else set()
    return routing_rules.route(codes, found, away)


def new_case_id(user_id: str, idempotency_key: str | None) -> str:
    """Random, or derived from the caller's idempotency key so a retried submission finds its case."""
    if idempotency_key is None:
        suffix = uuid.uuid4().hex[:16]
    else:
        suffix = hashlib.sha256(f"{user_id}\n{idempotency_key}".encode()).hexdigest()[:16]
    return f"QL-{suffix.upper()}"


def intake_digest(intake: CaseIntake) -> str:
    """SHA-256 of the canonical JSON of a validated intake (normalised values, fields in model order)."""
    return hashlib.sha256(intake.model_dump_json().encode()).hexdigest()


async def _described(
    handle: WorkflowHandle[Any, Any], unreachable: str | None = None
) -> WorkflowExecutionDescription | None:
    """The case's workflow as the server describes it; None if it was certainly never started; 503 (with
    ``unreachable`` as the message, if given) when the server cannot say."""
    try:
        return await handle.describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None
        log.error("could not describe case workflow: %s", exc.status)
        raise ApiError(ErrorCode.BACKEND_UNAVAILABLE, unreachable) from None


async def _same_submission(described: WorkflowExecutionDescription, digest: str) -> None:
    """A key already used: the same intake again is a retry; another intake is refused (nothing started)."""
    recorded = (await described.memo()).get(INTAKE_DIGEST_MEMO)
    if recorded is not None and recorded != digest:  # cases started before the memo existed: a retry
        message = MESSAGES[ErrorCode.IDEMPOTENCY_KEY_REUSED]
        raise ApiError(ErrorCode.IDEMPOTENCY_KEY_REUSED, details=[{"field": "Idempotency-Key", "message": message}])


UNCONFIRMED = (
    "办案引擎暂时无法确认这次登记是否已记录；请稍后带同一 Idempotency-Key 重新提交（不会重复立案），"
    "或在案件列表中查看后再决定是否重新登记"
)


def registering(case_id: str) -> str:
    return f"案件 {case_id} 已登记，正在记录中，请稍后在案件列表中查看，不要重复登记"


async def _registered(handle: WorkflowHandle[Any, Any], case_id: str) -> None:
    """Waits until a case that exists is registered (its intake recorded in the read model)."""
    try:
        await handle.execute_update(REGISTRATION, result_type=ActionResult, rpc_timeout=REGISTRATION_WAIT)
    except WorkflowUpdateFailedError:
        raise ApiError(ErrorCode.INTERNAL) from None
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        log.error("registration of an existing case not confirmed in time")
        raise ApiError(ErrorCode.BACKEND_UNAVAILABLE, registering(case_id)) from None
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:  # finished long ago (refused and served): the read model has it
            raise ApiError(ErrorCode.STAGE_NOT_ALLOWED, "该登记已办结，请在案件列表中查看") from None
        log.error("could not reach case workflow: %s", exc.status)
        raise ApiError(ErrorCode.BACKEND_UNAVAILABLE, registering(case_id)) from None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


async def check_payload_size(b: Backend, value: Any, advice: str) -> None:
    """Refuse (413) what Temporal would refuse as one payload, before anything is started or sent."""
    try:
        payloads = await b.client.data_converter.encode([value])
    except PydanticSerializationError:
        raise body_error("提交的内容含有无法编码的字符，请检查后重新提交", ErrorCode.VALIDATION_FAILED) from None
    size = sum(p.ByteSize() for p in payloads)
    if size > MAX_PAYLOAD_BYTES:
        message = (
            f"提交的内容过大：办案引擎单次可接收的上限为 {_megabytes(MAX_PAYLOAD_BYTES)} MB"
            f"（本次约 {_megabytes(size)} MB），{advice}"
        )
        raise body_error(message, ErrorCode.PAYLOAD_TOO_LARGE)


class _NotJson(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _NotJson(name)


def json_object(raw: bytes) -> dict[str, Any]:
    """An action's body: UTF-8 JSON (an object), or nothing at all (``{}``); a clear 400/422 otherwise."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise body_error(f"{NOT_UTF8_BODY}（第{exc.start + 1}个字节处）") from None
    if not text.strip():
        return {}
    try:
        body = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise json_error(exc.doc, exc.pos, exc.msg) from None
    except _NotJson as exc:
        raise body_error(f"请求体不是合法的 JSON：{exc} 不是 JSON 允许的值") from None
    except RecursionError:
        raise body_error("请求体不是合法的 JSON：嵌套层数过多") from None
    if not isinstance(body, dict):
        raise body_error(NOT_OBJECT_BODY, ErrorCode.VALIDATION_FAILED)
    return body


@router.get("/cases", response_model=CaseList, summary="案件列表", responses=ERRORS)
async def list_cases(
    user: CurrentUser,
    session: Session,
    stage: Stage | None = None,
    region_code: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    overdue: Annotated[
        bool,
        Query(
            description="只列出有期限已过仍未完成（pending/overdue，到期日早于今天）的案件；"
            "与 deadline_kind 同用时只看该类期限"
        ),
    ] = False,
    deadline_kind: Annotated[
        DeadlineKind | None,
        Query(description="只列出有该类未完成期限（pending/overdue）的案件"),
    ] = None,
    q: Annotated[str | None, Query(max_length=100, description="单位名称（包含）或统一社会信用代码")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=store.COUNT_CAP, description="跳过的条数；翻页请用 cursor")] = 0,
    cursor: Annotated[str | None, Query(max_length=400, description="上一页返回的 next_cursor（筛选条件不变）")] = None,
) -> CaseList:
    if region_code and not user.covers(region_code):
        return CaseList(items=[], total=0, limit=limit, offset=offset)
    f = store.CaseFilter(
        region_prefixes=user.prefixes(),
        stage=stage.value if stage else None,
        region_code=region_code,
        overdue_before=today() if overdue else None,
        deadline_kind=deadline_kind.value if deadline_kind else None,
        q=q,
        limit=limit,
        offset=offset,
        cursor=cursor,
    )
    try:
        page = await store.list_states(session, f)
    except store.InvalidCursor:
        raise invalid([{"loc": ("query", "cursor"), "type": "value_error", "ctx": {"error": "翻页游标无效"}}]) from None
    d = today()
    return CaseList(
        items=[list_item(s, d) for s in page.states],
        total=page.total,
        total_is_estimate=page.total_is_estimate,
        limit=limit,
        offset=offset,
        next_cursor=page.next_cursor,
    )


@router.get("/cases/{case_id}", response_model=CaseView, summary="案件详情", responses=ERRORS)
async def get_case(case_id: str, user: CurrentUser, session: Session) -> CaseView:
    state = await visible_case(session, user, case_id)
    return shown(state, user, await track_store.case_tracks(session, case_id))


def shown(state: CaseState, user: User, tracks: list[AnyTrackState] | None = None) -> CaseView:
    """The case page as ``user`` may see it: full ID numbers and phones only to the people of its region; with
    its sub-processes (the latest of each kind) as they last recorded themselves."""
    personal = sees_personal_data(user, state.region_code)
    view = case_view(state, today(), user.role, personal=personal)
    for track in tracks or []:
        shown_track = track_view(track, today(), user.role, personal=personal)
        view = view.model_copy(update={track.kind.value: shown_track})
    return view


@router.get("/cases/{case_id}/ledger", response_model=Ledger, summary="案件资金台账", responses=ERRORS)
async def case_ledger(case_id: str, user: CurrentUser, session: Session) -> Ledger:
    """Every payment (with its payer) and every emergency aid of the case, in time order, with totals."""
    state = await visible_case(session, user, case_id)
    rows = await store.history(session, case_id)
    return ledger(state, rows, personal=sees_personal_data(user, state.region_code))


class DeadlineExplanation(BaseModel):
    """One deadline of the case and, day by day, how it was counted (on demand: it reads the calendar)."""

    deadline: Deadline
    explanation: list[str]


@router.get(
    "/cases/{case_id}/deadlines/{kind}",
    response_model=DeadlineExplanation,
    summary="期限计算说明（逐日）",
    responses=ERRORS,
)
async def explain_case_deadline(
    case_id: str, kind: DeadlineKind, user: CurrentUser, session: Session
) -> DeadlineExplanation:
    """The case's deadline of ``kind`` (the running one, else the latest) with its day-by-day count."""
    case = await visible_case(session, user, case_id)
    found = [d for d in case.deadlines if d.kind == kind]
    if not found:
        raise ApiError(ErrorCode.NOT_FOUND, "本案没有该种类的期限")
    chosen = next((d for d in reversed(found) if d.open), found[-1])
    cal = await working_calendar(session)
    shown = chosen.model_copy(update={"status": effective_status(chosen, today())})
    return DeadlineExplanation(deadline=shown, explanation=explain_deadline(cal, chosen))


_ACTION_BODIES = {a.value: {"$ref": f"#/components/schemas/{m.__name__}"} for a, m in BODY_MODELS.items()}


@router.post(
    "/cases/{case_id}/actions/{action}",
    response_model=CaseView,
    summary="办案操作（受理、不予受理、补正、认定、责令支付、送达、登记支付、结案）",
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": {"oneOf": list(_ACTION_BODIES.values())}}},
            "required": False,
            "description": "请求体随操作而定：" + "，".join(f"{a.value}→{m.__name__}" for a, m in BODY_MODELS.items()),
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
    await visible_stage(session, user, case_id)  # a case outside the caller's regions is 404 before its body is read
    await session.close()
    body = json_object(await request.body())
    return await actions.perform(b, user, case_id, act_on, body)


async def recorded_view(b: Backend, user: User, case_id: str) -> CaseView:
    """The case as its last applied action recorded it: the update answers only once its activity has
    committed the read model, and the answer itself stays small (it is kept in the workflow's history)."""
    async with b.sessions() as session:
        state = await store.get_state(session, case_id)
        tracks = await track_store.case_tracks(session, case_id)
    if state is None:
        raise ApiError(ErrorCode.BACKEND_UNAVAILABLE)
    return shown(state, user, tracks)


@router.get(
    "/cases/{case_id}/history",
    response_model=list[HistoryEntry],
    summary="案件全部历史（身份证号码、电话已遮蔽）",
    responses=ERRORS,
)
async def case_history(case_id: str, user: CurrentUser, session: Session) -> list[HistoryEntry]:
    await visible_stage(session, user, case_id)
    rows = await store.history(session, case_id)
    return [history_entry(r) for r in rows]


@router.get("/cases/{case_id}/notices", response_model=list[NoticeView], summary="案件文书", responses=ERRORS)
async def case_notices(case_id: str, user: CurrentUser, session: Session) -> list[NoticeView]:
    await visible_stage(session, user, case_id)
    rows = await store.case_notices(session, case_id)
    return [
        NoticeView(
            notice_id=r["notice_id"],
            kind=r["kind"],
            title=NOTICE_TITLES[NoticeKind(r["kind"])],
            doc_number=r["doc_number"],
            issued_at=to_shanghai(r["issued_at"]),
            sha256=r["sha256"],
            url=f"/api/v1/notices/{r['notice_id']}.pdf",
            served=r["served_at"] is not None,
            served_at=to_shanghai(r["served_at"]) if r["served_at"] else None,
            service_method=r["service_method"],
            receipt_id=r["receipt_id"],
        )
        for r in rows
    ]
