"""The history chain as the real activities write it, and `verify` against tampering, on SQLite and PostgreSQL:
an edited row, a deleted middle or last row, a wiped hash, a row edited and rehashed, legacy rows from before
the chain, the shared clock's bulk rows, and concurrent writers of one case's chain."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import ActivityEnvironment

import activities.shared_clock as shared_clock_module
from activities.case_store import CaseStore
from activities.notices import NoticeActivities
from activities.shared_clock import SharedClockActivities
from config.settings import Settings
from db.audit import Break, Problem, verify_chains
from db.cases import append_rows, save_case
from db.chain import GENESIS, row_hash
from db.tables import case_events
from models.actions import SYSTEM
from models.activities import RecordEventsInput
from models.case import Deadline, DeadlineKind
from models.shared_clock import RaiseSharedInput
from tests.audit.chains import T0, delete, edit, event_input, new_case, record, rehash, rows
from tests.harness import shared_renderer


async def two_cases(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> list[str | None]:
    store = CaseStore(sessions, settings)
    hashes = await record(store, new_case("A"), range(1, 5))
    await record(store, new_case("B"), range(1, 3))
    return hashes


async def test_record_event_chains_each_row_and_returns_its_hash(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    hashes = await two_cases(sessions, settings)
    found = await rows(sessions, "A")
    assert [r["hash"] for r in found] == hashes
    assert [r["prev_hash"] for r in found] == [GENESIS, *hashes[:-1]]
    for r in found:
        assert r["hash"] == row_hash(r, r["prev_hash"])

    store, env = CaseStore(sessions, settings), ActivityEnvironment()
    case = new_case("A")
    assert await env.run(store.record_event, event_input(case, 3)) == hashes[2]  # a retry: the row's hash
    racing = await asyncio.gather(*(env.run(store.record_event, event_input(case, 5)) for _ in range(3)))
    assert len(set(racing)) == 1 and racing[0] is not None
    after = await rows(sessions, "A")
    assert len(after) == 5 and after[-1]["hash"] == racing[0] and after[-1]["prev_hash"] == hashes[-1]

    report = await verify_chains(sessions)
    assert report.ok, report.breaks
    assert (report.cases, report.rows, report.legacy_rows) == (2, 7, 0)
    assert "核验通过" in report.summary()


async def test_record_events_chains_its_rows_and_returns_the_last_hash(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    store, env = CaseStore(sessions, settings), ActivityEnvironment()
    case = new_case("C")
    first = await record(store, case, [1])
    events = [event_input(case, seq).event for seq in (2, 3, 4)]
    inp = RecordEventsInput(case=case.model_copy(update={"last_seq": 4}), events=events)
    last = await env.run(store.record_events, inp)
    assert await env.run(store.record_events, inp) == last  # a retry writes nothing, answers the same
    found = await rows(sessions, "C")
    assert [r["seq"] for r in found] == [1, 2, 3, 4]
    assert found[1]["prev_hash"] == first[0] and found[-1]["hash"] == last
    assert (await verify_chains(sessions)).ok


async def test_an_edited_row_is_named(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    await two_cases(sessions, settings)
    await edit(sessions, "A", 2, data={"n": 2, "amount": "1.00", "note": "工资欠条"})
    report = await verify_chains(sessions)
    assert not report.ok
    assert [(b.case_id, b.seq, b.problem) for b in report.breaks] == [("A", 2, Problem.CONTENT_CHANGED)]
    assert "A" in report.breaks[0].line() and "seq=2" in report.breaks[0].line()
    assert "核验失败" in report.summary()


@pytest.mark.parametrize(
    "values",
    [
        {"at": T0 + timedelta(days=1)},
        {"actor": "u_someone_else"},
        {"kind": "close"},
        {"stage_after": "closed"},
        {"seq": 20},
    ],
    ids=["at", "actor", "kind", "stage", "seq"],
)
async def test_any_column_edited_is_found(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, values: dict[str, Any]
) -> None:
    await two_cases(sessions, settings)
    await edit(sessions, "A", 3, **values)
    (broken,) = (await verify_chains(sessions)).breaks
    assert (broken.case_id, broken.problem) == ("A", Problem.CONTENT_CHANGED)


async def test_a_deleted_middle_row_breaks_the_link(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    await two_cases(sessions, settings)
    await delete(sessions, "A", 2)
    (broken,) = (await verify_chains(sessions)).breaks
    assert (broken.case_id, broken.seq, broken.problem) == ("A", 3, Problem.ROW_MISSING)
    assert "第 2 条" in broken.detail


async def test_a_deleted_first_row_breaks_the_link(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    await two_cases(sessions, settings)
    await delete(sessions, "B", 1)
    (broken,) = (await verify_chains(sessions)).breaks
    assert (broken.case_id, broken.seq, broken.problem) == ("B", 2, Problem.ROW_MISSING)


async def test_a_deleted_last_row_is_missing(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    await two_cases(sessions, settings)
    await delete(sessions, "A", 4)
    await delete(sessions, "B", 2)
    await delete(sessions, "B", 1)
    report = await verify_chains(sessions)
    assert [(b.case_id, b.seq, b.problem) for b in report.breaks] == [
        ("A", 4, Problem.ROW_MISSING),
        ("B", 1, Problem.ROW_MISSING),
    ]


async def test_a_row_edited_and_rehashed_breaks_the_next_link(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    await two_cases(sessions, settings)
    (row,) = [r for r in await rows(sessions, "A") if r["seq"] == 2]
    forged = {**row, "data": {**row["data"], "amount": "1.00"}}
    await edit(sessions, "A", 2, data=forged["data"], hash=row_hash(forged, row["prev_hash"]))
    (broken,) = (await verify_chains(sessions)).breaks
    assert (broken.case_id, broken.seq, broken.problem) == ("A", 3, Problem.LINK_BROKEN)


async def test_a_wiped_hash_is_found(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    await two_cases(sessions, settings)
    await edit(sessions, "A", 4, hash=None, prev_hash=None)
    (broken,) = (await verify_chains(sessions)).breaks
    assert (broken.case_id, broken.seq, broken.problem) == ("A", 4, Problem.UNCHAINED)


async def test_a_consistent_rewrite_passes_the_database_check(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """What the database alone cannot see: the workflow's hash can (tests/audit/test_workflow_chain.py)."""
    await two_cases(sessions, settings)
    await edit(sessions, "A", 2, data={"n": 2, "amount": "1.00"})
    await rehash(sessions, "A")
    assert (await verify_chains(sessions)).ok


