"""The intake form (登记投诉): a complaint with its workers as an editable table. The API's own validation gives the
messages, each beside its field; whatever was typed comes back on an error; a hidden key generated with the form
makes one case however often it is sent (the API's Idempotency-Key)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import FormData

from api.console.auth import SignedIn, check_csrf
from api.console.render import page
from api.deps import Backend, backend
from api.errors import ApiError, validation_details
from api.routes.cases import create_case, new_case_id
from db.users import User
from models.case import MAX_WORKERS, CaseIntake, Channel, Role
from models.clock import SHANGHAI
from models.errors import HTTP_STATUS, ErrorCode

router = APIRouter(include_in_schema=False)
BackendDep = Annotated[Backend, Depends(backend)]

CHANNEL_ZH = {
    Channel.HOTLINE: "12333 热线",
    Channel.WEBSITE: "网站",
    Channel.WALK_IN: "来访",
    Channel.LETTER: "来信",
    Channel.PLATFORM_REFERRAL: "平台转办",
    Channel.INSPECTION: "日常巡查",
}
WORKER_COLUMNS = (
    ("name", "姓名"),
    ("id_number", "身份证号码"),
    ("phone", "手机号码"),
    ("owed_amount", "欠薪金额（元）"),
    ("owed_from", "欠薪起始日期"),
    ("owed_to", "欠薪截止日期"),
)
FLAT = {  # form field → the intake's path
    "received_at": ("received_at",),
    "channel": ("channel",),
    "region_code": ("region_code",),
    "description": ("description",),
    "employer_name": ("employer", "name"),
    "employer_uscc": ("employer", "uscc"),
    "employer_legal_representative": ("employer", "legal_representative"),
    "employer_address": ("employer", "address"),
    "project_name": ("project", "name"),
    "gc_name": ("project", "general_contractor", "name"),
    "gc_uscc": ("project", "general_contractor", "uscc"),
    "cu_name": ("project", "construction_unit", "name"),
    "cu_uscc": ("project", "construction_unit", "uscc"),
    "complainant_name": ("complainant", "name"),
    "complainant_id_number": ("complainant", "id_number"),
    "complainant_phone": ("complainant", "phone"),
}
BY_PATH = {".".join(path): name for name, path in FLAT.items()}
EMPTY_ROWS, MORE_ROWS = 3, 5
FORM_FIELDS = MAX_WORKERS * 8 + 100
"""The most fields a post is read with: the full table (6 cells a worker) and the rest of the form, with room for
rows emptied or removed in the browser, which still count in ``rows``."""
ROW_FIELDS = FORM_FIELDS // len(WORKER_COLUMNS)
"""The most table rows read: a bound on a forged ``rows``, never below what a full table with emptied rows posts."""
ROW_CHECK_CELL = "owed_from"
"""Where a worker's own check (the wage period's order, ``workers.N``) is shown: beside its start date."""
DATES = ("owed_from", "owed_to")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SHEET_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
SHEET_AMOUNT = re.compile(r"^[¥￥]?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*元?$")


@dataclass
class Filled:
    """The form as typed (to show it again) and what it makes of it."""

    values: dict[str, str]
    rows: list[dict[str, str]]
    key: str
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    filed: str | None = None
    """The case this form already made, when sent again with other content (the key was reused)."""

    def row_error(self, i: int, column: str) -> list[str]:
        return self.errors.get(f"w-{i}-{column}", [])


def _may_file(who: User) -> bool:
    return who.role in (Role.INSPECTOR, Role.SUPERVISOR)


def _refused(request: Request, who: Any) -> Response:
    message = "只有监察员和科室负责人可以登记投诉。"
    return page(request, "message.html", who, status_code=403, title="登记投诉", message=message)


def _blank(user: User) -> Filled:
    moment = datetime.now(SHANGHAI).strftime("%Y-%m-%dT%H:%M:%S")
    region = next((r for r in user.regions if len(r) == 6 and not r.endswith("00")), "")
    values = {"received_at": moment, "channel": Channel.HOTLINE.value, "region_code": region}
    return Filled(values, [{} for _ in range(EMPTY_ROWS)], uuid.uuid4().hex)


def _show(request: Request, who: Any, filled: Filled, status_code: int = 200) -> Response:
    return page(
        request,
        "complaint.html",
        who,
        status_code=status_code,
        f=filled,
        channels=CHANNEL_ZH,
        columns=WORKER_COLUMNS,
        max_workers=MAX_WORKERS,
        input_type=input_type,
    )


@router.get("/cases/new")
async def complaint_form(request: Request, who: SignedIn) -> Response:
    if not _may_file(who.user):
        return _refused(request, who)
    return _show(request, who, _blank(who.user))


def sheet_cell(column: str, text: str) -> str:
    """A spreadsheet's way of writing a date (2026/6/1, 2026年6月1日) or an amount (¥1,000.00, 1000元) in the one
    form the API takes; anything else as typed, for the model to refuse with its message. Unambiguous forms only:
    a comma is read as a thousands separator only in groups of three."""
    if column in DATES and (m := SHEET_DATE.match(text)):
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return text
    if column == "owed_amount" and (m := SHEET_AMOUNT.match(text)):
        return m[1].replace(",", "") + (m[2] or "")
    return text


def input_type(column: str, value: str) -> str:
    """A date cell is a date picker, unless it holds text a picker would blank (the browser empties a date input
    whose value is not ``YYYY-MM-DD``): then plain text, so what was typed stays in view beside its message."""
    return "date" if column in DATES and (not value or _is_day(value)) else "text"


def _is_day(value: str) -> bool:
    if not ISO_DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def pasted_rows(text: str) -> list[dict[str, str]]:
    """Lines copied from a spreadsheet (tab-separated; a run of spaces also separates): name, ID number, phone,
    amount, from, to."""
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in (line.split("\t") if "\t" in line else line.split())]
        if any(cells):
            rows.append({name: (cells[i] if i < len(cells) else "") for i, (name, _) in enumerate(WORKER_COLUMNS)})
    return rows


def read_form(form: FormData) -> Filled:
    """The form as sent. Rows are not cut at the maximum of workers: rows emptied in the browser still count in
    ``rows``, and a table over the maximum is refused with a message, never shortened."""
    values = {name: str(form.get(name, "")).strip() for name in (*FLAT, "major")}
    given = str(form.get("rows", "0")).strip()
    count = min(int(given) if given.isdigit() else 0, ROW_FIELDS)
    rows = [{c: str(form.get(f"w-{i}-{c}", "")).strip() for c, _ in WORKER_COLUMNS} for i in range(count)]
    rows = [r for r in rows if any(r.values())] + pasted_rows(str(form.get("paste", "")))
    rows = [{c: sheet_cell(c, v) for c, v in r.items()} for r in rows]
    return Filled(values, rows, str(form.get("idempotency_key", "")) or uuid.uuid4().hex)


def _received(text: str) -> str:
    """A ``datetime-local`` value (no offset) is Beijing time; anything else as typed, for the model to refuse."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return (moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment).isoformat()


