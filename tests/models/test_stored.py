"""Values read back from our database skip the edge's checks (models/stored.py); nothing else does."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from models.case import CaseIntake, CaseState
from models.start import CaseStart
from models.stored import STORED
from tests.builders import intake_body
from tests.harness import INSPECTOR
from workflows.case import initial_state


def stored_state() -> dict[str, Any]:
    intake = CaseIntake.model_validate(intake_body(workers=3))
    return initial_state(CaseStart(case_id="QL-STORED", intake=intake, created_by=INSPECTOR)).model_dump(mode="json")


def test_a_stored_state_reads_back_equal() -> None:
    raw = stored_state()
    assert CaseState.model_validate(raw, context=STORED) == CaseState.model_validate(raw)


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        (("employer", "uscc"), "91140105MA0XXXXXX0"),  # wrong check character
        (("complainant", "id_number"), "140105199001011230"),  # wrong check digit
        (("complainant", "name"), "张\u202e三"),  # a right-to-left override
        (("employer", "name"), "太原市\u200b恒泰建筑有限公司"),  # a zero-width space
        (("complainant", "phone"), "12345"),
    ],
)
def test_the_edge_checks_run_on_everything_but_stored_values(path: tuple[Any, ...], bad: str) -> None:
    raw = stored_state()
    target: Any = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad
    with pytest.raises(ValidationError):
        CaseState.model_validate(raw)
    with pytest.raises(ValidationError):  # an equal context from elsewhere is no claim: only STORED itself
        CaseState.model_validate(raw, context={"stored": True})
    kept: Any = CaseState.model_validate(raw, context=STORED).model_dump(mode="json")
    for key in path:
        kept = kept[key]
    assert kept == bad


def test_structure_is_still_validated_for_stored_values() -> None:
    raw = stored_state()
    raw["workers"][0]["claimed_amount"] = "-5"
    with pytest.raises(ValidationError):
        CaseState.model_validate(raw, context=STORED)
    raw = stored_state()
    raw["employer"]["uscc"] = 12345
    with pytest.raises(ValidationError):
        CaseState.model_validate(raw, context=STORED)
