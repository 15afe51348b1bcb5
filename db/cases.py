"""Writes and reads of the case read model, its history and its notices."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import (
    ColumnElement,
    Insert,
    Table,
    Text,
    and_,
    cast,
    column,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.chain import CHAINED, GENESIS, link, running
from db.tables import case_deadlines, case_escalations, case_events, cases, notices
from models.activities import CaseEvent
from models.case import TERMINAL_STAGES, CaseState, DeadlineStatus, Escalation, NoticeRef, ProcedureState, WorkerState
from models.money import FEN
from models.stored import STORED


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def to_fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def next_due(state: CaseState) -> date | None:
    """The earliest due date among the running deadlines (open, clock not stopped): a case is overdue exactly
    when this is before today, so the list's plain ``overdue`` filter is one indexed range."""
    running = [d.due for d in state.deadlines if d.open and d.suspended_since is None]
    return min(running) if running else None


NAME_SEPARATOR = "x"
"""Between the characters of employer_name_spaced. A letter, so pg_trgm keeps a name one word; a query's
false matches through it (only a query of nothing but x's could have any) are dropped by testing the name."""


def spaced_name(name: str) -> str:
    """恒泰建筑 → 恒x泰x建x筑: a substring of two characters or more becomes one of three or more, which a
    trigram index (SQLite FTS5, PostgreSQL pg_trgm) can look up."""
    return NAME_SEPARATOR.join(name)


def _row(state: CaseState, updated_at: datetime) -> dict[str, Any]:
    return {
        "case_number": state.case_number,
        "stage": state.stage.value,
        "region_code": state.region_code,
        "received_at": state.received_at,
        "channel": state.channel.value,
        "employer_name": state.employer.name,
        "employer_name_spaced": spaced_name(state.employer.name),
        "employer_uscc": state.employer.uscc,
        "worker_count": len(state.workers),
        "owed_fen": to_fen(state.owed_total),
        "paid_fen": to_fen(state.paid_total),
        "outstanding_fen": to_fen(state.outstanding),
        "assignee": state.assignee,
        "next_due": next_due(state),
        "last_seq": state.last_seq,
        "state": state.model_dump(mode="json"),
        "updated_at": updated_at,
        "published_at": state.publication.decided_at if state.publication else None,
        "closed_at": state.closed_at if state.stage in TERMINAL_STAGES else None,
    }


OPEN_DEADLINE_STATUSES = (DeadlineStatus.PENDING.value, DeadlineStatus.OVERDUE.value)
"""A deadline still running: not met, not cancelled (``Deadline.open``)."""


SUSPENDED = "suspended"
"""The status a deadline row carries while its clock stands still (补正): neither open nor overdue, so the
overdue filters, digests and reports pass it by (the case's own view shows it pending with its pause)."""


def _deadline_rows(state: CaseState) -> list[dict[str, Any]]:
    return [
        {
            "case_id": state.case_id,
            "position": i,
            "kind": d.kind.value,
            "start": d.start,
            "due": d.due,
            "status": SUSPENDED if d.suspended_since is not None and d.open else d.status.value,
            "provisional": d.provisional,
            "met_at": d.met_at,
            "warn_on": d.warn_on,
            "escalate_after": d.escalate_after,
        }
        for i, d in enumerate(state.deadlines)
    ]


def escalation_rows(
    case_id: str, region_code: str, escalations: list[Escalation], base: int = 0
) -> list[dict[str, Any]]:
    """The ``case_escalations`` rows of a case's escalations, or of a sub-process's (positions from its ``base``)."""
    return [
        {
            "case_id": case_id,
            "position": base + i,
            "kind": e.kind.value,
            "level": e.level,
            "deadline_kind": e.deadline_kind.value,
            "due": e.due,
            "at": e.at,
            "addressee_role": e.addressee_role.value,
            "addressee": e.addressee,
            "region_code": region_code,
            "notice": e.notice,
        }
        for i, e in enumerate(escalations)
    ]


