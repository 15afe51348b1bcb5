"""Identifier check characters, masking and exact money."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from models.identity import (
    USCC,
    ResidentId,
    mask_id,
    mask_phone,
    validate_region_code,
    validate_resident_id,
    validate_uscc,
)
from models.money import Amount, Balance, parse_amount
from tests.builders import make_id, make_uscc


def test_known_real_format_identifiers() -> None:
    # GB 11643-1999's own example number and a USCC from the GB 32100-2015 examples.
    assert validate_resident_id("11010519491231002x") == "11010519491231002X"
    assert validate_uscc("91110000600037341L") == "91110000600037341L"


@pytest.mark.parametrize("serial", range(1, 60))
def test_builders_make_valid_identifiers(serial: int) -> None:
    assert validate_uscc(make_uscc(serial)) == make_uscc(serial)
    assert validate_resident_id(make_id(serial)) == make_id(serial)


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("91110000600037341A", "校验位"),
        ("9111000060003734", "18位"),
        ("91110000600O37341L", "不允许的字符"),
        (12345, "18位"),
    ],
)
def test_bad_uscc(value: object, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        validate_uscc(value)


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("110105194912310021", "校验位"),
        ("11010519491231002", "18位"),
        ("1101051949123100AX", "格式"),
        ("110105194913310020", "出生日期"),
    ],
)
def test_bad_resident_id(value: str, needle: str) -> None:
    if needle == "出生日期":
        # make the check digit right so that only the impossible date (month 13) is wrong
        from stdnum.cn import ric

        value = value[:17] + ric.calc_check_digit(value)
    with pytest.raises(ValueError, match=needle):
        validate_resident_id(value)


def test_masking_hides_birth_date_and_sequence() -> None:
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert "19491231" not in mask_id("11010519491231002X")


@pytest.mark.parametrize("code", ["140105", "110000"])
def test_region_codes(code: str) -> None:
    assert validate_region_code(code) == code


@pytest.mark.parametrize("code", ["14010", "1401055", "abcdef", "040105", ""])
def test_bad_region_codes(code: str) -> None:
    with pytest.raises(ValueError, match="6位"):
        validate_region_code(code)


class M(BaseModel):
    amount: Amount
    balance: Balance | None = None
    uscc: USCC | None = None
    rid: ResidentId | None = None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12000", "12000.00"), ("0.01", "0.01"), (Decimal("12000"), "12000.00"), ("1.5", "1.50"), ("0.1", "0.10")],
)
def test_amounts_are_exact(raw: object, expected: str) -> None:
    m = M(amount=raw)
    assert m.amount == Decimal(expected)
    assert m.model_dump(mode="json")["amount"] == expected


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ("0", "大于零"),
        ("-1", "大于零"),
        ("1.001", "两位小数"),
        (12000, "字符串"),
        (0.1, "字符串"),
        ("abc", "格式"),
        ("NaN", "格式"),
        (True, "格式"),
        ("10000000000", "范围"),
    ],
)
def test_bad_amounts(raw: object, needle: str) -> None:
    with pytest.raises(ValidationError, match=needle):
        M(amount=raw)


def test_balance_may_be_zero_but_amount_not() -> None:
    assert M(amount="1", balance="0").balance == Decimal("0.00")
    assert parse_amount("0", allow_zero=True) == Decimal("0.00")
    with pytest.raises(ValueError):
        parse_amount("0")
