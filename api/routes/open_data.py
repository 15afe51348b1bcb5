"""Open data, without sign-in (docs/open-data.md): concluded cases as anonymous rows (JSON pages and CSV) and figures
per county and month with small groups suppressed. Cacheable by anyone; nothing in an answer opens anything else."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import StreamingResponse

from api.deps import BackendDep, Session, today
from api.errors import ERROR_RESPONSES, invalid
from db import open_data
from db.calendar import working_calendar
from db.open_data import Scope
from models.clock import SHANGHAI
from models.open_data import OpenAggregate, OpenCase, OpenCasePage

router = APIRouter(prefix="/api/v1/open", tags=["open-data"])
"""No dependency on the caller: open to the public like /api/v1/public."""
CACHE_CONTROL = "public, max-age=3600"
ERRORS: dict[int | str, dict[str, Any]] = {422: ERROR_RESPONSES[422]}
MAX_LIMIT = 500
MAX_OFFSET = 10_000_000
MONTH = r"^20\d{2}-(0[1-9]|1[0-2])$"
"""A month of this century (wage arrears before 2000 are not handled: models.case.WAGES_BEGIN)."""

Region = Annotated[str | None, Query(pattern=r"^\d{2}(\d{2}(\d{2})?)?$", description="行政区划代码前缀：2、4 或 6 位")]


def _month_start(text: str) -> datetime:
    year, month = (int(p) for p in text.split("-"))
    return datetime(year, month, 1, tzinfo=SHANGHAI)


FROM_MONTH = "起始月份 YYYY-MM（按办结月份，北京时间）"
TO_MONTH = "截止月份 YYYY-MM（含）"


def _scope(
    region: Region = None,
    date_from: Annotated[
        str | None, Query(alias="from", pattern=MONTH, description="起始月份 YYYY-MM（按办结月份）")
    ] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=MONTH, description="截止月份 YYYY-MM（含）")] = None,
) -> Scope:
    """The filters every open-data route takes: a region prefix and a range of months concluded."""
    start = _month_start(date_from) if date_from else datetime(2000, 1, 1, tzinfo=SHANGHAI)
    if date_to:
        last = _month_start(date_to)
        end = datetime(last.year + (last.month == 12), last.month % 12 + 1, 1, tzinfo=SHANGHAI)
    else:
        end = datetime(9999, 1, 1, tzinfo=SHANGHAI)
    if end <= start:
        raise invalid([{"loc": ("query", "to"), "type": "value_error", "ctx": {"error": "截止月份不能早于起始月份"}}])
    return Scope(prefix=region, start=start, end=end)


ScopeDep = Annotated[Scope, Depends(_scope)]


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["o"]
        if isinstance(value, int) and 0 <= value <= MAX_OFFSET:
            return value
    except (ValueError, KeyError, TypeError):
        pass
    raise invalid([{"loc": ("query", "cursor"), "type": "value_error", "ctx": {"error": "翻页游标无效"}}])


def _cursor(offset: int) -> str:
    """An offset into the filtered list: it names no case."""
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


@router.get("/cases", response_model=OpenCasePage, summary="已办结案件开放数据（匿名）", responses=ERRORS)
async def open_cases(
    session: Session,
    response: Response,
    scope: ScopeDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> OpenCasePage:
    offset = _offset(cursor)
    calendar = await working_calendar(session)
    items, more = await open_data.concluded_page(session, scope, offset, limit, today(), calendar)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return OpenCasePage(items=items, next_cursor=_cursor(offset + limit) if more else None)


CSV_FIELDS = list(OpenCase.model_fields)


@router.get(
    "/cases.csv", summary="已办结案件开放数据（CSV，UTF-8）", responses=ERRORS, response_class=StreamingResponse
)
async def open_cases_csv(
    b: BackendDep,
    scope: ScopeDep,
) -> StreamingResponse:
    day = today()

    async def lines() -> AsyncIterator[bytes]:
        yield "\ufeff".encode()  # Excel opens UTF-8 with its byte-order mark as Chinese, not mojibake
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
        writer.writeheader()
        async with b.sessions() as s:
            calendar = await working_calendar(s)
            async for item in open_data.all_concluded(s, scope, day, calendar):
                writer.writerow(item.model_dump())
                if buffer.tell() > 64 * 1024:
                    yield buffer.getvalue().encode()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue().encode()

    headers = {"Cache-Control": CACHE_CONTROL, "Content-Disposition": 'attachment; filename="open-cases.csv"'}
    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get(
    "/aggregates", response_model=list[OpenAggregate], summary="按县区和月份的汇总（小数抑制）", responses=ERRORS
)
async def open_aggregates(
    session: Session,
    response: Response,
    scope: ScopeDep,
) -> list[OpenAggregate]:
    rows = await open_data.aggregates(session, scope, today())
    response.headers["Cache-Control"] = CACHE_CONTROL
    return rows