def insert_new(session: AsyncSession, target: Table) -> Insert:
    """An INSERT that skips rows whose primary key is already there (a retry, or a concurrent writer)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(target).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(target).on_conflict_do_nothing()
    return target.insert()


async def save_case(session: AsyncSession, state: CaseState, updated_at: datetime) -> None:
    """Upsert the projection; an older snapshot (lower seq) never overwrites a newer one.

    With the case row go its deadlines (``case_deadlines``, rewritten whole: their statuses and dates
    change) and its escalations (``case_escalations``, append-only: each is one (kind, deadline kind, due),
    so the ones already there — written before, or by the shared clock — are skipped). One read, then one
    statement per table."""
    found = await session.scalar(select(cases.c.last_seq).where(cases.c.case_id == state.case_id))
    if found is None:
        await session.execute(cases.insert().values(case_id=state.case_id, **_row(state, updated_at)))
    elif found <= state.last_seq:
        await session.execute(cases.update().where(cases.c.case_id == state.case_id).values(**_row(state, updated_at)))
        await session.execute(case_deadlines.delete().where(case_deadlines.c.case_id == state.case_id))
    else:
        return
    deadlines = _deadline_rows(state)
    if deadlines:
        await session.execute(case_deadlines.insert(), deadlines)
    escalations = escalation_rows(state.case_id, state.region_code, state.escalations)
    if escalations:
        await session.execute(insert_new(session, case_escalations), escalations)


async def sync_service(session: AsyncSession, state: ProcedureState) -> None:
    """Copy each served notice's service into its row, once (a retry or a later event finds it set): the case's
    notices, or a sub-process's."""
    for ref in state.notices:
        if ref.served_at is None:
            continue
        await session.execute(
            notices.update()
            .where(notices.c.notice_id == ref.notice_id, notices.c.served_at.is_(None))
            .values(
                served_at=ref.served_at,
                service_method=ref.service_method,
                service_recipient=ref.service_recipient,
                receipt_id=ref.receipt_id,
            )
        )


async def event_exists(session: AsyncSession, case_id: str, seq: int) -> bool:
    found = await session.scalar(
        select(case_events.c.id).where(case_events.c.case_id == case_id, case_events.c.seq == seq)
    )
    return found is not None


async def recorded_hashes(session: AsyncSession, case_id: str, seqs: list[int]) -> dict[int, str | None]:
    """The hashes of those of the case's history rows (by seq) that are already written (None: a row written
    before the chain): what a retry of a write returns instead of writing again."""
    e = case_events
    rows = await session.execute(select(e.c.seq, e.c.hash).where(e.c.case_id == case_id, e.c.seq.in_(seqs)))
    return {r.seq: r.hash for r in rows}


async def chain_holds(session: AsyncSession, case_id: str, hash_: str) -> bool:
    """Whether one of the case's history rows carries this hash (one of the case's rows, by its index)."""
    e = case_events
    found = await session.scalar(select(e.c.id).where(e.c.case_id == case_id, e.c.hash == hash_).limit(1))
    return found is not None


async def lock_cases(session: AsyncSession, case_ids: list[str]) -> None:
    """Serialise the writers of these cases' history chains until the transaction ends.

    PostgreSQL: a row lock on each case's ``cases`` row (``SELECT … FOR UPDATE``, in case order so two bulk
    writers never deadlock), taken before the chain's head is read: the case's workflow (record_event) and the
    shared clock may append to one case at the same moment, and each must link to the other's row. SQLite:
    nothing to do, a write transaction (``sessions.begin()``) holds the database's write lock from its
    ``BEGIN IMMEDIATE``. A case without a ``cases`` row yet (its intake, inserted in this transaction) has no
    other writer."""
    if not case_ids or session.get_bind().dialect.name != "postgresql":
        return
    ordered = sorted(set(case_ids))
    await session.execute(
        select(cases.c.case_id).where(cases.c.case_id.in_(ordered)).order_by(cases.c.case_id).with_for_update()
    )


_CHAINED_COLUMNS = [case_events.c[name] for name in CHAINED]


