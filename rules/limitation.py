"""The two-year limit on investigating a violation (劳动保障监察条例 art. 20).

A violation not discovered, reported or complained of within two years is no longer investigated;
the two years run from the day the violation happened or, for a continuing violation, from the day
it ended. For wage arrears the violation ends with the last day of the unpaid period (``owed_to``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from models.case import Limitation

LIMIT_YEARS = 2


def years_after(day: date, years: int) -> date:
    """The same calendar date ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def limitation(received: date, owed_to: Iterable[date]) -> Limitation:
    """Whether the complaint came in time: barred only if every worker's arrears ended over two years ago."""
    ends = list(owed_to)
    if not ends:
        raise ValueError("a complaint names at least one worker")
    ended = max(ends)
    limit = years_after(ended, LIMIT_YEARS)
    barred = sum(1 for e in ends if received > years_after(e, LIMIT_YEARS))
    return Limitation(violation_ended=ended, limit_ends=limit, time_barred=received > limit, barred_workers=barred)
