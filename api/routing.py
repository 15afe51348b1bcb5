"""Which workflow an action goes to: the case's, or one of its sub-processes' (blacklist, referral), and what the
API fills in before sending (the province's figures for 数额较大, from the configuration)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from config.settings import Settings
from config.temporal import case_workflow_id
from db import tracks as track_store
from models.actions import (
    TRACK_ACTIONS,
    Action,
    Body,
    DefenseFor,
    ProposeBlacklistBody,
    RecordServiceBody,
    ReferToPoliceBody,
    SubmitDefenseBody,
)
from models.errors import ErrorCode, Refusal
from models.track_summary import TRACK_ZH, TrackKind
from rules.criminal import threshold_for

STARTS_TRACK: dict[Action, TrackKind] = {
    Action.PROPOSE_BLACKLIST: TrackKind.BLACKLIST,
    Action.REFER_TO_POLICE: TrackKind.REFERRAL,
}


@dataclass(frozen=True)
class Target:
    workflow_id: str
    track: TrackKind | None = None
    """The sub-process the action goes to; None: the case."""


async def target(session: AsyncSession, case_id: str, action: Action, body: Body) -> Target:
    """The workflow that handles ``action``; a sub-process's action with none running is refused (409)."""
    kind = TRACK_ACTIONS.get(action)
    if isinstance(body, SubmitDefenseBody) and body.procedure == DefenseFor.BLACKLIST:
        kind = TrackKind.BLACKLIST
    if isinstance(body, RecordServiceBody):
        owner = await track_store.notice_track(session, body.notice_id)
        if owner is not None:
            return Target(owner, TrackKind(owner.split("/")[-2]))
    if kind is None:
        return Target(case_workflow_id(case_id))
    latest = await track_store.latest_track(session, case_id, kind)
    if latest is None:
        raise Refusal(ErrorCode.NO_TRACK, f"本案没有{TRACK_ZH[kind]}程序")
    return Target(latest.track_id, kind)


def with_threshold(body: Body, region_code: str, settings: Settings) -> Body:
    """The province's figures the rule is tested against, whatever the caller sent (recorded with the action)."""
    if isinstance(body, ProposeBlacklistBody | ReferToPoliceBody):
        figures, provincial = threshold_for(region_code, settings.criminal_thresholds)
        return body.model_copy(update={"threshold": figures, "threshold_is_provincial": provincial})
    return body
