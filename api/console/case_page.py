"""The case page: parties, workers, deadlines, escalations, the sub-processes, notices, the full history, and the
actions the stage and the role allow, each a small form whose result or refusal shows in place.

Everything is read through the API's own functions (api.routes.cases) and every action goes through
api.actions.perform, so the page shows exactly what the API shows this user (masked as it masks) and a form does
exactly what the API would do; a case outside the user's regions is missing (404) here as there, and admin, who
sees no case data, is refused (403)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.actions import perform
from api.console.auth import SignedIn, Visitor, check_csrf
from api.console.forms import (
    CLOSE_REASON_ZH,
    PAYMENT_SOURCE_ZH,
    PENALTY_BASIS_ZH,
    ActionForm,
    Failure,
    body_of,
    failure,
    form_for,
)
from api.console.render import ROLE_ZH, page
from api.deps import Backend, backend
from api.errors import ApiError
from api.masking import ADMIN_SEES_NO_CASES
from api.routes import cases as routes
from api.routes import signals as signal_routes
from api.routes.notices import notice_pdf
from api.views import CaseView, HistoryEntry, NoticeView
from config.logs import bind, redact
from db.users import Account, list_accounts
from models.actions import ACTION_ZH, REJECT_REASON_ZH, SERVICE_METHOD_ZH, SYSTEM, Action
from models.case import ESCALATION_ZH, STAGE_ZH, Channel, Deadline, DeadlineKind, Role
from models.errors import HTTP_STATUS, ErrorCode
from models.notices import NOTICE_TITLES, SERVED_KINDS, NoticeKind
from models.tracks import (
    BASIS_ZH,
    BLACKLIST_STATUS_ZH,
    PARTY_ROLE_ZH,
    REFERRAL_STATUS_ZH,
    TRACK_ZH,
    BlacklistBasis,
    BlacklistStatus,
    ReferralStatus,
    TrackKind,
)
from rules.escalation import ALARM_EVENTS

router = APIRouter(include_in_schema=False)
BackendDep = Annotated[Backend, Depends(backend)]
SCOPES = ("case", TrackKind.BLACKLIST.value, TrackKind.REFERRAL.value)
"""Where an action's form sits: the case's own list, or a sub-process's panel."""

CHANNEL_ZH = {
    Channel.HOTLINE: "电话投诉",
    Channel.WEBSITE: "网上投诉",
    Channel.WALK_IN: "来访投诉",
    Channel.LETTER: "来信投诉",
    Channel.PLATFORM_REFERRAL: "平台转办",
    Channel.INSPECTION: "主动检查发现",
}
EVENT_ZH: dict[str, str] = {
    "intake": "登记投诉",
    "deadlines_recomputed": "按工作日历调整重算期限",
    "blacklist_proposed": "启动列入名单程序，发出告知书",
    "blacklist_expired": "名单期满移出",
    "referral_reported": "启动移送程序，提交移送报告",
    "payment_passed_on": "移送后的支付情况告知公安机关",
    "case_paid": "收到案件支付情况",
    "court_enforcement_not_needed": "当事人已履行，无需申请强制执行",
    "court_enforcement_due": "期限届满未履行，应申请人民法院强制执行",
    **{event: ESCALATION_ZH[kind] for kind, event in ALARM_EVENTS.items()},
    **{a.value: zh for a, zh in ACTION_ZH.items()},
}
DECISION_STATUS_ZH = {"noticed": "已发出事先告知书，听取陈述申辩", "decided": "已作出行政处理决定"}
PENALTY_STATUS_ZH = {
    "proposed": "已发出事先告知书，听取陈述申辩",
    "hearing": "当事人要求听证",
    "decided": "已决定罚款",
    "not_imposed": "决定不予罚款",
}
ENFORCEMENT_ZH = {
    "not_served": "决定书尚未送达",
    "running": "复议、诉讼期限进行中",
    "challenged": "当事人已申请复议或提起诉讼",
    "not_needed": "当事人已履行，无需强制执行",
    "due": "应申请人民法院强制执行",
    "filed": "已申请人民法院强制执行",
    "concluded": "强制执行已有结果",
}
DECISION_KINDS = frozenset({DeadlineKind.DECISION_DEFENSE, DeadlineKind.COURT_ENFORCEMENT})
PENALTY_KINDS = frozenset(
    {
        DeadlineKind.PENALTY_DEFENSE,
        DeadlineKind.PENALTY_HEARING_REQUEST,
        DeadlineKind.PENALTY_DECISION,
        DeadlineKind.PENALTY_SERVICE,
        DeadlineKind.COURT_ENFORCEMENT,
    }
)
STATUS_OF_STAGE: dict[str, str] = {
    **{s.value: zh for s, zh in STAGE_ZH.items()},
    **{s.value: zh for s, zh in BLACKLIST_STATUS_ZH.items()},
    **{s.value: zh for s, zh in REFERRAL_STATUS_ZH.items()},
}
"""A history row's stage before and after: the case's stage, or a sub-process's status (their values differ)."""
LABELS: dict[str, Mapping[Any, str]] = {
    "channel": CHANNEL_ZH,
    "source": PAYMENT_SOURCE_ZH,
    "close_reason": CLOSE_REASON_ZH,
    "rejection": REJECT_REASON_ZH,
    "service_method": SERVICE_METHOD_ZH,
    "decision": DECISION_STATUS_ZH,
    "penalty": PENALTY_STATUS_ZH,
    "enforcement": ENFORCEMENT_ZH,
    "penalty_basis": PENALTY_BASIS_ZH,
    "blacklist_basis": BASIS_ZH,
    "party_role": PARTY_ROLE_ZH,
}
"""Chinese names the template looks values up in (``label('source', 'employer')``)."""


