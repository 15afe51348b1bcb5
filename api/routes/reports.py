"""Reports: the three clear-to-zero (三个清零) progress figures of a region and year."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.deps import CurrentUser, Session, today
from api.errors import ERROR_RESPONSES as ERRORS
from api.errors import ApiError
from api.masking import case_reader
from db import reports
from db.cases import from_fen
from db.users import region_prefix
from models.case import DeadlineKind
from models.errors import ErrorCode
from models.money import Balance

router = APIRouter(prefix="/api/v1", tags=["reports"], dependencies=[Depends(case_reader)])

YEARS = (2000, 2100)
_REGION = re.compile(r"[0-9]{2}(?:[0-9]{2}(?:[0-9]{2})?)?")
RATE_PATTERN = r"^[01]\.[0-9]{4}$"
NOT_IN_JURISDICTION = "您的辖区内没有该行政区划，无法查看其统计"


def _region(value: str | None) -> str | None:
    if value is not None and not _REGION.fullmatch(value):
        raise ValueError("行政区划代码应为2位（省）、4位（市）或6位（县、区）数字，例如 14、1401、140105")
    return value


def _year(value: int) -> int:
    if not YEARS[0] <= value <= YEARS[1]:
        raise ValueError(f"年份应在{YEARS[0]}至{YEARS[1]}之间")
    return value


Rate = Annotated[str | None, Field(pattern=RATE_PATTERN, examples=["0.8750"])]


class ClearToZeroReport(BaseModel):
    """三个清零 progress over the cases **received in ``year``** (the Asia/Shanghai date of ``received_at``)
    **in the region** (``region_code``, or the caller's whole jurisdiction). Every count counts cases, each
    case once."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    region_code: str | None
    """The region as asked (2, 4 or 6 digits); null: the caller's whole jurisdiction."""
    year: int
    as_of: date
    """Today (Asia/Shanghai): what "overdue" is measured against."""
    received: int
    """Every case received in the year and region, whatever became of it (refused ones included)."""
    cleared_within_3_months: int
    """Cases whose ``clear_3_months`` deadline (receipt + 3 calendar months) has status ``met``: cleared on time."""
    cleared_by_year_end: int
    """Cases whose ``clear_year_end`` deadline (Dec 31 of the year of receipt) is ``met``; ``met_late`` (cleared
    after that day) does not count."""
    cleared_before_new_year: int
    """Cases whose ``clear_before_new_year`` deadline (元旦前, Dec 31) is ``met``."""
    cleared_before_spring_festival: int
    """Cases whose ``clear_before_spring_festival`` deadline (the day before the next 正月初一) is ``met``."""
    cleared_total: int
    """Cases cleared whenever it happened: stage ``cleared``, or ``closed`` with close reason ``cleared``."""
    still_open: int
    """Cases whose stage is neither ``closed`` nor ``rejected`` (a ``cleared`` case not yet closed is open)."""
    rejected: int
    """Cases refused at intake (stage ``rejected``, 不予受理)."""
    overdue_by_kind: dict[DeadlineKind, int]
    """Per deadline kind (every kind listed, 0 included): open cases (stage neither closed nor rejected) having
    a deadline of that kind still open (``pending`` or ``overdue``) whose due date is before ``as_of``."""
    owed_total: Balance
    """Yuan owed (confirmed amounts, claimed ones until confirmed) over the cases, rejected cases excluded."""
    paid_total: Balance
    """Yuan paid over the cases, rejected cases excluded."""
    outstanding_total: Balance
    """Yuan still outstanding over the cases, rejected cases excluded."""
    rate_3_months: Rate
    """``cleared_within_3_months`` / cases having a ``clear_3_months`` deadline not ``cancelled`` (a case closed
    otherwise, or refused, drops out), 4 decimal places (half up); null when no case has one."""
    rate_year_end: Rate
    """``cleared_by_year_end`` / cases having a ``clear_year_end`` deadline not ``cancelled``; null when none."""
    rate_spring_festival: Rate
    """``cleared_before_spring_festival`` / cases having a ``clear_before_spring_festival`` deadline not
    ``cancelled``; null when none."""


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@router.get(
    "/reports/clear-to-zero",
    response_model=ClearToZeroReport,
    summary="三个清零进度统计",
    responses=ERRORS,
)
async def clear_to_zero(
    user: CurrentUser,
    session: Session,
    year: Annotated[
        int,
        AfterValidator(_year),
        Query(
            description=f"收到投诉的年份（按北京时间），{YEARS[0]}–{YEARS[1]}",
            json_schema_extra={"minimum": YEARS[0], "maximum": YEARS[1]},
        ),
    ],
    region_code: Annotated[
        str | None,
        AfterValidator(_region),
        Query(
            description="行政区划：2位（省）、4位（市）或6位代码；6位代码按用户辖区的规则理解（140100 即太原市全市，"
            "140000 即山西省全省）。须在您的辖区内；不填即您的全部辖区",
            json_schema_extra={"pattern": _REGION.pattern},
        ),
    ] = None,
) -> ClearToZeroReport:
    if region_code is None:
        prefixes = user.prefixes()
    else:
        prefix = region_prefix(region_code) if len(region_code) == 6 else region_code
        if not user.covers(prefix):  # as a case outside the jurisdiction: not found
            raise ApiError(ErrorCode.NOT_FOUND, NOT_IN_JURISDICTION)
        prefixes = [prefix]
    as_of = today()
    f = await reports.clear_to_zero(session, prefixes, year, as_of)
    met, counted = f.met, f.counted
    return ClearToZeroReport(
        region_code=region_code,
        year=year,
        as_of=as_of,
        received=f.received,
        cleared_within_3_months=met[DeadlineKind.CLEAR_3_MONTHS],
        cleared_by_year_end=met[DeadlineKind.CLEAR_YEAR_END],
        cleared_before_new_year=met[DeadlineKind.CLEAR_BEFORE_NEW_YEAR],
        cleared_before_spring_festival=met[DeadlineKind.CLEAR_BEFORE_SPRING_FESTIVAL],
        cleared_total=f.cleared_total,
        still_open=f.still_open,
        rejected=f.rejected,
        overdue_by_kind=f.overdue,
        owed_total=from_fen(f.owed_fen),
        paid_total=from_fen(f.paid_fen),
        outstanding_total=from_fen(f.outstanding_fen),
        rate_3_months=_rate(reports.rate(met[DeadlineKind.CLEAR_3_MONTHS], counted[DeadlineKind.CLEAR_3_MONTHS])),
        rate_year_end=_rate(reports.rate(met[DeadlineKind.CLEAR_YEAR_END], counted[DeadlineKind.CLEAR_YEAR_END])),
        rate_spring_festival=_rate(
            reports.rate(
                met[DeadlineKind.CLEAR_BEFORE_SPRING_FESTIVAL], counted[DeadlineKind.CLEAR_BEFORE_SPRING_FESTIVAL]
            )
        ),
    )
