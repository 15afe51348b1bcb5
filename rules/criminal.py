"""When unpaid wages are "large" (数额较大) for the crime of refusing to pay them (刑法 art. 276-1): the SPC
interpretation (法释〔2013〕3号) art. 3 sets national ranges, and each province's high court fixes its own
figures inside them. The blacklist (人社部令第45号 art. 5) and the criminal referral both test it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from models.case import WorkerState
from models.enforcement import ONE_WORKER_RANGE, TEN_WORKERS_RANGE, CriminalThreshold
from rules.clear import add_months

MONTHS = 3
WORKERS = 10


@dataclass(frozen=True)
class Shipped:
    threshold: CriminalThreshold
    source: str


SHIPPED: dict[str, Shipped] = {
    "21": Shipped(
        CriminalThreshold(one_worker=Decimal("10000"), ten_workers=Decimal("50000")),
        "辽宁省高级人民法院、辽宁省人民检察院、辽宁省公安厅《关于办理拒不支付劳动报酬刑事案件数额标准的通知》"
        "（2013年5月28日）",
    ),
    "41": Shipped(
        CriminalThreshold(one_worker=Decimal("8000"), ten_workers=Decimal("40000")),
        "河南省高级人民法院《关于我省拒不支付劳动报酬犯罪数额认定标准的规定》",
    ),
    "43": Shipped(
        CriminalThreshold(one_worker=Decimal("6000"), ten_workers=Decimal("40000")),
        "湖南省高级人民法院《关于审理拒不支付劳动报酬刑事案件执行数额标准的规定》（2014年1月1日起施行）",
    ),
    "52": Shipped(
        CriminalThreshold(one_worker=Decimal("10000"), ten_workers=Decimal("50000")),
        "贵州省高级人民法院《关于对我省拒不支付劳动报酬犯罪数额认定标准的规定》（黔高法〔2013〕230号）",
    ),
}
"""Provincial figures shipped with their public sources, by region-code prefix. Shanxi (14) is not among
them: no public source for its figures was at hand; a bureau there configures them (until then the national
floor below applies, with a warning)."""

NATIONAL_FLOOR = CriminalThreshold(one_worker=ONE_WORKER_RANGE[0], ten_workers=TEN_WORKERS_RANGE[0])
"""For a province whose figures are not configured: the lowest the interpretation allows, so that no case
that may be large is turned away; the decision stays the head's and the police's."""


def threshold_for(region_code: str, configured: dict[str, CriminalThreshold]) -> tuple[CriminalThreshold, bool]:
    """The figures for a region (longest prefix, configured over shipped) and whether they are the province's
    own (False: the national floor)."""
    known = {prefix: s.threshold for prefix, s in SHIPPED.items()} | configured
    matches = [prefix for prefix in known if region_code.startswith(prefix)]
    if not matches:
        return NATIONAL_FLOOR, False
    return known[max(matches, key=len)], True


def _months_unpaid(worker: WorkerState) -> bool:
    """Wages withheld for 3 months or more: the arrears span at least three calendar months."""
    return add_months(worker.owed_from, MONTHS) <= worker.owed_to + timedelta(days=1)


def amount_is_large(workers: list[WorkerState], threshold: CriminalThreshold) -> bool:
    """Art. 3: one worker owed 3 months or more at or above the one-worker figure, or 10 or more workers owed
    in total at or above the ten-workers figure (outstanding wages, after payments)."""
    owed = [w for w in workers if w.outstanding > 0]
    if any(_months_unpaid(w) and w.outstanding >= threshold.one_worker for w in owed):
        return True
    return len(owed) >= WORKERS and sum((w.outstanding for w in owed), Decimal("0")) >= threshold.ten_workers