async def test_one_case_and_a_small_stream_batch(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    await two_cases(sessions, settings)
    await edit(sessions, "A", 3, actor="u_x")
    assert (await verify_chains(sessions, "B")).ok
    one = await verify_chains(sessions, "A", batch=1)
    assert (one.cases, one.rows, [b.seq for b in one.breaks]) == (1, 4, [3])
    every = await verify_chains(sessions, batch=3)
    assert [(b.case_id, b.seq) for b in every.breaks] == [("A", 3)]


async def test_legacy_rows_are_a_prefix_sealed_by_the_first_chained_row(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """Rows written before migration 0005 have no hash: the first chained row links to their virtual chain."""
    case = new_case("L")
    async with sessions.begin() as s:
        await save_case(s, case.model_copy(update={"last_seq": 2}), T0)
        for seq in (1, 2):
            ev = event_input(case, seq).event
            await s.execute(case_events.insert().values(case_id="L", **ev.model_dump()))  # as before the chain
    store = CaseStore(sessions, settings)
    (third,) = await record(store, case, [3])
    legacy = await rows(sessions, "L")
    virtual = row_hash(legacy[1], row_hash(legacy[0], GENESIS))
    assert legacy[2]["prev_hash"] == virtual and legacy[2]["hash"] == third
    report = await verify_chains(sessions)
    assert report.ok and report.legacy_rows == 2

    await edit(sessions, "L", 1, actor="u_forger")
    (broken,) = (await verify_chains(sessions)).breaks
    assert (broken.case_id, broken.seq, broken.problem) == ("L", 3, Problem.LINK_BROKEN)


def shared_case(case_id: str) -> Any:
    start = date(2026, 11, 20)
    deadlines = [
        Deadline(
            kind=kind,
            start=start,
            due=date(2026, 12, 31),
            warn_on=date(2026, 12, 28),
            escalate_after=date(2027, 1, 8),
        )
        for kind in (DeadlineKind.CLEAR_YEAR_END, DeadlineKind.CLEAR_BEFORE_NEW_YEAR)
    ]
    return new_case(case_id, shared_clock=True, deadlines=deadlines, registered=True)


async def test_the_shared_clocks_bulk_rows_are_chained(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shared_clock_module, "CHUNK", 3)  # several chunks, several cases each
    store = CaseStore(sessions, settings)
    ids = [f"S{i:02d}" for i in range(7)]
    for cid in ids:
        await record(store, shared_case(cid), [1, 2])
    clock = SharedClockActivities(sessions, NoticeActivities(sessions, shared_renderer(), settings))
    at = datetime(2026, 12, 28, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai on the warning day
    raised = await ActivityEnvironment().run(clock.raise_shared, RaiseSharedInput(at=at))
    assert (raised.cases, raised.escalations) == (7, 14)
    again = await ActivityEnvironment().run(clock.raise_shared, RaiseSharedInput(at=at))
    assert again.escalations == 0
    for cid in ids[:3]:  # the workflow writes on after the shared clock's rows
        await record(store, shared_case(cid), [3])

    for cid in ids:
        found = await rows(sessions, cid)
        assert [r["seq"] < 0 for r in found] == [False, False, True, True] + ([False] if cid in ids[:3] else [])
        assert [r["prev_hash"] for r in found] == [GENESIS, *(r["hash"] for r in found[:-1])]
    report = await verify_chains(sessions)
    assert report.ok and report.rows == 7 * 4 + 3

    (row,) = [r for r in await rows(sessions, "S04") if r["kind"] == "deadline_warning"][:1]
    await edit(sessions, "S04", row["seq"], data={**row["data"], "level": 2})
    assert [(b.case_id, b.seq) for b in (await verify_chains(sessions)).breaks] == [("S04", row["seq"])]


async def test_the_workflow_and_the_shared_clock_writing_one_case_at_once(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """The case's activity and the shared clock's bulk insert race on the same cases: each must link to the
    other's row (PostgreSQL: the cases row lock; SQLite: BEGIN IMMEDIATE)."""
    store, env = CaseStore(sessions, settings), ActivityEnvironment()
    ids = ["R1", "R2", "R3"]
    cases = {cid: new_case(cid) for cid in ids}
    for cid in ids:
        await record(store, cases[cid], [1])

    async def shared(round_: int) -> None:
        batch = [
            {
                "case_id": cid,
                "seq": -1000 - round_,
                "at": T0 + timedelta(hours=round_),
                "kind": "deadline_warning",
                "actor": SYSTEM.user_id,
                "actor_role": SYSTEM.role.value,
                "stage_before": "intake",
                "stage_after": "intake",
                "data": {"round": round_, "raised_by": "shared_clock"},
            }
            for cid in ids
        ]
        async with sessions.begin() as s:
            await append_rows(s, batch)

    for round_ in range(2, 12):
        await asyncio.gather(
            shared(round_),
            *(env.run(store.record_event, event_input(cases[cid], round_)) for cid in ids),
        )
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(case_events)) == 3 * (1 + 10 + 10)
    report = await verify_chains(sessions)
    assert report.ok, [b.line() for b in report.breaks]


def test_a_break_reads_as_a_line() -> None:
    line = Break("QL-1", 7, Problem.ROW_MISSING, "缺少第 6 条记录").line()
    assert line == "案件 QL-1 seq=7：记录缺失（row_missing）：缺少第 6 条记录"


async def test_a_rewritten_chain_leaves_the_workflow_its_old_hash(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """The workflow's previous hash travels in the snapshot: when the chain no longer holds it, the row is written
    all the same, but the answer is the old hash, so the rewrite stays visible against Temporal."""
    store, env = CaseStore(sessions, settings), ActivityEnvironment()
    case = new_case("W")
    hashes = await record(store, case, range(1, 4))
    kept = case.model_copy(update={"history_hash": hashes[-1]})
    fourth = await env.run(store.record_event, event_input(kept, 4))
    assert fourth not in hashes and fourth == (await rows(sessions, "W"))[-1]["hash"]

    await edit(sessions, "W", 2, data={"n": 2, "amount": "1.00"})
    await rehash(sessions, "W")
    after = case.model_copy(update={"history_hash": fourth})
    assert await env.run(store.record_event, event_input(after, 5)) == fourth  # not the new row's hash
    assert await env.run(store.record_event, event_input(after, 5)) == fourth  # nor on a retry
    inp = RecordEventsInput(case=after.model_copy(update={"last_seq": 6}), events=[event_input(after, 6).event])
    assert await env.run(store.record_events, inp) == fourth
    found = await rows(sessions, "W")
    assert [r["seq"] for r in found] == [1, 2, 3, 4, 5, 6]
    assert (await verify_chains(sessions)).ok  # consistent: only the workflow's hash can tell
