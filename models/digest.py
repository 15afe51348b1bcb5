"""The daily digest (每日逾期汇总): what one region's open cases have overdue, as of one Shanghai day.

The workflow ``DailyDigest`` (started each morning by a Temporal Schedule) calls the activity
``make_digests`` by name with these models; the activity stores one ``Digest`` per region and day, and
``GET /api/v1/reports/digest`` shows it.
"""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, BaseModel, Field

from models.case import DEADLINE_ZH, DeadlineKind

DAILY_DIGEST = "DailyDigest"
"""The workflow's name (the schedule starts it by this name too)."""
MAKE_DIGESTS = "make_digests"


class DailyDigestInput(BaseModel):
    """The workflow's input: nothing yet (it takes the day from ``workflow.now()``); a model so fields can be
    added without breaking scheduled runs."""


class MakeDigestsInput(BaseModel):
    at: AwareDatetime
    """The moment of the run (the workflow's clock): the digest is of its Shanghai date."""


class DigestSummary(BaseModel):
    """What one run did (the activity's and the workflow's result: small, it stays in the history)."""

    day: date
    regions: int
    """Digests written: one per region with open cases."""
    overdue_cases: int
    """Open cases with at least one overdue deadline, over all regions."""
    overdue_deadlines: int


class DigestDeadline(BaseModel):
    kind: str
    kind_zh: str
    due: date
    days_overdue: int
    """Calendar days since the deadline ended (24:00 of ``due``): 1 on the day after."""


class DigestCase(BaseModel):
    case_id: str
    case_number: str | None
    employer_name: str
    deadlines: list[DigestDeadline]
    """Its overdue deadlines, the longest overdue first."""


class Digest(BaseModel):
    """One region's digest of one day (the ``data`` of a ``digests`` row)."""

    day: date
    region_code: str
    overdue: list[DigestCase] = Field(default_factory=list)
    """Open cases with an overdue deadline, the longest overdue first."""
    counts_by_kind: dict[str, int] = Field(default_factory=dict)
    """Overdue deadlines by kind (e.g. ``{"payment_order": 3}``)."""
    open_cases: int
    """Cases of the region not closed or refused, overdue or not."""


def deadline_zh(kind: str) -> str:
    """A deadline kind's Chinese name (DEADLINE_ZH); the kind itself if this code does not know it."""
    try:
        return DEADLINE_ZH[DeadlineKind(kind)]
    except ValueError:
        return kind
