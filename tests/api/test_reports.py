"""GET /api/v1/reports/clear-to-zero on SQLite and PostgreSQL: every figure against numbers counted by hand
from hand-built cases (written through db.cases.save_case, as record_event writes them), the Shanghai year
boundary, jurisdiction and bad input. The report reads the read model only: no Temporal here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

import httpx
import pytest
from openapi_spec_validator import validate
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client

import api.routes.reports
from api.app import create_app
from config.settings import Settings
from db.cases import save_case
from db.users import create_user
from models.case import (
    CaseState,
    Channel,
    Complainant,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    Employer,
    Role,
    Stage,
    WorkerState,
)
from models.clock import SHANGHAI
from tests.builders import make_id, make_uscc

TODAY = date(2027, 3, 1)
M3, YE, NY, SF = (
    DeadlineKind.CLEAR_3_MONTHS,
    DeadlineKind.CLEAR_YEAR_END,
    DeadlineKind.CLEAR_BEFORE_NEW_YEAR,
    DeadlineKind.CLEAR_BEFORE_SPRING_FESTIVAL,
)
PENDING, MET, LATE, OVERDUE, CANCELLED = (
    DeadlineStatus.PENDING,
    DeadlineStatus.MET,
    DeadlineStatus.MET_LATE,
    DeadlineStatus.OVERDUE,
    DeadlineStatus.CANCELLED,
)


def at(text: str) -> datetime:
    """A Shanghai wall-clock time."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def dl(kind: DeadlineKind, due: str, status: DeadlineStatus, met_at: str | None = None) -> Deadline:
    return Deadline(
        kind=kind,
        start=date(2025, 1, 1),
        due=date.fromisoformat(due),
        status=status,
        met_at=date.fromisoformat(met_at) if met_at else None,
    )


def clear4(m3: tuple[str, DeadlineStatus], ye: DeadlineStatus, sf: tuple[str, DeadlineStatus]) -> list[Deadline]:
    """The four clear-to-zero deadlines of a case received in 2026 (year end and New Year: Dec 31)."""
    year_end = "2026-12-31"
    return [dl(M3, *m3), dl(YE, year_end, ye), dl(NY, year_end, ye), dl(SF, *sf)]


def case(
    n: int,
    region: str,
    received: datetime,
    stage: Stage,
    deadlines: list[Deadline],
    owed: str,
    paid: str,
    close_reason: str | None = None,
    confirmed: str | None = None,
) -> CaseState:
    return CaseState(
        case_id=f"QL-R{n:02d}",
        region_code=region,
        last_seq=3,
        received_at=received,
        channel=Channel.HOTLINE,
        employer=Employer(name=f"某劳务有限公司{n}", uscc=make_uscc(n, region)),
        complainant=Complainant(name="张三"),
        workers=[
            WorkerState(
                name="工人",
                id_number=make_id(n, region),
                claimed_amount=Decimal(owed),
                confirmed_amount=Decimal(confirmed) if confirmed else None,
                paid_amount=Decimal(paid),
                owed_from=date(2025, 6, 1),
                owed_to=date(2025, 9, 30),
            )
        ],
        created_by="u_inspector",
        stage=stage,
        close_reason=close_reason,
        deadlines=deadlines,
    )


SF26, SF27 = "2026-02-16", "2027-02-05"  # the eves of the Spring Festivals of 2026 (Feb 17) and 2027 (Feb 6)