async def chain_heads(session: AsyncSession, case_ids: list[str]) -> dict[str, str]:
    """The hash each case's next history row links to: its last row's (by insertion order) hash; GENESIS for a
    case without rows; for a case whose last row predates the chain, the virtual hash of its rows (db.chain).
    Two statements for any number of cases, a third only for cases with unchained rows. Call under
    ``lock_cases`` in the transaction that writes."""
    if not case_ids:
        return {}
    e = case_events
    ids = sorted(set(case_ids))
    last = select(func.max(e.c.id)).where(e.c.case_id.in_(ids)).group_by(e.c.case_id)
    heads = {case_id: GENESIS for case_id in ids}
    legacy: list[str] = []
    for r in await session.execute(select(e.c.case_id, e.c.hash).where(e.c.id.in_(last))):
        if r.hash is None:
            legacy.append(r.case_id)
        else:
            heads[r.case_id] = r.hash
    if legacy:
        rows = await session.execute(
            select(*_CHAINED_COLUMNS, e.c.hash).where(e.c.case_id.in_(legacy)).order_by(e.c.case_id, e.c.id)
        )
        for row in rows:
            heads[row.case_id] = running(row._mapping, heads[row.case_id])
    return heads


async def append_rows(session: AsyncSession, rows: list[dict[str, Any]], *, locked: bool = False) -> int:
    """Append history rows of any number of cases, in the order given, each chained to its case's last row:
    rows whose (case, seq) is already written (a retry) are left out. A few statements whatever the number of
    rows (the shared clock writes thousands at once). ``locked``: the caller already holds ``lock_cases`` on
    them. Returns how many rows were written."""
    if not rows:
        return 0
    e = case_events
    ids = sorted({r["case_id"] for r in rows})
    if not locked:
        await lock_cases(session, ids)
    seqs = sorted({r["seq"] for r in rows})
    found = await session.execute(select(e.c.case_id, e.c.seq).where(e.c.case_id.in_(ids), e.c.seq.in_(seqs)))
    written = {(r.case_id, r.seq) for r in found}
    fresh = [dict(r) for r in rows if (r["case_id"], r["seq"]) not in written]
    if not fresh:
        return 0
    link(fresh, await chain_heads(session, ids))
    await session.execute(e.insert(), fresh)
    return len(fresh)


async def append_events(session: AsyncSession, case_id: str, events: list[CaseEvent]) -> str:
    """Append the case's history rows in order, chained to its last row, in the caller's write transaction
    (after ``lock_cases``, taken here); returns the hash of the last one. The caller skips rows already
    written (``recorded_hashes``)."""
    await lock_cases(session, [case_id])
    rows = [{"case_id": case_id, **ev.model_dump()} for ev in events]
    heads = await chain_heads(session, [case_id])
    link(rows, heads)
    await session.execute(case_events.insert(), rows)
    return heads[case_id]


async def append_event(session: AsyncSession, case_id: str, event: CaseEvent) -> str:
    """One history row, chained (``append_events``); returns its hash."""
    return await append_events(session, case_id, [event])


def is_unique_violation(exc: IntegrityError) -> bool:
    text = str(exc.orig).lower()
    return "unique" in text or "duplicate key" in text


_WORKERS = TypeAdapter(list[WorkerState])


async def recorded_workers(session: AsyncSession, case_id: str) -> list[WorkerState]:
    """The case's workers as last recorded in the read model (activities get only the changes)."""
    raw = await session.scalar(select(cases.c.state["workers"]).where(cases.c.case_id == case_id))
    return [] if raw is None else _WORKERS.validate_python(raw, context=STORED)


def merge_workers(recorded: list[WorkerState], changes: list[WorkerState] | None) -> list[WorkerState]:
    """The recorded workers with ``changes`` applied by ID number (all of them at intake)."""
    if changes is None:
        return recorded
    if not recorded:
        return list(changes)
    changed = {w.id_number: w for w in changes}
    return [changed.get(w.id_number, w) for w in recorded]


