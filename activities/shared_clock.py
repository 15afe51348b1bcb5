"""The shared clock's work: at a shared day's moment, raise the shared-day alarms of every open case in bulk.

What a case's own clock does for one case (an escalation on the case, a history row, a 督办通知书 at level 2),
this does for thousands in a few statements per chunk, by the same rules (rules.escalation.due_shared), with
the same history event kinds and data. The rows are keyed so a retry, or the case's own clock, never writes
one twice: escalations by (case, kind, deadline kind, due), history rows by (case, seq) with the seq
rules.escalation.shared_code gives (negative: outside the case workflow's own count; chained to the case's
history like the workflow's own rows, db.chain), notices by (case, kind, occurrence).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from activities.notices import NoticeActivities
from db.cases import append_rows, insert_new, lock_cases
from db.tables import case_deadlines, case_escalations, cases
from models.actions import SYSTEM
from models.activities import IssueNoticeInput
from models.case import SHARED_KINDS, TERMINAL_STAGES, CaseState, DeadlineKind, EscalationKind
from models.clock import SHANGHAI
from models.notices import NoticeKind
from models.shared_clock import RAISE_SHARED, RaiseSharedInput, SharedRaised
from models.stored import STORED
from rules.escalation import (
    ALARM_EVENTS,
    AlarmKey,
    alarm_data,
    due_shared,
    escalation_for,
    shared_code,
    shared_notice_occurrence,
)

log = logging.getLogger(__name__)
CHUNK = 1000
"""Cases per transaction: big enough to amortise, small enough to keep SQLite's write lock short."""
_OPEN = ("pending", "overdue")


class SharedClockActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], notices: NoticeActivities) -> None:
        self._sessions = sessions
        self._notices = notices

    @activity.defn(name=RAISE_SHARED)
    async def raise_shared(self, inp: RaiseSharedInput) -> SharedRaised:
        """Every open case's shared-day alarms whose moment is at or before ``inp.at``, raised once."""
        day = inp.at.astimezone(SHANGHAI).date()
        total = SharedRaised(cases=0, escalations=0, notices=0)
        after = ""
        while True:
            async with self._sessions() as session:
                rows = list((await session.execute(self._candidates(day, after))).all())
            if not rows:
                return total
            after = rows[-1].case_id
            done = await self._raise_chunk(rows, inp)
            total = SharedRaised(
                cases=total.cases + done.cases,
                escalations=total.escalations + done.escalations,
                notices=total.notices + done.notices,
            )
            activity.heartbeat(after)

    def _candidates(self, day: date, after: str) -> Any:
        """Open shared-day deadlines of open cases whose first alarm may have come (the exact test is in
        Python), a chunk of cases at a time in case order."""
        d = case_deadlines
        ids = (
            select(d.c.case_id)
            .join(cases, cases.c.case_id == d.c.case_id)
            .where(
                d.c.kind.in_([k.value for k in SHARED_KINDS]),
                d.c.status.in_(_OPEN),
                cases.c.stage.not_in([s.value for s in TERMINAL_STAGES]),
                cases.c.state["shared_clock"].as_boolean().is_(True),  # the others' own clocks raise them
                or_(d.c.due < day, and_(d.c.warn_on.is_not(None), d.c.warn_on <= day)),
                d.c.case_id > after,
            )
            .group_by(d.c.case_id)
            .order_by(d.c.case_id)
            .limit(CHUNK)
            .subquery()
        )
        return (
            select(
                d.c.case_id,
                d.c.kind,
                d.c.due,
                d.c.warn_on,
                d.c.escalate_after,
                cases.c.stage,
                cases.c.region_code,
                cases.c.assignee,
                cases.c.state["created_by"].as_string().label("created_by"),
            )
            .join(cases, cases.c.case_id == d.c.case_id)
            .where(d.c.case_id.in_(select(ids.c.case_id)), d.c.kind.in_([k.value for k in SHARED_KINDS]))
            .where(d.c.status.in_(_OPEN))
            .order_by(d.c.case_id)
        )

    async def _raise_chunk(self, rows: list[Any], inp: RaiseSharedInput) -> SharedRaised:
        ids = sorted({r.case_id for r in rows})
        async with self._sessions() as session:
            raised_rows = await session.execute(
                select(
                    case_escalations.c.case_id,
                    case_escalations.c.kind,
                    case_escalations.c.deadline_kind,
                    case_escalations.c.due,
                ).where(
                    case_escalations.c.case_id.in_(ids),
                    case_escalations.c.deadline_kind.in_([k.value for k in SHARED_KINDS]),
                )
            )
            raised: dict[str, set[AlarmKey]] = defaultdict(set)
            for r in raised_rows:
                raised[r.case_id].add((EscalationKind(r.kind), DeadlineKind(r.deadline_kind), r.due))
        escalation_rows: list[dict[str, Any]] = []
        event_rows: list[dict[str, Any]] = []
        touched: set[str] = set()
        notices = 0
        for r in rows:
            kind = DeadlineKind(r.kind)
            for alarm in due_shared(kind, r.due, r.warn_on, r.escalate_after, raised[r.case_id], inp.at):
                notice = None
                if alarm.kind == EscalationKind.SUPERVISION:
                    notice = await self._supervision_notice(r.case_id, kind, r.due, inp)
                    notices += notice is not None
                raised_one = escalation_for(r.assignee or r.created_by or "", alarm, inp.at, notice)
                code = shared_code(kind, r.due, raised_one.level)
                escalation_rows.append(
                    {
                        "case_id": r.case_id,
                        "position": code,
                        "kind": raised_one.kind.value,
                        "level": raised_one.level,
                        "deadline_kind": kind.value,
                        "due": r.due,
                        "at": inp.at,
                        "addressee_role": raised_one.addressee_role.value,
                        "addressee": raised_one.addressee,
                        "region_code": r.region_code,
                        "notice": notice,
                    }
                )
                event_rows.append(
                    {
                        "case_id": r.case_id,
                        "seq": -code,
                        "at": inp.at,
                        "kind": ALARM_EVENTS[alarm.kind],
                        "actor": SYSTEM.user_id,
                        "actor_role": SYSTEM.role.value,
                        "stage_before": r.stage,
                        "stage_after": r.stage,
                        "data": {**alarm_data(raised_one), "raised_by": "shared_clock"},
                    }
                )
                raised[r.case_id].add(alarm.key)
                touched.add(r.case_id)
        if escalation_rows:
            async with self._sessions.begin() as session:
                # The history rows join each case's hash chain (db.chain): lock the chunk's cases first (before
                # any insert, in case order), then chain the rows to each case's last row, in bulk.
                await lock_cases(session, sorted(touched))
                await session.execute(insert_new(session, case_escalations), escalation_rows)
                await append_rows(session, event_rows, locked=True)
        return SharedRaised(cases=len(touched), escalations=len(escalation_rows), notices=notices)

    async def _supervision_notice(self, case_id: str, kind: DeadlineKind, due: date, inp: RaiseSharedInput) -> str:
        """The 督办通知书 of a level-2 alarm, issued like the case's own (numbered, rendered, stored), keyed so
        a retry returns the one already issued."""
        async with self._sessions() as session:
            raw = await session.scalar(select(cases.c.state).where(cases.c.case_id == case_id))
        state = CaseState.model_validate(raw, context=STORED).model_copy(update={"workers": [], "payments": []})
        ref = await self._notices.issue_notice(
            IssueNoticeInput(
                case=state,
                kind=NoticeKind.SUPERVISION,
                occurrence=shared_notice_occurrence(kind, due),
                issued_at=inp.at,
                subject_notice_id=kind.value,
            )
        )
        return ref.doc_number
