"""Money as exact yuan with two decimal places (fen); never float.

Amounts travel as decimal strings ("12000.00") in JSON and Temporal payloads so that
no binary floating point ever touches a worker's wages.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

FEN = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # 百亿以下: far above any wage claim, below Numeric(14, 2)


def parse_amount(value: Any, *, allow_zero: bool = False) -> Decimal:
    """Parse a yuan amount exactly; reject floats' rounding, negatives and sub-fen digits."""
    if isinstance(value, bool):
        raise ValueError("金额格式不正确")
    if isinstance(value, float):
        value = repr(value)  # shortest round-trip text, e.g. 12000.5 -> "12000.5"
    if isinstance(value, (int, str, Decimal)):
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError("金额格式不正确，应为数字，例如 12000.00") from None
    else:
        raise ValueError("金额格式不正确，应为数字，例如 12000.00")
    if not amount.is_finite():
        raise ValueError("金额格式不正确")
    if amount != amount.quantize(FEN, rounding=ROUND_HALF_UP):
        raise ValueError("金额最多保留两位小数（精确到分）")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValueError("金额必须大于零")
    if amount > MAX_AMOUNT:
        raise ValueError("金额超出允许范围")
    return amount.quantize(FEN)


def format_amount(value: Decimal) -> str:
    return f"{value.quantize(FEN):.2f}"


def _positive(value: Any) -> Decimal:
    return parse_amount(value)


def _non_negative(value: Any) -> Decimal:
    return parse_amount(value, allow_zero=True)


_SCHEMA = WithJsonSchema({"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "examples": ["12000.00"]})
_SERIALIZER = PlainSerializer(format_amount, return_type=str)

Amount = Annotated[Decimal, BeforeValidator(_positive), _SERIALIZER, _SCHEMA]
"""An amount owed or paid: > 0, at most 2 decimal places."""

Balance = Annotated[Decimal, BeforeValidator(_non_negative), _SERIALIZER, _SCHEMA]
"""A running total that may be zero (paid, outstanding)."""

ZERO = Decimal("0.00")