async def get_state(session: AsyncSession, case_id: str) -> CaseState | None:
    """The case as recorded, with what the shared clock raised on it (see ``with_shared``)."""
    raw = await session.scalar(select(cases.c.state).where(cases.c.case_id == case_id))
    if raw is None:
        return None
    (state,) = await with_shared(session, [CaseState.model_validate(raw, context=STORED)])
    return state


def _escalation(row: Any) -> Escalation:
    return Escalation(
        kind=row.kind,
        level=row.level,
        deadline_kind=row.deadline_kind,
        due=row.due,
        at=row.at,
        addressee_role=row.addressee_role,
        addressee=row.addressee,
        notice=row.notice,
    )


async def with_shared(session: AsyncSession, states: list[CaseState]) -> list[CaseState]:
    """The states with the escalations (and their 督办通知书) that the shared clock raised on them: it writes
    rows, never the case's own state, so a case shows them as it would show its own clock's, in time order."""
    if not states:
        return states
    ids = [s.case_id for s in states]
    e = case_escalations
    rows = (await session.execute(select(e).where(e.c.case_id.in_(ids)).order_by(e.c.at, e.c.position))).all()
    by_case: dict[str, list[Any]] = {}
    for row in rows:
        by_case.setdefault(row.case_id, []).append(row)
    merged: list[CaseState] = []
    for state in states:
        own = {(x.kind, x.deadline_kind, x.due) for x in state.escalations}
        extra = [_escalation(r) for r in by_case.get(state.case_id, []) if (r.kind, r.deadline_kind, r.due) not in own]
        if not extra:
            merged.append(state)
            continue
        escalations = sorted([*state.escalations, *extra], key=lambda x: x.at)
        merged.append(state.model_copy(update={"escalations": escalations}))
    docs = {x.notice for s in merged for x in s.escalations if x.notice} - {
        n.doc_number for s in merged for n in s.notices
    }
    if docs:
        found = (await session.execute(select(notices).where(notices.c.doc_number.in_(docs)))).all()
        refs: dict[str, list[NoticeRef]] = {}
        for n in found:
            refs.setdefault(n.case_id, []).append(
                NoticeRef(
                    notice_id=n.notice_id,
                    kind=n.kind,
                    doc_number=n.doc_number,
                    issued_at=n.issued_at,
                    sha256=n.sha256,
                )
            )
        merged = [
            s.model_copy(update={"notices": [*s.notices, *refs[s.case_id]]}) if s.case_id in refs else s for s in merged
        ]
    return merged


async def get_region(session: AsyncSession, case_id: str) -> str | None:
    return await session.scalar(select(cases.c.region_code).where(cases.c.case_id == case_id))


async def get_region_and_stage(session: AsyncSession, case_id: str) -> tuple[str, str] | None:
    """What jurisdiction and routing need, without decoding the case's state."""
    row = (await session.execute(select(cases.c.region_code, cases.c.stage).where(cases.c.case_id == case_id))).first()
    return None if row is None else (row.region_code, row.stage)


COUNT_CAP = 1000
"""The list counts matching cases up to this many; beyond, ``total`` is this and ``total_is_estimate`` is set."""
NAME_PROBE = 1000
"""A name search matching at most this many cases is driven from the name index (its matches are sorted);
one matching more walks the list's order and tests each name, finding a page's worth of matches early."""
MAX_PAIRS = 8
"""A long query looks up this many of its character pairs (enough to be selective; the name test is exact)."""
USCC_LENGTH = 18
_SEARCH_TABLE = "cases_name_fts"  # SQLite's FTS5 trigram table, made by migration 0003
_SORT = (cases.c.received_at.desc(), cases.c.case_id)
NO_DEADLINE = date(9999, 12, 31)
_DUE = func.coalesce(cases.c.next_due, NO_DEADLINE).label("due_key")
"""The console's other order (``CaseFilter.by_due``): the nearest running deadline first, cases without one last."""
_DUE_SORT = (_DUE, *_SORT)


class InvalidCursor(ValueError):
    """A ``cursor`` that no page of the list handed out."""


