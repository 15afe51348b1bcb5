"""For supervisors and heads: the clear-to-zero dashboard of their regions and the audit view of every case's
history, exported as CSV and as an Excel sheet."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
