"""A realistic 2,000-row file through Temporal (time-skipping server, real worker, real database): imported once,
imported again creating nothing, its bad rows reported while its good complaints start; then exported as the ledger
and the half-year report, whose counts and amounts round-trip the file's."""

from __future__ import annotations

import io
import os
import subprocess
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.deps import Backend
from api.exchange.complaints_sheet import parse
from api.exchange.exports import NotCovered, half_year_workbook, ledger_workbook
from api.exchange.importer import Outcome, start_all
from api.exchange.report_sheets import Period
from config.settings import Settings
from db.tables import cases
from db.users import User, user_by_name
from models.clock import SHANGHAI
from tests.api.conftest import Api
from tests.e2e.stack import QINGLING
from tests.exchange.sheets import realistic, row, workbook


async def case_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(cases)) or 0)


async def user(sessions: async_sessionmaker[AsyncSession], name: str) -> User:
    async with sessions() as s:
        found = await user_by_name(s, name)
    assert found is not None
    return found


def sheet_rows(data: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_two_thousand_rows_round_trip(
    api: Api, time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    b = Backend(settings=settings, sessions=sessions, client=time_skipping_env.client)
    inspector = await user(sessions, "inspector")
    rows = realistic()
    data = workbook(rows)
    seen: list[Outcome] = []
    results = await start_all(b, inspector, parse(data, datetime.now(UTC)), lambda r: seen.append(r.outcome))
    assert [r.outcome for r in results] == [Outcome.CREATED] * 40 and len(seen) == 40
    assert await case_count(sessions) == 40
    one = (await api.http.get(f"/api/v1/cases/{results[0].case_id}", headers=api.auth("inspector"))).json()
    assert one["worker_count"] == 50 and one["channel"] == "hotline" and one["stage"] == "intake"

    again = await start_all(b, inspector, parse(data, datetime.now(UTC)))
    assert [r.outcome for r in again] == [Outcome.ALREADY] * 40
    assert [r.case_id for r in again] == [r.case_id for r in results]
    assert await case_count(sessions) == 40

    # the ledger of the region and the days the file's complaints were received
    today = datetime.now(SHANGHAI).date()
    period = Period(today - timedelta(days=1), today)
    lines = sheet_rows(await ledger_workbook(sessions, inspector, "140105", period, today))
    header, body, totals = lines[2], lines[3:-1], lines[-1]
    assert header[:3] == ("序号", "案件编号", "收到投诉日期") and len(body) == 40
    owed = sum((Decimal(r["owed_amount"]) for r in rows), Decimal("0"))
    assert totals[0] == "合计" and totals[7] == 2000
    assert Decimal(str(totals[8])) == owed == sum((Decimal(str(r[8])) for r in body), Decimal("0"))
    assert all(r[11] == "待受理" or r[11] for r in body)
    assert all("受理" in str(r[12]) for r in body)  # each deadline with its status

    half = 1 if today.month <= 6 else 2
    figures = sheet_rows(await half_year_workbook(sessions, inspector, "140105", today.year, half, today))
    total_line = next(r for r in figures if r[0] == "合计")
    assert total_line[1] == 40 and Decimal(str(total_line[6])) == owed

    with pytest.raises(NotCovered):
        await ledger_workbook(sessions, await user(sessions, "other"), "140105", period, today)


async def test_bad_rows_are_reported_and_the_good_complaints_start(
    api: Api, time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    b = Backend(settings=settings, sessions=sessions, client=time_skipping_env.client)
    rows = [row(1, 1), row(1, 2, owed_amount="0"), row(2, 3), row(3, 4, region_code="140106")]
    parsed = parse(workbook(rows), datetime.now(UTC))
    results = await start_all(b, await user(sessions, "inspector"), parsed)
    outcomes = {r.complaint.rows[0]: r.outcome for r in results}
    assert outcomes == {2: Outcome.REFUSED, 4: Outcome.CREATED, 5: Outcome.REFUSED}
    reasons = {(e.row, e.column) for e in parsed.errors}
    assert (3, "欠薪金额（元）") in reasons and (5, "行政区划代码") in reasons  # 140106 is not the inspector's
    assert await case_count(sessions) == 1


def test_the_console_script_refuses_what_it_cannot_do_with_the_reason(tmp_path: Path) -> None:
    file = tmp_path / "complaints.xlsx"
    file.write_bytes(workbook([row(1, 1)]))
    env = {**os.environ, "QINGLING_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'q.db'}"}

    def qingling(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([QINGLING, *args], env=env, capture_output=True, text=True, timeout=60)

    unmigrated = qingling("import", "complaints", str(file), "--as", "nobody")
    assert unmigrated.returncode == 2 and "qingling db upgrade" in unmigrated.stderr
    assert qingling("db", "upgrade").returncode == 0
    unknown = qingling("import", "complaints", str(file), "--as", "nobody")
    assert unknown.returncode == 1 and "没有名为 nobody 的用户" in unknown.stderr
    missing = qingling("import", "complaints", str(tmp_path / "missing.xlsx"), "--as", "x")
    assert missing.returncode == 1 and "找不到文件" in missing.stderr
    bad_period = qingling("export", "half-year", "--as", "x", "--region", "140105", "--period", "2026Q3", "-o", "x")
    assert bad_period.returncode == 1 and ("2026H1" in bad_period.stderr or "没有名为" in bad_period.stderr)