def intake_of(filled: Filled) -> dict[str, Any]:
    """The intake as the API takes it; optional parts left out when empty."""
    v = filled.values
    intake: dict[str, Any] = {
        "received_at": _received(v["received_at"]),
        "channel": v["channel"],
        "region_code": v["region_code"],
        "description": v["description"],
        "major": v["major"] == "true",
        "employer": {"name": v["employer_name"], "uscc": v["employer_uscc"]},
        "complainant": {"name": v["complainant_name"]},
        "workers": [{k: val for k, val in row.items() if val or k != "phone"} for row in filled.rows],
    }
    for key in ("legal_representative", "address"):
        if v[f"employer_{key}"]:
            intake["employer"][key] = v[f"employer_{key}"]
    for key in ("id_number", "phone"):
        if v[f"complainant_{key}"]:
            intake["complainant"][key] = v[f"complainant_{key}"]
    if v["project_name"] or v["gc_name"] or v["cu_name"]:
        project: dict[str, Any] = {"name": v["project_name"]}
        for prefix, key in (("gc", "general_contractor"), ("cu", "construction_unit")):
            if v[f"{prefix}_name"] or v[f"{prefix}_uscc"]:
                project[key] = {"name": v[f"{prefix}_name"], "uscc": v[f"{prefix}_uscc"]}
        intake["project"] = project
    return intake


