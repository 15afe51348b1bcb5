"""The intake form: a complaint with its workers as an editable table, the API's validation messages beside each
field, nothing lost on an error, one case however often the form is sent."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
