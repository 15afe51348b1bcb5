"""Early warnings from a monitoring platform (监测预警, models/signals.py).

``POST /api/v1/signals`` takes a monitoring platform's credential only (Role.MONITOR, made with
``qingling user create --role monitor --region …``), and is idempotent by the platform's signal id: the same signal
again answers what became of it (200); another signal under a used id is refused (422). A new signal is attached
to the open case of its employer and project, or opens a case in ``intake`` (channel ``inspection``) when it names
the workers concerned, or waits, unmatched, for a supervisor of the region (``GET /api/v1/signals/unmatched``).
A case's signals: ``GET /api/v1/cases/{case_id}/signals``.
"""

from __future__ import annotations

import hashlib
import logging
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Response

from api.deps import BackendDep, CurrentUser, MonitorCaller, Session, now
from api.errors import BODY_ERROR_RESPONSES, ERROR_RESPONSES, ApiError, invalid
from api.masking import case_reader
from api.routes.cases import register, visible_case
from config.logs import bind
from db import signals as store
from db.users import User
from models.case import CaseIntake, Channel, Complainant, Employer, Project, Role
from models.errors import MESSAGES, ErrorCode
from models.signals import (
    SIGNAL_KIND_ZH,
    SIGNAL_OUTCOME_ZH,
    MonitoringSignal,
    SignalKind,
    SignalOutcome,
    SignalRecord,
)

router = APIRouter(prefix="/api/v1", tags=["signals"])
log = logging.getLogger(__name__)
ERRORS: dict[int | str, dict[str, Any]] = ERROR_RESPONSES
PLATFORM_COMPLAINANT = "工资支付监控预警平台"
"""The complainant of a case a signal opens: the bureau acts on the platform's warning (主动监察), no person
complained."""


def digest(signal: MonitoringSignal) -> str:
    return hashlib.sha256(signal.model_dump_json().encode()).hexdigest()


def record_view(row: Any) -> SignalRecord:
    payload = row.payload
    kind = SignalKind(row.kind)
    outcome = SignalOutcome(row.outcome) if row.outcome else SignalOutcome.UNMATCHED
    amount = payload.get("amount")
    return SignalRecord(
        signal_id=row.signal_id,
        source=row.source_name,
        kind=kind,
        kind_zh=SIGNAL_KIND_ZH[kind],
        observed_at=row.observed_at,
        received_at=row.received_at,
        region_code=row.region_code,
        employer_name=payload["employer"]["name"],
        employer_uscc=row.employer_uscc,
        project_name=row.project_name,
        amount=None if amount is None else f"{Decimal(amount):.2f}",
        detail=payload.get("detail", ""),
        worker_count=len(payload.get("workers", [])),
        outcome=outcome,
        outcome_zh=SIGNAL_OUTCOME_ZH[outcome],
        case_id=row.case_id,
    )


def intake_of(signal: MonitoringSignal, source: User) -> CaseIntake:
    """The intake of the case a signal opens: the platform's facts, the workers it names."""
    facts = f"{SIGNAL_KIND_ZH[signal.kind]}（预警编号 {signal.signal_id}，来源 {source.name}）"
    if signal.amount is not None:
        facts += f"，涉及金额 {signal.amount:.2f} 元"
    description = f"{facts}。{signal.detail}".strip()
    return CaseIntake(
        received_at=now(),
        channel=Channel.INSPECTION,
        region_code=signal.region_code,
        employer=Employer(name=signal.employer.name, uscc=signal.employer.uscc),
        project=Project(name=signal.project_name) if signal.project_name else None,
        complainant=Complainant(name=PLATFORM_COMPLAINANT),
        workers=signal.workers,
        description=description[:5000],
    )


@router.post(
    "/signals",
    response_model=SignalRecord,
    status_code=201,
    summary="报送监测预警信号（监测预警平台凭据）",
    responses={
        **ERRORS,
        **BODY_ERROR_RESPONSES,
        200: {"model": SignalRecord, "description": "该预警编号已报送过：返回其处理结果"},
    },
)
async def report_signal(
    signal: MonitoringSignal, source: MonitorCaller, b: BackendDep, response: Response
) -> SignalRecord:
    bind(actor=source.name)
    if not source.covers(signal.region_code):
        raise ApiError(ErrorCode.FORBIDDEN, "该平台无权报送此行政区划的预警")
    if signal.workers:
        dated = intake_of(signal, source).dated_errors(now())
        if dated:
            raise invalid([{"loc": loc, "type": "value_error", "ctx": {"error": msg}} for loc, msg in dated])
    fingerprint = digest(signal)
    async with b.sessions.begin() as s:
        recorded = await store.record(s, source.user_id, signal, fingerprint, now())
    row = recorded.row
    if row.digest != fingerprint:
        message = "该预警编号已用于内容不同的另一条预警：请为新的预警使用新的编号"
        raise ApiError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            message,
            details=[{"field": "signal_id", "message": MESSAGES[ErrorCode.IDEMPOTENCY_KEY_REUSED]}],
        )
    if row.outcome is not None:  # reported before and dealt with: what became of it
        response.status_code = 200
        return record_view(row)
    # New, or a retry of one whose handling was cut short: every step below finds its own earlier work.
    async with b.sessions() as s:
        case_id = await store.open_case_for(s, signal.employer.uscc, signal.project_name)
    if case_id is not None:
        outcome = SignalOutcome.ATTACHED
    elif signal.workers:
        case_id, _ = await register(b, source, intake_of(signal, source), f"signal:{signal.signal_id}")
        outcome = SignalOutcome.OPENED
    else:
        outcome = SignalOutcome.UNMATCHED
    async with b.sessions.begin() as s:
        await store.resolve(s, source.user_id, signal.signal_id, outcome, case_id)
        row = await store.get(s, source.user_id, signal.signal_id)
    log.info("signal %s: %s", outcome.value, case_id or "-")
    if not recorded.new:
        response.status_code = 200
    return record_view(row)


@router.get(
    "/cases/{case_id}/signals",
    response_model=list[SignalRecord],
    summary="案件的监测预警信号",
    responses=ERRORS,
    dependencies=[Depends(case_reader)],
)
async def case_signals(case_id: str, user: CurrentUser, session: Session) -> list[SignalRecord]:
    await visible_case(session, user, case_id)
    return [record_view(r) for r in await store.of_case(session, case_id)]


@router.get(
    "/signals/unmatched",
    response_model=list[SignalRecord],
    summary="待处理的监测预警信号（无在办案件、未列明劳动者）",
    responses=ERRORS,
    dependencies=[Depends(case_reader)],
)
async def unmatched_signals(user: CurrentUser, session: Session) -> list[SignalRecord]:
    if user.role not in (Role.SUPERVISOR, Role.HEAD):
        raise ApiError(ErrorCode.ROLE_NOT_ALLOWED, "只有科室负责人、部门负责人可以查看待处理的预警")
    return [record_view(r) for r in await store.unmatched(session, user.prefixes())]