def label(group: str, value: Any) -> str:
    """``value``'s Chinese name in ``group`` (LABELS), or the value itself when it has none."""
    if value is None:
        return "—"
    names: Mapping[Any, str] = LABELS.get(group, {})
    return names.get(value, names.get(str(value), str(value)))


# --- reading ------------------------------------------------------------------------------------------------


def _reader(request: Request, who: Visitor, case_id: str | None) -> Response | None:
    """As the API's case_reader: the actor and the case go into the log context, and admin sees no case data."""
    bind(actor=who.user.user_id)
    if case_id is not None:
        bind(case_id=case_id)
    if who.user.role == Role.ADMIN:
        return _message(request, who, 403, "无权查看", ADMIN_SEES_NO_CASES)
    return None


def _message(request: Request, who: Visitor, status: int, title: str, message: str) -> Response:
    return page(request, "message.html", who, status_code=status, title=title, message=message, back="/")


def _refused(request: Request, who: Visitor, exc: ApiError) -> Response:
    """An error the page cannot show in place (the case missing, the engine down) as a page of its own."""
    status = HTTP_STATUS[exc.code]
    title = "未找到" if status == 404 else "无法显示"
    return _message(request, who, status, title, redact(exc.message))


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(
    request: Request,
    case_id: str,
    who: SignedIn,
    b: BackendDep,
    done: Annotated[str | None, Query(max_length=60)] = None,
) -> Response:
    """The case as the API shows it to this user, with the forms of what they may do now; ``done`` names the
    action just applied (after the redirect of a successful form)."""
    refused = _reader(request, who, case_id)
    if refused is not None:
        return refused
    return await _shown(request, who, b, case_id, done=_done(done))


def _done(value: str | None) -> str | None:
    try:
        return ACTION_ZH[Action(value)] if value else None
    except ValueError:
        return None


async def _shown(
    request: Request,
    who: Visitor,
    b: Backend,
    case_id: str,
    *,
    status_code: int = 200,
    done: str | None = None,
    failed: Failure | None = None,
) -> Response:
    try:
        context = await _context(b, who, case_id, failed)
    except ApiError as exc:
        return _refused(request, who, exc)
    return page(
        request, "case.html", who, status_code=status_code, done=done, failed=failed, servable=_servable, **context
    )


async def _context(b: Backend, who: Visitor, case_id: str, failed: Failure | None) -> dict[str, Any]:
    """What the page shows, each part read by the API route that serves it."""
    user = who.user
    async with b.sessions() as s:
        view = await routes.get_case(case_id, user, s)
        history = await routes.case_history(case_id, user, s)
        notices = await routes.case_notices(case_id, user, s)
        people = {a.user_id: a for a in await list_accounts(s)}
        signals = await signal_routes.case_signals(case_id, user, s)
    tracks = [t for t in (_track(view.blacklist, TrackKind.BLACKLIST), _track(view.referral, TrackKind.REFERRAL)) if t]
    forms = _case_forms(view, notices)
    placed = {("case", f.action.value) for f in forms} | {
        (t["scope"], f.action.value) for t in tracks for f in t["forms"]
    }
    return {
        "case": view,
        "assignee": _person(view.assignee, None, people),
        "workers_total": _worker_totals(view),
        "deadlines": view.deadlines,
        "decision_deadlines": _of_kinds(view.deadlines, DECISION_KINDS),
        "penalty_deadlines": _of_kinds(view.deadlines, PENALTY_KINDS),
        "escalations": [_escalation(e.model_dump(), people) for e in view.escalations],
        "tracks": tracks,
        "notices": notices,
        "history": [_history_row(h, people) for h in history],
        "signals": signals,
        "case_forms": forms,
        "failed_elsewhere": failed is not None and (failed.scope, failed.action) not in placed,
        "label": label,
    }


