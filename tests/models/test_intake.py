"""The intake body: structure checks in the model, clock checks at the edge."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from models.case import MAX_WORKERS, CaseIntake
from tests.builders import intake_body, make_id

NOW = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)


def test_valid_intake() -> None:
    intake = CaseIntake.model_validate(intake_body(workers=3, received_at="2026-11-20T10:00:00+08:00"))
    assert len(intake.workers) == 3
    assert intake.dated_errors(NOW) == []


def test_project_may_be_null() -> None:
    assert CaseIntake.model_validate(intake_body(project=None)).project is None


def test_duplicate_workers_refused() -> None:
    body = intake_body(workers=2)
    body["workers"][1]["id_number"] = make_id(1)
    with pytest.raises(ValidationError, match="重复"):
        CaseIntake.model_validate(body)


def test_too_many_workers_refused() -> None:
    body = intake_body(workers=1)
    body["workers"] = body["workers"] * (MAX_WORKERS + 1)
    with pytest.raises(ValidationError, match=r"too_long|at most"):
        CaseIntake.model_validate(body)


def test_unknown_fields_refused() -> None:
    with pytest.raises(ValidationError):
        CaseIntake.model_validate(intake_body(surprise=1))


def test_naive_received_at_refused() -> None:
    with pytest.raises(ValidationError):
        CaseIntake.model_validate(intake_body(received_at="2026-11-20T10:00:00"))


def test_future_dates_found_at_the_edge() -> None:
    body = intake_body(received_at="2026-11-23T10:00:00+08:00")
    body["workers"][0]["owed_to"] = "2026-11-30"
    errors = CaseIntake.model_validate(body).dated_errors(NOW)
    assert [loc for loc, _ in errors] == [("received_at",), ("workers", 0, "owed_to")]


def test_today_is_the_shanghai_date() -> None:
    """At 01:00 in Shanghai it is still yesterday in UTC; a wage period ending today is not future."""
    late_evening_utc = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)  # 2026-11-23 01:00 +08:00
    body = intake_body(received_at="2026-11-22T16:30:00Z")  # 2026-11-23 00:30 in Shanghai
    body["workers"][0]["owed_to"] = "2026-11-23"
    assert CaseIntake.model_validate(body).dated_errors(late_evening_utc) == []
    body["workers"][0]["owed_to"] = "2026-11-24"
    assert len(CaseIntake.model_validate(body).dated_errors(late_evening_utc)) == 1
