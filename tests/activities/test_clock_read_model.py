"""db.cases.save_case keeps the clock tables in step with the case row, on SQLite and PostgreSQL: the case's
deadlines rewritten with every write of the row (an older snapshot changes nothing), its escalations appended
once each; and the case view shows the escalations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.views import case_view
from db.cases import save_case
from db.tables import case_deadlines, case_escalations, cases
from models.case import (
    CaseState,
    Channel,
    Complainant,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    Employer,
    Escalation,
    EscalationKind,
    Role,
    WorkerState,
)
from tests.builders import make_id, make_uscc

T0 = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)
RECEIVED = date(2026, 10, 9)


def state(seq: int, deadlines: list[Deadline], escalations: list[Escalation] | None = None) -> CaseState:
    return CaseState(
        case_id="QL-CLOCK",
        region_code="140105",
        last_seq=seq,
        received_at=T0,
        channel=Channel.HOTLINE,
        employer=Employer(name="太原市恒泰建筑劳务有限公司", uscc=make_uscc(1)),
        complainant=Complainant(name="张三"),
        workers=[
            WorkerState(
                name="工人1",
                id_number=make_id(1),
                claimed_amount=Decimal("12000.00"),
                owed_from=date(2026, 6, 1),
                owed_to=date(2026, 9, 30),
            )
        ],
        created_by="u_inspector",
        deadlines=deadlines,
        escalations=escalations or [],
    )


ACCEPTANCE = Deadline(kind=DeadlineKind.ACCEPTANCE, start=RECEIVED, due=date(2026, 10, 16), working_days=5)
CLEAR_3 = Deadline(kind=DeadlineKind.CLEAR_3_MONTHS, start=RECEIVED, due=date(2027, 1, 9))
YEAR_END = Deadline(kind=DeadlineKind.CLEAR_YEAR_END, start=RECEIVED, due=date(2026, 12, 31), provisional=True)
INVESTIGATION = Deadline(kind=DeadlineKind.INVESTIGATION, start=date(2026, 10, 12), due=date(2027, 1, 8))
WARNING = Escalation(
    kind=EscalationKind.WARNING,
    level=0,
    deadline_kind=DeadlineKind.ACCEPTANCE,
    due=date(2026, 10, 16),
    at=datetime(2026, 10, 12, 16, 0, tzinfo=UTC),  # 2026-10-13 00:00 in Shanghai
    addressee_role=Role.INSPECTOR,
    addressee="u_inspector",
)
OVERDUE = Escalation(
    kind=EscalationKind.OVERDUE,
    level=1,
    deadline_kind=DeadlineKind.ACCEPTANCE,
    due=date(2026, 10, 16),
    at=datetime(2026, 10, 16, 16, 0, tzinfo=UTC),
    addressee_role=Role.SUPERVISOR,
)
SUPERVISION = Escalation(
    kind=EscalationKind.SUPERVISION,
    level=2,
    deadline_kind=DeadlineKind.ACCEPTANCE,
    due=date(2026, 10, 16),
    at=datetime(2026, 10, 23, 16, 0, tzinfo=UTC),
    addressee_role=Role.HEAD,
    notice="并人社监督字〔2026〕第1号",
)


async def write(sessions: async_sessionmaker[AsyncSession], *states: CaseState) -> None:
    for s in states:  # each its own transaction, as record_event's are
        async with sessions.begin() as session:
            await save_case(session, s, T0)


async def deadline_rows(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[Any, ...]]:
    d = case_deadlines
    async with sessions() as s:
        rows = await s.execute(
            select(d.c.position, d.c.kind, d.c.start, d.c.due, d.c.status, d.c.provisional, d.c.met_at)
            .where(d.c.case_id == "QL-CLOCK")
            .order_by(d.c.position)
        )
        return [tuple(r) for r in rows]


async def escalation_rows(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[Any, ...]]:
    e = case_escalations
    async with sessions() as s:
        rows = await s.execute(
            select(
                e.c.position,
                e.c.kind,
                e.c.level,
                e.c.deadline_kind,
                e.c.due,
                e.c.at,
                e.c.addressee_role,
                e.c.addressee,
                e.c.region_code,
                e.c.notice,
            )
            .where(e.c.case_id == "QL-CLOCK")
            .order_by(e.c.position)
        )
        return [tuple(r) for r in rows]


def as_rows(deadlines: list[Deadline]) -> list[tuple[Any, ...]]:
    return [(i, d.kind.value, d.start, d.due, d.status.value, d.provisional, d.met_at) for i, d in enumerate(deadlines)]


def as_escalation_rows(escalations: list[Escalation]) -> list[tuple[Any, ...]]:
    return [
        (
            i,
            e.kind.value,
            e.level,
            e.deadline_kind.value,
            e.due,
            e.at,
            e.addressee_role.value,
            e.addressee,
            "140105",
            e.notice,
        )
        for i, e in enumerate(escalations)
    ]


async def test_deadlines_follow_every_write_of_the_case(sessions: async_sessionmaker[AsyncSession]) -> None:
    first = [ACCEPTANCE, CLEAR_3, YEAR_END]
    await write(sessions, state(1, first))
    assert await deadline_rows(sessions) == as_rows(first)

    accepted = [
        ACCEPTANCE.model_copy(update={"status": DeadlineStatus.MET, "met_at": date(2026, 10, 12)}),
        CLEAR_3,
        YEAR_END.model_copy(update={"provisional": False}),
        INVESTIGATION,
    ]
    await write(sessions, state(3, accepted))
    assert await deadline_rows(sessions) == as_rows(accepted)

    await write(sessions, state(2, first))  # an older snapshot, arriving late: neither the case nor its clocks
    assert await deadline_rows(sessions) == as_rows(accepted)
    async with sessions() as s:
        assert await s.scalar(select(cases.c.last_seq)) == 3

    await write(sessions, state(3, accepted))  # the same snapshot again (a retried activity)
    assert await deadline_rows(sessions) == as_rows(accepted)

    fewer = [accepted[0].model_copy(update={"status": DeadlineStatus.MET_LATE}), INVESTIGATION]
    await write(sessions, state(4, fewer))  # a shorter list: the rows beyond it go
    assert await deadline_rows(sessions) == as_rows(fewer)

    await write(sessions, state(5, []))
    assert await deadline_rows(sessions) == []


async def test_escalations_are_appended_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    await write(sessions, state(1, [ACCEPTANCE]))
    assert await escalation_rows(sessions) == []

    await write(sessions, state(2, [ACCEPTANCE], [WARNING]))
    assert await escalation_rows(sessions) == as_escalation_rows([WARNING])

    await write(sessions, state(2, [ACCEPTANCE], [WARNING]))  # retried: nothing doubles
    await write(sessions, state(3, [ACCEPTANCE], [WARNING]))
    assert await escalation_rows(sessions) == as_escalation_rows([WARNING])

    every = [WARNING, OVERDUE, SUPERVISION]
    await write(sessions, state(5, [ACCEPTANCE], every))
    assert await escalation_rows(sessions) == as_escalation_rows(every)

    await write(sessions, state(4, [ACCEPTANCE], every[:2]))  # older: changes nothing
    await write(sessions, state(6, [ACCEPTANCE], every))
    assert await escalation_rows(sessions) == as_escalation_rows(every)


async def test_an_escalation_already_recorded_is_skipped(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The same escalation (kind, deadline kind, due) written by another writer meanwhile — the shared clock,
    under a position of its own — is skipped, never doubled, and never fails the write; a missing one is added."""
    every = [WARNING, OVERDUE, SUPERVISION]
    await write(sessions, state(1, [ACCEPTANCE], every))
    async with sessions.begin() as s:
        await s.execute(case_escalations.delete().where(case_escalations.c.position == 0))
        await s.execute(case_escalations.update().where(case_escalations.c.position == 1).values(position=99))
    await write(sessions, state(2, [ACCEPTANCE], every))
    rows = await escalation_rows(sessions)
    assert len(rows) == 3
    assert sorted(r[0] for r in rows) == [0, 2, 99]