def _person(user_id: str | None, role: str | None, people: Mapping[str, Account]) -> str:
    """A user by name and role, never by id alone; the engine's own rows are 清零引擎's."""
    if user_id is None:
        return "—"
    if user_id == SYSTEM.user_id:
        return SYSTEM.name
    account = people.get(user_id)
    if account is None:
        return "（已不存在的用户）"
    return f"{account.name}（{_role_zh(role or account.role)}）"


def _role_zh(role: str) -> str:
    return next((zh for r, zh in ROLE_ZH.items() if r.value == role), role)


def _history_row(h: HistoryEntry, people: Mapping[str, Account]) -> dict[str, Any]:
    return {
        "at": h.at,
        "who": _person(h.actor, h.actor_role, people),
        "what": EVENT_ZH.get(h.kind, h.kind),
        "before": STATUS_OF_STAGE.get(h.stage_before, h.stage_before) if h.stage_before else "—",
        "after": STATUS_OF_STAGE.get(h.stage_after, h.stage_after),
        "comment": h.data.get("comment"),
    }


def _escalation(e: Mapping[str, Any], people: Mapping[str, Account]) -> dict[str, Any]:
    role = str(e["addressee_role"])
    addressee = e.get("addressee")
    to = _person(addressee, role, people) if addressee else f"辖区全体{_role_zh(role)}"
    return {**e, "to": to}


def _worker_totals(view: CaseView) -> dict[str, Any]:
    return {"owed": view.owed_total, "paid": view.paid_total, "outstanding": view.outstanding, "aid": view.aid_total}


def _of_kinds(deadlines: Iterable[Deadline], kinds: frozenset[DeadlineKind]) -> list[Deadline]:
    return [d for d in deadlines if d.kind in kinds]


# --- the sub-processes and the forms ------------------------------------------------------------------------


def _track(shown: Mapping[str, Any] | None, kind: TrackKind) -> dict[str, Any] | None:
    """A sub-process's panel: its status, facts, deadlines and the forms of what this user may do in it."""
    if not shown:
        return None
    status = str(shown.get("status", ""))
    notices = list(shown.get("notices", []))
    detail = dict(shown.get("detail", {}))
    actions = [Action(a) for a in shown.get("allowed_actions", [])]
    forms = [f for f in (_track_form(a, kind, notices, detail) for a in actions) if f is not None]
    statuses: Mapping[Any, str] = BLACKLIST_STATUS_ZH if kind == TrackKind.BLACKLIST else REFERRAL_STATUS_ZH
    status_enum: type[BlacklistStatus] | type[ReferralStatus] = (
        BlacklistStatus if kind == TrackKind.BLACKLIST else ReferralStatus
    )
    try:
        status_zh = shown.get("status_zh") or statuses[status_enum(status)]
    except ValueError:
        status_zh = status
    return {
        "scope": kind.value,
        "title": TRACK_ZH[kind],
        "number": shown.get("number"),
        "status": status,
        "status_zh": status_zh,
        "deadlines": list(shown.get("deadlines", [])),
        "escalations": list(shown.get("escalations", [])),
        "notices": notices,
        "detail": detail,
        "basis": _basis(detail.get("basis")),
        "forms": forms,
    }


def _basis(value: Any) -> str | None:
    try:
        return BASIS_ZH[BlacklistBasis(value)] if value else None
    except ValueError:
        return str(value)


def _track_form(
    action: Action, kind: TrackKind, notices: Sequence[Mapping[str, Any]], detail: Mapping[str, Any]
) -> ActionForm | None:
    if action == Action.RECORD_SERVICE:
        return _service_form((n["notice_id"], n["kind"], n["doc_number"], n.get("served_at")) for n in notices)
    if action == Action.SUBMIT_DEFENSE and kind == TrackKind.BLACKLIST:
        parties = [(p["name"], f"{p['name']}（{label('party_role', p['role'])}）") for p in detail.get("parties", [])]
        return form_for(action, fixed={"procedure": "blacklist"}, choices={"party": parties})
    return form_for(action)


