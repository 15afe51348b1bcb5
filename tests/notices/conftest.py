"""Cases built from a validated intake the way the workflow builds them and one renderer per session,
since building the renderer indexes the CJK fonts."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from models.case import CaseIntake, CaseState
from models.notices import Bureau
from notices.render import NoticeRenderer
from tests.builders import intake_body
from tests.harness import INSPECTOR
from workflows.case import CaseStart, initial_state

BUREAU = Bureau(
    name="太原市小店区人力资源和社会保障局",
    abbr="小人社监",
    region_code="140105",
    address="太原市小店区某路1号",
    phone="0351-12333",
)
ISSUED = date(2026, 11, 22)
DUE = date(2026, 12, 5)
RECEIVED = "2026-11-03T10:00:00+08:00"


def make_case(workers: int = 2, **overrides: Any) -> CaseState:
    """A case as the workflow holds it after intake, with the fields each notice needs filled in."""
    intake = CaseIntake.model_validate(intake_body(workers=workers, received_at=RECEIVED, **overrides))
    state = initial_state(CaseStart(case_id="C1", intake=intake, created_by=INSPECTOR))
    return state.model_copy(
        update={
            "case_number": "小人社监案〔2026〕7号",
            "order_due": DUE,
            "rejection_reason": "不属于本机关管辖，请向迎泽区人力资源和社会保障局反映",
            "close_reason": "cleared",
        }
    )


def pdf_text(pdf: bytes) -> str:
    """Visible text of every page with all whitespace removed (extraction splits lines anywhere)."""
    reader = PdfReader(io.BytesIO(pdf))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="session")
def renderer() -> NoticeRenderer:
    return NoticeRenderer()