CASES = [
    # 1: closed as cleared on 2026-04-01: within 3 months and the year, but after the 2026 Spring Festival
    case(1, "140105", at("2026-02-10T09:00"), Stage.CLOSED, clear4(("2026-05-10", MET), MET, (SF26, LATE)),
         "10000.00", "10000.00", "cleared"),
    # 2: cleared 2026-07-01, not yet closed; its investigation clock still runs, and is overdue
    case(2, "140105", at("2026-05-05T10:00"), Stage.CLEARED,
         [*clear4(("2026-08-05", MET), MET, (SF27, MET)), dl(DeadlineKind.INVESTIGATION, "2026-08-20", PENDING)],
         "5000.50", "5000.50"),
    # 3: ordered, partly paid, nothing met; the order falls due today (not overdue)
    case(3, "140105", at("2026-06-01T10:00"), Stage.ORDERED,
         [*clear4(("2026-09-01", PENDING), PENDING, (SF27, PENDING)),
          dl(DeadlineKind.INVESTIGATION, "2026-08-25", PENDING), dl(DeadlineKind.PAYMENT_ORDER, "2027-03-01", PENDING)],
         "9000.00", "3000.00", confirmed="8000.00"),
    # 4: investigating; the engine already marked its 3-month deadline overdue; investigation due later
    case(4, "140106", at("2026-09-10T10:00"), Stage.INVESTIGATING,
         [*clear4(("2026-12-10", OVERDUE), PENDING, (SF27, PENDING)),
          dl(DeadlineKind.INVESTIGATION, "2027-03-20", PENDING)],
         "12000.00", "0.00"),
    # 5: refused at intake: every clock cancelled, its money not counted
    case(5, "140105", at("2026-04-01T10:00"), Stage.REJECTED,
         [dl(DeadlineKind.ACCEPTANCE, "2026-04-08", MET),
          *clear4(("2026-07-01", CANCELLED), CANCELLED, (SF27, CANCELLED))],
         "3000.00", "0.00"),
    # 6: closed by transfer with money outstanding: its clear-to-zero clocks cancelled
    case(6, "140105", at("2026-05-01T10:00"), Stage.CLOSED,
         [*clear4(("2026-08-01", CANCELLED), CANCELLED, (SF27, CANCELLED)),
          dl(DeadlineKind.INVESTIGATION, "2026-09-01", LATE, "2026-10-01")],
         "7000.00", "2000.00", "transferred"),
    # 7: received on 2026-12-31 at 20:00 in Shanghai (12:00 UTC): a case of 2026, at intake, acceptance overdue
    case(7, "140106", at("2026-12-31T20:00"), Stage.INTAKE,
         [*clear4(("2027-03-31", PENDING), PENDING, (SF27, PENDING)),
          dl(DeadlineKind.ACCEPTANCE, "2027-01-08", PENDING)],
         "2000.00", "0.00"),
    # 8: received on 2027-01-01 at 01:00 in Shanghai (2026-12-31 17:00 UTC): a case of 2027
    case(8, "140105", at("2027-01-01T01:00"), Stage.CLEARED,
         [dl(M3, "2027-04-01", MET), dl(YE, "2027-12-31", MET), dl(NY, "2027-12-31", MET), dl(SF, "2028-01-25", MET)],
         "4000.00", "4000.00"),
    # 9: a case of 2025, closed as cleared
    case(9, "140105", at("2025-11-20T10:00"), Stage.CLOSED,
         [dl(M3, "2026-02-20", MET), dl(YE, "2025-12-31", MET), dl(NY, "2025-12-31", MET), dl(SF, SF26, MET)],
         "6000.00", "6000.00", "cleared"),
    # 10: another city of the province (大同), closed as cleared on time
    case(10, "140202", at("2026-07-01T10:00"), Stage.CLOSED, clear4(("2026-10-01", MET), MET, (SF27, MET)),
         "9000.00", "9000.00", "cleared"),
    # 11: another province (内蒙古)
    case(11, "150102", at("2026-08-01T10:00"), Stage.INVESTIGATING,
         [*clear4(("2026-11-01", PENDING), PENDING, (SF27, PENDING))], "1000.00", "0.00"),
    # 12: received at 2026-01-01 00:00 in Shanghai (2025-12-31 16:00 UTC): 2026; cleared 2026-04-20, closed
    case(12, "140105", at("2026-01-01T00:00"), Stage.CLOSED, clear4(("2026-04-01", LATE), MET, (SF26, LATE)),
         "1500.00", "1500.00", "cleared"),
    # 13: cleared on 2027-01-20: late for 3 months and the year, in time for the 2027 Spring Festival
    case(13, "140106", at("2026-10-10T10:00"), Stage.CLEARED, clear4(("2027-01-10", LATE), LATE, (SF27, MET)),
         "3000.00", "3000.00"),
    # 14: received one second before 2026 began in Shanghai: 2025; refused
    case(14, "140105", at("2025-12-31T23:59:59"), Stage.REJECTED,
         [*clear4(("2026-03-31", CANCELLED), CANCELLED, (SF26, CANCELLED))], "500.00", "0.00"),
]  # fmt: skip

