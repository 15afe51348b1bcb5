"""Amounts in Chinese financial uppercase (大写), yuan with thousands separators, and zh dates.

Notices print every amount twice, in figures and in 大写, because uppercase numerals cannot be
altered with a stroke of the pen; both must come from the same exact Decimal, never a float.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from models.clock import to_shanghai

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_WAN = 10**4
_YI = 10**8
_FEN = Decimal("0.01")


def _below_wan(n: int) -> str:
    """0 < n < 10000; a run of inner zeros is read as one 零 (1005 → 壹仟零伍)."""
    out, pending_zero = "", False
    for pos in range(3, -1, -1):
        digit = n // 10**pos % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += _DIGITS[digit] + _UNITS[pos]
    return out


def _integer(n: int) -> str:
    """n > 0, grouped by 亿 then 万 (so 1,2345,0000,0000 reads 壹万贰仟叁佰肆拾伍亿, not 壹万亿…)."""
    for size, unit in ((_YI, "亿"), (_WAN, "万")):
        if n >= size:
            high, low = divmod(n, size)
            out = _integer(high) + unit
            if low:
                # a missing leading digit in the lower part is read as 零: 10005 → 壹万零伍
                out += ("零" if low < size // 10 else "") + _integer(low)
            return out
    return _below_wan(n)


def _to_fen(amount: Decimal) -> int:
    """Whole fen, exactly; negative, non-finite and sub-fen amounts are refused, not rounded."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError("金额格式不正确")
    if amount < 0:
        raise ValueError("金额不能为负数")
    fen = amount.scaleb(2)
    if fen != fen.to_integral_value():
        raise ValueError("金额最多保留两位小数（精确到分）")
    return int(fen)


def amount_in_words(amount: Decimal) -> str:
    """人民币大写 as on bank forms (支付结算办法): 123456.00 → 壹拾贰万叁仟肆佰伍拾陆元整,
    1005.50 → 壹仟零伍元伍角, 10000000.01 → 壹仟万元零壹分, 0.05 → 伍分."""
    total = _to_fen(amount)
    if total == 0:
        return "零元整"
    yuan, rest = divmod(total, 100)
    jiao, fen = divmod(rest, 10)
    out = _integer(yuan) + "元" if yuan else ""
    if rest == 0:
        return out + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif yuan:
        out += "零"  # 元 kept, the missing 角 read as 零: 壹仟万元零壹分
    if fen:
        out += _DIGITS[fen] + "分"
    return out


def compensation_on(wages: Decimal, rate: Decimal) -> Decimal:
    """加付赔偿金 on ``wages`` at ``rate`` of them (0.50 for 50%), to the fen, half up, exactly as the
    decision's lines are computed: 11000.00 × 0.50 = 5500.00, 333.33 × 0.75 = 249.9975 → 250.00."""
    if not all(isinstance(v, Decimal) and v.is_finite() and v >= 0 for v in (wages, rate)):
        raise ValueError("工资金额和加付赔偿金比例应为非负的有限数")
    return (wages * rate).quantize(_FEN, rounding=ROUND_HALF_UP)


def format_yuan(amount: Decimal) -> str:
    """Figures with thousands separators and always two decimals: 123456 → 123,456.00."""
    total = _to_fen(amount)
    return f"{total // 100:,}.{total % 100:02d}"


def zh_date(d: date) -> str:
    """Dates as GB/T 9704-2012 writes them in the body and under the signature: 2026年11月22日."""
    return f"{d.year}年{d.month}月{d.day}日"


def zh_datetime(moment: datetime) -> str:
    """A moment in Shanghai time as a 送达回证 records it: 2026年11月23日10时05分."""
    local = to_shanghai(moment)
    return f"{zh_date(local.date())}{local.hour}时{local.minute:02d}分"
