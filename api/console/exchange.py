"""Excel in the console: upload complaints (the same import as `qingling import complaints`, api/exchange), see
each complaint's outcome and every problem by row, download the error sheet; download the ledger and the half-year
report of one's jurisdiction."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from api.console.auth import SignedIn, Visitor, check_csrf
from api.console.render import page
from api.deps import Backend, backend, today
from api.errors import ApiError
from api.exchange.complaints_sheet import SheetError, error_sheet, parse, template
from api.exchange.exports import NotCovered, half_year_workbook, ledger_workbook
from api.exchange.importer import IMPORT_ROLES, Outcome, start_all
from api.exchange.report_sheets import Period, half_year
from models.case import Role
from models.errors import HTTP_STATUS

router = APIRouter(include_in_schema=False)
BackendDep = Annotated[Backend, Depends(backend)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 20 * 1024 * 1024
"""An upload larger than this is refused before it is read (2,000 rows are ~150 KB)."""
EXPORT_ROLES = frozenset({Role.INSPECTOR, Role.SUPERVISOR, Role.HEAD})


def _errors_dir(b: Backend) -> Path:
    return b.settings.var_dir / "imports"


def _refused(request: Request, who: Visitor, what: str) -> HTMLResponse:
    return page(request, "message.html", who, status_code=403, title="无权操作", message=what)


@router.get("/import", response_class=HTMLResponse)
async def import_form(request: Request, who: SignedIn) -> Response:
    if who.user.role not in IMPORT_ROLES:
        return _refused(request, who, "只有监察员、科室负责人可以导入投诉。")
    return page(request, "import.html", who, results=None, errors=None)


@router.get("/import/template.xlsx")
async def import_template(who: SignedIn) -> Response:
    return _download(template(), "complaints-template.xlsx")


@router.post("/import", response_class=HTMLResponse)
async def import_upload(
    request: Request,
    who: SignedIn,
    b: BackendDep,
    file: Annotated[UploadFile, File()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(who.csrf, csrf)
    if who.user.role not in IMPORT_ROLES:
        return _refused(request, who, "只有监察员、科室负责人可以导入投诉。")
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return page(request, "import.html", who, status_code=413, problem="文件超过 20 MB：请分批导入。")
    try:
        parsed = parse(data, datetime.now(UTC))
    except SheetError as exc:
        return page(request, "import.html", who, status_code=422, problem=str(exc))
    try:
        results = await start_all(b, who.user, parsed)
    except ApiError as exc:
        return page(request, "import.html", who, status_code=HTTP_STATUS[exc.code], problem=exc.message)
    errors_id = None
    if parsed.errors:
        errors_id = f"{who.user.user_id}-{secrets.token_hex(12)}"
        folder = _errors_dir(b)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{errors_id}.xlsx").write_bytes(error_sheet(parsed))
    counts = {o.value: sum(1 for r in results if r.outcome == o) for o in Outcome}
    return page(
        request,
        "import.html",
        who,
        status_code=200,
        file_name=file.filename or "",
        rows=parsed.rows,
        results=results,
        counts=counts,
        errors=parsed.errors,
        errors_id=errors_id,
    )


@router.get("/import/errors/{errors_id}.xlsx")
async def import_errors(request: Request, errors_id: str, who: SignedIn, b: BackendDep) -> Response:
    """The error sheet of one of the visitor's own imports."""
    owner, _, token = errors_id.partition("-")
    path = _errors_dir(b) / f"{errors_id}.xlsx"
    if owner != who.user.user_id or not token.isalnum() or not path.is_file():
        return page(request, "message.html", who, status_code=404, title="找不到", message="没有这份错误清单。")
    headers = {"Content-Disposition": 'attachment; filename="errors.xlsx"', "Cache-Control": "no-store"}
    return Response(path.read_bytes(), media_type=XLSX, headers=headers)


@router.get("/exports", response_class=HTMLResponse)
async def exports(request: Request, who: SignedIn) -> Response:
    if who.user.role not in EXPORT_ROLES:
        return _refused(request, who, "只有监察员、科室负责人、部门负责人可以导出台账和报表。")
    d = today()
    return page(
        request,
        "exports.html",
        who,
        regions=who.user.regions,
        date_from=date(d.year, 1, 1).isoformat(),
        date_to=d.isoformat(),
        period=f"{d.year}H{1 if d.month <= 6 else 2}",
    )


def _download(data: bytes, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(data, media_type=XLSX, headers=headers)


@router.get("/exports/ledger.xlsx")
async def ledger_download(
    request: Request,
    who: SignedIn,
    b: BackendDep,
    region: Annotated[str, Query(pattern=r"^\d{6}$")],
    date_from: Annotated[date, Query(alias="from")],
    date_to: Annotated[date, Query(alias="to")],
) -> Response:
    if who.user.role not in EXPORT_ROLES:
        return _refused(request, who, "只有监察员、科室负责人、部门负责人可以导出台账。")
    if date_to < date_from:
        return page(
            request, "message.html", who, status_code=422, title="无法导出", message="截止日期不能早于起始日期。"
        )
    try:
        data = await ledger_workbook(b.sessions, who.user, region, Period(date_from, date_to), today())
    except NotCovered as exc:
        return _refused(request, who, str(exc))
    return _download(data, f"ledger-{region}-{date_from}-{date_to}.xlsx")


@router.get("/exports/half-year.xlsx")
async def half_year_download(
    request: Request,
    who: SignedIn,
    b: BackendDep,
    region: Annotated[str, Query(pattern=r"^\d{6}$")],
    period: Annotated[str, Query(max_length=10)],
) -> Response:
    if who.user.role not in EXPORT_ROLES:
        return _refused(request, who, "只有监察员、科室负责人、部门负责人可以导出报表。")
    try:
        year, half = half_year(period)
    except ValueError as exc:
        return page(request, "message.html", who, status_code=422, title="无法导出", message=str(exc))
    try:
        data = await half_year_workbook(b.sessions, who.user, region, year, half, today())
    except NotCovered as exc:
        return _refused(request, who, str(exc))
    return _download(data, f"half-year-{region}-{year}H{half}.xlsx")
