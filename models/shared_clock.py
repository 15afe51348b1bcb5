"""Names and inputs of the shared clock: one durable timer per shared day (Dec 31, the Spring Festival's
eve, their warning and level-2 days) raising the shared-day targets of every open case at once."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel

SHARED_CLOCK = "SharedClock"
SHARED_CLOCK_ID = "qingling-shared-clock"
SHARED_MOMENTS = "shared_moments"
RAISE_SHARED = "raise_shared"


class SharedClockInput(BaseModel):
    done_until: AwareDatetime | None = None
    """Every moment up to this one has been swept (carried over when the clock continues as new)."""


class SharedMomentsInput(BaseModel):
    after: AwareDatetime
    """Moments strictly after this one."""


class RaiseSharedInput(BaseModel):
    at: AwareDatetime
    """Raise every shared-day alarm whose moment is at or before this one and is not raised yet."""


class SharedRaised(BaseModel):
    cases: int
    """Cases that had at least one alarm raised."""
    escalations: int
    notices: int
