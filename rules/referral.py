"""The criminal referral's rules (行政执法机关移送涉嫌犯罪案件的规定, 国务院令第310号; docs/long-arm.md): who may act
when, as pure functions the referral workflow's validators and handlers share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from models.actions import (
    Action,
    Body,
    RecordPoliceDecisionBody,
    RecordTransferBody,
    RequestReconsiderationBody,
    RequestSupervisionBody,
)
from models.case import Deadline, DeadlineKind, Role
from models.clock import shanghai_date
from models.errors import ErrorCode, Refusal
from models.tracks import ReferralState
from models.tracks import ReferralStatus as S


@dataclass(frozen=True)
class _Rule:
    role: Role
    statuses: frozenset[S]


_INSPECTOR = Role.INSPECTOR
RULES: dict[Action, _Rule] = {
    Action.DECIDE_REFERRAL: _Rule(Role.HEAD, frozenset({S.AWAITING_APPROVAL})),
    Action.RECORD_TRANSFER: _Rule(_INSPECTOR, frozenset({S.APPROVED})),
    Action.RECORD_POLICE_DECISION: _Rule(_INSPECTOR, frozenset({S.TRANSFERRED, S.RECONSIDERATION_REQUESTED})),
    Action.REQUEST_RECONSIDERATION: _Rule(_INSPECTOR, frozenset({S.POLICE_REFUSED})),
    # Art. 9: after a refusal the bureau may ask the procuratorate at once, or after the reconsideration failed.
    Action.REQUEST_SUPERVISION: _Rule(_INSPECTOR, frozenset({S.POLICE_REFUSED, S.RECONSIDERATION_REFUSED})),
    Action.RECORD_HANDOVER: _Rule(_INSPECTOR, frozenset({S.POLICE_ACCEPTED})),
}


def _window(state: ReferralState, kind: DeadlineKind) -> Deadline | None:
    return next((d for d in reversed(state.deadlines) if d.kind == kind and d.open), None)


def _within(state: ReferralState, kind: DeadlineKind, day: date, field: str) -> None:
    """A request the bureau may make only within its 3 days (art. 9)."""
    window = _window(state, kind)
    if window is None or day > window.due:
        due = f"（已于{window.due.isoformat()}届满）" if window else ""
        raise Refusal(ErrorCode.WINDOW_CLOSED, f"提出该请求的3日期限已过{due}（国务院令第310号第九条）", field=field)


def supervision_window(state: ReferralState) -> DeadlineKind:
    """Which 3 days a request for supervision runs in: after the first refusal, those for reconsideration."""
    return (
        DeadlineKind.RECONSIDERATION_REQUEST if state.status == S.POLICE_REFUSED else DeadlineKind.SUPERVISION_REQUEST
    )


def check(state: ReferralState, action: Action, role: Role, body: Body, now: datetime) -> None:
    rule = RULES.get(action)
    if rule is None:
        raise Refusal(ErrorCode.UNKNOWN_ACTION)
    if role != rule.role:
        raise Refusal(ErrorCode.ROLE_NOT_ALLOWED)
    if state.status not in rule.statuses:
        raise Refusal(ErrorCode.STAGE_NOT_ALLOWED, f"移送程序当前状态（{state.status.value}）不允许此操作")
    if isinstance(body, RecordTransferBody) and state.decided_at and body.transferred_at < state.decided_at:
        raise Refusal(ErrorCode.SERVED_BEFORE_ISSUE, "移送时间早于批准移送的时间", field="transferred_at")
    if (
        isinstance(body, RecordPoliceDecisionBody)
        and state.transferred_at
        and body.decided_on < shanghai_date(state.transferred_at)
    ):
        raise Refusal(ErrorCode.SERVED_BEFORE_ISSUE, "公安机关的决定日期早于移送日期", field="decided_on")
    if isinstance(body, RequestReconsiderationBody):
        _within(state, DeadlineKind.RECONSIDERATION_REQUEST, body.requested_on, "requested_on")
    if isinstance(body, RequestSupervisionBody):
        _within(state, supervision_window(state), body.requested_on, "requested_on")
