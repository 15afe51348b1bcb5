"""清零看板 and 审计 (api/console/oversight.py) on SQLite and PostgreSQL: cases made through the API, then the pages
and the exports as a supervisor, a head, an administrator and an inspector see them."""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.console import oversight
from db.cases import save_case
from db.oversight import overdue_by_kind, pending_approvals
from db.tables import tracks
from models.case import CaseState, Channel, Complainant, Deadline, DeadlineKind, Employer, Stage, WorkerState
from models.clock import SHANGHAI, to_shanghai
from models.enforcement import DecisionTrack, PenaltyBasis, PenaltyTrack
from tests.api.conftest import Api
from tests.builders import intake_body, make_id, make_uscc
from tests.console.conftest import SignIn

OTHER = "140106"


@dataclass
class Made:
    cleared: dict[str, Any]
    """140105: accepted (a comment with a worker's full ID number), paid in full: 已清零, awaiting the closing."""
    late: dict[str, Any]
    """140105: received 30 days ago and never accepted: its acceptance deadline is overdue (the engine escalated)."""
    elsewhere: dict[str, Any]
    """140106, the other district: never shown to 140105's people."""
    inspector_id: str
    history: list[dict[str, Any]]
    """The 140105 cases' history rows, as the API shows them."""

    @property
    def numbers(self) -> set[str]:
        """The 140105 cases as the audit view names them."""
        return {self.cleared["case_number"], "（未立案）"}

    @property
    def ids(self) -> set[str]:
        return {self.cleared["case_id"], self.late["case_id"]}


async def act(api: Api, case_id: str, name: str, body: dict[str, Any], who: str = "inspector") -> dict[str, Any]:
    r = await api.http.post(f"/api/v1/cases/{case_id}/actions/{name}", json=body, headers=api.auth(who))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def create(api: Api, body: dict[str, Any], who: str = "inspector") -> dict[str, Any]:
    r = await api.http.post("/api/v1/cases", json=body, headers=api.auth(who))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def make_cases(api: Api) -> Made:
    cleared = await create(api, intake_body())
    await act(api, cleared["case_id"], "accept", {"comment": f"工人身份证号 {make_id(2)} 已核实"})
    paid_at = (datetime.now(SHANGHAI) - timedelta(hours=1)).isoformat(timespec="seconds")
    payments = [{"id_number": make_id(i), "amount": "12000.00", "paid_at": paid_at} for i in (1, 2)]
    cleared = await act(api, cleared["case_id"], "record_payment", {"payments": payments})
    assert cleared["stage"] == "cleared"

    body = intake_body()
    body["received_at"] = (datetime.now(SHANGHAI) - timedelta(days=30)).isoformat(timespec="seconds")
    late = await create(api, body)

    elsewhere = await create(api, intake_body(region=OTHER), who="other")
    elsewhere = await act(api, elsewhere["case_id"], "accept", {}, who="other")

    history: list[dict[str, Any]] = []
    for case in (cleared, late):
        r = await api.http.get(f"/api/v1/cases/{case['case_id']}/history", headers=api.auth("supervisor"))
        history += r.json()
    inspector_id = next(h["actor"] for h in history if h["kind"] == "intake")
    return Made(cleared, late, elsewhere, inspector_id, history)


CELL = re.compile(r'<td data-label="([^"]+)"[^>]*>(.*?)</td>', re.S)


