"""Deadlines computed from the calendar in the database: built-in years plus years an admin loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.calendar import CalendarActivities
from db.calendar import store_schedule
from db.devcluster import free_port
from models.activities import ComputeDeadlineInput
from models.case import DeadlineKind
from rules.calendar import parse_schedule
from tests.builders import FICTITIOUS_2099


async def test_loaded_year_makes_deadline_final(
    sessions: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    calendar = CalendarActivities(sessions)
    env = ActivityEnvironment()
    inp = ComputeDeadlineInput(kind=DeadlineKind.ACCEPTANCE, start=date(2098, 12, 31))  # a Wednesday
    provisional = await env.run(calendar.compute_deadline, inp)
    assert provisional.provisional and provisional.due == date(2099, 1, 7)  # Jan 1, 2, 5, 6, 7
    assert "provisional" in caplog.text and "calendar load" in caplog.text

    async with sessions.begin() as s:
        await store_schedule(s, parse_schedule(FICTITIOUS_2099), datetime.now(UTC))
    final = await env.run(calendar.compute_deadline, inp)
    assert not final.provisional and final.due == date(2099, 1, 8)  # Jan 1 is now a day off

    async with sessions.begin() as s:  # loading the same year again replaces it
        await store_schedule(
            s,
            parse_schedule({**FICTITIOUS_2099, "holidays": [{"name": "x", "dates": ["2099-01-07", "2099-01-08"]}]}),
            datetime.now(UTC),
        )
    assert (await env.run(calendar.compute_deadline, inp)).due == date(2099, 1, 9)  # Jan 1 worked, 7–8 off


async def test_unsupported_kind_is_an_error(sessions: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(ValueError):
        await ActivityEnvironment().run(
            CalendarActivities(sessions).compute_deadline,
            ComputeDeadlineInput(kind=DeadlineKind.CLEAR_MAJOR, start=date(2026, 1, 1)),
        )


def qingling(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QINGLING_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'q.db'}",
        "QINGLING_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",  # nothing listens there
    }
    exe = str(Path(sys.executable).parent / "qingling")
    return subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=120)


def test_cli_calendar_load_and_user_create(tmp_path: Path) -> None:
    assert qingling(tmp_path, "db", "upgrade").returncode == 0
    good = tmp_path / "2099.json"
    good.write_text(json.dumps(FICTITIOUS_2099, ensure_ascii=False), encoding="utf-8")
    done = qingling(tmp_path, "calendar", "load", str(good))
    assert done.returncode == 0, done.stderr
    assert "2099" in done.stderr and "无法连接 Temporal" in done.stderr  # loaded, and says what it could not do
    quiet = qingling(tmp_path, "calendar", "load", "--no-recount", str(good))
    assert quiet.returncode == 0 and "--no-recount" in quiet.stderr
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**FICTITIOUS_2099, "workdays": ["2099-01-06"]}), encoding="utf-8")
    refused = qingling(tmp_path, "calendar", "load", str(bad))
    assert refused.returncode == 2 and "周六或周日" in refused.stderr

    created = qingling(tmp_path, "user", "create", "--name", "li", "--role", "inspector", "--region", "140105")
    assert created.returncode == 0 and created.stdout.strip().startswith("ql_")
    assert len(created.stdout.strip().splitlines()) == 1  # only the token on stdout
    again = qingling(tmp_path, "user", "create", "--name", "li", "--role", "inspector", "--region", "140105")
    assert again.returncode == 2 and "已存在" in again.stderr
    no_region = qingling(tmp_path, "user", "create", "--name", "wang", "--role", "inspector")
    assert no_region.returncode == 2 and "--region" in no_region.stderr
    bad_region = qingling(tmp_path, "user", "create", "--name", "wang", "--role", "inspector", "--region", "14")
    assert bad_region.returncode == 2 and "6位" in bad_region.stderr
