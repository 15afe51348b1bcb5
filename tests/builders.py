"""Builders for valid identifiers and intake bodies (check characters computed, not copied)."""

from __future__ import annotations

from typing import Any

from bench._builders import intake_body as bench_intake_body
from bench._builders import make_id, make_uscc

__all__ = ["FICTITIOUS_2099", "intake_body", "make_id", "make_uscc"]


def intake_body(workers: int = 2, region: str = "140105", **overrides: Any) -> dict[str, Any]:
    """The benchmarks' valid intake (received two hours ago, so no deadline of a fresh case has passed
    whatever day the tests run), with ``overrides`` applied."""
    body = bench_intake_body(workers, region)
    body.update(overrides)
    return body


# A year no release of chinesecalendar will know; the schedule is fictitious (测试用，非官方).
FICTITIOUS_2099 = {
    "year": 2099,
    "source": "测试用虚构安排（非官方）",
    "holidays": [{"name": "元旦", "dates": ["2099-01-01"]}],
    "workdays": [],
}
