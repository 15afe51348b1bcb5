"""For supervisors and heads: the clear-to-zero dashboard of their regions and the audit view of every case's
history, exported as CSV and as an Excel sheet.

The dashboard reuses the report's figures (db.reports.clear_to_zero, per region) and draws them as an inline SVG
with the same figures in a table (a chart is not readable by everyone); the lists come from db.oversight. The
audit view and its exports show the history rows as the API's history does: ID numbers and phones masked
(api.masking.mask_record), never the stored evidence itself.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy.ext.asyncio import AsyncSession

from api.console.auth import SignedIn, Visitor
from api.console.render import ROLE_ZH, page
from api.deps import Backend, backend, today
from api.masking import mask_record
from api.routes.reports import YEARS
from db import reports
from db.cases import InvalidCursor, from_fen
from db.oversight import (
    AuditFilter,
    AuditRow,
    CaseGroup,
    audit_page,
    audit_rows,
    overdue_by_kind,
    pending_approvals,
    regions_with_cases,
)
from db.users import Account, User, list_accounts
from models.actions import ACTION_ZH, SERVICE_METHOD_ZH
from models.case import DEADLINE_ZH, STAGE_ZH, DeadlineKind, Role
from models.clock import SHANGHAI, to_shanghai
from models.tracks import BLACKLIST_STATUS_ZH, REFERRAL_STATUS_ZH

router = APIRouter(include_in_schema=False)
BackendDep = Annotated[Backend, Depends(backend)]

DASHBOARD_ROLES = frozenset({Role.SUPERVISOR, Role.HEAD})
AUDIT_ROLES = frozenset({Role.SUPERVISOR, Role.HEAD})
"""Not the administrator: it manages accounts and configuration and sees no case (api/masking.py)."""
MAX_REGIONS = 50
"""Rows of the dashboard's figures (districts of a city or province); more are left out, and the page says so."""
AUDIT_PAGE = 50
EXPORT_CAP = 50_000
"""Rows of one export at most; a last row says when there were more."""
CELL_CHARS = 32_000
"""Text per exported cell at most (Excel holds 32,767 characters in a cell; a 5,000-worker finding is longer)."""
SYSTEM_ACTOR = "system"
SYSTEM_NAME = "清零引擎"

EVENT_ZH: dict[str, str] = {
    "intake": "登记投诉",
    "deadline_warning": "临期提醒",
    "deadline_overdue": "逾期提级（一级）",
    "deadline_supervision": "逾期督办（二级）",
    "deadlines_recomputed": "工作日历变更，重新计算期限",
    "blacklist_proposed": "失信名单程序启动（发出告知书）",
    "blacklist_expired": "失信名单期满移出",
    "referral_reported": "涉嫌犯罪案件移送报告报批",
    "court_enforcement_not_needed": "当事人已履行，无需申请强制执行",
    "court_enforcement_due": "申请人民法院强制执行期限开始",
    "case_paid": "案件支付情况通知子程序",
    "payment_passed_on": "向公安机关通报支付情况",
}
"""The history rows the engine (or a sub-process's start) records, which are no action of ACTION_ZH."""
KIND_ZH: dict[str, str] = {**{a.value: name for a, name in ACTION_ZH.items()}, **EVENT_ZH}
STAGE_TEXT: dict[str, str] = {
    **{s.value: name for s, name in STAGE_ZH.items()},
    **{s.value: name for s, name in BLACKLIST_STATUS_ZH.items()},
    **{s.value: name for s, name in REFERRAL_STATUS_ZH.items()},
}
"""A history row's stages: the case's, or a sub-process's statuses (its rows are in the case's history)."""

PENDING_ZH: dict[str, tuple[str, Role]] = {
    "decision": ("行政处理决定待作出", Role.HEAD),
    "penalty": ("行政处罚决定待作出", Role.HEAD),
    "blacklist": ("列入失信联合惩戒名单待决定", Role.HEAD),
    "referral": ("涉嫌犯罪案件移送待审批", Role.HEAD),
    "closing": ("已清零待结案", Role.SUPERVISOR),
}


def _refused(request: Request, who: Visitor, what: str, roles: str) -> Response:
    message = f"{what}仅供{roles}查看，您的账号（{ROLE_ZH.get(who.user.role, who.user.role)}）无权访问。"
    return page(request, "message.html", who, status_code=403, title="无权访问", message=message)


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


