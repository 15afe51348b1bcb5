"""Persistence activities against real SQLite and PostgreSQL: idempotent, gapless, one transaction."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.case_store import CaseStore
from activities.notices import NoticeActivities
from config.settings import Settings
from db.cases import get_state
from db.sequences import next_value
from db.tables import case_events, cases, notices
from models.activities import (
    AssignCaseNumberInput,
    CaseEvent,
    IssueNoticeInput,
    RecordEventInput,
)
from models.case import CaseIntake, CaseState
from models.notices import NoticeKind
from models.start import CaseStart
from tests.builders import intake_body
from tests.harness import INSPECTOR, shared_renderer
from workflows.case import initial_state

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def new_case(case_id: str) -> CaseState:
    intake = CaseIntake.model_validate(intake_body())
    return initial_state(CaseStart(case_id=case_id, intake=intake, created_by=INSPECTOR))


def event(seq: int, case: CaseState) -> RecordEventInput:
    case = case.model_copy(update={"last_seq": seq})
    ev = CaseEvent(
        seq=seq,
        at=NOW,
        kind="intake",
        actor="u1",
        actor_role="inspector",
        stage_before=None,
        stage_after=case.stage.value,
        data={"n": seq},
    )
    return RecordEventInput(case=case, event=ev)


async def scalar(sessions: async_sessionmaker[AsyncSession], stmt: Any) -> Any:
    async with sessions() as s:
        return await s.scalar(stmt)


async def test_record_event_is_idempotent(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    store = CaseStore(sessions, settings)
    env = ActivityEnvironment()
    case = new_case("C1")
    await env.run(store.record_event, event(1, case))
    await env.run(store.record_event, event(1, case))  # a retry
    await asyncio.gather(*(env.run(store.record_event, event(2, case)) for _ in range(3)))  # racing retries
    assert await scalar(sessions, select(func.count()).select_from(case_events)) == 2
    assert await scalar(sessions, select(cases.c.last_seq).where(cases.c.case_id == "C1")) == 2
    assert await scalar(sessions, select(cases.c.owed_fen).where(cases.c.case_id == "C1")) == 2_400_000


async def test_stale_snapshot_never_overwrites_newer(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    store = CaseStore(sessions, settings)
    env = ActivityEnvironment()
    case = new_case("C2")
    await env.run(store.record_event, event(1, case))
    await env.run(store.record_event, event(3, case.model_copy(update={"case_number": "N"})))
    await env.run(store.record_event, event(2, case))
    assert await scalar(sessions, select(cases.c.case_number).where(cases.c.case_id == "C2")) == "N"


async def test_case_number_is_stable_per_case(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    store = CaseStore(sessions, settings)
    env = ActivityEnvironment()
    for cid in ("A", "B"):
        await env.run(store.record_event, event(1, new_case(cid)))
    a1 = await env.run(store.assign_case_number, AssignCaseNumberInput(case_id="A", region_code="140105", year=2026))
    a2 = await env.run(store.assign_case_number, AssignCaseNumberInput(case_id="A", region_code="140105", year=2026))
    b = await env.run(store.assign_case_number, AssignCaseNumberInput(case_id="B", region_code="140105", year=2026))
    assert a1 == a2 == "小人社监案〔2026〕1号"
    assert b == "小人社监案〔2026〕2号"


async def test_sequence_is_gapless_under_concurrency(engine: Any, sessions: async_sessionmaker[AsyncSession]) -> None:
    async def one(fail: bool) -> int | None:
        try:
            async with sessions.begin() as s:
                value = await next_value(s, "小人社监", "令", 2026)
                if fail:
                    raise RuntimeError("rolled back")
                return value
        except RuntimeError:
            return None

    results = await asyncio.gather(*(one(fail=i % 5 == 0) for i in range(40)))
    issued = sorted(v for v in results if v is not None)
    assert issued == list(range(1, len(issued) + 1))  # no gaps, no repeats, rollbacks give numbers back
    assert len(issued) == 32


async def test_issue_notice_once_per_key(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    store = CaseStore(sessions, settings)
    issuer = NoticeActivities(sessions, shared_renderer(), settings)
    env = ActivityEnvironment()
    case_ids = [f"N{i}" for i in range(6)]
    for cid in case_ids:
        await env.run(store.record_event, event(1, new_case(cid)))

    def inp(cid: str) -> IssueNoticeInput:
        return IssueNoticeInput(case=new_case(cid), kind=NoticeKind.ACCEPTANCE, occurrence=1, issued_at=NOW)

    refs = await asyncio.gather(*(env.run(issuer.issue_notice, inp(cid)) for cid in case_ids))
    again = await env.run(issuer.issue_notice, inp("N0"))
    assert again == next(r for r in refs if r.notice_id.startswith("N0-"))
    numbers = sorted(int(r.doc_number.split("〕")[1].rstrip("号")) for r in refs)
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert all(r.doc_number.startswith("小人社监受〔2026〕") for r in refs)
    assert await scalar(sessions, select(func.count()).select_from(notices)) == 6
    row_path = await scalar(sessions, select(notices.c.path).where(notices.c.notice_id == refs[0].notice_id))
    pdf = (settings.notice_dir / row_path).read_bytes()
    assert pdf.startswith(b"%PDF-")
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == refs[0].sha256


async def test_snapshots_carry_only_the_changed_workers(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """The workflow sends the case without its workers, plus the workers changed since the last record."""
    store = CaseStore(sessions, settings)
    env = ActivityEnvironment()
    case = new_case("C9")
    snapshot = case.model_copy(update={"workers": []})
    first = event(1, snapshot).model_copy(update={"worker_changes": case.workers})  # intake: all of them
    await env.run(store.record_event, first)
    paid = case.workers[1].model_copy(update={"paid_amount": Decimal("12000.00")})
    await env.run(store.record_event, event(2, snapshot).model_copy(update={"worker_changes": [paid]}))
    await env.run(store.record_event, event(3, snapshot))  # nothing changed: the recorded workers stay
    async with sessions() as s:
        state = await get_state(s, "C9")
    assert state is not None and [w.id_number for w in state.workers] == [w.id_number for w in case.workers]
    assert [w.paid_amount for w in state.workers] == [Decimal("0.00"), Decimal("12000.00")]
    assert await scalar(sessions, select(cases.c.paid_fen).where(cases.c.case_id == "C9")) == 1_200_000