NO_OVERDUE: dict[str, int] = dict.fromkeys((k.value for k in DeadlineKind), 0)


def overdue(**counts: int) -> dict[str, int]:
    return {**NO_OVERDUE, **counts}


@dataclass
class Reports:
    http: httpx.AsyncClient
    tokens: dict[str, str]

    async def get(self, who: str, **params: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return await self.http.get("/api/v1/reports/clear-to-zero", params=params, headers=headers)

    async def figures(self, who: str, **params: Any) -> dict[str, Any]:
        r = await self.get(who, **params)
        assert r.status_code == 200, r.text
        body = r.json()
        assert isinstance(body, dict)
        return body


@pytest.fixture
async def reports(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Reports]:
    monkeypatch.setattr(api.routes.reports, "today", lambda: TODAY)
    tokens: dict[str, str] = {}
    async with sessions.begin() as s:
        for state in CASES:
            await save_case(s, state, datetime.now(SHANGHAI))
        for name, role, regions in [
            ("inspector", Role.INSPECTOR, ["140105"]),
            ("other", Role.INSPECTOR, ["140106"]),
            ("city", Role.SUPERVISOR, ["140100"]),
            ("province", Role.HEAD, ["140000"]),
            ("two", Role.SUPERVISOR, ["140106", "140202"]),
            ("north", Role.HEAD, ["140000", "150000"]),  # two provinces: every case of CASES
            ("admin", Role.ADMIN, []),
        ]:
            _, tokens[name] = await create_user(s, name, role, regions)
    app = create_app(settings, client=cast(Client, object()), engine=engine)  # the report needs no Temporal
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        yield Reports(http, tokens)


# Counted by hand from CASES (2026, Shanxi = 14): cases 1-7, 10, 12, 13 (8 is 2027, 9 and 14 are 2025, 11 is 15).
# Non-cancelled clear deadlines: 1, 2, 3, 4, 7, 10, 12, 13 (8 of each kind).
# met: 3 months 1, 2, 10; year end (and New Year) 1, 2, 10, 12; Spring Festival 2, 10, 13.
# Open (not closed or rejected): 2, 3, 4, 7, 13. Overdue on 2027-03-01 among them: 3 months 3, 4; year end, New
# Year, Spring Festival 3, 4, 7; investigation 2, 3 (4's is due later); acceptance 7; payment order none (3's is
# due today). Money without 5: owed 10000 + 5000.50 + 8000 (3's confirmed) + 12000 + 7000 + 2000 + 9000 + 1500
# + 3000; paid 10000 + 5000.50 + 3000 + 2000 + 9000 + 1500 + 3000.
PROVINCE_2026 = {
    "region_code": None,
    "year": 2026,
    "as_of": "2027-03-01",
    "received": 10,
    "cleared_within_3_months": 3,
    "cleared_by_year_end": 4,
    "cleared_before_new_year": 4,
    "cleared_before_spring_festival": 3,
    "cleared_total": 5,  # 1, 10, 12 closed as cleared; 2, 13 cleared
    "still_open": 5,
    "rejected": 1,
    "overdue_by_kind": overdue(
        clear_3_months=2,
        clear_year_end=3,
        clear_before_new_year=3,
        clear_before_spring_festival=3,
        investigation=2,
        acceptance=1,
    ),
    "owed_total": "57500.50",
    "paid_total": "33500.50",
    "outstanding_total": "24000.00",
    "rate_3_months": "0.3750",  # 3 / 8
    "rate_year_end": "0.5000",  # 4 / 8
    "rate_spring_festival": "0.3750",  # 3 / 8
}

# 太原 (1401): the province's figures without case 10 (大同).
CITY_2026 = {
    **PROVINCE_2026,
    "received": 9,
    "cleared_within_3_months": 2,
    "cleared_by_year_end": 3,
    "cleared_before_new_year": 3,
    "cleared_before_spring_festival": 2,
    "cleared_total": 4,
    "owed_total": "48500.50",
    "paid_total": "24500.50",
    "rate_3_months": "0.2857",  # 2 / 7
    "rate_year_end": "0.4286",  # 3 / 7
    "rate_spring_festival": "0.2857",  # 2 / 7
}

# 小店区 (140105): cases 1, 2, 3, 5, 6, 12; non-cancelled clear deadlines 1, 2, 3, 12; open 2, 3.
DISTRICT_2026 = {
    **PROVINCE_2026,
    "received": 6,
    "cleared_within_3_months": 2,  # 1, 2
    "cleared_by_year_end": 3,  # 1, 2, 12
    "cleared_before_new_year": 3,
    "cleared_before_spring_festival": 1,  # 2
    "cleared_total": 3,  # 1, 2, 12
    "still_open": 2,
    "rejected": 1,
    "overdue_by_kind": overdue(
        clear_3_months=1, clear_year_end=1, clear_before_new_year=1, clear_before_spring_festival=1, investigation=2
    ),
    "owed_total": "31500.50",  # 10000 + 5000.50 + 8000 + 7000 + 1500
    "paid_total": "21500.50",  # 10000 + 5000.50 + 3000 + 2000 + 1500
    "outstanding_total": "10000.00",
    "rate_3_months": "0.5000",  # 2 / 4
    "rate_year_end": "0.7500",  # 3 / 4
    "rate_spring_festival": "0.2500",  # 1 / 4
}

# Everything (a head of both provinces, 山西 and 内蒙古): the province's figures with case 11 (内蒙古): open,
# 3 months overdue, 1000 owed.
EVERYWHERE_2026 = {
    **PROVINCE_2026,
    "received": 11,
    "still_open": 6,
    "overdue_by_kind": {
        **PROVINCE_2026["overdue_by_kind"],  # type: ignore[dict-item]
        "clear_3_months": 3,
        "clear_year_end": 4,
        "clear_before_new_year": 4,
        "clear_before_spring_festival": 4,
    },
    "owed_total": "58500.50",
    "outstanding_total": "25000.00",
    "rate_3_months": "0.3333",  # 3 / 9
    "rate_year_end": "0.4444",  # 4 / 9
    "rate_spring_festival": "0.3333",  # 3 / 9
}

# 2025 in Shanxi: case 9 (closed as cleared, all met) and case 14 (23:59:59 on Dec 31, refused).
PROVINCE_2025 = {
    "region_code": None,
    "year": 2025,
    "as_of": "2027-03-01",
    "received": 2,
    "cleared_within_3_months": 1,
    "cleared_by_year_end": 1,
    "cleared_before_new_year": 1,
    "cleared_before_spring_festival": 1,
    "cleared_total": 1,
    "still_open": 0,
    "rejected": 1,
    "overdue_by_kind": NO_OVERDUE,
    "owed_total": "6000.00",
    "paid_total": "6000.00",
    "outstanding_total": "0.00",
    "rate_3_months": "1.0000",
    "rate_year_end": "1.0000",
    "rate_spring_festival": "1.0000",
}

# 2027: case 8 alone (01:00 on Jan 1 in Shanghai, still 2026 in UTC): cleared, not yet closed.
PROVINCE_2027 = {
    **PROVINCE_2025,
    "year": 2027,
    "received": 1,
    "still_open": 1,
    "rejected": 0,
    "owed_total": "4000.00",
    "paid_total": "4000.00",
}

EMPTY_2030 = {
    **PROVINCE_2025,
    "year": 2030,
    "received": 0,
    "cleared_within_3_months": 0,
    "cleared_by_year_end": 0,
    "cleared_before_new_year": 0,
    "cleared_before_spring_festival": 0,
    "cleared_total": 0,
    "rejected": 0,
    "owed_total": "0.00",
    "paid_total": "0.00",
    "rate_3_months": None,
    "rate_year_end": None,
    "rate_spring_festival": None,
}


async def test_every_figure_of_a_province_city_and_district(reports: Reports) -> None:
    assert await reports.figures("province", year=2026) == PROVINCE_2026
    assert await reports.figures("province", year=2026, region_code="14") == {**PROVINCE_2026, "region_code": "14"}
    assert await reports.figures("province", year=2026, region_code="140000") == {
        **PROVINCE_2026,
        "region_code": "140000",  # a province's own code means the province, as in a user's regions
    }
    assert await reports.figures("city", year=2026) == CITY_2026
    assert await reports.figures("province", year=2026, region_code="1401") == {**CITY_2026, "region_code": "1401"}
    assert await reports.figures("city", year=2026, region_code="140100") == {**CITY_2026, "region_code": "140100"}
    assert await reports.figures("inspector", year=2026) == DISTRICT_2026
    assert await reports.figures("city", year=2026, region_code="140105") == {
        **DISTRICT_2026,
        "region_code": "140105",
    }
    assert await reports.figures("north", year=2026) == EVERYWHERE_2026
    r = await reports.get("admin", year=2026)  # admin manages users and the calendar: no case data
    assert r.status_code == 403 and r.json()["error"]["code"] == "role_not_allowed"


async def test_the_year_is_the_shanghai_year(reports: Reports) -> None:
    assert await reports.figures("province", year=2025) == PROVINCE_2025
    assert await reports.figures("province", year=2027) == PROVINCE_2027
    assert await reports.figures("province", year=2030) == EMPTY_2030


async def test_two_regions_of_a_jurisdiction_add_up(reports: Reports) -> None:
    both = await reports.figures("two", year=2026)  # 140106 (cases 4, 7, 13) and 140202 (case 10)
    assert (both["received"], both["still_open"], both["cleared_total"]) == (4, 3, 2)
    assert (both["cleared_within_3_months"], both["rate_3_months"]) == (1, "0.2500")
    assert (both["owed_total"], both["outstanding_total"]) == ("26000.00", "14000.00")
    only = await reports.figures("two", year=2026, region_code="140202")
    assert (only["received"], only["cleared_total"], only["rate_year_end"]) == (1, 1, "1.0000")


async def test_a_region_outside_the_jurisdiction_is_not_found(reports: Reports) -> None:
    for who, region in [
        ("inspector", "140106"),
        ("inspector", "1401"),  # the city is wider than the district
        ("inspector", "14"),
        ("city", "1402"),
        ("city", "140202"),
        ("city", "140000"),
        ("other", "140105"),
        ("province", "15"),
    ]:
        r = await reports.get(who, year=2026, region_code=region)
        assert r.status_code == 404, (who, region, r.text)
        error = r.json()["error"]
        assert error == {"code": "not_found", "message": "您的辖区内没有该行政区划，无法查看其统计", "details": []}
    other = await reports.figures("other", year=2026)  # 140106: cases 4, 7, 13 only
    assert (other["received"], other["owed_total"]) == (3, "17000.00")
    r = await reports.http.get("/api/v1/reports/clear-to-zero", params={"year": 2026})
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"


async def test_bad_year_and_region_are_refused(reports: Reports) -> None:
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({}, "year", "必填项"),
        ({"year": 1999}, "year", "年份应在2000至2100之间"),
        ({"year": 2101}, "year", "年份应在2000至2100之间"),
        ({"year": "二〇二六"}, "year", "应为整数"),
        ({"year": 2026, "region_code": "141"}, "region_code", "行政区划代码应为2位（省）、4位（市）或6位（县、区）"),
        ({"year": 2026, "region_code": "14010a"}, "region_code", "行政区划代码应为2位"),
        ({"year": 2026, "region_code": "1401051"}, "region_code", "行政区划代码应为2位"),
        ({"year": 2026, "region_code": ""}, "region_code", "行政区划代码应为2位"),
    ]
    for params, field, message in cases:
        r = await reports.get("province", **params)
        assert r.status_code == 422, (params, r.text)
        error = r.json()["error"]
        assert error["code"] == "validation_failed", params
        assert [d["field"] for d in error["details"]] == [field], params
        assert error["details"][0]["message"].startswith(message), (params, error)


async def test_the_report_is_in_the_openapi_document(reports: Reports) -> None:
    doc = (await reports.http.get("/openapi.json")).json()
    validate(doc)
    path = doc["paths"]["/api/v1/reports/clear-to-zero"]["get"]
    assert {p["name"] for p in path["parameters"]} == {"year", "region_code"}
    schema = doc["components"]["schemas"]["ClearToZeroReport"]
    assert "met_late" in schema["properties"]["cleared_by_year_end"]["description"]
    assert schema["properties"]["owed_total"]["type"] == "string"
