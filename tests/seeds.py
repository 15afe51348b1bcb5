"""Rows of the read model written directly (SQLAlchemy core): a case line, its deadlines and escalations, for
tests of what reads them (reminders, digests) without driving a case through its workflow."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db.cases import spaced_name
from db.tables import case_deadlines, case_escalations, cases
from models.case import ESCALATION_LEVEL, DeadlineKind, EscalationKind, Role
from tests.builders import make_uscc

_serial = itertools.count(1)


async def seed_case(
    session: AsyncSession,
    case_id: str,
    *,
    region_code: str = "140105",
    stage: str = "investigating",
    employer_name: str = "恒泰建筑工程有限公司",
    case_number: str | None = None,
    received_at: datetime | None = None,
) -> None:
    n = next(_serial)
    at = received_at or datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    await session.execute(
        cases.insert().values(
            case_id=case_id,
            case_number=case_number or f"小人社监案〔2026〕{n}号",
            stage=stage,
            region_code=region_code,
            received_at=at,
            channel="hotline",
            employer_name=employer_name,
            employer_name_spaced=spaced_name(employer_name),
            employer_uscc=make_uscc(n),
            worker_count=1,
            owed_fen=1_000_000,
            paid_fen=0,
            outstanding_fen=1_000_000,
            assignee=None,
            next_due=None,
            last_seq=1,
            state={"case_id": case_id, "seeded": True},
            updated_at=at,
        )
    )


async def seed_deadline(
    session: AsyncSession,
    case_id: str,
    position: int,
    kind: DeadlineKind,
    due: date,
    status: str = "pending",
    *,
    met_at: date | None = None,
) -> None:
    await session.execute(
        case_deadlines.insert().values(
            case_id=case_id,
            position=position,
            kind=kind.value,
            start=due - timedelta(days=10),
            due=due,
            status=status,
            provisional=False,
            met_at=met_at,
        )
    )


async def seed_escalation(
    session: AsyncSession,
    case_id: str,
    position: int,
    kind: EscalationKind,
    deadline_kind: DeadlineKind,
    due: date,
    at: datetime,
    addressee_role: Role,
    addressee: str | None = None,
    *,
    region_code: str = "140105",
    notice: str | None = None,
) -> None:
    await session.execute(
        case_escalations.insert().values(
            case_id=case_id,
            position=position,
            kind=kind.value,
            level=ESCALATION_LEVEL[kind],
            deadline_kind=deadline_kind.value,
            due=due,
            at=at,
            addressee_role=addressee_role.value,
            addressee=addressee,
            region_code=region_code,
            notice=notice,
        )
    )