def rows_of(page: str) -> list[dict[str, str]]:
    """The audit table's rows: column label → the cell's text."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for tr in body.split("<tr>")[1:]:
        cells = {label: html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for label, text in CELL.findall(tr)}
        if cells:
            rows.append(cells)
    return rows


async def audit(client: httpx.AsyncClient, **params: str) -> list[dict[str, str]]:
    r = await client.get("/audit", params=params)
    assert r.status_code == 200, r.text
    return rows_of(r.text)


def day_of(moment: str) -> date:
    return to_shanghai(datetime.fromisoformat(moment)).date()


async def test_the_dashboard_shows_my_regions_figures_chart_and_lists(api: Api, browser: SignIn) -> None:
    made = await make_cases(api)
    year = day_of(made.cleared["received_at"]).year
    both = day_of(made.late["received_at"]).year == year  # not so in the first days of January
    supervisor = await browser("supervisor")
    r = await supervisor.get("/dashboard", params={"year": str(year)})
    assert r.status_code == 200, r.text
    page = r.text
    owed = "48,000.00" if both else "24,000.00"
    assert "<svg" in page and 'role="img"' in page
    assert f"<title>140105 欠薪金额 {owed} 元（{2 if both else 1} 件）</title>" in page
    assert f'aria-label="各辖区欠薪与已支付金额条形图。140105：欠薪 {owed} 元，已支付 24,000.00 元。"' in page
    figures = re.search(r'<th scope="row" data-label="行政区划">140105</th>(.*?)</tr>', page, re.S)
    assert figures, page
    numbers = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", figures.group(1))]
    # received, rejected, open, cleared, clear rate, 3-month rate, owed, paid, outstanding
    if both:
        assert numbers == ["2", "0", "2", "1", "50.0%", "50.0%", "48,000.00", "24,000.00", "24,000.00"]
    else:
        assert numbers == ["1", "0", "1", "1", "100.0%", "100.0%", "24,000.00", "24,000.00", "0.00"]
    assert OTHER not in page and made.elsewhere["case_id"] not in page
    # the late case's acceptance deadline is overdue: listed under its kind, in Chinese
    overdue = page.split('id="overdue-h"', 1)[1].split("</section>", 1)[0]
    assert "受理期限：1 件" in overdue and f'href="/cases/{made.late["case_id"]}"' in overdue
    assert made.cleared["case_id"] not in overdue
    # the cleared case waits for the supervisor's closing; nothing waits for the head
    pending = page.split('id="pending-h"', 1)[1].split("</section>", 1)[0]
    closing = pending.split("已清零待结案", 1)[1].split("</details>", 1)[0]
    assert "：1 件" in closing and f'href="/cases/{made.cleared["case_id"]}"' in closing
    assert (
        "行政处理决定待作出（待部门负责人）：0 件" in pending
        and "涉嫌犯罪案件移送待审批（待部门负责人）：0 件" in pending
    )

    head = await browser("head")
    assert (await head.get("/dashboard", params={"year": str(year - 1)})).status_code == 200
    city = await browser("city")
    r = await city.get("/dashboard", params={"year": str(year)})
    assert r.status_code == 200 and ">140105<" in r.text and f">{OTHER}<" in r.text and ">合计<" in r.text


async def test_the_dashboard_is_refused_to_an_inspector_and_an_administrator(api: Api, browser: SignIn) -> None:
    for who in ("inspector", "admin"):
        r = await (await browser(who)).get("/dashboard")
        assert r.status_code == 403 and "无权访问" in r.text and "清零看板仅供科室负责人和部门负责人查看" in r.text
    r = await (await browser("inspector")).get("/audit")
    assert r.status_code == 403 and "审计记录仅供" in r.text
    r = await (await browser("inspector")).get("/audit.csv")
    assert r.status_code == 403


async def test_the_audit_view_filters_by_actor_kind_and_dates_within_my_regions(api: Api, browser: SignIn) -> None:
    made = await make_cases(api)
    supervisor = await browser("supervisor")

    everything = await audit(supervisor)
    assert len(everything) == len(made.history)
    assert {r["案件编号"] for r in everything} == made.numbers
    assert made.elsewhere["case_id"] not in (await supervisor.get("/audit")).text
    times = [r["时间"] for r in everything]
    assert times == sorted(times, reverse=True)

    mine = await audit(supervisor, actor=made.inspector_id)
    expected = [h for h in made.history if h["actor"] == made.inspector_id]
    assert len(mine) == len(expected) > 0
    assert {r["操作人"] for r in mine} == {"inspector（监察员）"}
    engine = await audit(supervisor, actor="system")
    assert all(r["操作人"] == "清零引擎" for r in engine)
    assert len(engine) == sum(1 for h in made.history if h["actor"] == "system") > 0
    escalated = await audit(supervisor, kind="deadline_overdue")
    assert [(r["案件编号"], r["事项"], r["操作人"]) for r in escalated] == [
        ("（未立案）", "逾期提级（一级）", "清零引擎")
    ]
    assert "期限：受理期限" in escalated[0]["详情"] and "提醒对象：科室负责人" in escalated[0]["详情"]

    accepted = await audit(supervisor, kind="accept")
    assert [(r["案件编号"], r["事项"]) for r in accepted] == [(made.cleared["case_number"], "受理立案")]
    assert {r["阶段"] for r in accepted} == {"登记待受理 → 立案调查"}
    assert "已核实" in accepted[0]["详情"] and make_id(2) not in accepted[0]["详情"]

    day = day_of(next(h["at"] for h in made.history if h["kind"] == "accept"))
    same_day = await audit(supervisor, kind="accept", **{"from": day.isoformat(), "to": day.isoformat()})
    assert len(same_day) == sum(1 for h in made.history if h["kind"] == "accept" and day_of(h["at"]) == day) > 0
    assert await audit(supervisor, kind="accept", **{"from": (day + timedelta(days=1)).isoformat()}) == []
    assert await audit(supervisor, kind="accept", to=(day - timedelta(days=1)).isoformat()) == []
    r = await supervisor.get("/audit", params={"from": "2026-13-01"})
    assert r.status_code == 400 and "开始日期应为" in r.text

    # the other district's people see only theirs, the city's both; the administrator sees no case
    city_rows = await audit(await browser("city"), kind="accept")
    assert {r["案件编号"] for r in city_rows} == {made.cleared["case_number"], made.elsewhere["case_number"]}
    assert (await (await browser("admin")).get("/audit")).status_code == 403


async def test_the_audit_view_pages_by_keyset(api: Api, browser: SignIn, monkeypatch: pytest.MonkeyPatch) -> None:
    made = await make_cases(api)
    supervisor = await browser("supervisor")
    whole = await audit(supervisor)
    monkeypatch.setattr(oversight, "AUDIT_PAGE", 2)
    seen: list[dict[str, str]] = []
    r = await supervisor.get("/audit")
    while True:
        seen += rows_of(r.text)
        found = re.search(r'href="(/audit\?cursor=[^"]+)">下一页', r.text)
        if not found:
            break
        r = await supervisor.get(html.unescape(found.group(1)))
        assert "回到第一页" in r.text
    assert len(seen) == len(made.history)
    assert seen == whole


def full_ids() -> set[str]:
    return {make_id(i) for i in (1, 2)} | {make_id(i, OTHER) for i in (1, 2)}


async def test_csv_export_has_a_bom_chinese_headers_the_filtered_rows_and_no_full_id(api: Api, browser: SignIn) -> None:
    made = await make_cases(api)
    supervisor = await browser("supervisor")
    r = await supervisor.get("/audit.csv")
    assert r.status_code == 200
    assert (
        r.headers["content-disposition"].startswith("attachment; filename=")
        and ".csv" in r.headers["content-disposition"]
    )
    assert r.content.startswith(b"\xef\xbb\xbf")
    text = r.content.decode("utf-8-sig")
    assert not any(number in text for number in full_ids())
    assert make_id(2)[:6] + "********" + make_id(2)[-4:] in text  # the comment's and the payments' IDs, masked
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == list(oversight.HEADERS)
    assert len(table) - 1 == len(made.history)
    assert {row[2] for row in table[1:]} == made.ids
    assert {row[1] for row in table[1:]} == {made.cleared["case_number"], ""}

    r = await supervisor.get("/audit.csv", params={"actor": made.inspector_id, "kind": "record_payment"})
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))[1:]
    assert [(row[1], row[3], row[4], row[5]) for row in rows] == [
        (made.cleared["case_number"], "inspector", "监察员", "登记支付")
    ]
    assert "支付：2 项" in rows[0][9] and "已支付：24000.00" in rows[0][9]


async def test_csv_export_says_when_it_is_capped(api: Api, browser: SignIn, monkeypatch: pytest.MonkeyPatch) -> None:
    made = await make_cases(api)
    monkeypatch.setattr(oversight, "EXPORT_CAP", 2)
    r = await (await browser("supervisor")).get("/audit.csv")
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(made.history) > 2 and len(table) == 1 + 2 + 1
    assert table[-1][0].startswith("已达导出上限 2 行")


async def test_xlsx_export_opens_with_a_bold_frozen_header_and_the_same_rows(api: Api, browser: SignIn) -> None:
    made = await make_cases(api)
    supervisor = await browser("supervisor")
    r = await supervisor.get("/audit.xlsx", params={"kind": "accept"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert (
        r.headers["content-disposition"].startswith("attachment; filename=")
        and ".xlsx" in r.headers["content-disposition"]
    )
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.freeze_panes == "A2"
    assert all(cell.font.b for cell in ws[1])
    assert [c.value for c in ws[1]] == list(oversight.HEADERS)
    assert ws.column_dimensions["J"].width >= 40
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    csv_rows = list(
        csv.reader(
            io.StringIO((await supervisor.get("/audit.csv", params={"kind": "accept"})).content.decode("utf-8-sig"))
        )
    )[1:]
    assert [(row[1], row[5]) for row in rows] == [(row[1], row[5]) for row in csv_rows]
    assert [row[1] for row in rows] == [made.cleared["case_number"]]
    assert all(isinstance(row[0], datetime) for row in rows)
    flat = " ".join(str(v) for row in rows for v in row)
    assert not any(number in flat for number in full_ids())


def hand_built(n: int, region: str, stage: Stage, **changes: Any) -> CaseState:
    """A case written straight into the read model (as record_event writes it): approvals the API reaches only
    after weeks of deadlines."""
    return CaseState(
        case_id=f"QL-P{n:02d}",
        case_number=f"测试案〔2026〕{n}号",
        region_code=region,
        last_seq=5,
        received_at=datetime(2026, 3, 1, 9, tzinfo=SHANGHAI),
        channel=Channel.HOTLINE,
        employer=Employer(name=f"某劳务有限公司{n}", uscc=make_uscc(n, region)),
        complainant=Complainant(name="张三"),
        workers=[
            WorkerState(
                name="工人",
                id_number=make_id(n, region),
                claimed_amount=Decimal("1000.00"),
                paid_amount=Decimal("0.00"),
                owed_from=date(2026, 1, 1),
                owed_to=date(2026, 2, 1),
            )
        ],
        created_by="u_inspector",
        stage=stage,
        **changes,
    )


def track_row(case: CaseState, kind: str, status: str, due_kind: str) -> dict[str, Any]:
    """A sub-process's read-model row; only what the dashboard reads of its state."""
    state = {
        "started_at": "2026-06-01T10:00:00+08:00",
        "deadlines": [{"kind": due_kind, "due": "2026-06-10", "status": "pending"}],
    }
    return {
        "track_id": f"{case.case_id}/{kind}/1",
        "case_id": case.case_id,
        "kind": kind,
        "number": 1,
        "status": status,
        "region_code": case.region_code,
        "last_seq": 1,
        "state": state,
        "updated_at": datetime(2026, 6, 1, 2, tzinfo=UTC),
    }


