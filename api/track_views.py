"""How a case's sub-processes (blacklist, referral) appear on the case page: status in Chinese, deadlines with
their effective status, escalations, notices, what the caller may do next, and the rest of their facts with
personal data masked unless the caller sees it (api.masking.sees_personal_data)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from api.masking import mask_record
from models.actions import Action
from models.case import Deadline, NoticeRef, Role
from models.track_summary import TrackSummary
from models.tracks import (
    BLACKLIST_STATUS_ZH,
    REFERRAL_STATUS_ZH,
    AnyTrackState,
    BlacklistState,
    TrackKind,
)
from rules import blacklist, referral
from rules.deadlines import effective_status

_OWN = {"case_id", "region_code", "last_seq", "history_hash", "registered", "kind", "status", "track_id", "number"}
_SHOWN_APART = {"deadlines", "escalations", "notices", "employer"}


class TrackView(BaseModel):
    """A sub-process as the case page shows it."""

    track_id: str
    kind: TrackKind
    number: int
    status: str
    status_zh: str
    deadlines: list[Deadline]
    escalations: list[dict[str, Any]]
    notices: list[NoticeRef]
    detail: dict[str, Any]
    """Its facts: parties (listing), officers and police decisions (referral), term, removals, …"""
    allowed_actions: list[str]


def allowed(state: AnyTrackState, role: Role | None) -> list[Action]:
    rules = blacklist.RULES if isinstance(state, BlacklistState) else referral.RULES
    return [a for a, r in rules.items() if r.role == role and state.status in r.statuses]


def track_view(state: AnyTrackState, today: date, role: Role | None, *, personal: bool) -> dict[str, Any]:
    zh = BLACKLIST_STATUS_ZH if isinstance(state, BlacklistState) else REFERRAL_STATUS_ZH
    detail = state.model_dump(mode="json", exclude=_OWN | _SHOWN_APART)
    view = TrackView(
        track_id=state.track_id,
        kind=state.kind,
        number=state.number,
        status=state.status.value,
        status_zh=zh[state.status],  # type: ignore[index]
        deadlines=[d.model_copy(update={"status": effective_status(d, today)}) for d in state.deadlines],
        escalations=[e.model_dump(mode="json") for e in state.escalations],
        notices=state.notices,
        detail=detail if personal else mask_record(detail),
        allowed_actions=[a.value for a in allowed(state, role)],
    )
    return view.model_dump(mode="json")


def summary_view(tracks: list[TrackSummary], kind: TrackKind) -> dict[str, Any] | None:
    """For the case list: the latest of a kind, as the case last heard of it."""
    mine = [t for t in tracks if t.kind == kind]
    return mine[-1].model_dump(mode="json") if mine else None
