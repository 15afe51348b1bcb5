"""GET /api/v1/reports/digest: a region's daily digest, as the make_digests activity stored it (called here
directly over a real database; tests/workflows/test_digest.py runs it under its workflow)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.digest import DigestActivities
from models.case import DeadlineKind
from models.digest import MakeDigestsInput
from tests.api.conftest import Api
from tests.seeds import seed_case, seed_deadline

URL = "/api/v1/reports/digest"
DAY1 = date(2026, 11, 23)
DAY2 = date(2026, 11, 24)


def morning(day: date) -> datetime:
    """07:00 in Shanghai, when the schedule runs (23:00 UTC the evening before)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=1)


async def make_digests(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as s:
        await seed_case(s, "QL-D1", case_number="案D1", employer_name="恒泰建筑工程有限公司")
        await seed_deadline(s, "QL-D1", 0, DeadlineKind.PAYMENT_ORDER, DAY1 - timedelta(days=1), "overdue")
        await seed_case(s, "QL-D2", region_code="140106")
    activities = DigestActivities(sessions, clock=lambda: datetime(2026, 11, 24, 23, 0, 5, tzinfo=UTC))
    for day in (DAY1, DAY2):
        summary = await activities.make_digests(MakeDigestsInput(at=morning(day)))
        assert summary.day == day


async def get(api: Api, who: str, **params: Any) -> tuple[int, dict[str, Any]]:
    r = await api.http.get(URL, params=params, headers=api.auth(who))
    body: dict[str, Any] = r.json()
    return r.status_code, body


async def test_the_latest_digest_or_that_of_a_day(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    await make_digests(sessions)
    status, latest = await get(api, "supervisor", region_code="140105")
    assert status == 200
    assert latest == {
        "day": "2026-11-24",
        "region_code": "140105",
        "overdue": [
            {
                "case_id": "QL-D1",
                "case_number": "案D1",
                "employer_name": "恒泰建筑工程有限公司",
                "deadlines": [
                    {"kind": "payment_order", "kind_zh": "限期支付期限", "due": "2026-11-22", "days_overdue": 2}
                ],
            }
        ],
        "counts_by_kind": {"payment_order": 1},
        "open_cases": 1,
        "created_at": "2026-11-25T07:00:05+08:00",
    }
    status, first = await get(api, "inspector", region_code="140105", day="2026-11-23")
    assert status == 200 and first["day"] == "2026-11-23"
    assert first["overdue"][0]["deadlines"][0]["days_overdue"] == 1
    # a city's supervisor sees its districts' digests; an empty one is a digest too
    status, other = await get(api, "city", region_code="140106")
    assert status == 200 and other["overdue"] == [] and other["open_cases"] == 1


async def test_none_is_404_in_our_error_shape(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    status, body = await get(api, "supervisor", region_code="140105")
    assert status == 404
    assert body["error"]["code"] == "not_found" and "尚无每日汇总" in body["error"]["message"]
    await make_digests(sessions)
    status, body = await get(api, "supervisor", region_code="140105", day="2026-11-01")
    assert status == 404 and "在该日没有每日汇总" in body["error"]["message"]
    status, body = await get(api, "city", region_code="140107")  # within the city, no open cases: no digest
    assert status == 404


async def test_a_region_outside_the_jurisdiction_is_forbidden(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await make_digests(sessions)
    status, body = await get(api, "other", region_code="140105")
    assert status == 403
    assert body["error"] == {"code": "forbidden", "message": "无权查看该行政区划的每日汇总", "details": []}
    status, body = await get(api, "admin", region_code="140105")  # the administrator sees no case data
    assert status == 403 and body["error"]["code"] == "role_not_allowed"


async def test_bad_parameters(api: Api) -> None:
    for params, field in [
        ({}, "region_code"),
        ({"region_code": "1401"}, "region_code"),
        ({"region_code": "140105", "day": "2026/11/24"}, "day"),
        ({"region_code": "140105", "day": "2026-13-01"}, "day"),
    ]:
        status, body = await get(api, "supervisor", **params)
        assert status == 422, (params, body)
        assert [d["field"] for d in body["error"]["details"]] == [field]
    r = await api.http.get(URL, params={"region_code": "140105"})
    assert r.status_code == 401
