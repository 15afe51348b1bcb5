"""The case page: parties, workers, deadlines, escalations, the sub-processes, notices, the full history, and the
actions the stage and the role allow, each a small form whose result or refusal shows in place."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
