"""Money as exact yuan with two decimal places (fen); never float.

Amounts travel as decimal strings ("12000.00") in JSON and Temporal payloads so that
no binary floating point ever touches a worker's wages.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

FEN = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # 百亿以下: far above any wage claim, below Numeric(14, 2)
AMOUNT_PATTERN = r"^[0-9]+(\.[0-9]{1,2})?$"
"""The one accepted text form: ASCII digits, optionally a point and one or two digits (no sign,
exponent, separator, space, full-width digit, NaN or Infinity)."""

_AMOUNT_RE = re.compile(AMOUNT_PATTERN)
_TOO_PRECISE_RE = re.compile(r"^[0-9]+\.[0-9]{3,}$")
_EXAMPLE = '例如 "12000.00"'


def parse_amount(value: Any, *, allow_zero: bool = False) -> Decimal:
    """Parse a yuan amount exactly.

    From outside (JSON) only a string in exactly the documented form is accepted; a JSON number is
    refused (floats round, and 1e9 or 12000 are not what the contract says). Code may pass a
    ``Decimal`` (the workflow builds totals from them); the same range rules apply to both.
    """
    if isinstance(value, Decimal):
        amount = value
        if not amount.is_finite():
            raise ValueError(f"金额格式不正确，{_EXAMPLE}")
        if amount != amount.quantize(FEN, rounding=ROUND_HALF_UP):
            raise ValueError("金额最多保留两位小数（精确到分）")
    elif isinstance(value, str):
        if not _AMOUNT_RE.fullmatch(value):
            raise ValueError(_format_problem(value, allow_zero=allow_zero))
        amount = Decimal(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f"金额应为字符串（用引号括起），{_EXAMPLE}，不接受 JSON 数字")
    else:
        raise ValueError(f"金额格式不正确，应为字符串，{_EXAMPLE}")
    if amount < 0:
        raise ValueError("金额不能为负数" if allow_zero else "金额必须大于零")
    if amount == 0 and not allow_zero:
        raise ValueError("金额必须大于零")
    if amount > MAX_AMOUNT:
        raise ValueError("金额超出允许范围（不超过 9999999999.99 元）")
    return amount.quantize(FEN)


def _format_problem(text: str, *, allow_zero: bool) -> str:
    if _TOO_PRECISE_RE.fullmatch(text):
        return "金额最多保留两位小数（精确到分）"
    if text.startswith("-"):
        return "金额不能为负数，也不带负号" if allow_zero else "金额必须大于零，且不带负号"
    if text.startswith("+"):
        return f"金额不能带正负号，{_EXAMPLE}"
    if text != text.strip() or " " in text:
        return f"金额中不能有空格或换行，{_EXAMPLE}"
    return f"金额格式不正确：只能用半角数字和小数点（不用指数、千位分隔符或全角数字），{_EXAMPLE}"


def format_amount(value: Decimal) -> str:
    return f"{value.quantize(FEN):.2f}"


def _positive(value: Any) -> Decimal:
    return parse_amount(value)


def _non_negative(value: Any) -> Decimal:
    return parse_amount(value, allow_zero=True)


_SCHEMA = WithJsonSchema({"type": "string", "pattern": AMOUNT_PATTERN, "examples": ["12000.00"]})
_SERIALIZER = PlainSerializer(format_amount, return_type=str)

Amount = Annotated[Decimal, BeforeValidator(_positive), _SERIALIZER, _SCHEMA]
"""An amount owed or paid: > 0, at most 2 decimal places."""

Balance = Annotated[Decimal, BeforeValidator(_non_negative), _SERIALIZER, _SCHEMA]
"""A running total that may be zero (paid, outstanding)."""

ZERO = Decimal("0.00")
