"""The queries behind the console's oversight pages (api/console/oversight.py): the 清零看板's regions, overdue
deadlines and pending approvals, and the audit view's history rows of a jurisdiction.

Every list is bounded (a ``limit`` with a separate count) and walks an index where the schema has one: the cases
by stage and region (ix_cases_*_list), the open deadlines by status and due date, the sub-processes by kind and
status. The approvals that live only in a case's state JSON (a decision or penalty proposed, not decided) are read
from the cases of the one stage (or three) where they can be, in the jurisdiction; not from every case.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.cases import OPEN_DEADLINE_STATUSES, InvalidCursor, jurisdiction
from db.regions import within
from db.reports import year_span
from db.tables import case_deadlines, case_events, cases, tracks
from models.case import TERMINAL_STAGES, DeadlineKind, Stage
from models.track_summary import TrackKind
from models.tracks import BlacklistStatus, ReferralStatus

CLOSED_STAGES = tuple(sorted(s.value for s in TERMINAL_STAGES))
PENALTY_STAGES = (Stage.INVESTIGATING.value, Stage.ORDERED.value, Stage.CLEARED.value)
"""Where a penalty can be pending (rules.transitions: DECIDE_PENALTY's stages)."""


def _scope(prefixes: list[str] | None) -> list[ColumnElement[bool]]:
    allowed = jurisdiction(prefixes)
    return [] if allowed is None else [allowed]


# --- 清零看板 ------------------------------------------------------------------------------------------------


async def regions_with_cases(session: AsyncSession, prefixes: list[str] | None, year: int, limit: int) -> list[str]:
    """The region codes (districts) under the prefixes with cases received in ``year`` (Shanghai), at most
    ``limit``, in code order: the rows of a city's or province's dashboard."""
    start, end = year_span(year)
    rows = await session.scalars(
        select(cases.c.region_code)
        .where(cases.c.received_at >= start, cases.c.received_at < end, *_scope(prefixes))
        .group_by(cases.c.region_code)
        .order_by(cases.c.region_code)
        .limit(limit)
    )
    return list(rows)


@dataclass(frozen=True)
class CaseRef:
    """A case as a line of a dashboard list links it: ``since`` and ``due`` where the list has them."""

    case_id: str
    case_number: str | None
    employer_name: str
    region_code: str
    since: datetime | None = None
    """Since when it waits (proposed, started, last changed)."""
    due: date | None = None
    """By when it must be dealt with (the overdue deadline's due date, a decision's time limit)."""


@dataclass(frozen=True)
class CaseGroup:
    """One group of a dashboard list: its key (a deadline kind, a kind of approval), how many, the first ones."""

    key: str
    count: int
    cases: list[CaseRef]


async def overdue_by_kind(
    session: AsyncSession, prefixes: list[str] | None, today: date, per_kind: int = 50
) -> list[CaseGroup]:
    """The open cases' open deadlines (pending or overdue) due before ``today``, grouped by deadline kind: per
    kind, how many cases and the ``per_kind`` most overdue. Both queries start from ix_case_deadlines_status_due
    (open statuses, due before today) and look each row's case up by primary key."""
    d = case_deadlines
    terms = [
        d.c.status.in_(OPEN_DEADLINE_STATUSES),
        d.c.due < today,
        cases.c.stage.not_in(CLOSED_STAGES),
        *_scope(prefixes),
    ]
    joined = d.join(cases, cases.c.case_id == d.c.case_id)
    counts = await session.execute(
        select(d.c.kind, func.count(d.c.case_id.distinct())).select_from(joined).where(*terms).group_by(d.c.kind)
    )
    rank = func.row_number().over(partition_by=d.c.kind, order_by=(d.c.due, d.c.case_id)).label("rank")
    ranked = (
        select(
            d.c.kind, d.c.due, cases.c.case_id, cases.c.case_number, cases.c.employer_name, cases.c.region_code, rank
        )
        .select_from(joined)
        .where(*terms)
        .subquery()
    )
    listed = await session.execute(
        select(ranked).where(ranked.c.rank <= per_kind).order_by(ranked.c.kind, ranked.c.rank)
    )
    by_kind: dict[str, list[CaseRef]] = {}
    for r in listed:
        by_kind.setdefault(r.kind, []).append(
            CaseRef(r.case_id, r.case_number, r.employer_name, r.region_code, due=r.due)
        )
    order = {k.value: i for i, k in enumerate(DeadlineKind)}
    groups = [CaseGroup(kind, int(n), by_kind.get(kind, [])) for kind, n in counts]
    return sorted(groups, key=lambda g: (order.get(g.key, len(order)), g.key))


PENDING_KINDS = ("decision", "penalty", "blacklist", "referral", "closing")
"""The approvals the dashboard lists, in its order: the head's four, then the supervisor's closing."""
PENDING_LIMIT = 50
"""Cases listed per group of approvals (the count says how many there are)."""


def _as_datetime(value: Any) -> datetime | None:
    """A moment from a column or from the state JSON (ISO text)."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


async def _case_group(
    session: AsyncSession, key: str, terms: list[ColumnElement[bool]], since: ColumnElement[Any], limit: int
) -> CaseGroup:
    c = cases.c
    total = await session.scalar(select(func.count()).select_from(cases).where(*terms))
    rows = await session.execute(
        select(c.case_id, c.case_number, c.employer_name, c.region_code, since.label("since"))
        .where(*terms)
        .order_by(c.received_at, c.case_id)
        .limit(limit)
    )
    refs = [
        CaseRef(r.case_id, r.case_number, r.employer_name, r.region_code, since=_as_datetime(r.since)) for r in rows
    ]
    return CaseGroup(key, int(total or 0), refs)


def _open_due(raw: Any, kind: DeadlineKind) -> date | None:
    """The due date of the open deadline of ``kind`` in a sub-process's state JSON (its own clock)."""
    for d in (raw or {}).get("deadlines") or []:
        if d.get("kind") == kind.value and d.get("status") in OPEN_DEADLINE_STATUSES:
            try:
                return date.fromisoformat(d["due"])
            except (KeyError, TypeError, ValueError):
                return None
    return None


async def _track_group(
    session: AsyncSession, key: str, kind: TrackKind, status: str, due_kind: DeadlineKind, prefixes: list[str] | None
) -> CaseGroup:
    """Sub-processes of a kind in a status (ix_tracks_public starts with both), in the jurisdiction."""
    t = tracks.c
    allowed = within(prefixes, t.region_code)
    terms = [t.kind == kind.value, t.status == status, *([allowed] if allowed is not None else [])]
    total = await session.scalar(select(func.count()).select_from(tracks).where(*terms))
    rows = await session.execute(
        select(t.case_id, cases.c.case_number, cases.c.employer_name, t.region_code, t.state)
        .join(cases, cases.c.case_id == t.case_id)
        .where(*terms)
        .order_by(t.updated_at, t.track_id)
        .limit(PENDING_LIMIT)
    )
    refs = [
        CaseRef(
            r.case_id,
            r.case_number,
            r.employer_name,
            r.region_code,
            since=_as_datetime((r.state or {}).get("started_at")),
            due=_open_due(r.state, due_kind),
        )
        for r in rows
    ]
    return CaseGroup(key, int(total or 0), refs)


async def pending_approvals(session: AsyncSession, prefixes: list[str] | None) -> list[CaseGroup]:
    """What waits for the head or the supervisor (PENDING_KINDS), each group counted and its first
    PENDING_LIMIT cases listed, oldest case first.

    decision: a 行政处理 proposed (its prior notice issued), not decided; only ``ordered`` cases can have one.
    penalty: a 行政处罚 proposed, not decided. blacklist: a listing ``proposed`` (heard, then the head decides).
    referral: a 移送报告 ``awaiting_approval``. closing: a case ``cleared``, which the supervisor closes."""
    state = cases.c.state
    scope = _scope(prefixes)
    decision = [
        cases.c.stage == Stage.ORDERED.value,
        *scope,
        state[("decision", "proposed_at")].as_string().is_not(None),
        state[("decision", "decided_at")].as_string().is_(None),
    ]
    penalty = [
        cases.c.stage.in_(PENALTY_STAGES),
        *scope,
        state[("penalty", "proposed_at")].as_string().is_not(None),
        state[("penalty", "decided_at")].as_string().is_(None),
    ]
    closing = [cases.c.stage == Stage.CLEARED.value, *scope]
    return [
        await _case_group(session, "decision", decision, state[("decision", "proposed_at")].as_string(), PENDING_LIMIT),
        await _case_group(session, "penalty", penalty, state[("penalty", "proposed_at")].as_string(), PENDING_LIMIT),
        await _track_group(
            session,
            "blacklist",
            TrackKind.BLACKLIST,
            BlacklistStatus.PROPOSED.value,
            DeadlineKind.BLACKLIST_DECISION,
            prefixes,
        ),
        await _track_group(
            session,
            "referral",
            TrackKind.REFERRAL,
            ReferralStatus.AWAITING_APPROVAL.value,
            DeadlineKind.REFERRAL_APPROVAL,
            prefixes,
        ),
        await _case_group(session, "closing", closing, cases.c.updated_at, PENDING_LIMIT),
    ]


# --- 审计 ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    """Which history rows: of the cases under ``prefixes`` (None: every case), by actor (a user id, or
    ``system``), by kind, recorded in [since, until)."""

    prefixes: list[str] | None
    actor: str | None = None
    kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditRow:
    """One history row with its case's number; ``data`` as stored (mask it before showing it)."""

    id: int
    case_id: str
    case_number: str | None
    seq: int
    at: datetime
    kind: str
    actor: str
    actor_role: str
    stage_before: str | None
    stage_after: str
    data: dict[str, Any]


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    next_cursor: str | None
    """The cursor of the next page; None on the last one."""


