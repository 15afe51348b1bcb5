"""Public disclosure, without sign-in: the arrears blacklist (人社部令第45号) and the major labour-security
violations (重大劳动保障违法行为社会公布办法, 人社部令第29号). Only what those rules publish (db/public.py);
answers may be cached by anyone for five minutes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Session, today
from api.errors import ERROR_RESPONSES, ApiError, invalid
from db import public

router = APIRouter(prefix="/api/v1/public", tags=["public"])
"""No dependency on the caller (no token, no role): the interface contract exempts these routes."""
CACHE_CONTROL = "public, max-age=300"
BAD_CURSOR = "翻页游标无效：请使用上一页返回的 next_cursor"
ERRORS: dict[int | str, dict[str, Any]] = {422: ERROR_RESPONSES[422]}

Limit = Annotated[int, Query(ge=1, le=100, description="每页条数（1–100）")]
Cursor = Annotated[str | None, Query(max_length=400, description="上一页返回的 next_cursor；首页不传")]


class _Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PublicPerson(_Public):
    name: str = Field(description="姓名")
    role: str = Field(description="列入身份：法定代表人或者主要负责人，或者直接负责的主管人员和其他直接责任人员")
    id_number_masked: str | None = Field(description="身份证号码（已遮蔽，仅显示前6位和后4位）")


class BlacklistItem(_Public):
    employer_name: str = Field(description="用人单位名称")
    uscc: str = Field(description="统一社会信用代码")
    persons: list[PublicPerson] = Field(description="一并列入名单的自然人")
    grounds: str = Field(description="列入事由（《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条）")
    documents: list[str] = Field(description="列入决定书文号")
    listed_on: date = Field(description="列入日期")
    listed_until: date = Field(description="列入期限届满日（含当日），届满自动移出")
    region_code: str = Field(description="作出决定的人力资源社会保障行政部门所在行政区划代码")


class BlacklistPage(BaseModel):
    items: list[BlacklistItem] = Field(description="在列入期限内的名单，按列入日期从新到旧")
    next_cursor: str | None = Field(description="下一页的 cursor；最后一页为 null")


class ViolationItem(_Public):
    employer_name: str = Field(description="违法主体名称")
    uscc: str = Field(description="统一社会信用代码")
    legal_representative: str | None = Field(description="法定代表人或者负责人姓名")
    violation: str = Field(description="主要违法事实（身份证号码、手机号码已遮蔽）")
    documents: list[str] = Field(description="行政处理决定书、行政处罚决定书文号")
    published_on: date = Field(description="决定公布日期")
    region_code: str = Field(description="作出决定的人力资源社会保障行政部门所在行政区划代码")


class ViolationPage(BaseModel):
    items: list[ViolationItem] = Field(description="重大劳动保障违法行为，按决定公布时间从新到旧")
    next_cursor: str | None = Field(description="下一页的 cursor；最后一页为 null")


def _bad_cursor() -> ApiError:
    return invalid([{"loc": ("query", "cursor"), "type": "value_error", "ctx": {"error": BAD_CURSOR}}])


@router.get(
    "/blacklist",
    response_model=BlacklistPage,
    summary="拖欠农民工工资失信联合惩戒对象名单（公开，无需登录）",
    responses=ERRORS,
)
async def blacklist(session: Session, response: Response, limit: Limit = 20, cursor: Cursor = None) -> BlacklistPage:
    try:
        page = await public.blacklist_page(session, today(), limit, cursor)
    except public.InvalidCursor:
        raise _bad_cursor() from None
    response.headers["Cache-Control"] = CACHE_CONTROL
    return BlacklistPage(items=[BlacklistItem.model_validate(e) for e in page.items], next_cursor=page.next_cursor)


@router.get(
    "/major-violations",
    response_model=ViolationPage,
    summary="重大劳动保障违法行为社会公布（公开，无需登录）",
    responses=ERRORS,
)
async def major_violations(
    session: Session, response: Response, limit: Limit = 20, cursor: Cursor = None
) -> ViolationPage:
    try:
        page = await public.violations_page(session, limit, cursor)
    except public.InvalidCursor:
        raise _bad_cursor() from None
    response.headers["Cache-Control"] = CACHE_CONTROL
    return ViolationPage(items=[ViolationItem.model_validate(e) for e in page.items], next_cursor=page.next_cursor)
