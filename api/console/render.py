"""Rendering the console's pages: one jinja2 environment (autoescaped), with the filters every page uses to show
money, Shanghai dates and the Chinese names of stages, deadlines, roles and actions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from api.console.auth import Visitor
from models.actions import ACTION_ZH, Action
from models.case import DEADLINE_ZH, ESCALATION_ZH, STAGE_ZH, DeadlineKind, EscalationKind, Role, Stage
from models.clock import to_shanghai
from models.notices import NOTICE_TITLES, NoticeKind

ROLE_ZH = {
    Role.INSPECTOR: "监察员",
    Role.SUPERVISOR: "科室负责人",
    Role.HEAD: "部门负责人",
    Role.ADMIN: "系统管理员",
    Role.MONITOR: "监测预警平台",
}
STATUS_ZH = {
    "pending": "进行中",
    "met": "已完成",
    "met_late": "逾期完成",
    "overdue": "已逾期",
    "cancelled": "已取消",
}


def yuan(value: Decimal | str | None) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):,.2f}"


def sh_date(value: date | datetime | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = to_shanghai(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def sh_time(value: datetime | str | None) -> str:
    if value is None:
        return "—"
    moment = to_shanghai(datetime.fromisoformat(value) if isinstance(value, str) else value)
    return f"{moment:%Y-%m-%d %H:%M}"


def _zh(table: dict[Any, str], cast: Any) -> Any:
    def name(value: Any) -> str:
        try:
            return table[cast(value)]
        except (KeyError, ValueError):
            return str(value)

    return name


ENV = Environment(loader=PackageLoader("api.console", "templates"), autoescape=select_autoescape(["html"]))
ENV.filters.update(
    yuan=yuan,
    sh_date=sh_date,
    sh_time=sh_time,
    stage_zh=_zh(dict(STAGE_ZH), Stage),
    deadline_zh=_zh(dict(DEADLINE_ZH), DeadlineKind),
    escalation_zh=_zh(dict(ESCALATION_ZH), EscalationKind),
    role_zh=_zh(ROLE_ZH, Role),
    action_zh=_zh(dict(ACTION_ZH), Action),
    notice_zh=_zh(dict(NOTICE_TITLES), NoticeKind),
    status_zh=_zh(STATUS_ZH, str),
)


def page(
    request: Request, template: str, who: Visitor | None, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A whole page in the layout (base.html): the signed-in user, the CSRF token for its forms."""
    html = ENV.get_template(template).render(
        request=request, user=who.user if who else None, csrf=who.csrf if who else "", path=request.url.path, **context
    )
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})