def encode_audit_cursor(at: datetime, row_id: int) -> str:
    raw = json.dumps([at.isoformat(), row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_audit_cursor(token: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        at, row_id = json.loads(raw)
        moment = datetime.fromisoformat(at)
    except (ValueError, TypeError) as exc:
        raise InvalidCursor(token) from exc
    if moment.tzinfo is None or type(row_id) is not int:
        raise InvalidCursor(token)
    return moment, row_id


def _audit_select(f: AuditFilter) -> Select[Any]:
    """Newest first (at desc, id desc: the id breaks ties in the order the rows were written)."""
    e = case_events.c
    terms: list[ColumnElement[bool]] = _scope(f.prefixes)
    if f.actor:
        terms.append(e.actor == f.actor)
    if f.kind:
        terms.append(e.kind == f.kind)
    if f.since is not None:
        terms.append(e.at >= f.since)
    if f.until is not None:
        terms.append(e.at < f.until)
    return (
        select(
            e.id,
            e.case_id,
            cases.c.case_number,
            e.seq,
            e.at,
            e.kind,
            e.actor,
            e.actor_role,
            e.stage_before,
            e.stage_after,
            e.data,
        )
        .select_from(case_events.join(cases, cases.c.case_id == e.case_id))
        .where(*terms)
        .order_by(e.at.desc(), e.id.desc())
    )


def _audit_row(r: Any) -> AuditRow:
    return AuditRow(**{k: r._mapping[k] for k in AuditRow.__dataclass_fields__})


async def audit_page(session: AsyncSession, f: AuditFilter, limit: int = 50, cursor: str | None = None) -> AuditPage:
    """A page of the audit view by keyset (at, id); InvalidCursor for a cursor no page handed out."""
    stmt = _audit_select(f)
    if cursor:
        at, row_id = decode_audit_cursor(cursor)
        e = case_events.c
        stmt = stmt.where(or_(e.at < at, and_(e.at == at, e.id < row_id)))
    rows = [_audit_row(r) for r in await session.execute(stmt.limit(limit + 1))]
    last = rows[limit - 1] if len(rows) > limit else None
    return AuditPage(rows[:limit], encode_audit_cursor(last.at, last.id) if last else None)


async def audit_rows(session: AsyncSession, f: AuditFilter, cap: int) -> tuple[list[AuditRow], bool]:
    """Every row of the filter for an export, newest first, at most ``cap``; and whether there were more."""
    rows = [_audit_row(r) for r in await session.execute(_audit_select(f).limit(cap + 1))]
    return rows[:cap], len(rows) > cap
