"""GET /api/v1/me/reminders: the warnings and escalations addressed to the caller, over rows of a real database
(written directly: the workflow that raises them is tested in tests/workflows)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.users import create_user, user_by_name
from models.case import DeadlineKind, EscalationKind, Role
from tests.api.conftest import Api
from tests.seeds import seed_case, seed_deadline, seed_escalation

DUE = date(2026, 11, 20)
T0 = datetime(2026, 11, 17, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
PAYMENT = DeadlineKind.PAYMENT_ORDER
URL = "/api/v1/me/reminders"


async def user_id(sessions: async_sessionmaker[AsyncSession], name: str) -> str:
    async with sessions() as s:
        user = await user_by_name(s, name)
    assert user is not None
    return user.user_id


async def reminders(api: Api, who: str, **params: Any) -> dict[str, Any]:
    r = await api.http.get(URL, params=params, headers=api.auth(who))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def seed_escalated_case(sessions: async_sessionmaker[AsyncSession], case_id: str, region: str = "140105") -> None:
    """A case whose payment order was warned (to the inspector), went overdue (supervisors) and was supervised
    (heads, 督办通知书)."""
    inspector = await user_id(sessions, "inspector")
    async with sessions.begin() as s:
        await seed_case(
            s, case_id, region_code=region, employer_name="恒泰建筑工程有限公司", case_number=f"案{case_id}"
        )
        await seed_deadline(s, case_id, 0, PAYMENT, DUE, "overdue")
        await seed_escalation(
            s, case_id, 0, EscalationKind.WARNING, PAYMENT, DUE, T0, Role.INSPECTOR, inspector, region_code=region
        )
        await seed_escalation(
            s,
            case_id,
            1,
            EscalationKind.OVERDUE,
            PAYMENT,
            DUE,
            T0 + timedelta(days=4),
            Role.SUPERVISOR,
            region_code=region,
        )
        await seed_escalation(
            s,
            case_id,
            2,
            EscalationKind.SUPERVISION,
            PAYMENT,
            DUE,
            T0 + timedelta(days=11),
            Role.HEAD,
            region_code=region,
            notice="小人社监督〔2026〕1号",
        )


async def test_each_role_sees_what_is_addressed_to_it(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed_escalated_case(sessions, "QL-R1")

    warning = (await reminders(api, "inspector"))["items"]
    assert warning == [
        {
            "case_id": "QL-R1",
            "case_number": "案QL-R1",
            "employer_name": "恒泰建筑工程有限公司",
            "kind": "warning",
            "kind_zh": "临期提醒",
            "level": 0,
            "deadline_kind": "payment_order",
            "deadline_zh": "限期支付期限",
            "due": "2026-11-20",
            "at": "2026-11-17T08:00:00+08:00",
            "notice": None,
            "deadline_status": "overdue",
        }
    ]
    level1 = (await reminders(api, "supervisor"))["items"]
    assert [(r["kind"], r["kind_zh"], r["level"]) for r in level1] == [("overdue", "逾期提级（一级）", 1)]
    assert level1[0]["at"] == "2026-11-21T08:00:00+08:00"
    level2 = (await reminders(api, "head"))["items"]
    assert [(r["kind"], r["kind_zh"], r["level"], r["notice"]) for r in level2] == [
        ("supervision", "逾期督办（二级）", 2, "小人社监督〔2026〕1号")
    ]
    # a supervisor of the city sees its districts' level 1; an inspector of another district sees nothing
    assert [r["level"] for r in (await reminders(api, "city"))["items"]] == [1]
    assert (await reminders(api, "other"))["items"] == []


async def test_a_supervisor_of_another_region_does_not_see_it(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions.begin() as s:
        _, token = await create_user(s, "sup-140106", Role.SUPERVISOR, ["140106"])
    api.tokens["sup-140106"] = token
    await seed_escalated_case(sessions, "QL-R2", region="140105")
    await seed_escalated_case(sessions, "QL-R3", region="140106")
    assert [r["case_id"] for r in (await reminders(api, "sup-140106"))["items"]] == ["QL-R3"]
    assert [r["case_id"] for r in (await reminders(api, "supervisor"))["items"]] == ["QL-R2"]


async def test_a_warning_to_one_inspector_is_not_anothers(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as s:
        colleague, token = await create_user(s, "colleague", Role.INSPECTOR, ["140105"])
        await seed_case(s, "QL-R4")
        await seed_deadline(s, "QL-R4", 0, DeadlineKind.INVESTIGATION, DUE)
        await seed_escalation(
            s,
            "QL-R4",
            0,
            EscalationKind.WARNING,
            DeadlineKind.INVESTIGATION,
            DUE,
            T0,
            Role.INSPECTOR,
            colleague.user_id,
        )
    api.tokens["colleague"] = token
    assert [r["deadline_zh"] for r in (await reminders(api, "colleague"))["items"]] == ["调查办结期限"]
    assert (await reminders(api, "inspector"))["items"] == []
    assert (await reminders(api, "supervisor"))["items"] == []  # a warning is to its inspector only


async def test_settled_reminders_only_with_all(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as s:
        await seed_case(s, "QL-MET")  # its payment order was met late: its level 1 is history
        await seed_deadline(s, "QL-MET", 0, PAYMENT, DUE, "met_late", met_at=DUE + timedelta(days=2))
        await seed_escalation(s, "QL-MET", 0, EscalationKind.OVERDUE, PAYMENT, DUE, T0, Role.SUPERVISOR)
        await seed_case(s, "QL-CLOSED", stage="closed")  # closed: its deadlines were cancelled
        await seed_deadline(s, "QL-CLOSED", 0, PAYMENT, DUE, "cancelled")
        await seed_escalation(s, "QL-CLOSED", 0, EscalationKind.OVERDUE, PAYMENT, DUE, T0, Role.SUPERVISOR)
        await seed_case(s, "QL-MOVED")  # the order was re-issued with a new date: the old date's escalation
        await seed_deadline(s, "QL-MOVED", 0, PAYMENT, DUE, "cancelled")
        await seed_deadline(s, "QL-MOVED", 1, PAYMENT, DUE + timedelta(days=30))
        await seed_escalation(s, "QL-MOVED", 0, EscalationKind.OVERDUE, PAYMENT, DUE, T0, Role.SUPERVISOR)
        await seed_case(s, "QL-OPEN")
        await seed_deadline(s, "QL-OPEN", 0, PAYMENT, DUE, "pending")
        await seed_escalation(s, "QL-OPEN", 0, EscalationKind.OVERDUE, PAYMENT, DUE, T0, Role.SUPERVISOR)

    default = (await reminders(api, "supervisor"))["items"]
    assert [(r["case_id"], r["deadline_status"]) for r in default] == [("QL-OPEN", "pending")]
    everything = (await reminders(api, "supervisor", all="true", limit=200))["items"]
    assert {(r["case_id"], r["deadline_status"]) for r in everything} == {
        ("QL-CLOSED", "cancelled"),
        ("QL-MET", "met_late"),
        ("QL-MOVED", "cancelled"),
        ("QL-OPEN", "pending"),
    }


async def test_a_deadline_replaced_on_the_same_date_reads_as_the_new_one(
    api: Api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions.begin() as s:
        await seed_case(s, "QL-SAME")
        await seed_deadline(s, "QL-SAME", 0, PAYMENT, DUE, "cancelled")
        await seed_deadline(s, "QL-SAME", 1, PAYMENT, DUE, "overdue")
        await seed_escalation(s, "QL-SAME", 0, EscalationKind.OVERDUE, PAYMENT, DUE, T0, Role.SUPERVISOR)
    items = (await reminders(api, "supervisor", all="true"))["items"]
    assert [(r["case_id"], r["deadline_status"]) for r in items] == [("QL-SAME", "overdue")]


async def test_admin_is_refused(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    await seed_escalated_case(sessions, "QL-R5")
    r = await api.http.get(URL, params={"all": "true"}, headers=api.auth("admin"))  # admin sees no case data
    assert r.status_code == 403 and r.json()["error"]["code"] == "role_not_allowed"


async def test_pages_newest_first_by_keyset(api: Api, sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as s:
        for c in range(4):
            case_id = f"QL-P{c}"
            await seed_case(s, case_id)
            for p, kind in enumerate([PAYMENT, DeadlineKind.INVESTIGATION]):
                await seed_deadline(s, case_id, p, kind, DUE)
                # two cases share each moment: ties are ordered by case and position
                at = T0 + timedelta(hours=c // 2)
                await seed_escalation(s, case_id, p, EscalationKind.OVERDUE, kind, DUE, at, Role.SUPERVISOR)
    seen: list[tuple[str, str]] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = await reminders(api, "supervisor", **params)
        pages += 1
        seen += [(r["case_id"], r["deadline_kind"]) for r in page["items"]]
        assert page["limit"] == 3 and len(page["items"]) <= 3
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    expected = [(f"QL-P{c}", k.value) for c in (2, 3, 0, 1) for k in (PAYMENT, DeadlineKind.INVESTIGATION)]
    assert seen == expected
    ats = [r["at"] for r in (await reminders(api, "supervisor", limit=200))["items"]]
    assert ats == sorted(ats, reverse=True)


async def test_bad_parameters(api: Api) -> None:
    for params in ({"cursor": "not-a-cursor"}, {"limit": 0}, {"limit": 201}, {"all": "maybe"}):
        r = await api.http.get(URL, params=params, headers=api.auth("inspector"))
        assert r.status_code == 422, (params, r.text)
        assert r.json()["error"]["code"] == "validation_failed"
    assert (await api.http.get(URL, params={"cursor": "x"}, headers=api.auth("inspector"))).json()["error"][
        "details"
    ] == [{"field": "cursor", "message": "翻页游标无效"}]
    r = await api.http.get(URL)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
