"""The input of a case's workflow. Defined here, not in workflows/, because the workflow sandbox
re-imports the workflow module for every new case, and a pydantic class built there each time cost
a measurable share of intake (bench/results.md); models are passed through the sandbox."""

from __future__ import annotations

from pydantic import BaseModel

from models.actions import Actor
from models.case import CaseIntake, CaseState
from models.routing import Routing


class CaseStart(BaseModel):
    case_id: str
    intake: CaseIntake
    created_by: Actor
    resume: CaseState | None = None
    """The state carried over when a long-lived case continues as new (its history starts afresh)."""
    routing: Routing | None = None
    """Who the complaint went to on intake and why (rules/routing.py); None: started before routing existed, or
    by a test — the case then has no assignee until it is accepted or assigned."""
    shared_clock: bool = False
    """Leave the shared-day targets (models.case.SHARED_KINDS) to the shared clock (a deployment setting)."""
