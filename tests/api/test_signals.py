"""Monitoring signals (POST /api/v1/signals): a platform's own credential, idempotent by signal id, attached to
the open case of the employer and project, or opening a case in intake (channel inspection), or waiting for a
supervisor; visible on the case. Through the real API, Temporal (time-skipping server) and database."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.tables import cases, signals
from db.users import create_user
from models.case import Role
from models.clock import SHANGHAI
from tests.api.conftest import Api
from tests.builders import intake_body, make_id, make_uscc


@pytest.fixture
async def platform(api: Api, sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    async with sessions.begin() as s:
        _, token = await create_user(s, "taiyuan-monitor", Role.MONITOR, ["1401"])
    return {"Authorization": f"Bearer {token}"}


PROJECT = "小店区某住宅项目"


def signal(signal_id: str, *, workers: int = 2, project: str | None = PROJECT, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "signal_id": signal_id,
        "kind": "wages_not_deposited",
        "observed_at": (datetime.now(SHANGHAI) - timedelta(hours=1)).isoformat(timespec="seconds"),
        "region_code": "140105",
        "employer": {"name": "太原市某建筑劳务有限公司", "uscc": make_uscc(1, "140105")},
        "project_name": project,
        "amount": "86000.00",
        "detail": "10月工资发放日未向专用账户拨付人工费用",
        "workers": [
            {
                "name": f"工人{i}",
                "id_number": make_id(i, "140105"),
                "phone": "13900000000",
                "owed_amount": "8600.00",
                "owed_from": "2026-10-01",
                "owed_to": "2026-10-31",
            }
            for i in range(1, workers + 1)
        ],
    }
    body.update(extra)
    return body


async def counts(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with sessions() as s:
        n_cases = await s.scalar(select(func.count()).select_from(cases))
        n_signals = await s.scalar(select(func.count()).select_from(signals))
    return int(n_cases or 0), int(n_signals or 0)


async def test_a_signal_opens_a_case_once_and_the_next_one_attaches(
    api: Api, platform: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    first = signal("WX-2026-0001")
    r = await api.http.post("/api/v1/signals", json=first, headers=platform)
    assert r.status_code == 201, r.text
    opened = r.json()
    assert opened["outcome"] == "opened" and opened["source"] == "taiyuan-monitor" and opened["worker_count"] == 2
    cid = opened["case_id"]

    case = (await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth("inspector"))).json()
    assert (case["stage"], case["channel"], case["worker_count"]) == ("intake", "inspection", 2)
    assert case["owed_total"] == "17200.00" and case["project"]["name"] == "小店区某住宅项目"

    again = await api.http.post("/api/v1/signals", json=first, headers=platform)
    assert again.status_code == 200 and again.json() == opened
    assert await counts(sessions) == (1, 1)

    reused = await api.http.post("/api/v1/signals", json={**first, "amount": "1.00"}, headers=platform)
    assert reused.status_code == 422 and reused.json()["error"]["code"] == "idempotency_key_reused", reused.text
    assert await counts(sessions) == (1, 1)

    later = signal("WX-2026-0002", workers=0, kind="attendance_without_payroll", amount=None)
    r = await api.http.post("/api/v1/signals", json=later, headers=platform)
    assert r.status_code == 201 and r.json()["outcome"] == "attached" and r.json()["case_id"] == cid, r.text
    assert await counts(sessions) == (1, 2)

    shown = (await api.http.get(f"/api/v1/cases/{cid}/signals", headers=api.auth("inspector"))).json()
    assert [(g["signal_id"], g["kind_zh"]) for g in shown] == [
        ("WX-2026-0001", "工资未按时拨付至专用账户"),
        ("WX-2026-0002", "有考勤记录但无工资发放记录"),
    ]
    outside = await api.http.get(f"/api/v1/cases/{cid}/signals", headers=api.auth("other"))
    assert outside.status_code in (403, 404)


async def test_a_signal_attaches_to_a_complaint_already_open(api: Api, platform: dict[str, str]) -> None:
    made = await api.http.post("/api/v1/cases", json=intake_body(), headers=api.auth("inspector"))
    assert made.status_code == 201, made.text
    r = await api.http.post("/api/v1/signals", json=signal("WX-2026-0100"), headers=platform)
    assert r.status_code == 201 and r.json()["outcome"] == "attached", r.text
    assert r.json()["case_id"] == made.json()["case_id"]


async def test_without_workers_or_an_open_case_it_waits_for_a_supervisor(
    api: Api, platform: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    body = signal("WX-2026-0200", workers=0, project="另一个项目", kind="deposit_shortfall")
    r = await api.http.post("/api/v1/signals", json=body, headers=platform)
    assert r.status_code == 201 and r.json()["outcome"] == "unmatched" and r.json()["case_id"] is None, r.text
    assert await counts(sessions) == (0, 1)
    waiting = await api.http.get("/api/v1/signals/unmatched", headers=api.auth("supervisor"))
    assert [g["signal_id"] for g in waiting.json()] == ["WX-2026-0200"]
    assert waiting.json()[0]["outcome_zh"].startswith("无在办案件")
    assert (await api.http.get("/api/v1/signals/unmatched", headers=api.auth("inspector"))).status_code == 403


async def test_the_platform_credential_opens_nothing_else_and_nothing_else_reports(
    api: Api, platform: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    r = await api.http.get("/api/v1/cases", headers=platform)
    assert r.status_code == 403 and "只能用于报送预警信号" in r.json()["error"]["message"], r.text
    r = await api.http.post("/api/v1/cases", json=intake_body(), headers=platform)
    assert r.status_code == 403
    r = await api.http.post("/api/v1/signals", json=signal("WX-2026-0300"), headers=api.auth("inspector"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "role_not_allowed"
    r = await api.http.post("/api/v1/signals", json=signal("WX-2026-0301"))
    assert r.status_code == 401
    assert await counts(sessions) == (0, 0)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"region_code": "150102"}, None),  # outside the platform's region: 403
        ({"employer": {"name": "某公司", "uscc": "91140105MA0XXXXXX0"}}, "uscc"),
        ({"signal_id": "含有中文"}, "signal_id"),
        ({"kind": "rumour"}, "kind"),
        ({"amount": "-1"}, "amount"),
    ],
)
async def test_bad_signals_are_refused_and_change_nothing(
    api: Api,
    platform: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    change: dict[str, Any],
    where: str | None,
) -> None:
    r = await api.http.post("/api/v1/signals", json={**signal("WX-2026-0400"), **change}, headers=platform)
    if where is None:
        assert r.status_code == 403, r.text
    else:
        assert r.status_code == 422, r.text
        assert where in r.text
    assert await counts(sessions) == (0, 0)


async def test_a_worker_owed_after_today_is_refused_before_anything_starts(
    api: Api, platform: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    body = signal("WX-2026-0500", workers=1)
    body["workers"][0]["owed_to"] = (datetime.now(SHANGHAI).date() + timedelta(days=3)).isoformat()
    r = await api.http.post("/api/v1/signals", json=body, headers=platform)
    assert r.status_code == 422 and "欠薪截止日期" in r.text, r.text
    assert await counts(sessions) == (0, 0)