# --- 清零看板 ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionFigures:
    """One row of the dashboard's table (and one pair of bars): a district, or the total of the jurisdiction."""

    label: str
    figures: reports.ClearToZeroFigures
    total: bool = False

    @property
    def handled(self) -> int:
        """Cases received and not refused: the clear rate's denominator."""
        return self.figures.received - self.figures.rejected

    @property
    def owed(self) -> Decimal:
        return from_fen(self.figures.owed_fen)

    @property
    def paid(self) -> Decimal:
        return from_fen(self.figures.paid_fen)

    @property
    def outstanding(self) -> Decimal:
        return from_fen(self.figures.outstanding_fen)

    @property
    def clear_rate(self) -> str:
        return _percent(reports.rate(self.figures.cleared_total, self.handled))

    @property
    def rate_3_months(self) -> str:
        f, kind = self.figures, DeadlineKind.CLEAR_3_MONTHS
        return _percent(reports.rate(f.met[kind], f.counted[kind]))

    @property
    def paid_share(self) -> str:
        return _percent(reports.rate(self.figures.paid_fen, self.figures.owed_fen))


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    owed_width: float
    paid_width: float
    owed_title: str
    paid_title: str
    note: str


@dataclass(frozen=True)
class Chart:
    """The bars' geometry, worked out here so the template only places them."""

    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_area: int
    description: str


CHART_WIDTH, LABEL_WIDTH, NOTE_WIDTH, ROW_HEIGHT, BAR_HEIGHT = 720, 90, 110, 46, 16


def chart(rows: Sequence[RegionFigures]) -> Chart:
    """Per region, two horizontal bars: owed and paid (yuan), on one scale; each bar has a ``<title>``."""
    shown = [r for r in rows if not r.total] or list(rows)
    area = CHART_WIDTH - LABEL_WIDTH - NOTE_WIDTH
    top = max((r.figures.owed_fen for r in shown), default=0) or 1
    bars = []
    for i, r in enumerate(shown):
        owed, paid = r.figures.owed_fen, r.figures.paid_fen
        bars.append(
            Bar(
                label=r.label,
                y=10 + i * ROW_HEIGHT,
                owed_width=round(area * owed / top, 1),
                paid_width=round(area * paid / top, 1),
                owed_title=f"{r.label} 欠薪金额 {r.owed:,.2f} 元（{r.figures.received} 件）",
                paid_title=f"{r.label} 已支付 {r.paid:,.2f} 元，占 {r.paid_share}",
                note=f"已付 {r.paid_share}",
            )
        )
    description = "；".join(f"{r.label}：欠薪 {r.owed:,.2f} 元，已支付 {r.paid:,.2f} 元" for r in shown)
    return Chart(
        bars=bars,
        width=CHART_WIDTH,
        height=20 + len(bars) * ROW_HEIGHT,
        label_width=LABEL_WIDTH,
        bar_area=area,
        description=f"各辖区欠薪与已支付金额条形图。{description}。",
    )


def _year(raw: str | None, default: int) -> int:
    """The year asked for, or this year: an unreadable or out-of-range one is this year (a form's select)."""
    try:
        year = int(raw) if raw else default
    except ValueError:
        return default
    return year if YEARS[0] <= year <= YEARS[1] else default


async def region_figures(s: AsyncSession, user: User, year: int, day: date) -> tuple[list[RegionFigures], bool]:
    """A row per district of the user's regions (a city's or province's: those with cases in the year), and a
    total row when there is more than one, or a city or province. Also whether districts were left out."""
    prefixes = user.prefixes() or []
    codes = {p for p in prefixes if len(p) == 6}
    broad = [p for p in prefixes if len(p) < 6]
    if broad:
        codes |= set(await regions_with_cases(s, broad, year, MAX_REGIONS + 1))
    ordered = sorted(codes)
    rows = [RegionFigures(code, await reports.clear_to_zero(s, [code], year, day)) for code in ordered[:MAX_REGIONS]]
    if len(rows) != 1 or broad:
        rows.append(RegionFigures("合计", await reports.clear_to_zero(s, prefixes, year, day), total=True))
    return rows, len(ordered) > MAX_REGIONS


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(
    request: Request, who: SignedIn, b: BackendDep, year: Annotated[str | None, Query(max_length=8)] = None
) -> Response:
    """清零看板: my regions' clear-to-zero figures for a year, the overdue deadlines, what waits for approval."""
    user = who.user
    if user.role not in DASHBOARD_ROLES:
        return _refused(request, who, "清零看板", "科室负责人和部门负责人")
    day = today()
    chosen = _year(year, day.year)
    prefixes = user.prefixes()
    async with b.sessions() as s:
        rows, capped = await region_figures(s, user, chosen, day)
        overdue = await overdue_by_kind(s, prefixes, day)
        pending = await pending_approvals(s, prefixes)
    years = sorted({*range(day.year - 5, day.year + 1), chosen}, reverse=True)
    return page(
        request,
        "dashboard.html",
        who,
        year=chosen,
        years=years,
        today=day,
        rows=rows,
        regions_capped=capped,
        max_regions=MAX_REGIONS,
        chart=chart(rows),
        overdue=overdue,
        overdue_total=sum(g.count for g in overdue),
        pending=[_pending(g) for g in pending],
        pending_total=sum(g.count for g in pending),
    )


