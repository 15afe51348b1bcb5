"""Names and input models of the activities, shared by workflows (which call them by name)
and activities (which implement them), so workflows never import the database layer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import AwareDatetime, BaseModel

from models.case import CaseState, DeadlineKind, WorkerState
from models.notices import NoticeKind
from models.tracks import AnyTrackState

COMPUTE_DEADLINE = "compute_deadline"
COMPUTE_DEADLINES = "compute_deadlines"
ASSIGN_CASE_NUMBER = "assign_case_number"
ISSUE_NOTICE = "issue_notice"
RECORD_EVENT = "record_event"
RECORD_EVENTS = "record_events"
ASSESS_PENALTY = "assess_penalty"
ISSUE_TRACK_NOTICE = "issue_track_notice"
RECORD_TRACK_EVENT = "record_track_event"


class ComputeDeadlineInput(BaseModel):
    kind: DeadlineKind
    start: date
    region_code: str | None = None
    """Whose bureau configuration applies (e.g. the days allowed for service)."""
    due: date | None = None
    """For kinds whose date someone sets (``payment_order``, ``clear_major``): that date; the activity adds the
    warning and escalation days."""
    extended_by: int | None = None
    """Working days added by an approved extension (``investigation``)."""
    subject: str | None = None
    """Whose period, for a procedure with one per party (a listing's defence: the party's name)."""


class ComputeDeadlinesInput(BaseModel):
    """Several deadlines from one event in one call (intake: acceptance and the clear-to-zero targets)."""

    kinds: list[DeadlineKind]
    start: date
    region_code: str | None = None


class AssignCaseNumberInput(BaseModel):
    case_id: str
    region_code: str
    year: int


class IssueNoticeInput(BaseModel):
    case: CaseState
    """The case without its workers and payments (a snapshot): the activity reads the workers as last
    recorded, so an action that changes workers records before it issues a notice."""
    kind: NoticeKind
    occurrence: int
    issued_at: AwareDatetime
    subject_notice_id: str | None = None
    """For a 送达回证: the notice whose service it proves; for a 督办通知书: the kind of the deadline it chases."""


class CaseEvent(BaseModel):
    """One history row; ``seq`` is the workflow's own counter, so a retry finds its earlier write. Rows the
    shared clock writes carry a negative seq of their own (rules.escalation.shared_code)."""

    seq: int
    at: AwareDatetime
    kind: str
    actor: str
    actor_role: str
    stage_before: str | None
    stage_after: str
    data: dict[str, Any] = {}


RecordedHash = str | None
"""What ``record_event`` and ``record_events`` answer: the hash of the (last) history row they wrote, or found
written on a retry (db/chain.py). None: a row written before the chain; and every answer recorded in a workflow
history before the chain existed (those activities returned nothing), so a workflow must accept None."""


class RecordEventInput(BaseModel):
    case: CaseState
    """The case without its workers and payments (a snapshot)."""
    event: CaseEvent
    worker_changes: list[WorkerState] | None = None
    """The workers changed since the last recorded event (all of them at intake); None: none changed."""


class RecordEventsInput(BaseModel):
    """Several history rows written with one read-model update (the alarms raised at one moment): one local
    activity, so a herd of cases falling due at once costs each case one workflow task."""

    case: CaseState
    """The case without its workers and payments (a snapshot); its workers did not change."""
    events: list[CaseEvent]


def notice_id(case_id: str, kind: NoticeKind, occurrence: int) -> str:
    return f"{case_id}-{kind.value}-{occurrence}"


class AssessPenaltyInput(BaseModel):
    """A proposed fine in a region: does configuration give a hearing, or ask for collective discussion?"""

    region_code: str
    amount: Decimal


class IssueTrackNoticeInput(BaseModel):
    """A sub-process's notice (models/tracks.py). The activity reads the case (employer, case number, workers)
    from the read model and the sub-process's facts from ``track``."""

    track: AnyTrackState
    kind: NoticeKind
    occurrence: int
    """Counted within the sub-process, offset by its number (tracks.OCCURRENCE_STRIDE): unique in the case."""
    issued_at: AwareDatetime
    party: int | None = None
    """For the per-party documents of a listing (告知书, 决定书, 移出决定书): the party's index."""
    subject_notice_id: str | None = None
    """For a 送达回证: the notice whose service it proves (one of ``track.notices``); for a 督办通知书: the kind
    of the deadline it chases."""


class RecordTrackEventInput(BaseModel):
    """One history row of a sub-process, written into its case's history (chained with the case's rows), with
    the sub-process's read model (table ``tracks``), in one transaction."""

    track: AnyTrackState
    event: CaseEvent
