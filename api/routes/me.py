"""The signed-in user's own views: the warnings and escalations addressed to them (我的提醒)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from api.deps import CurrentUser, Session
from api.errors import ERROR_RESPONSES as ERRORS
from api.errors import invalid
from api.masking import case_reader
from db import reminders as store
from db.cases import InvalidCursor
from models.case import ESCALATION_ZH, EscalationKind
from models.clock import to_shanghai
from models.digest import deadline_zh

router = APIRouter(prefix="/api/v1", tags=["me"], dependencies=[Depends(case_reader)])
"""Reminders are case data: admin, to whom nothing is addressed, is refused (api.masking.case_reader)."""


class ReminderItem(BaseModel):
    """A warning (level 0, to the assignee) or an escalation (level 1 to the region's supervisors, level 2 to
    its heads with a 督办通知书) raised by the engine for one deadline of one case."""

    case_id: str
    case_number: str | None
    employer_name: str
    kind: str
    """warning, overdue or supervision."""
    kind_zh: str
    """临期提醒, 逾期提级（一级） or 逾期督办（二级）."""
    level: int
    deadline_kind: str
    deadline_zh: str
    due: date
    """The deadline's last day, as it stood when this was raised."""
    at: datetime
    """When it was raised (Asia/Shanghai)."""
    notice: str | None
    """The 督办通知书's document number (level 2)."""
    deadline_status: str | None
    """The deadline's status now: pending, overdue, met, met_late or cancelled (null: the case no longer has
    it)."""


class ReminderList(BaseModel):
    items: list[ReminderItem]
    limit: int
    next_cursor: str | None = None
    """Pass as ``cursor`` for the next page (the same ``all``); null on the last page."""


def escalation_zh(kind: str) -> str:
    try:
        return ESCALATION_ZH[EscalationKind(kind)]
    except ValueError:
        return kind


def reminder_item(r: store.Reminder) -> ReminderItem:
    return ReminderItem(
        case_id=r.case_id,
        case_number=r.case_number,
        employer_name=r.employer_name,
        kind=r.kind,
        kind_zh=escalation_zh(r.kind),
        level=r.level,
        deadline_kind=r.deadline_kind,
        deadline_zh=deadline_zh(r.deadline_kind),
        due=r.due,
        at=to_shanghai(r.at),
        notice=r.notice,
        deadline_status=r.deadline_status,
    )


@router.get(
    "/me/reminders", response_model=ReminderList, summary="我的提醒（临期提醒、逾期提级、督办）", responses=ERRORS
)
async def my_reminders(
    user: CurrentUser,
    session: Session,
    include_all: Annotated[bool, Query(alias="all", description="包括期限已满足、已取消或案件已办结的提醒")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=400, description="上一页返回的 next_cursor（all 不变）")] = None,
) -> ReminderList:
    try:
        page = await store.reminders_for(
            session, user.user_id, user.role, user.prefixes(), include_settled=include_all, limit=limit, cursor=cursor
        )
    except InvalidCursor:
        raise invalid([{"loc": ("query", "cursor"), "type": "value_error", "ctx": {"error": "翻页游标无效"}}]) from None
    return ReminderList(items=[reminder_item(r) for r in page.items], limit=limit, next_cursor=page.next_cursor)