def _pending(group: CaseGroup) -> dict[str, Any]:
    label, role = PENDING_ZH[group.key]
    return {"key": group.key, "label": label, "role": ROLE_ZH[role], "count": group.count, "cases": group.cases}


# --- 审计 ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditQuery:
    """The audit view's filters as asked (empty: not filtered), and what was wrong with them."""

    actor: str = ""
    kind: str = ""
    date_from: str = ""
    date_to: str = ""
    errors: tuple[str, ...] = ()

    def params(self) -> dict[str, str]:
        """The filters of a link (paging, exports), without the empty ones."""
        values = {"actor": self.actor, "kind": self.kind, "from": self.date_from, "to": self.date_to}
        return {k: v for k, v in values.items() if v}

    def query_string(self) -> str:
        return urlencode(self.params())


def _day(raw: str, name: str, errors: list[str]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{name}应为“年-月-日”格式的日期，例如 2026-01-31")
        return None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def audit_filter(user: User, q: AuditQuery) -> tuple[AuditFilter, list[str]]:
    """The query's filter over the user's jurisdiction (admin: every case); from and to are Shanghai days,
    both included."""
    errors: list[str] = []
    start, end = _day(q.date_from, "开始日期", errors), _day(q.date_to, "结束日期", errors)
    if start and end and start > end:
        errors.append("开始日期晚于结束日期")
    f = AuditFilter(
        prefixes=user.prefixes(),
        actor=q.actor or None,
        kind=q.kind or None,
        since=_midnight(start) if start else None,
        until=_midnight(end + timedelta(days=1)) if end else None,
    )
    return f, errors


def _overlaps(a: Account, prefixes: list[str] | None) -> bool:
    """Whether an account may have acted on cases the viewer sees: their regions and the viewer's overlap."""
    if prefixes is None:
        return True
    theirs = a.user().prefixes()
    if theirs is None:  # an administrator acts on no case
        return False
    return any(p.startswith(t) or t.startswith(p) for p in prefixes for t in theirs)


@dataclass(frozen=True)
class People:
    """Who the user ids of the history are: every account's name, and the ones the actor select offers."""

    names: dict[str, str]
    choices: list[tuple[str, str]]

    def name(self, user_id: str) -> str:
        return SYSTEM_NAME if user_id == SYSTEM_ACTOR else self.names.get(user_id, user_id)


async def people(s: AsyncSession, user: User) -> People:
    accounts = await list_accounts(s)
    prefixes = user.prefixes()
    choices = [
        (a.user_id, f"{a.name}（{ROLE_ZH[a.role]}）")
        for a in sorted(accounts, key=lambda a: (a.role.value, a.name))
        if _overlaps(a, prefixes)
    ]
    return People({a.user_id: a.name for a in accounts}, [(SYSTEM_ACTOR, SYSTEM_NAME), *choices])


FIELD_ZH: dict[str, str] = {
    "comment": "备注",
    "reason": "理由",
    "reason_code": "理由类别",
    "missing": "需补正材料",
    "received_at": "收到时间",
    "worker_count": "工人人数",
    "workers": "工人",
    "payments": "支付",
    "amount": "金额",
    "paid_at": "支付时间",
    "source": "支付方",
    "id_number": "身份证号",
    "phone": "电话",
    "due": "到期日",
    "due_date": "限期",
    "deadline_kind": "期限",
    "deadlines": "期限",
    "level": "级别",
    "addressee_role": "提醒对象",
    "addressee": "收件人",
    "notice": "文书",
    "notice_id": "文书编号",
    "doc_number": "文号",
    "served_at": "送达时间",
    "method": "送达方式",
    "recipient": "签收人",
    "receipt": "送达回证",
    "case_number": "案件编号",
    "assignee": "承办人",
    "rate": "加付赔偿金比例",
    "track_id": "子程序",
    "parties": "当事人",
    "basis": "依据",
    "paid_total": "已支付",
    "outstanding": "未支付",
    "term_end": "期满日",
    "procedure": "程序",
}
SUMMARY_CHARS = 160
"""Characters of a row's details on the page; the exports have all of them."""


def _value(key: str, value: Any, people: People) -> str:
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return "、".join(str(v) for v in value) if value else "无"
        return f"{len(value)} 项"
    if isinstance(value, dict):
        return "（" + summary(value, people) + "）"
    if value is None:
        return "—"
    text = str(value)
    if key == "deadline_kind":
        return _zh(DEADLINE_ZH, text)
    if key == "addressee_role":
        return _zh(ROLE_ZH, text)
    if key in ("addressee", "assignee"):
        return people.name(text)
    if key == "method":
        return _zh(SERVICE_METHOD_ZH, text)
    return text


def _zh(table: Mapping[Any, str], value: str) -> str:
    found = {str(k): v for k, v in table.items()}.get(value)
    return found if found is not None else value


def summary(data: Mapping[str, Any], people: People) -> str:
    """A history row's (masked) data in a line: the fields by their Chinese names where known."""
    return "；".join(f"{FIELD_ZH.get(k, k)}：{_value(k, v, people)}" for k, v in data.items())


@dataclass(frozen=True)
class AuditLine:
    """A history row as the audit shows and exports it: in Chinese, its data masked."""

    at: datetime
    case_id: str
    case_number: str | None
    actor: str
    who: str
    role: str
    kind: str
    what: str
    stage_before: str
    stage_after: str
    details: str
    data: dict[str, Any]

    @property
    def short_details(self) -> str:
        return self.details if len(self.details) <= SUMMARY_CHARS else self.details[:SUMMARY_CHARS] + "…"


def audit_line(row: AuditRow, people: People) -> AuditLine:
    data = mask_record(row.data or {})
    system = row.actor == SYSTEM_ACTOR
    return AuditLine(
        at=to_shanghai(row.at),
        case_id=row.case_id,
        case_number=row.case_number,
        actor=row.actor,
        who=people.name(row.actor),
        role="" if system else _zh(ROLE_ZH, row.actor_role),
        kind=row.kind,
        what=KIND_ZH.get(row.kind, row.kind),
        stage_before=STAGE_TEXT.get(row.stage_before, row.stage_before) if row.stage_before else "—",
        stage_after=STAGE_TEXT.get(row.stage_after, row.stage_after),
        details=summary(data, people),
        data=data,
    )


def _query(actor: str | None, kind: str | None, date_from: str | None, date_to: str | None) -> AuditQuery:
    return AuditQuery(
        actor=(actor or "").strip(),
        kind=(kind or "").strip(),
        date_from=(date_from or "").strip(),
        date_to=(date_to or "").strip(),
    )


Actor = Annotated[str | None, Query(max_length=40)]
Kind = Annotated[str | None, Query(max_length=40)]
From = Annotated[str | None, Query(alias="from", max_length=10)]
To = Annotated[str | None, Query(max_length=10)]


@router.get("/audit", response_class=HTMLResponse)
async def audit(
    request: Request,
    who: SignedIn,
    b: BackendDep,
    actor: Actor = None,
    kind: Kind = None,
    date_from: From = None,
    to: To = None,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> Response:
    """审计: the history rows of my regions' cases (admin: all), newest first, filtered, 50 a page by keyset."""
    user = who.user
    if user.role not in AUDIT_ROLES:
        return _refused(request, who, "审计记录", "科室负责人、部门负责人和系统管理员")
    q = _query(actor, kind, date_from, to)
    f, errors = audit_filter(user, q)
    async with b.sessions() as s:
        known = await people(s, user)
        lines: list[AuditLine] = []
        next_cursor = None
        if not errors:
            try:
                found = await audit_page(s, f, AUDIT_PAGE, cursor or None)
            except InvalidCursor:
                found = await audit_page(s, f, AUDIT_PAGE)
                cursor = None
            lines = [audit_line(r, known) for r in found.rows]
            next_cursor = found.next_cursor
    query = q.query_string()
    return page(
        request,
        "audit.html",
        who,
        status_code=400 if errors else 200,
        q=q,
        errors=errors,
        lines=lines,
        actors=known.choices,
        kinds=sorted(KIND_ZH.items(), key=lambda kv: (kv[0] not in ACTION_VALUES, kv[1])),
        paged=bool(cursor),
        next_url="/audit?" + urlencode({**q.params(), "cursor": next_cursor}) if next_cursor else None,
        first_url="/audit" + (f"?{query}" if query else ""),
        csv_url="/audit.csv" + (f"?{query}" if query else ""),
        xlsx_url="/audit.xlsx" + (f"?{query}" if query else ""),
        export_cap=EXPORT_CAP,
    )


ACTION_VALUES = frozenset(a.value for a in ACTION_ZH)

HEADERS = (
    "时间（北京时间）",
    "案件编号",
    "案件ID",
    "操作人",
    "角色",
    "事项",
    "事项代码",
    "阶段（前）",
    "阶段（后）",
    "详情",
    "数据（已脱敏）",
)
COLUMN_WIDTHS = (18, 24, 22, 14, 12, 28, 22, 14, 14, 60, 60)
CAPPED_NOTE = "已达导出上限 {cap:,} 行，其后的记录未导出；请缩小筛选范围（操作人、事项或日期）后分批导出。"


def _cut(text: str) -> str:
    return text if len(text) <= CELL_CHARS else text[:CELL_CHARS] + "…（已截断）"


def export_cells(line: AuditLine) -> list[Any]:
    """One exported row, in HEADERS' order (the time as a Shanghai wall-clock datetime)."""
    return [
        line.at.replace(tzinfo=None, microsecond=0),
        line.case_number or "",
        line.case_id,
        line.who,
        line.role,
        line.what,
        line.kind,
        line.stage_before,
        line.stage_after,
        _cut(line.details),
        _cut(json.dumps(line.data, ensure_ascii=False, sort_keys=True)),
    ]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value: Any) -> str:
    """A cell as CSV text; text that a spreadsheet would run as a formula is quoted with an apostrophe."""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(lines: Sequence[AuditLine], capped: bool) -> bytes:
    """UTF-8 with a BOM: Excel then reads the Chinese right (without one it guesses the system's code page)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for line in lines:
        writer.writerow([_csv_text(v) for v in export_cells(line)])
    if capped:
        writer.writerow([CAPPED_NOTE.format(cap=EXPORT_CAP)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(lines: Sequence[AuditLine], capped: bool) -> bytes:
    """One sheet, written row by row (write-only: 50,000 rows without holding a cell object each): a bold
    header row, frozen, and column widths for Chinese text."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计记录")
    ws.freeze_panes = "A2"
    for i, width in enumerate(COLUMN_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    ws.append(header)
    for line in lines:
        row: list[Any] = []
        for value in export_cells(line):
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            row.append(cell)
        ws.append(row)
    if capped:
        ws.append([CAPPED_NOTE.format(cap=EXPORT_CAP)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def _export(request: Request, who: Visitor, b: Backend, q: AuditQuery) -> tuple[list[AuditLine], bool] | Response:
    user = who.user
    if user.role not in AUDIT_ROLES:
        return _refused(request, who, "审计记录", "科室负责人、部门负责人和系统管理员")
    f, errors = audit_filter(user, q)
    if errors:
        message = "；".join(errors)
        return page(request, "message.html", who, status_code=400, title="无法导出", message=message, back="/audit")
    async with b.sessions() as s:
        known = await people(s, user)
        rows, capped = await audit_rows(s, f, EXPORT_CAP)
    return [audit_line(r, known) for r in rows], capped


def _attachment(content: bytes, media_type: str, suffix: str) -> Response:
    name = f"qingling-audit-{today():%Y%m%d}.{suffix}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(content, media_type=media_type, headers=headers)


EXPORTS: dict[str, tuple[Callable[..., bytes], str]] = {
    "csv": (csv_bytes, "text/csv; charset=utf-8"),
    "xlsx": (xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@router.get("/audit.{fmt}")
async def audit_export(
    request: Request,
    who: SignedIn,
    b: BackendDep,
    fmt: Literal["csv", "xlsx"],
    actor: Actor = None,
    kind: Kind = None,
    date_from: From = None,
    to: To = None,
) -> Response:
    """The audit view's rows (the same filters, every page) as CSV or an Excel sheet, up to EXPORT_CAP rows."""
    found = await _export(request, who, b, _query(actor, kind, date_from, to))
    if isinstance(found, Response):
        return found
    render, media = EXPORTS[fmt]
    return _attachment(render(*found), media, fmt)
