"""The console's own routes: signing in and out, and 我的工作 (my work). The case page, intake, the dashboard and the
audit view have their modules (case_page.py, intake.py, oversight.py); all answer HTML."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.console.auth import COOKIE, LOGIN_CSRF_COOKIE, SignedIn, check_csrf, safe_next
from api.console.render import page
from api.deps import MONITOR_ONLY, Backend, backend, caller_address, now, sign_in_limits, today
from db import cases as store
from db.console_sessions import close_session, open_session
from db.reminders import reminders_for
from db.tables import cases
from db.users import check_token, clear_sign_in_failures, record_sign_in_failure, sign_in_failures_of
from models.case import DEADLINE_ZH, STAGE_ZH, DeadlineKind, Role, Stage

router = APIRouter(include_in_schema=False)
BackendDep = Annotated[Backend, Depends(backend)]
SIGN_IN_REFUSED = "用户名或令牌不正确，或令牌已过期、已被吊销"


def _cookie(response: Response, b: Backend, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="lax", secure=b.settings.console_secure_cookie, path="/"
    )


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, b: BackendDep, next: str = "/", error: str | None = None) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", None, next=safe_next(next), login_csrf=token, error=error)
    _cookie(response, b, LOGIN_CSRF_COOKIE, token, 3600)
    return response


@router.post("/login")
async def login(
    request: Request,
    b: BackendDep,
    name: Annotated[str, Form(max_length=100)],
    token: Annotated[str, Form(max_length=200)],
    login_csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Sign in with one's name and access token (the same account as the API's bearer token); failures count
    against the client like the API's."""
    check_csrf(request.cookies.get(LOGIN_CSRF_COOKIE, ""), login_csrf)
    caller = caller_address(request, trusted_proxy=b.settings.trusted_proxy)
    limits, moment = sign_in_limits(b.settings), now()
    async with b.sessions() as s:
        failures = await sign_in_failures_of(s, caller)
        wait = None if failures is None else failures.retry_after(moment, limits)
        if wait is not None:
            return page(
                request,
                "login.html",
                None,
                status_code=429,
                next=safe_next(next),
                login_csrf=login_csrf,
                error=f"验证失败次数过多，请 {wait} 秒后再试",
            )
        _, user = await check_token(s, token.strip(), moment)
    if user is None or user.name != name.strip():
        async with b.sessions.begin() as w:
            await record_sign_in_failure(w, caller, moment, limits.window)
        return page(
            request,
            "login.html",
            None,
            status_code=401,
            next=safe_next(next),
            login_csrf=login_csrf,
            error=SIGN_IN_REFUSED,
            name=name,
        )
    if user.role == Role.MONITOR:  # a platform's machine credential never signs in to the console
        return page(
            request,
            "login.html",
            None,
            status_code=403,
            next=safe_next(next),
            login_csrf=login_csrf,
            error=MONITOR_ONLY,
            name=name,
        )
    lifetime = timedelta(minutes=b.settings.console_session_minutes)
    async with b.sessions.begin() as w:
        if failures is not None:
            await clear_sign_in_failures(w, caller)
        raw, _ = await open_session(w, user.user_id, moment, lifetime)
    response = RedirectResponse(safe_next(next), status_code=303)
    _cookie(response, b, COOKIE, raw, int(lifetime.total_seconds()))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
async def logout(request: Request, who: SignedIn, b: BackendDep, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(who.csrf, csrf)
    async with b.sessions.begin() as w:
        await close_session(w, request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
async def my_work(
    request: Request,
    who: SignedIn,
    b: BackendDep,
    stage: Stage | None = None,
    region_code: Annotated[str | None, Query(pattern=r"^(\d{6})?$")] = None,
    deadline_kind: DeadlineKind | None = None,
    overdue: bool = False,
    q: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    order: Literal["due", "received"] = "due",
) -> Response:
    """我的工作: my reminders, the cases whose deadlines come first, and every case of my regions with filters,
    the nearest deadline first (or the newest complaint first)."""
    user = who.user
    if user.role == Role.ADMIN:  # accounts and configuration, never a case (api/masking.py)
        message = "系统管理员负责账户和配置，不查看、不办理案件。"
        return page(request, "message.html", who, status_code=403, title="我的工作", message=message)
    day = today()
    f = store.CaseFilter(
        region_prefixes=user.prefixes(),
        stage=stage.value if stage else None,
        region_code=region_code or None,
        overdue_before=day if overdue else None,
        deadline_kind=deadline_kind.value if deadline_kind else None,
        q=q or None,
        limit=25,
        cursor=cursor,
        by_due=order == "due",
    )
    async with b.sessions() as s:
        reminders = await reminders_for(s, user.user_id, user.role, user.prefixes(), limit=10)
        try:
            listed = await store.list_states(s, f)
        except store.InvalidCursor:
            first = store.CaseFilter(region_prefixes=user.prefixes(), limit=25, by_due=order == "due")
            listed = await store.list_states(s, first)
        soonest = await _soonest(s, user.prefixes())
    return page(
        request,
        "my_work.html",
        who,
        reminders=reminders.items,
        soonest=soonest,
        listed=listed,
        today=day,
        stages=STAGE_ZH,
        deadline_kinds=DEADLINE_ZH,
        chosen={
            "stage": stage,
            "region_code": region_code,
            "deadline_kind": deadline_kind,
            "overdue": overdue,
            "q": q,
            "order": order,
        },
    )


async def _soonest(s: AsyncSession, prefixes: list[str] | None) -> list[dict[str, object]]:
    """The open cases of my regions whose next deadline comes first (the read model's ``next_due``, indexed)."""
    allowed = store.jurisdiction(prefixes)
    stmt = (
        select(cases.c.case_id, cases.c.case_number, cases.c.employer_name, cases.c.stage, cases.c.next_due)
        .where(cases.c.next_due.is_not(None), *([allowed] if allowed is not None else []))
        .order_by(cases.c.next_due, cases.c.received_at.desc(), cases.c.case_id)
        .limit(10)
    )
    return [dict(r._mapping) for r in await s.execute(stmt)]