async def test_pending_approvals_and_overdue_groups_of_a_jurisdiction(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    proposed = datetime(2026, 5, 1, 10, tzinfo=SHANGHAI)
    decision = DecisionTrack(proposed_rate=Decimal("0.50"), proposed_at=proposed)
    penalty = PenaltyTrack(
        basis=PenaltyBasis.WAGE_ART54, proposed_amount=Decimal("5000.00"), proposed_at=proposed, hearing_right=False
    )
    overdue = Deadline(kind=DeadlineKind.INVESTIGATION, start=date(2026, 3, 1), due=date(2026, 5, 1))
    cases = [
        hand_built(1, "140105", Stage.ORDERED, decision=decision, deadlines=[overdue]),
        hand_built(2, "140105", Stage.ORDERED, decision=decision.model_copy(update={"decided_at": proposed})),
        hand_built(3, "140105", Stage.INVESTIGATING, penalty=penalty),
        hand_built(4, "140105", Stage.CLEARED, penalty=penalty.model_copy(update={"decided_at": proposed})),
        hand_built(5, OTHER, Stage.ORDERED, decision=decision, penalty=penalty, deadlines=[overdue]),
        hand_built(6, "140105", Stage.CLOSED, decision=decision, deadlines=[overdue]),
    ]
    async with sessions.begin() as s:
        for case in cases:
            await save_case(s, case, datetime(2026, 6, 1, tzinfo=UTC))
        await s.execute(
            tracks.insert(),
            [
                track_row(cases[0], "blacklist", "proposed", "blacklist_decision"),
                track_row(cases[2], "referral", "awaiting_approval", "referral_approval"),
                track_row(cases[1], "blacklist", "listed", "blacklist_decision"),
                track_row(cases[4], "referral", "awaiting_approval", "referral_approval"),
            ],
        )
    async with sessions() as s:
        groups = {g.key: g for g in await pending_approvals(s, ["140105"])}
        city = {g.key: g.count for g in await pending_approvals(s, ["1401"])}
        late = await overdue_by_kind(s, ["140105"], date(2026, 6, 1))
    assert list(groups) == ["decision", "penalty", "blacklist", "referral", "closing"]
    assert {k: [c.case_id for c in g.cases] for k, g in groups.items()} == {
        "decision": ["QL-P01"],
        "penalty": ["QL-P03"],
        "blacklist": ["QL-P01"],
        "referral": ["QL-P03"],
        "closing": ["QL-P04"],
    }
    assert groups["decision"].cases[0].since == proposed
    assert groups["blacklist"].cases[0].due == date(2026, 6, 10)
    assert groups["referral"].cases[0].since == datetime(2026, 6, 1, 10, tzinfo=SHANGHAI)
    assert city == {"decision": 2, "penalty": 2, "blacklist": 1, "referral": 2, "closing": 1}
    assert [(g.key, g.count, [c.case_number for c in g.cases]) for g in late] == [
        ("investigation", 1, ["测试案〔2026〕1号"])
    ]
    assert late[0].cases[0].due == date(2026, 5, 1)
