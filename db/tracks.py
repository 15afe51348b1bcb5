"""The read model of a case's sub-processes (blacklist, referral): one row each, written with their history rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.cases import escalation_rows, insert_new, sync_service
from db.tables import case_escalations, notices, tracks
from models.stored import STORED
from models.tracks import AnyTrackState, BlacklistState, TrackKind, seq_base

_STATE: TypeAdapter[AnyTrackState] = TypeAdapter(AnyTrackState)


def _row(state: AnyTrackState, updated_at: datetime) -> dict[str, Any]:
    listing = state if isinstance(state, BlacklistState) else None
    return {
        "case_id": state.case_id,
        "kind": state.kind.value,
        "number": state.number,
        "status": state.status.value,
        "region_code": state.region_code,
        "term_start": listing.term_start if listing else None,
        "term_end": listing.term_end if listing else None,
        "last_seq": state.last_seq,
        "state": state.model_dump(mode="json"),
        "updated_at": updated_at,
    }


async def save_track(session: AsyncSession, state: AnyTrackState, updated_at: datetime) -> None:
    """Upsert the sub-process's row; an older snapshot (lower seq) never overwrites a newer one. Its escalations
    join the case's (``case_escalations``, positions from its own seq base), its notices are marked as its own
    (``notices.track_id``) and their service copied, as for the case's."""
    found = await session.scalar(select(tracks.c.last_seq).where(tracks.c.track_id == state.track_id))
    if found is None:
        await session.execute(tracks.insert().values(track_id=state.track_id, **_row(state, updated_at)))
    elif found <= state.last_seq:
        await session.execute(
            tracks.update().where(tracks.c.track_id == state.track_id).values(**_row(state, updated_at))
        )
    else:
        return
    base = seq_base(state.kind, state.number)
    escalations = escalation_rows(state.case_id, state.region_code, state.escalations, base)
    if escalations:  # the case's reminders, digests and page show them like the case's own (append-only)
        await session.execute(insert_new(session, case_escalations), escalations)
    own = [ref.notice_id for ref in state.notices]
    if own:
        await session.execute(
            notices.update()
            .where(notices.c.notice_id.in_(own), notices.c.track_id.is_(None))
            .values(track_id=state.track_id)
        )
    await sync_service(session, state)


def decode(raw: Any) -> AnyTrackState:
    return _STATE.validate_python(raw, context=STORED)


async def case_tracks(session: AsyncSession, case_id: str) -> list[AnyTrackState]:
    """The case's sub-processes, oldest first."""
    rows = await session.scalars(
        select(tracks.c.state).where(tracks.c.case_id == case_id).order_by(tracks.c.kind, tracks.c.number)
    )
    return [decode(r) for r in rows]


async def latest_track(session: AsyncSession, case_id: str, kind: TrackKind) -> AnyTrackState | None:
    raw = await session.scalar(
        select(tracks.c.state)
        .where(tracks.c.case_id == case_id, tracks.c.kind == kind.value)
        .order_by(tracks.c.number.desc())
        .limit(1)
    )
    return None if raw is None else decode(raw)


async def notice_track(session: AsyncSession, notice_id: str) -> str | None:
    """The sub-process that issued a notice (None: the case, or no such notice)."""
    found = await session.scalar(select(notices.c.track_id).where(notices.c.notice_id == notice_id))
    return None if found is None else str(found)
