"""Where a complaint goes on intake (rules/routing.py): the grid (网格) that covers the project's place, and its
inspector — or the deputy while the inspector is away — or, outside every grid, the region's queue."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel


class RoutingRule(StrEnum):
    GRID = "grid"
    """The grid's responsible inspector."""
    DEPUTY = "deputy"
    """The grid's deputy: the inspector is away."""
    QUEUE = "queue"
    """No grid covers the place (or nobody of the grid is available): the region's supervisors assign it."""


class Grid(BaseModel):
    grid_id: str
    name: str
    inspector_id: str
    inspector_name: str
    deputy_id: str | None = None
    deputy_name: str | None = None


class Routing(BaseModel):
    """What routing decided, and why: recorded with the intake in the case's history."""

    rule: RoutingRule
    assignee: str | None
    """The account id of the inspector it went to; None: the regional queue."""
    grid_id: str | None = None
    place: str
    """The region or town code routing went by (the project's place when known)."""
    explanation: str
