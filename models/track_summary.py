"""What a case knows of its sub-processes (models/tracks.py): their kind and a summary each, kept apart so the
case's model need not import theirs."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel


class TrackKind(StrEnum):
    BLACKLIST = "blacklist"
    REFERRAL = "referral"


TRACK_ZH: dict[TrackKind, str] = {TrackKind.BLACKLIST: "失信联合惩戒名单", TrackKind.REFERRAL: "涉嫌犯罪案件移送"}


class TrackSummary(BaseModel):
    """What the case keeps of a sub-process (signalled by the child after each step): enough for its rules."""

    track_id: str
    kind: TrackKind
    number: int
    status: str
    open: bool = True


class Publication(BaseModel):
    """重大劳动保障违法行为社会公布 (人社部令第29号): what the head decided to publish, and when."""

    violation: str
    decided_at: AwareDatetime
    decided_by: str
    documents: list[str]
    """The decisions published with it (their document numbers)."""