def _case_forms(view: CaseView, notices: Sequence[NoticeView]) -> list[ActionForm]:
    forms: list[ActionForm] = []
    for name in view.allowed_actions:
        action = Action(name)
        if action == Action.RECORD_SERVICE:
            found = _service_form((n.notice_id, n.kind, n.doc_number, n.served_at) for n in notices)
        elif action == Action.SUBMIT_DEFENSE:
            found = form_for(action, defaults={"party": view.employer.name})
        else:
            found = form_for(action)
        if found is not None:
            forms.append(found)
    return forms


def _service_form(notices: Iterable[tuple[str, str, str, Any]]) -> ActionForm | None:
    """登记送达 of a notice still to be served; none when nothing is waiting for service."""
    waiting = [(i, f"{_notice_title(k)} {n}") for i, k, n, served in notices if served is None and _servable(k)]
    return form_for(Action.RECORD_SERVICE, choices={"notice_id": waiting}) if waiting else None


def _servable(kind: str) -> bool:
    try:
        return NoticeKind(kind) in SERVED_KINDS
    except ValueError:
        return False


def _notice_title(kind: str) -> str:
    try:
        return NOTICE_TITLES[NoticeKind(kind)]
    except ValueError:
        return kind


# --- acting -------------------------------------------------------------------------------------------------


@router.post("/cases/{case_id}/actions/{action}")
async def act_by_form(request: Request, case_id: str, action: str, who: SignedIn, b: BackendDep) -> Response:
    """One action's form: applied as the API applies it, then back to the page (303) with a word of success; a
    refusal re-renders the page with its status, the reason next to the form (kept open) and the input kept."""
    posted = await request.form()
    values = {key: value for key, value in posted.items() if isinstance(value, str)}
    check_csrf(who.csrf, values.pop("csrf", None))
    refused = _reader(request, who, case_id)
    if refused is not None:
        return refused
    try:
        act_on = Action(action)
    except ValueError:
        return _refused(request, who, ApiError(ErrorCode.UNKNOWN_ACTION))
    scope = values.pop("_scope", "case")
    scope = scope if scope in SCOPES else "case"
    try:
        await perform(b, who.user, case_id, act_on, body_of(act_on, values, routes.now()))
    except ApiError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            return _refused(request, who, exc)
        failed = failure(act_on, scope, exc, values)
        return await _shown(request, who, b, case_id, status_code=HTTP_STATUS[exc.code], failed=failed)
    return RedirectResponse(f"/cases/{case_id}?done={act_on.value}", status_code=303)


# --- a deadline's count, a notice's PDF ------------------------------------------------------------------------


@router.get("/cases/{case_id}/deadlines/{kind}/explain", response_class=HTMLResponse)
async def deadline_explained(request: Request, case_id: str, kind: str, who: SignedIn, b: BackendDep) -> Response:
    """How a deadline was counted, day by day (on its own page: it reads the working calendar)."""
    refused = _reader(request, who, case_id)
    if refused is not None:
        return refused
    try:
        chosen = DeadlineKind(kind)
    except ValueError:
        return _refused(request, who, ApiError(ErrorCode.NOT_FOUND, "本案没有该种类的期限"))
    try:
        async with b.sessions() as s:
            found = await routes.explain_case_deadline(case_id, chosen, who.user, s)
    except ApiError as exc:
        return _refused(request, who, exc)
    return page(request, "case_deadline.html", who, case_id=case_id, found=found)


@router.get("/notices/{notice_id}.pdf")
async def notice_inline(request: Request, notice_id: str, who: SignedIn, b: BackendDep) -> Response:
    """A notice's PDF to read in the browser, under the API's own check (the case's region must be the user's)."""
    refused = _reader(request, who, None)
    if refused is not None:
        return refused
    try:
        async with b.sessions() as s:
            response = await notice_pdf(notice_id, who.user, s, b)
    except ApiError as exc:
        return _refused(request, who, exc)
    disposition = response.headers.get("content-disposition", "attachment")
    response.headers["content-disposition"] = "inline" + disposition.removeprefix("attachment")
    response.headers["cache-control"] = "no-store"
    return response