async def test_the_case_view_shows_escalations_in_shanghai_time() -> None:
    view = case_view(state(3, [ACCEPTANCE], [WARNING, SUPERVISION]), date(2026, 10, 20))
    shown = view.model_dump(mode="json")["escalations"]
    assert shown == [
        {
            "kind": "warning",
            "level": 0,
            "deadline_kind": "acceptance",
            "due": "2026-10-16",
            "at": "2026-10-13T00:00:00+08:00",
            "addressee_role": "inspector",
            "addressee": "u_inspector",
            "notice": None,
        },
        {
            "kind": "supervision",
            "level": 2,
            "deadline_kind": "acceptance",
            "due": "2026-10-16",
            "at": "2026-10-24T00:00:00+08:00",
            "addressee_role": "head",
            "addressee": None,
            "notice": "并人社监督字〔2026〕第1号",
        },
    ]


async def test_a_paused_deadline_is_stored_as_suspended_and_is_not_overdue(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """补正: the acceptance clock stands still; a filter for overdue cases must not find it."""
    from db.cases import SUSPENDED, CaseFilter, list_states

    paused = Deadline(
        kind=DeadlineKind.ACCEPTANCE,
        start=date(2026, 9, 1),
        due=date(2026, 9, 8),
        suspended_since=date(2026, 9, 2),
    )
    paused_case = state(1, [paused])
    async with sessions.begin() as s:
        await save_case(s, paused_case, datetime.now(UTC))
    async with sessions() as s:
        stored = await s.scalar(select(case_deadlines.c.status).where(case_deadlines.c.case_id == paused_case.case_id))
        page = await list_states(s, CaseFilter(region_prefixes=None, overdue_before=date(2026, 11, 23)))
        everything = await list_states(s, CaseFilter(region_prefixes=None))
    assert stored == SUSPENDED
    assert [c.case_id for c in everything.states] == [paused_case.case_id]
    assert page.states == []
