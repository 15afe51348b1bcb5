"""人民币大写 as on bank forms, yuan with separators, zh dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from notices.amounts import amount_in_words, format_yuan, zh_date


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("123456.00", "壹拾贰万叁仟肆佰伍拾陆元整"),
        ("1005.50", "壹仟零伍元伍角"),
        ("0.05", "伍分"),
        ("0.01", "壹分"),
        ("0.50", "伍角"),
        ("0.10", "壹角"),
        ("0.00", "零元整"),
        ("1", "壹元整"),
        ("1.00", "壹元整"),
        ("10", "壹拾元整"),
        ("10.01", "壹拾元零壹分"),
        ("100.20", "壹佰元贰角"),
        ("10000000.01", "壹仟万元零壹分"),
        ("10000", "壹万元整"),
        ("10005", "壹万零伍元整"),
        ("100000", "壹拾万元整"),
        ("100100", "壹拾万零壹佰元整"),
        ("110000", "壹拾壹万元整"),
        ("1000010", "壹佰万零壹拾元整"),
        ("10100000", "壹仟零壹拾万元整"),
        ("20300.40", "贰万零叁佰元肆角"),
        ("12000.35", "壹万贰仟元叁角伍分"),
        ("99999999.99", "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ("100000000", "壹亿元整"),
        ("100001000", "壹亿零壹仟元整"),
        ("110000000", "壹亿壹仟万元整"),
        ("200000001", "贰亿零壹元整"),
        ("201000000", "贰亿零壹佰万元整"),
        ("101010101.01", "壹亿零壹佰零壹万零壹佰零壹元零壹分"),
        ("9999999999.99", "玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ("1000000000000", "壹万亿元整"),
        ("1234500000000", "壹万贰仟叁佰肆拾伍亿元整"),
    ],
)
def test_amount_in_words(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize("bad", ["-1", "-0.01", "0.001", "1.005", "NaN", "Infinity", "-Infinity"])
def test_bad_amounts_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        amount_in_words(Decimal(bad))
    with pytest.raises(ValueError):
        format_yuan(Decimal(bad))


def test_trailing_zeros_beyond_fen_are_exact_not_sub_fen() -> None:
    assert amount_in_words(Decimal("12.5000")) == "壹拾贰元伍角"


def test_format_yuan() -> None:
    assert format_yuan(Decimal("123456")) == "123,456.00"
    assert format_yuan(Decimal("1234567.8")) == "1,234,567.80"
    assert format_yuan(Decimal("0.05")) == "0.05"
    assert format_yuan(Decimal("999.99")) == "999.99"


def test_zh_date() -> None:
    assert zh_date(date(2026, 11, 22)) == "2026年11月22日"
    assert zh_date(date(2026, 1, 5)) == "2026年1月5日"
