"""数额较大 without a server: configured figures must lie in the national ranges; the province's own figures
(longest prefix, configured over shipped) or the national floor; one worker for three months or more, or
ten workers in total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from config.settings import Settings
from models.case import WorkerState
from models.enforcement import CriminalThreshold
from rules.criminal import NATIONAL_FLOOR, SHIPPED, amount_is_large, threshold_for

LIAONING = CriminalThreshold(one_worker=Decimal("10000"), ten_workers=Decimal("50000"))


def worker(owed: str, start: date = date(2026, 1, 1), end: date = date(2026, 3, 31)) -> WorkerState:
    return WorkerState(name="张三", id_number="x", claimed_amount=Decimal(owed), owed_from=start, owed_to=end)


def test_figures_outside_the_national_ranges_are_refused_with_the_reason() -> None:
    with pytest.raises(ValidationError, match="5,000 至 20,000"):
        CriminalThreshold(one_worker=Decimal("4999"), ten_workers=Decimal("40000"))
    with pytest.raises(ValidationError, match="30,000 至 100,000"):
        CriminalThreshold(one_worker=Decimal("6000"), ten_workers=Decimal("100001"))
    with pytest.raises(ValidationError):
        Settings(criminal_thresholds={"14": {"one_worker": "25000", "ten_workers": "50000"}})


def test_shipped_figures_and_their_sources() -> None:
    assert SHIPPED["21"].threshold == LIAONING and "辽宁省高级人民法院" in SHIPPED["21"].source
    assert SHIPPED["43"].threshold == CriminalThreshold(one_worker=Decimal("6000"), ten_workers=Decimal("40000"))
    assert threshold_for("210102", {}) == (LIAONING, True)
    assert threshold_for("140105", {}) == (NATIONAL_FLOOR, False)  # Shanxi: not shipped, the floor
    shanxi = CriminalThreshold(one_worker=Decimal("8000"), ten_workers=Decimal("40000"))
    assert threshold_for("140105", {"14": shanxi}) == (shanxi, True)
    assert threshold_for("210102", {"2101": shanxi})[0] == shanxi  # the longer prefix wins


def test_one_worker_three_months_at_the_figure() -> None:
    assert amount_is_large([worker("10000")], LIAONING)  # Jan 1 – Mar 31: three months
    assert not amount_is_large([worker("9999.99")], LIAONING)
    assert not amount_is_large([worker("15000", end=date(2026, 3, 30))], LIAONING)  # one day short of 3 months


def test_ten_workers_in_total() -> None:
    short = [worker("5000", end=date(2026, 1, 31)) for _ in range(10)]
    assert amount_is_large(short, LIAONING)  # 50,000 across ten, each for one month
    assert not amount_is_large(short[:9], LIAONING)
    paid = [w.model_copy(update={"paid_amount": Decimal("1")}) if i == 0 else w for i, w in enumerate(short)]
    assert not amount_is_large(paid, LIAONING)  # outstanding counts: 49,999
