"""Property-based tests (hypothesis) of every model an outside caller fills: the intake and each action's body.

Whatever JSON arrives, a model either validates it or raises pydantic's ValidationError — never another
exception (which the API would answer with a 500) — and what it accepts survives a round trip through JSON
unchanged. Identifiers and amounts: every valid one is accepted, and a single changed character is refused.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from models.actions import BODY_MODELS, Action
from models.case import CaseIntake
from models.identity import USCC, ResidentId, mask_id
from models.money import Amount
from tests.builders import intake_body, make_id, make_uscc

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fields(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def bodies(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts whose keys are mostly the model's own fields (so validation gets past 'extra fields'), with
    arbitrary JSON values, and now and then a stray key."""
    keys = st.sampled_from(fields(model)) | st.text(max_size=8)
    return st.dictionaries(keys, JSON, max_size=len(fields(model)) + 1)


def validates_or_refuses(model: type[BaseModel], raw: Any) -> None:
    try:
        parsed = model.model_validate(raw)
    except ValidationError:
        return
    again = model.model_validate(json.loads(parsed.model_dump_json()))
    assert again == parsed


@pytest.mark.parametrize("action", list(Action), ids=[a.value for a in Action])
def test_every_action_body_validates_or_refuses_whatever_arrives(action: Action) -> None:
    model = BODY_MODELS[action]

    @PROPERTY
    @given(raw=bodies(model) | JSON)
    def check(raw: Any) -> None:
        validates_or_refuses(model, raw)

    check()


@PROPERTY
@given(changes=st.dictionaries(st.sampled_from(fields(CaseIntake)), JSON, max_size=3))
def test_the_intake_validates_or_refuses_any_change_to_a_valid_one(changes: dict[str, Any]) -> None:
    validates_or_refuses(CaseIntake, {**intake_body(workers=2), **changes})


@PROPERTY
@given(
    worker=st.fixed_dictionaries(
        {},
        optional={
            "name": JSON,
            "id_number": JSON,
            "phone": JSON,
            "owed_amount": JSON,
            "owed_from": JSON,
            "owed_to": JSON,
            "extra": JSON,
        },
    )
)
def test_a_worker_line_validates_or_refuses_whatever_arrives(worker: dict[str, Any]) -> None:
    body = intake_body(workers=1)
    body["workers"] = [worker]
    validates_or_refuses(CaseIntake, body)


IDS = TypeAdapter(ResidentId)
USCCS = TypeAdapter(USCC)
AMOUNTS = TypeAdapter(Amount)


@settings(max_examples=300, deadline=None)
@given(serial=st.integers(min_value=1, max_value=999), born=st.dates(date(1940, 1, 1), date(2008, 12, 31)))
def test_every_valid_id_number_is_accepted_and_any_changed_character_refused(serial: int, born: date) -> None:
    number = make_id(serial, born=born)
    assert IDS.validate_python(number) == number
    masked = mask_id(number)
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:] and "*" * 8 in masked
    for i in range(17):  # a changed digit breaks the check character (it weighs every position)
        digit = str((int(number[i]) + 1) % 10)
        with pytest.raises(ValidationError):
            IDS.validate_python(number[:i] + digit + number[i + 1 :])


@settings(max_examples=300, deadline=None)
@given(serial=st.integers(min_value=1, max_value=9999), region=st.sampled_from(["140105", "110105", "430102"]))
def test_every_valid_uscc_is_accepted_and_a_changed_check_character_refused(serial: int, region: str) -> None:
    code = make_uscc(serial, region)
    assert USCCS.validate_python(code) == code
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    wrong = alphabet[(alphabet.index(code[-1]) + 1) % len(alphabet)]
    with pytest.raises(ValidationError):
        USCCS.validate_python(code[:-1] + wrong)


@settings(max_examples=300, deadline=None)
@given(fen=st.integers(min_value=1, max_value=999_999_999_999))
def test_amounts_are_exact_fen(fen: int) -> None:
    text = f"{fen // 100}.{fen % 100:02d}"
    amount = AMOUNTS.validate_python(text)
    assert amount == Decimal(fen) / 100 and int(amount * 100) == fen
    assert AMOUNTS.dump_python(amount, mode="json") == text


@settings(max_examples=300, deadline=None)
@given(raw=JSON)
def test_amounts_refuse_anything_but_the_documented_text(raw: Any) -> None:
    assume(not (isinstance(raw, str) and raw.replace(".", "", 1).isdigit()))
    with pytest.raises(ValidationError):
        AMOUNTS.validate_python(raw)


def test_received_dates_in_the_far_past_are_refused_and_future_ones_at_the_edge() -> None:
    with pytest.raises(ValidationError):
        CaseIntake.model_validate({**intake_body(workers=1), "received_at": "1899-12-31T10:00:00+08:00"})
    now = datetime(2026, 11, 23, 2, tzinfo=UTC)
    future = (now + timedelta(days=365 * 200)).isoformat()
    intake = CaseIntake.model_validate({**intake_body(workers=1), "received_at": future})
    assert (("received_at",), "收到投诉的时间不能晚于当前时间") in intake.dated_errors(now)