@dataclass(frozen=True)
class CaseFilter:
    region_prefixes: list[str] | None
    stage: str | None = None
    region_code: str | None = None
    overdue_before: date | None = None
    """Only cases with an open (pending or overdue) deadline due before this day (the API: today)."""
    deadline_kind: str | None = None
    """Only cases with an open deadline of this kind (and, with ``overdue_before``, that one due before it)."""
    q: str | None = None
    limit: int = 50
    offset: int = 0
    """Rows skipped (after the cursor, when there is one)."""
    cursor: str | None = None
    """A previous page's ``next_cursor``: this page starts right after that page's last case."""
    by_due: bool = False
    """Nearest running deadline first (``next_due``; cases without one last), then the usual order."""


@dataclass(frozen=True)
class ListedCase:
    """A case as the list shows it: its state without workers and payments (a 5,000-worker case must not
    be decoded, or sent, whole for one line of a list), and its totals from the read model's columns."""

    state: CaseState
    worker_count: int
    owed_fen: int
    paid_fen: int
    outstanding_fen: int

    @property
    def case_id(self) -> str:
        return self.state.case_id

    def totals(self) -> tuple[Decimal, Decimal, Decimal]:
        """Owed, paid and outstanding, in yuan."""
        return from_fen(self.owed_fen), from_fen(self.paid_fen), from_fen(self.outstanding_fen)


@dataclass(frozen=True)
class CasePage:
    states: list[ListedCase]
    total: int
    """Cases matching the filter (the cursor aside), counted up to COUNT_CAP."""
    total_is_estimate: bool
    """More than COUNT_CAP cases match; ``total`` is COUNT_CAP."""
    next_cursor: str | None
    """The cursor of the next page; None on the last one."""


@dataclass(frozen=True)
class RawCasePage:
    """A CasePage before its states are parsed: their JSON text, in the list's order."""

    states_json: list[str]
    """Each state without its workers and payments."""
    totals: list[tuple[int, int, int, int]]
    """worker_count, owed_fen, paid_fen, outstanding_fen of each, in the same order."""
    escalation_rows: list[int]
    """Each case's rows in ``case_escalations`` (its own, its sub-processes' and the shared clock's), in the same
    order: more than the state's own escalations, and with_shared has something to add."""
    total: int
    """Cases matching the filter (the cursor aside), counted up to COUNT_CAP."""
    total_is_estimate: bool
    """More than COUNT_CAP cases match; ``total`` is COUNT_CAP."""
    next_cursor: str | None
    """The cursor of the next page; None on the last one."""


