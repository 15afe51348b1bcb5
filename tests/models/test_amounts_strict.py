"""Amounts exactly as documented (a JSON string ^[0-9]+(\\.[0-9]{1,2})?$), and dates at the edge."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from models.case import CaseIntake, WorkerClaim
from models.clock import EdgeDate, EdgeDatetime
from models.identity import validate_phone, validate_region_code, validate_resident_id
from models.money import AMOUNT_PATTERN, MAX_AMOUNT, Amount, Balance
from tests.builders import intake_body, make_id

NOW = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)


class M(BaseModel):
    amount: Amount
    balance: Balance = Decimal("0")


def refused(raw: object, *, json_mode: bool = False) -> str:
    with pytest.raises(ValidationError) as caught:
        if json_mode:
            M.model_validate_json(json.dumps({"amount": raw}) if not isinstance(raw, str) else raw)
        else:
            M(amount=raw)
    return str(caught.value.errors()[0]["msg"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12000", "12000.00"), ("12000.00", "12000.00"), ("0.01", "0.01"), ("1.5", "1.50"), (str(MAX_AMOUNT), None)],
)
def test_documented_strings_accepted(raw: str, expected: str | None) -> None:
    m = M(amount=raw)
    assert m.model_dump(mode="json")["amount"] == (expected or raw)
    assert M.model_validate_json(json.dumps({"amount": raw})).amount == m.amount


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (12000, "字符串"),  # a JSON integer
        (12000.0, "字符串"),  # a JSON float
        (0.1, "字符串"),
        (1e9, "字符串"),
        (float("nan"), "字符串"),
        (float("inf"), "字符串"),
        (True, "格式"),
        (None, "格式"),
        (["12000"], "格式"),
        ("1e9", "半角数字"),
        ("1E9", "半角数字"),
        ("1_000", "半角数字"),
        ("1,000.00", "半角数字"),
        ("１２", "半角数字"),  # full-width digits
        ("١٢", "半角数字"),  # Arabic-Indic digits
        ("12.", "半角数字"),
        (".5", "半角数字"),
        ("-5", "大于零"),
        ("+5", "正负号"),
        ("12 000", "空格"),
        (" 12000", "空格"),
        ("12000 ", "空格"),
        ("12000\n", "空格"),
        ("NaN", "半角数字"),
        ("Infinity", "半角数字"),
        ("-Infinity", "负号"),
        ("0x10", "半角数字"),
        ("", "半角数字"),
        ("12.345", "两位小数"),
        ("0", "大于零"),
        ("0.00", "大于零"),
        ("10000000000", "范围"),
    ],
)
def test_everything_else_refused(raw: object, needle: str) -> None:
    message = refused(raw)
    assert needle in message, message


@pytest.mark.parametrize("raw", ["12000", "1e9", "NaN", "Infinity", "-Infinity", "12000.5", "-5"])
def test_json_numbers_refused_in_json_mode(raw: str) -> None:
    """The same rule when pydantic parses JSON text itself (how Temporal payloads are read)."""
    text = '{"amount": ' + raw + "}"
    try:
        json.loads(text)
    except ValueError:
        pytest.skip("not even Python's JSON")
    with pytest.raises(ValidationError):
        M.model_validate_json(text)


def test_decimals_from_code_still_accepted() -> None:
    """The workflow builds totals from Decimals; internal code is not held to the JSON text form."""
    assert M(amount=Decimal("12000")).amount == Decimal("12000.00")
    assert M(amount=Decimal("1E+3")).amount == Decimal("1000.00")
    assert M(amount=Decimal("1"), balance=Decimal("0")).balance == Decimal("0.00")
    for bad, needle in [
        (Decimal("0"), "大于零"),
        (Decimal("-1"), "大于零"),
        (Decimal("1.001"), "两位小数"),
        (Decimal("NaN"), "格式"),
        (Decimal("Infinity"), "格式"),
        (MAX_AMOUNT + Decimal("0.01"), "范围"),
    ]:
        assert needle in refused(bad)


def test_balance_may_be_zero_never_negative() -> None:
    assert M(amount="1", balance="0").balance == Decimal("0.00")
    with pytest.raises(ValidationError, match="负"):
        M(amount="1", balance="-1")


def test_schema_pattern_is_the_rule() -> None:
    schema = M.model_json_schema()["properties"]["amount"]
    assert schema["type"] == "string" and schema["pattern"] == AMOUNT_PATTERN == r"^[0-9]+(\.[0-9]{1,2})?$"


def test_identifiers_use_ascii_digits_only() -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in make_id(1))
    with pytest.raises(ValueError, match="格式"):
        validate_resident_id(full_width)
    with pytest.raises(ValueError, match="6位"):
        validate_region_code("１４０１０５")
    with pytest.raises(ValueError, match="6位"):
        validate_region_code(140105)  # a JSON number
    with pytest.raises(ValueError, match="电话"):
        validate_phone("１３８１２３４５６７８")


# --- dates and times at the edge ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (1700000000, "字符串"),
        (1700000000.5, "字符串"),
        ("1700000000", "字符串"),  # pydantic would read a numeric string as seconds since the epoch
        (True, "字符串"),
        ("2026-11-20", "字符串"),  # a date is not a moment
        ("0001-01-01T00:00:00+08:00", "2004"),
        ("1900-01-01T00:00:00+08:00", "2004"),
        ("1970-01-01T00:00:00Z", "2004"),
        ("2004-11-30T15:59:59Z", "2004"),  # 2004-11-30 23:59:59 in Shanghai
        ("9999-12-31T23:59:59-12:00", "范围"),
    ],
)
def test_edge_datetimes(raw: object, needle: str) -> None:
    with pytest.raises(ValidationError, match=needle):
        TypeAdapter(EdgeDatetime).validate_python(raw)


def test_edge_datetime_accepts_iso_strings_and_code_datetimes() -> None:
    adapter = TypeAdapter(EdgeDatetime)
    assert adapter.validate_python("2004-11-30T16:00:00Z") == datetime(2004, 11, 30, 16, tzinfo=UTC)
    assert adapter.validate_python("2026-11-20T10:00:00+08:00").utcoffset() is not None
    assert adapter.validate_json('"2026-11-20T10:00:00+08:00"') == datetime(2026, 11, 20, 2, tzinfo=UTC)
    assert adapter.validate_python(NOW) == NOW
    with pytest.raises(ValidationError):
        adapter.validate_python("2026-11-20T10:00:00")  # no offset
    with pytest.raises(ValidationError, match="字符串"):
        adapter.validate_json("1700000000")


@pytest.mark.parametrize("raw", [20260601, "20260601", "2026-6-1", "2026-06-01T00:00:00", 1.5, True, "２０２６-06-01"])
def test_edge_dates_are_yyyy_mm_dd(raw: object) -> None:
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        TypeAdapter(EdgeDate).validate_python(raw)
    assert TypeAdapter(EdgeDate).validate_python("2026-06-01") == date(2026, 6, 1)
    assert TypeAdapter(EdgeDate).validate_python(date(2026, 6, 1)) == date(2026, 6, 1)


def claim(**overrides: Any) -> dict[str, Any]:
    return {**intake_body(workers=1)["workers"][0], **overrides}


def test_owed_dates_not_before_2000() -> None:
    assert WorkerClaim.model_validate(claim(owed_from="2000-01-01")).owed_from == date(2000, 1, 1)
    with pytest.raises(ValidationError, match="2000"):
        WorkerClaim.model_validate(claim(owed_from="1999-12-31"))
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        WorkerClaim.model_validate(claim(owed_to=20260930))


@pytest.mark.parametrize("received_at", [1763604000, "0001-01-01T00:00:00+08:00", "1900-01-01T00:00:00+08:00"])
def test_intake_received_at(received_at: object) -> None:
    with pytest.raises(ValidationError) as caught:
        CaseIntake.model_validate(intake_body(received_at=received_at))
    assert [e["loc"] for e in caught.value.errors()] == [("received_at",)]


def test_owed_to_not_after_the_receipt_date() -> None:
    """The receipt date is the Shanghai date of received_at: 2026-11-20 01:00 +08:00 is 11-19 in UTC."""
    body = intake_body(received_at="2026-11-19T17:00:00Z")
    body["workers"][0]["owed_to"] = "2026-11-20"
    assert CaseIntake.model_validate(body).dated_errors(NOW) == []
    body["workers"][0]["owed_to"] = "2026-11-21"
    errors = CaseIntake.model_validate(body).dated_errors(NOW)
    assert [loc for loc, _ in errors] == [("workers", 0, "owed_to")]
    assert "收到投诉的日期（2026-11-20）" in errors[0][1]


def test_birth_date_in_an_id_number_checked_against_the_clock() -> None:
    body = intake_body(workers=2, received_at="2026-11-20T10:00:00+08:00")
    body["workers"][0]["id_number"] = make_id(1, born=date(2026, 12, 1))  # in the future
    body["workers"][1]["id_number"] = make_id(2, born=date(2026, 11, 21))  # after the receipt date
    body["complainant"]["id_number"] = make_id(3, born=date(2027, 1, 1))
    errors = CaseIntake.model_validate(body).dated_errors(NOW)
    assert [loc for loc, _ in errors] == [
        ("workers", 0, "id_number"),
        ("workers", 1, "id_number"),
        ("complainant", "id_number"),
    ]
    assert "晚于今天" in errors[0][1] and "收到投诉的日期" in errors[1][1]
    body["workers"][1]["id_number"] = make_id(2, born=date(2026, 11, 20))  # born on the day: not refused here
    body["workers"][0]["id_number"] = make_id(1)
    body["complainant"]["id_number"] = None
    assert CaseIntake.model_validate(body).dated_errors(NOW) == []