def place(filled: Filled, details: list[dict[str, Any]]) -> None:
    """Each message beside its field: ``workers.2.id_number`` → that row's cell; others at the top."""
    for d in details:
        path, message = str(d.get("field", "")), str(d.get("message", ""))
        parts = path.split(".")
        if len(parts) == 3 and parts[0] == "workers" and parts[1].isdigit():
            name = f"w-{parts[1]}-{parts[2]}"
        elif len(parts) == 2 and parts[0] == "workers" and parts[1].isdigit():
            name = f"w-{parts[1]}-{ROW_CHECK_CELL}"
        else:
            name = BY_PATH.get(path, "")
        if name:
            filled.errors.setdefault(name, []).append(message)
        else:
            filled.general.append(message if not path or path == "workers" else f"{path}：{message}")


def mark_duplicates(filled: Filled) -> None:
    """The model refuses a repeated ID number without saying where (one message for the whole complaint): each
    repeat is marked beside its cell, naming the row it repeats."""
    first: dict[str, int] = {}
    for i, row in enumerate(filled.rows):
        ident = row.get("id_number", "").upper()
        if not ident:
            continue
        if ident in first:
            filled.errors.setdefault(f"w-{i}-id_number", []).append(f"与第 {first[ident] + 1} 行的身份证号码相同")
        else:
            first[ident] = i


@router.post("/cases/new")
async def file_complaint(request: Request, who: SignedIn, b: BackendDep) -> Response:
    if not _may_file(who.user):
        return _refused(request, who)
    form = await request.form(max_fields=FORM_FIELDS)
    check_csrf(who.csrf, str(form.get("csrf", "")))
    filled = read_form(form)
    if form.get("more_rows") is not None:
        filled.rows += [{} for _ in range(MORE_ROWS)]
        return _show(request, who, filled)
    if not filled.rows:
        filled.general.append("请至少填写一名劳动者")
        return _show(request, who, filled, 422)
    if len(filled.rows) > MAX_WORKERS:
        filled.general.append(f"本次共填写 {len(filled.rows):,} 名劳动者，单次登记最多 {MAX_WORKERS:,} 名，请分批登记")
        return _show(request, who, filled, 422)
    try:
        intake = CaseIntake.model_validate(intake_of(filled))
    except ValidationError as exc:
        place(filled, validation_details(exc.errors()))
        mark_duplicates(filled)
        return _show(request, who, filled, 422)
    answer = Response()
    try:
        view = await create_case(intake, who.user, b, answer, filled.key)
    except ApiError as exc:
        if exc.code == ErrorCode.IDEMPOTENCY_KEY_REUSED:
            # Back to a form already filed, changed, sent again: show the case it made; a new key, so that
            # sending it once more (a decision, not a double click) files a new case.
            filled.filed, filled.key = new_case_id(who.user.user_id, filled.key), uuid.uuid4().hex
            return _show(request, who, filled, HTTP_STATUS[exc.code])
        place(filled, exc.details)
        if not exc.details:
            filled.general.append(exc.message)
        return _show(request, who, filled, 422 if exc.details else HTTP_STATUS[exc.code])
    return RedirectResponse(f"/cases/{view.case_id}?done=intake", status_code=303)
