"""The daily digest of a region (每日逾期汇总), as the ``DailyDigest`` workflow stored it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import CurrentUser, Session
from api.errors import ERROR_RESPONSES as ERRORS
from api.errors import ApiError
from api.masking import case_reader
from db.reminders import get_digest
from models.clock import EdgeDate, to_shanghai
from models.digest import Digest
from models.errors import ErrorCode

router = APIRouter(prefix="/api/v1", tags=["digests"], dependencies=[Depends(case_reader)])

NO_DIGEST = "该行政区划尚无每日汇总（每日 7 时生成，仅含有在办案件的地区）"
NO_DIGEST_ON_DAY = "该行政区划在该日没有每日汇总（每日 7 时生成，仅含当日有在办案件的地区）"
OUTSIDE = "无权查看该行政区划的每日汇总"


class DigestView(Digest):
    """One region's digest of one day: its open cases' overdue deadlines."""

    created_at: datetime
    """When it was made (Asia/Shanghai)."""


@router.get(
    "/reports/digest",
    response_model=DigestView,
    summary="每日逾期汇总（某一行政区划，默认最近一日）",
    responses={**ERRORS, 404: {"model": ERRORS[404]["model"], "description": "该行政区划（在该日）没有每日汇总"}},
)
async def region_digest(
    user: CurrentUser,
    session: Session,
    region_code: Annotated[str, Query(pattern=r"^\d{6}$", description="六位行政区划代码（区县）")],
    day: Annotated[EdgeDate | None, Query(description="汇总日期 YYYY-MM-DD；不填则为最近一日")] = None,
) -> DigestView:
    if not user.covers(region_code):
        raise ApiError(ErrorCode.FORBIDDEN, OUTSIDE)
    found = await get_digest(session, region_code, day)
    if found is None:
        raise ApiError(ErrorCode.NOT_FOUND, NO_DIGEST if day is None else NO_DIGEST_ON_DAY)
    return DigestView.model_validate({**found.data, "created_at": to_shanghai(found.created_at)})
