"""Routing on intake, through the API (time-skipping Temporal, real database): a complaint in a configured grid's
area lands with that grid's inspector without anyone assigning it, the rule in its history; one outside every grid
waits in the supervisor's queue; the supervisor assigns (an inspector may not; an unknown or foreign account is
refused and nothing changes); workload per inspector; `qingling grids load` refuses a bad file whole."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.grids import GridRow, record_absence, replace_all
from db.users import user_by_name
from tests.api.conftest import Api
from tests.builders import intake_body
from tests.e2e.stack import QINGLING


async def user_id(sessions: async_sessionmaker[AsyncSession], name: str) -> str:
    async with sessions() as s:
        found = await user_by_name(s, name)
    assert found is not None
    return found.user_id


async def grid(sessions: async_sessionmaker[AsyncSession]) -> None:
    inspector = await user_id(sessions, "inspector")
    async with sessions.begin() as s:
        await replace_all(s, [GridRow("XD-01", "小店一网格", inspector, None, ["140105"])], datetime.now(UTC))


async def file(api: Api, region: str = "140105", **project: Any) -> dict[str, Any]:
    body = intake_body(region=region)
    body["project"].update(project)
    r = await api.http.post(
        "/api/v1/cases", json=body, headers=api.auth("supervisor" if region != "140105" else "inspector")
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_a_complaint_in_a_grid_lands_with_its_inspector(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await grid(sessions)
    case = await file(api)
    assert case["assignee"] == await user_id(sessions, "inspector")
    history = (await api.http.get(f"/api/v1/cases/{case['case_id']}/history", headers=api.auth("supervisor"))).json()
    routing = history[0]["data"]["routing"]
    assert routing["rule"] == "grid" and routing["grid_id"] == "XD-01" and "小店一网格" in routing["explanation"]
    # accepted by the supervisor, it stays with its inspector
    accepted = await api.http.post(f"/api/v1/cases/{case['case_id']}/actions/accept", json={}, headers=api.auth("head"))
    assert accepted.status_code in (200, 403)  # the head may not accept; the assignee is unchanged either way
    view = (await api.http.get(f"/api/v1/cases/{case['case_id']}", headers=api.auth("inspector"))).json()
    assert view["assignee"] == await user_id(sessions, "inspector")


async def test_while_the_inspector_is_away_and_outside_every_grid_it_waits(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await grid(sessions)
    async with sessions.begin() as s:
        today = datetime.now(UTC).date()
        await record_absence(
            s, await user_id(sessions, "inspector"), today - timedelta(days=1), today + timedelta(days=1)
        )
    away = await file(api)
    assert away["assignee"] is None  # no deputy: the queue
    outside = await file(api, area_code="140105099")  # the project's town: no grid covers it, nor its county now
    assert outside["assignee"] is None
    load = await api.http.get("/api/v1/workload", headers=api.auth("supervisor"))
    assert load.status_code == 200, load.text
    queued = {q["case_id"] for q in load.json()["queue"]}
    assert {away["case_id"], outside["case_id"]} <= queued
    assert (await api.http.get("/api/v1/workload", headers=api.auth("inspector"))).status_code == 403


async def test_a_supervisor_assigns_and_nothing_else_may(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    case = await file(api)
    assert case["assignee"] is None  # no grids loaded
    cid = case["case_id"]
    url = f"/api/v1/cases/{cid}/actions/assign"
    sup = api.auth("supervisor")
    by_inspector = await api.http.post(
        url, json={"assignee": "inspector", "reason": "自己接办"}, headers=api.auth("inspector")
    )
    assert by_inspector.status_code == 403, by_inspector.text
    unknown = await api.http.post(url, json={"assignee": "nobody", "reason": "分派"}, headers=sup)
    assert unknown.status_code == 422 and "没有名为 nobody 的用户" in unknown.text
    foreign = await api.http.post(url, json={"assignee": "other", "reason": "分派"}, headers=sup)
    assert foreign.status_code == 422 and "辖区不含" in foreign.text
    not_inspector = await api.http.post(
        url, json={"assignee": "head", "reason": "分派"}, headers=api.auth("supervisor")
    )
    assert not_inspector.status_code == 422
    view = (await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth("supervisor"))).json()
    assert view["assignee"] is None  # nothing changed
    done = await api.http.post(
        url, json={"assignee": "inspector", "reason": "从待分派队列分派"}, headers=api.auth("supervisor")
    )
    assert done.status_code == 200, done.text
    assert done.json()["assignee"] == await user_id(sessions, "inspector")
    history = (await api.http.get(f"/api/v1/cases/{cid}/history", headers=api.auth("supervisor"))).json()
    assigned = history[-1]
    assert assigned["kind"] == "assign" and assigned["data"]["reason"] == "从待分派队列分派"
    load = (await api.http.get("/api/v1/workload", headers=api.auth("supervisor"))).json()
    mine = next(i for i in load["inspectors"] if i["name"] == "inspector")
    assert mine["open_cases"] >= 1 and cid not in {q["case_id"] for q in load["queue"]}


def test_grids_load_refuses_a_bad_file_whole_and_loads_a_good_one(tmp_path: Path) -> None:
    env = {**os.environ, "QINGLING_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'q.db'}"}

    def qingling(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([QINGLING, *args], env=env, capture_output=True, text=True, timeout=60)

    assert qingling("db", "upgrade").returncode == 0
    for name, role, region in [
        ("insp_a", "inspector", "140105"),
        ("insp_b", "inspector", "140105"),
        ("sup", "supervisor", "140105"),
    ]:
        assert qingling("user", "create", "--name", name, "--role", role, "--region", region).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "网格编号,网格名称,覆盖区划代码,负责监察员,代理监察员\n"
        "G1,一网格,140105001;140105002,insp_a,insp_b\n"
        "G1,重复编号,1401,sup,\n"
        "G3,三网格,140105001,nobody,insp_a\n",
        encoding="utf-8",
    )
    refused = qingling("grids", "load", str(bad))
    assert refused.returncode == 1 and "未载入任何网格" in refused.stderr
    for expected in (
        "第3行 网格编号：与第2行重复",
        "第3行 覆盖区划代码：1401 应为6位或9位数字",
        "第3行 负责监察员：sup 不是监察员",
        "第4行 覆盖区划代码：140105001 已属于第2行的网格",
        "第4行 负责监察员：没有名为 nobody 的用户",
    ):
        assert expected in refused.stderr, (expected, refused.stderr)
    assert "尚未载入网格" in qingling("grids", "list").stdout
    good = tmp_path / "good.csv"
    good.write_text(
        "\ufeff网格编号,网格名称,覆盖区划代码,负责监察员,代理监察员\nG1,一网格,140105001、140105002,insp_a,insp_b\n",
        encoding="utf-8",
    )
    loaded = qingling("grids", "load", str(good))
    assert loaded.returncode == 0 and "已载入 1 个网格，覆盖 2 个区划代码" in loaded.stdout
    listed = qingling("grids", "list").stdout
    assert "G1\t一网格\tinsp_a\tinsp_b\t140105001、140105002" in listed
    away = qingling("user", "away", "insp_a", "--from", str(date.today()), "--to", str(date.today()))
    assert away.returncode == 0 and "不在岗" in away.stderr
