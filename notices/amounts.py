"""Amounts in Chinese financial uppercase (大写), yuan with thousands separators, and zh dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def _group(n: int) -> str:
    """0 < n < 10000, with inner zeros read once (1005 → 壹仟零伍)."""
    out, zero = "", False
    for pos in range(3, -1, -1):
        digit = n // 10**pos % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _UNITS[pos]
    return out


def _integer(n: int) -> str:
    groups: list[int] = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    if len(groups) > len(_GROUPS):
        raise ValueError("amount too large")
    out, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        g = groups[index]
        if g == 0:
            gap = bool(out)
            continue
        if out and (gap or g < 1000):
            out += "零"
        out += _group(g) + _GROUPS[index]
        gap = False
    return out


def _fen(amount: Decimal) -> int:
    if amount < 0:
        raise ValueError("amount must not be negative")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError("amount has more than two decimal places")
    return int(fen)


def amount_in_words(amount: Decimal) -> str:
    """人民币大写 as on bank forms: 123456.00 → 壹拾贰万叁仟肆佰伍拾陆元整, 1005.50 → 壹仟零伍元伍角."""
    total = _fen(amount)
    yuan, jiao, fen = total // 100, total // 10 % 10, total % 10
    if total == 0:
        return "零元整"
    out = _integer(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return out + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif yuan:
        out += "零"
    if fen:
        out += _DIGITS[fen] + "分"
    return out


def format_yuan(amount: Decimal) -> str:
    total = _fen(amount)
    return f"{total // 100:,}.{total % 100:02d}"


def zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