def encode_cursor(received_at: datetime, case_id: str) -> str:
    raw = json.dumps([received_at.isoformat(), case_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        at, case_id = json.loads(raw)
        received_at = datetime.fromisoformat(at)
    except (ValueError, TypeError) as exc:
        raise InvalidCursor(token) from exc
    if received_at.tzinfo is None or not isinstance(case_id, str):
        raise InvalidCursor(token)
    return received_at, case_id


def encode_due_cursor(due: date, received_at: datetime, case_id: str) -> str:
    raw = json.dumps([due.isoformat(), received_at.isoformat(), case_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_due_cursor(token: str) -> tuple[date, datetime, str]:
    try:
        due, at, case_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        day, received_at = date.fromisoformat(due), datetime.fromisoformat(at)
    except (ValueError, TypeError) as exc:
        raise InvalidCursor(token) from exc
    if received_at.tzinfo is None or not isinstance(case_id, str):
        raise InvalidCursor(token)
    return day, received_at, case_id


_PREFIX_COLUMNS = {2: cases.c.province_code, 4: cases.c.city_code, 6: cases.c.region_code}


def jurisdiction(prefixes: list[str] | None) -> ColumnElement[bool] | None:
    """Cases under any of the region prefixes (db.users.region_prefix: 2, 4 or 6 digits), as equalities on the
    indexed province_code, city_code or region_code; None for no restriction."""
    if prefixes is None:
        return None
    kept = {p for p in prefixes if not any(p != o and p.startswith(o) for o in prefixes)}
    terms: list[ColumnElement[bool]] = []
    for length in sorted({len(p) for p in kept}):
        values = sorted(p for p in kept if len(p) == length)
        column = _PREFIX_COLUMNS.get(length)
        if column is None:  # not a prefix region_prefix makes; correct, unindexed
            terms.extend(cases.c.region_code.startswith(v) for v in values)
        else:
            terms.append(column == values[0] if len(values) == 1 else column.in_(values))
    return or_(*terms) if terms else false()


def _covered(region_code: str, prefixes: list[str] | None) -> bool:
    return prefixes is None or any(region_code.startswith(p) for p in prefixes)


def _like_pattern(q: str) -> tuple[str, str | None]:
    if not any(c in q for c in "\\%_"):
        return f"%{q}%", None  # no ESCAPE clause: FTS5 uses its trigram index only without one
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%", "\\"


def _contains(column: ColumnElement[str], q: str, dialect: str) -> ColumnElement[bool]:
    """Case-insensitive (for Latin letters) on both databases, as SQLite's LIKE and FTS5's trigrams are."""
    pattern, escape = _like_pattern(q)
    if dialect == "postgresql":
        return column.ilike(pattern, escape=escape)
    return column.like(pattern, escape=escape)


async def name_candidates(session: AsyncSession, q: str, limit: int) -> list[str]:
    """Ids of cases whose employer name may contain ``q`` (two characters or more), at most ``limit``,
    unordered: the names holding every adjacent pair of q's characters, looked up as trigrams of
    employer_name_spaced (恒泰 → 恒x泰) in SQLite's FTS5 table or PostgreSQL's pg_trgm GIN index (a scan where
    the migration could not make them). A superset: test the name itself to be exact."""
    if len(q) < 2:
        raise ValueError("a trigram index serves two characters or more")
    dialect = session.get_bind().dialect.name
    pairs = list(dict.fromkeys(spaced_name(q[i : i + 2]) for i in range(len(q) - 1)))[:MAX_PAIRS]
    if dialect == "sqlite" and await _has_search_table(session):
        fts = table(_SEARCH_TABLE, column("case_id"))
        phrases = " AND ".join('"' + p.replace('"', '""') + '"' for p in pairs)
        stmt = select(fts.c.case_id).where(text(f"{_SEARCH_TABLE} MATCH :phrases").bindparams(phrases=phrases))
    else:
        stmt = select(cases.c.case_id).where(*(_contains(cases.c.employer_name_spaced, p, dialect) for p in pairs))
    return list((await session.scalars(stmt.limit(limit))).all())


_HAVE_SEARCH_TABLE: set[str] = set()
"""Databases (by URL) known to have the FTS5 table; one without it is asked again (it may be migrated)."""


async def _has_search_table(session: AsyncSession) -> bool:
    url = str(session.get_bind().engine.url)
    if url in _HAVE_SEARCH_TABLE:
        return True
    found = await session.scalar(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name").bindparams(name=_SEARCH_TABLE)
    )
    if found is not None:
        _HAVE_SEARCH_TABLE.add(url)
    return found is not None


def _has_open_deadline(before: date | None, kind: str | None) -> ColumnElement[bool]:
    """The case has an open (pending or overdue) deadline [due before ``before``] [of ``kind``]: for each case
    the list's walk meets, an EXISTS probe of the case's few rows in ix_case_deadlines_case_status_kind_due, so
    the walk keeps the list's order and stops after a page. SELECT 1, not SELECT *: SQLite, which has no
    statistics to go by, prefers that index only when it covers the probe, and would otherwise seek in the
    (status, due) or (kind, status, due) index, which hold every case's deadlines (a scan per case)."""
    d = case_deadlines
    terms = [d.c.case_id == cases.c.case_id, d.c.status.in_(OPEN_DEADLINE_STATUSES)]
    if kind is not None:
        terms.append(d.c.kind == kind)
    if before is not None:
        terms.append(d.c.due < before)
    return exists(select(literal_column("1")).select_from(d).where(*terms))


def slim_state(dialect: str) -> Any:
    """The state's JSON text without its workers and payments (a 5,000-worker case is not read whole for one line
    of a list or a ledger), as column ``state``; the counts and totals are the row's own columns."""
    if dialect == "postgresql":
        emptied: Any = func.jsonb_set(
            cases.c.state, literal_column("'{workers}'::text[]"), literal_column("'[]'::jsonb")
        )
        slim: Any = emptied.op("-")("payments")
    else:
        slim = func.json_set(func.json_remove(cases.c.state, "$.payments"), "$.workers", func.json_array())
    return cast(slim, Text).label("state")  # PostgreSQL's jsonb as text too, not decoded


async def list_states(session: AsyncSession, f: CaseFilter) -> CasePage:
    """A page of the case list, newest received first (received_at desc, case_id): see list_json."""
    raw = await list_json(session, f)
    parsed = [CaseState.model_validate_json(s, context=STORED) for s in raw.states_json]
    # Most cases show only their own escalations: only those with rows beyond them cost a query.
    more = [s for s, n in zip(parsed, raw.escalation_rows, strict=True) if n > len(s.escalations)]
    if more:
        merged = {s.case_id: s for s in await with_shared(session, more)}
        parsed = [merged.get(s.case_id, s) for s in parsed]
    states = [ListedCase(s, *totals) for s, totals in zip(parsed, raw.totals, strict=True)]
    return CasePage(states, raw.total, raw.total_is_estimate, raw.next_cursor)


async def list_json(session: AsyncSession, f: CaseFilter) -> RawCasePage:
    """A page of the case list by keyset, its states as JSON text (pydantic parses and validates text in one
    pass, at half the cost of json.loads and then validation).

    Keys first: the page's (received_at, case_id) come from a walk of the index that starts with the filter's
    equality column and continues in the list's order, stopping after ``limit`` + 1 keys; only then are the
    page's states (the JSON) read, by primary key. The count stops at COUNT_CAP + 1. A name search first asks
    the trigram index for its candidates: up to NAME_PROBE of them are the keys' source, all sorted and counted
    in one query; more, and the walk tests each name, which finds a page's worth early."""
    after = decode_cursor(f.cursor) if f.cursor and not f.by_due else None
    dialect = session.get_bind().dialect.name
    conditions: list[ColumnElement[bool]] = []
    if f.region_code:
        if not _covered(f.region_code, f.region_prefixes):
            return RawCasePage([], [], [], 0, False, None)
        conditions.append(cases.c.region_code == f.region_code)  # inside the jurisdiction: says it all
    else:
        allowed = jurisdiction(f.region_prefixes)
        if allowed is not None:
            conditions.append(allowed)
    if f.stage:
        conditions.append(cases.c.stage == f.stage)
    if f.deadline_kind is not None:
        conditions.append(_has_open_deadline(f.overdue_before, f.deadline_kind))
    elif f.overdue_before is not None:  # any kind: the earliest running due date says it (ix_cases_next_due_list)
        conditions.append(cases.c.next_due < f.overdue_before)
    known_over_cap = few = False
    if f.q:  # the employer's name contains q, or q is its USCC (18 characters, as every stored USCC)
        by_uscc = cases.c.employer_uscc == f.q.upper() if len(f.q) == USCC_LENGTH else false()
        by_name = _contains(cases.c.employer_name, f.q, dialect)
        ids = await name_candidates(session, f.q, NAME_PROBE + 1) if len(f.q) >= 2 else None
        few = ids is not None and len(ids) <= NAME_PROBE
        if ids is not None and few:  # few: those cases, by primary key
            conditions.append(or_(and_(cases.c.case_id.in_(ids), by_name), by_uscc) if ids else by_uscc)
        else:  # many (or one character, which no index serves): test each name along the walk
            conditions.append(or_(by_name, by_uscc))  # ix_cases_list carries the name: an index-only walk
            known_over_cap = ids is not None and len(conditions) == 1 and NAME_PROBE >= COUNT_CAP
    past: ColumnElement[bool] = true()
    if f.by_due and f.cursor:
        day, at, case_id = decode_due_cursor(f.cursor)
        later = or_(cases.c.received_at < at, and_(cases.c.received_at == at, cases.c.case_id > case_id))
        due_key = func.coalesce(cases.c.next_due, NO_DEADLINE)
        past = or_(due_key > day, and_(due_key == day, later))
    elif after is not None:
        at, case_id = after
        past = and_(cases.c.received_at <= at, or_(cases.c.received_at < at, cases.c.case_id > case_id))
    sort = _DUE_SORT if f.by_due else _SORT

    if few:  # a name's few cases (and a USCC's): all their keys, sorted, in one query that also counts them
        keyed = select(cases.c.case_id, cases.c.received_at, _DUE, past.label("past")).where(*conditions)
        every = (await session.execute(keyed.order_by(*sort))).all()
        total, estimate = min(len(every), COUNT_CAP), len(every) > COUNT_CAP
        keys = [k for k in every if k.past][f.offset : f.offset + f.limit + 1]
    else:
        if known_over_cap:
            total, estimate = COUNT_CAP, True
        else:
            counted = select(literal(1)).select_from(cases).where(*conditions).limit(COUNT_CAP + 1).subquery()
            found = int(await session.scalar(select(func.count()).select_from(counted)) or 0)
            total, estimate = min(found, COUNT_CAP), found > COUNT_CAP
        keys_q = select(cases.c.case_id, cases.c.received_at, _DUE).where(*conditions, past).order_by(*sort)
        keys = list((await session.execute(keys_q.limit(f.limit + 1).offset(f.offset))).all())
    next_cursor = None
    if len(keys) > f.limit:
        last = keys[f.limit - 1]
        if f.by_due:
            key = last.due_key if isinstance(last.due_key, date) else date.fromisoformat(str(last.due_key))
            next_cursor = encode_due_cursor(key, last.received_at, last.case_id)
        else:
            next_cursor = encode_cursor(last.received_at, last.case_id)
    page = [k.case_id for k in keys[: f.limit]]
    states: dict[str, Any] = {}
    if page:
        as_text = slim_state(session.get_bind().dialect.name)
        columns = (cases.c.worker_count, cases.c.owed_fen, cases.c.paid_fen, cases.c.outstanding_fen)
        e = case_escalations
        escalated = (
            select(func.count()).select_from(e).where(e.c.case_id == cases.c.case_id).scalar_subquery().label("esc")
        )
        rows = await session.execute(
            select(cases.c.case_id, as_text, *columns, escalated).where(cases.c.case_id.in_(page))
        )
        states = {r.case_id: r for r in rows}
    ordered = [states[i] for i in page]
    return RawCasePage(
        [r.state for r in ordered],
        [(r.worker_count, r.owed_fen, r.paid_fen, r.outstanding_fen) for r in ordered],
        [int(r.esc) for r in ordered],
        total,
        estimate,
        next_cursor,
    )


async def history(session: AsyncSession, case_id: str) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(
            case_events.c.seq,
            case_events.c.at,
            case_events.c.kind,
            case_events.c.actor,
            case_events.c.actor_role,
            case_events.c.stage_before,
            case_events.c.stage_after,
            case_events.c.data,
        )
        .where(case_events.c.case_id == case_id)
        .order_by(case_events.c.at, case_events.c.id)  # in time: the shared clock's rows have seqs of their own
    )
    return [dict(r._mapping) for r in rows]


async def case_notices(session: AsyncSession, case_id: str) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(notices).where(notices.c.case_id == case_id).order_by(notices.c.issued_at, notices.c.notice_id)
    )
    return [dict(r._mapping) for r in rows]


async def get_notice(session: AsyncSession, notice_id: str) -> dict[str, Any] | None:
    row = (await session.execute(select(notices).where(notices.c.notice_id == notice_id))).first()
    return None if row is None else dict(row._mapping)


async def open_states(session: AsyncSession) -> list[CaseState]:
    rows = await session.scalars(select(cases.c.state).where(cases.c.stage.not_in(["closed", "rejected"])))
    return [CaseState.model_validate(r, context=STORED) for r in rows]
